import { describe, expect, it } from "vitest";
import { InteropError } from "../errors.js";
import { normalize } from "../normalize.js";

const order = {
  id: 1842,
  number: "1842",
  status: "completed",
  currency: "EUR",
  total: "29.35",
  billing: { email: "lea@example.org" },
  date_created: "2024-03-10T14:02:11",
  date_created_gmt: "2024-03-10T13:02:11",
  date_modified: "2024-03-12T17:20:00",
  date_modified_gmt: "2024-03-12T16:20:00",
  refunds: [],
};
const updated = (changes: Record<string, unknown>) =>
  normalize({ platform: "woocommerce", topic: "order.updated", shop: "boutique.example", body: { ...order, ...changes } });

describe("woocommerce orders", () => {
  it.each([
    ["completed", "payment.succeeded"],
    ["processing", "payment.succeeded"],
    ["failed", "payment.failed"],
    ["cancelled", "order.cancelled"],
    ["pending", "order.updated"],
    ["on-hold", "order.updated"],
  ])("maps status %s to %s", (status, type) => {
    expect(updated({ status })).toMatchObject({ type, warnings: [] });
  });

  it("prefers date_*_gmt and warns when only the store-local date is there", () => {
    expect(updated({}).occurred_at).toBe("2024-03-12T16:20:00.000Z");
    const local = updated({ date_modified_gmt: undefined });
    expect(local.occurred_at).toBe("2024-03-12T17:20:00.000Z");
    expect(local.warnings).toEqual(["date_modified_gmt missing: read the store-local date_modified as UTC"]);
  });

  it("reads amounts sent with the store's decimals", () => {
    expect(updated({ total: "29.350" }).amount).toEqual({ value: 2935, currency: "EUR" });
    expect(() => updated({ total: "29.355" })).toThrow(InteropError);
  });

  it("takes the newest refund line, written as a negative total", () => {
    const event = updated({
      status: "refunded",
      refunds: [
        { id: 1908, reason: "", total: "-4.35" },
        { id: 1907, reason: "Cassé", total: "-25.00" },
      ],
    });
    expect(event.refund).toEqual({ id: "1908", order_id: "1842", amount: { value: 435, currency: "EUR" } });
  });

  it("falls back to the order when a refunded order lists no refund line", () => {
    const event = updated({ status: "refunded" });
    expect(event.refund).toEqual({ id: "1842", order_id: "1842", amount: { value: 2935, currency: "EUR" } });
    expect(event.warnings).toEqual([
      "refund: no refund line, the order id stands for the refund id",
      "refund: no refund line, the order total stands for the refunded amount",
      "refund.reason: missing at $.refunds[0].reason",
    ]);
  });

  it("tells a ping from an event", () => {
    try {
      normalize({ platform: "woocommerce", body: "webhook_id=4", headers: { "X-WC-Webhook-Topic": "order.created" } });
      expect.unreachable();
    } catch (error) {
      expect((error as InteropError).code).toBe("webhook_ping");
    }
  });
});

describe("woocommerce subscriptions", () => {
  const subscription = { ...order, id: 1843, status: "on-hold", billing_period: "week", billing_interval: "2" };

  it.each([
    ["subscription.created", "active", "subscription.created"],
    ["subscription.updated", "on-hold", "subscription.updated"],
    ["subscription.updated", "cancelled", "subscription.cancelled"],
    ["subscription.switched", "active", "subscription.updated"],
    ["subscription.deleted", "trash", "subscription.cancelled"],
  ])("maps %s with status %s to %s", (topic, status, type) => {
    const event = normalize({ platform: "woocommerce", topic, body: { ...subscription, status } });
    expect(event.type).toBe(type);
    expect(event.subscription).toEqual({ id: "1843", status, interval: "week", interval_count: 2 });
  });
});
