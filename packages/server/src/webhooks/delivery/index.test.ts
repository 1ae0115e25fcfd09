import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import {
  createDeliveryAgent,
  matchesEventType,
  nextAttemptDelay,
  sendAttempt,
  signDelivery,
  validateWebhookUrl,
} from "./index.js";
import { startLocalReceiver } from "./testing/local-receiver.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("the delivery building blocks composed through the index", () => {
  it("route, sign, send, and schedule the retry a throttling receiver asks for", async () => {
    const secret = `whsec_${randomBytes(24).toString("base64")}`;
    let answer = 429;
    const receiver = await startLocalReceiver((request, response) => {
      // The receiver checks the signature as a merchant would, then answers as scripted.
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      new Webhook(secret).verify(request.body.toString(), headers);
      response.writeHead(answer, answer === 429 ? { "retry-after": "3600" } : {});
      response.end();
    });
    const agent = createDeliveryAgent({ allowPrivate: true });
    cleanups.push(() => agent.close(), () => receiver.close());

    const checked = validateWebhookUrl(`${receiver.origin}/hooks`, { allowPrivate: true });
    expect(checked.ok).toBe(true);
    expect(matchesEventType(["payment.*"], "payment.succeeded")).toBe(true);

    const body = JSON.stringify({ type: "payment.succeeded", data: {} });
    const attempt = async () => {
      const signing = signDelivery({ messageId: "msg_flow", payload: body, secrets: [secret] });
      return sendAttempt({ dispatcher: agent, url: `${receiver.origin}/hooks`, body, headers: signing });
    };

    const first = await attempt();
    expect(first).toMatchObject({ outcome: "failed", statusCode: 429, retryAfterMs: 3_600_000 });
    expect(nextAttemptDelay({ attemptNumber: 1, retryAfterMs: first.retryAfterMs, random: () => 0.5 })).toBe(3_600_000);

    answer = 200;
    expect(await attempt()).toMatchObject({ outcome: "succeeded", statusCode: 200 });
    expect(receiver.requests).toHaveLength(2);
  });
});
