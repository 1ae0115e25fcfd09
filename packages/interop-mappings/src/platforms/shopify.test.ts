import { describe, expect, it } from "vitest";
import { InteropError } from "../errors.js";
import { normalize } from "../normalize.js";

const refund = (transactions: unknown[], extra: Record<string, unknown> = {}) =>
  normalize({
    platform: "shopify",
    topic: "refunds/create",
    shop: "demo.myshopify.com",
    body: { id: 9, order_id: 8, created_at: "2024-03-12T10:02:11-04:00", note: null, transactions, ...extra },
  });
const tx = (amount: string, currency = "EUR", status = "success", kind = "refund") => ({ kind, status, amount, currency });

function codeAndPath(run: () => unknown): [string, string | undefined] {
  try {
    run();
  } catch (error) {
    if (error instanceof InteropError) return [error.code, error.path];
    throw error;
  }
  throw new Error("expected an InteropError");
}

describe("shopify refunds", () => {
  it("sums the successful refund transactions exactly", () => {
    const event = refund([tx("0.10"), tx("0.20"), tx("5.00", "EUR", "pending"), tx("9.99", "EUR", "success", "sale")]);
    expect(event.refund?.amount).toEqual({ value: 530, currency: "EUR" });
    expect(event.warnings).toEqual([]);
  });

  it("leaves out failed transactions and says so", () => {
    const event = refund([tx("10.00"), tx("4.00", "EUR", "error")]);
    expect(event.refund?.amount.value).toBe(1000);
    expect(event.warnings).toEqual(['refund: $.transactions[1] has status "error" and is not counted']);
  });

  it("refunds zero when no money moved, in the currency of the refunded lines", () => {
    const lines = { refund_line_items: [{ subtotal_set: { shop_money: { amount: "24.95", currency_code: "JPY" } } }] };
    expect(refund([], lines).refund?.amount).toEqual({ value: 0, currency: "JPY" });
  });

  it.each<[string, unknown[], Record<string, unknown>, [string, string | undefined]]>([
    ["mixed currencies", [tx("1.00"), tx("1.00", "USD")], {}, ["currency_mismatch", "$.transactions[1].currency"]],
    ["a transaction without currency", [{ kind: "refund", status: "success", amount: "1.00" }], {}, ["missing_field", "$.transactions[0].currency"]],
    ["a sub-cent transaction", [tx("1.001")], {}, ["excess_precision", "$.transactions[0].amount"]],
    ["no currency anywhere", [], {}, ["missing_field", "@refund_amount"]],
    ["no transactions list", [], { transactions: "none" }, ["missing_field", "@refund_amount"]],
  ])("rejects %s", (_what, transactions, extra, expected) => {
    expect(codeAndPath(() => refund(transactions, extra))).toEqual(expected);
  });
});

describe("shopify subscription contracts", () => {
  const contract = { id: 611, status: "active", revision_id: "1", billing_policy: { interval: "month", interval_count: 1 } };

  it("dates contracts with X-Shopify-Triggered-At, as the payload has no timestamp", () => {
    const headers = { "X-Shopify-Topic": "subscription_contracts/cancel", "X-Shopify-Triggered-At": "2024-05-01T10:00:00.123456Z" };
    const event = normalize({ platform: "shopify", body: { ...contract, status: "cancelled" }, headers });
    expect(event).toMatchObject({ type: "subscription.cancelled", occurred_at: "2024-05-01T10:00:00.123Z" });
    expect(event.subscription).toEqual({ id: "611", status: "cancelled", interval: "month", interval_count: 1 });
  });

  it("cannot date a contract without that header", () => {
    expect(codeAndPath(() => normalize({ platform: "shopify", topic: "subscription_contracts/create", body: contract }))).toEqual([
      "missing_field",
      "@header.x-shopify-triggered-at",
    ]);
  });
});

describe("shopify orders", () => {
  it("falls back from *_set money to total_price and currency, and between email fields", () => {
    const event = normalize({
      platform: "shopify",
      topic: "orders/updated",
      body: { id: 1, updated_at: "2024-01-01T00:00:00Z", total_price: "1500", currency: "jpy", email: "", contact_email: "c@example.com" },
    });
    expect(event.amount).toEqual({ value: 1500, currency: "JPY" });
    expect(event.order?.customer_email).toBe("c@example.com");
  });
});
