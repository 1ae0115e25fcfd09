import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateStandardSecret, signSync } from "@relais/webhook-verify/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReceiver } from "./server.js";

const secret = generateStandardSecret();
const paymentSucceeded = JSON.stringify({
  id: "evt_1",
  object: "event",
  type: "payment.succeeded",
  data: { amount: 4200, currency: "EUR" },
  livemode: false,
  created_at: "2025-01-01T00:00:00Z",
});

let server: Server;
let endpoint: string;
let logLines: string[];

beforeEach(async () => {
  logLines = [];
  const app = createReceiver({ secret, log: (line) => logLines.push(line) });
  server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", (error) => (error ? reject(error) : resolve(listening)));
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/relais`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function deliver(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(endpoint, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

async function expectProblem(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(await response.json()).toMatchObject({ status: 400, code });
}

describe("createReceiver", () => {
  it("accepts a signed delivery and logs the event", async () => {
    const headers = signSync({ scheme: "standard", payload: paymentSucceeded, secret, id: "msg_first" });

    const response = await deliver(paymentSucceeded, headers);

    expect(response.status).toBe(204);
    expect(logLines).toEqual(["received evt_1 payment.succeeded (webhook-id msg_first)"]);
  });

  it("answers a redelivery with 2xx but processes it only once", async () => {
    const headers = signSync({ scheme: "standard", payload: paymentSucceeded, secret, id: "msg_twice" });

    const first = await deliver(paymentSucceeded, headers);
    const second = await deliver(paymentSucceeded, headers);

    expect([first.status, second.status]).toEqual([204, 204]);
    expect(logLines).toEqual([
      "received evt_1 payment.succeeded (webhook-id msg_twice)",
      "duplicate msg_twice ignored",
    ]);
  });

  it("rejects a delivery signed with another secret as invalid_signature", async () => {
    const headers = signSync({ scheme: "standard", payload: paymentSucceeded, secret: generateStandardSecret() });

    await expectProblem(await deliver(paymentSucceeded, headers), "invalid_signature");
    expect(logLines).toEqual([]);
  });

  it("rejects a tampered body as invalid_signature", async () => {
    const headers = signSync({ scheme: "standard", payload: paymentSucceeded, secret });

    await expectProblem(await deliver(paymentSucceeded.replace("4200", "1"), headers), "invalid_signature");
    expect(logLines).toEqual([]);
  });

  it("rejects an authentic but stale delivery as timestamp_too_old", async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const headers = signSync({ scheme: "standard", payload: paymentSucceeded, secret, timestamp: tenMinutesAgo });

    await expectProblem(await deliver(paymentSucceeded, headers), "timestamp_too_old");
    expect(logLines).toEqual([]);
  });
});
