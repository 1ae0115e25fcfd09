import { createHmac, randomBytes } from "node:crypto";
import { WebhookVerificationError } from "@relais/webhook-verify";
import { describe, expect, it } from "vitest";
import { Relais } from "../client.js";
import { RelaisError } from "../core/errors.js";
import { API_KEY } from "../testing/mock-api.js";
import type { WebhookEvent } from "./webhooks.js";

const key = randomBytes(32);
const secret = `whsec_${key.toString("base64")}`;
const client = new Relais({ apiKey: API_KEY });

/** Signs like the Relais server does (Standard Webhooks), computed here independently. */
function signed(body: string, { id = "msg_1", at = new Date() }: { id?: string; at?: Date } = {}) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

type PaymentSucceeded = WebhookEvent<"payment.succeeded", { amount: { value: number; currency: string } }>;
const event: PaymentSucceeded = {
  id: "evt_1",
  object: "event",
  type: "payment.succeeded",
  data: { amount: { value: 1999, currency: "EUR" } },
  livemode: false,
  created_at: "2030-01-01T00:00:00Z",
};
const body = JSON.stringify(event);

describe("client.webhooks", () => {
  it("verifies a signed delivery and exposes its id, timestamp and payload", async () => {
    const at = new Date("2030-01-01T00:00:00Z");
    const webhook = await client.webhooks.verify(body, signed(body, { id: "msg_9", at }), secret, { now: at });
    expect(webhook.id).toBe("msg_9");
    expect(webhook.timestamp).toEqual(at);
    expect(webhook.payload).toBe(body);
  });

  it("constructs the typed event from a delivery with Fetch headers or a Buffer body", async () => {
    const fromHeaders = await client.webhooks.constructEvent<PaymentSucceeded>(body, new Headers(signed(body)), secret);
    expect(fromHeaders).toEqual(event);
    const fromBuffer = await client.webhooks.constructEvent(Buffer.from(body), signed(body), secret);
    expect(fromBuffer.type).toBe("payment.succeeded");
  });

  it("rejects a tampered body and a wrong secret as invalid_signature", async () => {
    const headers = signed(body);
    const tampered = body.replace("1999", "1");
    await expect(client.webhooks.constructEvent(tampered, headers, secret)).rejects.toMatchObject({ code: "invalid_signature" });
    const otherSecret = `whsec_${randomBytes(32).toString("base64")}`;
    await expect(client.webhooks.verify(body, headers, otherSecret)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it("rejects a replayed delivery outside the tolerance", async () => {
    const headers = signed(body, { at: new Date("2030-01-01T00:00:00Z") });
    await expect(
      client.webhooks.constructEvent(body, headers, secret, { now: new Date("2030-01-01T00:10:00Z") }),
    ).rejects.toMatchObject({ code: "timestamp_too_old" });
  });

  it("says so when an authentic payload is not a Relais event", async () => {
    const notJson = "plain text";
    await expect(client.webhooks.constructEvent(notJson, signed(notJson), secret)).rejects.toThrow(
      new RelaisError("Webhook msg_1 is authentic but its payload is not JSON."),
    );
    const notEvent = JSON.stringify({ hello: "world" });
    await expect(client.webhooks.constructEvent(notEvent, signed(notEvent), secret)).rejects.toThrow(
      new RelaisError("Webhook msg_1 is authentic but its payload is not a Relais event."),
    );
  });
});
