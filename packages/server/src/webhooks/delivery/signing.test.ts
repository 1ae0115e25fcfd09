import { randomBytes } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { sendAttempt } from "./send-attempt.js";
import { signDelivery } from "./signing.js";
import { createDeliveryAgent } from "./ssrf-guard.js";
import { startLocalReceiver } from "./testing/local-receiver.js";

// Secrets are made here, independently of the signing library, in the Standard Webhooks format.
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;
const body = JSON.stringify({ type: "payment.succeeded", data: { id: "pay_1", amount: 1999 } });

describe("signDelivery", () => {
  it("produces headers the standardwebhooks reference library verifies", () => {
    const secret = newSecret();
    const headers = signDelivery({ messageId: "msg_2fQ", payload: body, secrets: [secret] });
    expect(headers["webhook-id"]).toBe("msg_2fQ");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("matches the reference signature byte for byte at a given time", () => {
    const secret = newSecret();
    const timestamp = new Date("2025-03-01T12:00:00Z");
    const headers = signDelivery({ messageId: "msg_1", payload: body, secrets: [secret], timestamp });
    expect(headers["webhook-timestamp"]).toBe(String(timestamp.getTime() / 1000));
    expect(headers["webhook-signature"]).toBe(new Webhook(secret).sign("msg_1", timestamp, body));
    // The reference verifier rejects it as too old: the timestamp is part of what is checked.
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it("signs with both secrets during a rotation, and either one alone verifies", () => {
    const current = newSecret();
    const previous = newSecret();
    const headers = signDelivery({ messageId: "msg_rot", payload: body, secrets: [current, previous] });
    const signatures = headers["webhook-signature"].split(" ");
    expect(signatures).toHaveLength(2);
    expect(signatures.every((signature) => signature.startsWith("v1,"))).toBe(true);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it("does not verify a tampered body", () => {
    const secret = newSecret();
    const headers = signDelivery({ messageId: "msg_t", payload: body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body.replace("1999", "1"), headers)).toThrow(WebhookVerificationError);
  });

  it("refuses to sign without a secret", () => {
    expect(() => signDelivery({ messageId: "msg_x", payload: body, secrets: [] })).toThrow(TypeError);
  });
});

describe("a signed delivery end to end", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("arrives with the signing and endpoint headers, and the receiver verifies it", async () => {
    const secret = newSecret();
    const receiver = await startLocalReceiver((_request, response) => response.end("ok"));
    const agent = createDeliveryAgent({ allowPrivate: true });
    cleanups.push(() => agent.close(), () => receiver.close());

    const signing = signDelivery({ messageId: "msg_e2e", payload: body, secrets: [secret] });
    const result = await sendAttempt({
      dispatcher: agent,
      url: `${receiver.origin}/webhooks`,
      body,
      headers: { "X-Merchant-Token": "tok_42", ...signing },
    });

    expect(result.outcome).toBe("succeeded");
    const [received] = receiver.requests;
    expect(received?.headers).toMatchObject({ ...signing, "x-merchant-token": "tok_42" });
    const rawHeaders = Object.fromEntries(
      Object.entries(received?.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    expect(new Webhook(secret).verify(received?.body.toString() ?? "", rawHeaders)).toEqual(JSON.parse(body));
  });
});
