import { describe, expect, it } from "vitest";
import { InteropError } from "../errors.js";
import { applyMapping } from "../normalize.js";
import type { Mapping, MappingRule } from "./types.js";

const base: MappingRule = {
  type: { const: "payment.succeeded" },
  external_id: "$.id",
  occurred_at: "$.at",
  revision: ["$.version"],
};

function run(rule: Partial<MappingRule>, body: Record<string, unknown>) {
  const mapping: Mapping = { version: 1, platform: "custom", topics: { sale: { ...base, ...rule } } };
  return applyMapping(mapping, { topic: "sale", body: { id: "s1", at: "2024-01-02T03:04:05Z", version: 1, ...body } });
}

function errorOf(run: () => unknown): InteropError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InteropError);
    return error as InteropError;
  }
  throw new Error("expected an InteropError");
}

describe("mapping expressions", () => {
  it("reads paths, constants and upper-cased values", () => {
    const event = run(
      { order: { id: "$.order.ref", status: { upper: "$.order.state" }, number: { const: "N-1" } } },
      { order: { ref: 77, state: "paid" } },
    );
    expect(event.order).toEqual({ id: "77", status: "PAID", number: "N-1" });
  });

  it("selects the type with a lookup, warning when the default is used", () => {
    const type = { lookup: "$.state", table: { paid: "payment.succeeded", void: "order.cancelled" }, default: "order.updated" };
    expect(run({ type }, { state: "void" })).toMatchObject({ type: "order.cancelled", warnings: [] });
    expect(run({ type }, { state: 3 })).toMatchObject({
      type: "order.updated",
      warnings: ['lookup: unmapped value "3" at $.state; used "order.updated"'],
    });
  });

  it("fails on a value outside a lookup without default", () => {
    const error = errorOf(() => run({ type: { lookup: "$.state", table: { paid: "payment.succeeded" } } }, { state: "x" }));
    expect([error.code, error.path]).toEqual(["invalid_field", "$.state"]);
  });

  it("takes the first present value of a coalesce and warns when asked to", () => {
    const email = { coalesce: ["$.email", "$.customer.email"], warn: "email taken from the customer" };
    const withFallback = run({ order: { id: "$.id", customer_email: email } }, { email: "", customer: { email: "c@x.test" } });
    expect(withFallback.order?.customer_email).toBe("c@x.test");
    expect(withFallback.warnings).toEqual(["email taken from the customer"]);
    const direct = run({ order: { id: "$.id", customer_email: email } }, { email: "a@x.test" });
    expect([direct.order?.customer_email, direct.warnings]).toEqual(["a@x.test", []]);
  });

  it("reads dates in a zone given by the payload, and says when it is missing", () => {
    const occurred_at = { date: "$.local", zone: "$.tz" };
    expect(run({ occurred_at }, { local: "2024-07-15 10:30:00", tz: "Europe/Paris" }).occurred_at).toBe("2024-07-15T08:30:00.000Z");
    const noZone = run({ occurred_at }, { local: "2024-07-15 10:30:00" });
    expect(noZone.occurred_at).toBe("2024-07-15T10:30:00.000Z");
    expect(noZone.warnings).toEqual(["date: no time zone at $.tz; $.local read as UTC"]);
  });

  it("sums a list of amounts exactly and negates sources that write refunds as negative", () => {
    expect(run({ amount: { money: ["$.a", "$.b"], currency: "$.c" } }, { a: "0.10", b: 0.2, c: "eur" }).amount).toEqual({
      value: 30,
      currency: "EUR",
    });
    expect(run({ amount: { money: "$.a", currency: { const: "JPY" }, negate: true } }, { a: "-1500" }).amount).toEqual({
      value: 1500,
      currency: "JPY",
    });
  });

  it("falls back between money expressions with coalesce", () => {
    const amount = { coalesce: [{ money: "$.net", currency: "$.c" }, { money: "$.gross", currency: "$.c" }] };
    expect(run({ amount }, { gross: "5.00", c: "USD" }).amount).toEqual({ value: 500, currency: "USD" });
  });

  it("uses the refund amount as the event amount for refunds", () => {
    const event = run(
      {
        type: { const: "refund.issued" },
        amount: { money: "$.order_total", currency: "$.c" },
        refund: { id: "$.rid", order_id: "$.oid", amount: { money: "$.refunded", currency: "$.c" } },
      },
      { order_total: "50.00", refunded: "12.50", c: "EUR", rid: 9, oid: 8 },
    );
    expect(event.amount).toEqual({ value: 1250, currency: "EUR" });
    expect(event.refund).toEqual({ id: "9", order_id: "8", amount: { value: 1250, currency: "EUR" } });
  });

  it("applies refund and subscription blocks only to events of their kind", () => {
    const rule = {
      type: { lookup: "$.kind", table: { r: "refund.issued", s: "subscription.updated", o: "order.updated" } },
      refund: { id: "$.id", order_id: "$.id", amount: { money: "$.x", currency: { const: "EUR" } } },
      subscription: { id: "$.id", status: "$.status", interval_count: "$.every" },
    } satisfies Partial<MappingRule>;
    const order = run(rule, { kind: "o" });
    expect([order.refund, order.subscription]).toEqual([undefined, undefined]);
    expect(run(rule, { kind: "s", status: "active", every: "3" }).subscription).toEqual({ id: "s1", status: "active", interval_count: 3 });
  });

  it("warns about missing optional fields but not about explicit nulls", () => {
    const rule = { order: { id: "$.id", number: "$.number", customer_email: "$.email" }, amount: { money: "$.t", currency: "$.c" } };
    expect(run(rule, { number: null, email: null, t: null }).warnings).toEqual([]);
    expect(run(rule, {}).warnings).toEqual(["order.number: missing at $.number", "order.customer_email: missing at $.email", "amount: missing at $.t"]);
  });

  it("reads @topic, @shop and headers", () => {
    const mapping: Mapping = {
      version: 1,
      platform: "custom",
      topic: "$.event",
      shop: "$.store",
      topics: { "sale.paid": { ...base, external_id: "@shop", occurred_at: "@header.x-sent-at", order: { id: "$.id", status: "@topic" } } },
    };
    const event = applyMapping(mapping, {
      body: { event: "sale.paid", store: "acme", id: 4 },
      headers: { "X-Sent-At": "2024-01-02T03:04:05Z" },
    });
    expect(event.source).toEqual({ platform: "custom", shop: "acme", topic: "sale.paid", external_id: "acme" });
    expect([event.occurred_at, event.order?.status]).toEqual(["2024-01-02T03:04:05.000Z", "sale.paid"]);
  });
});

describe("mapping errors", () => {
  it.each([
    [{ external_id: "$.nope" }, {}, "missing_field", "$.nope"],
    [{ external_id: "$.obj" }, { obj: { a: 1 } }, "invalid_field", "$.obj"],
    [{ external_id: "$.f" }, { f: 1.5 }, "invalid_field", "$.f"],
    [{ external_id: "$.big" }, { big: 2 ** 60 }, "unsafe_number", "$.big"],
    [{ type: "$.kind" }, { kind: "order.shipped" }, "invalid_field", "$.kind"],
    [{ type: "$.kind" }, {}, "missing_field", "$.kind"],
    [{ occurred_at: "$.when" }, { when: "tomorrow" }, "invalid_date", "$.when"],
    [{ amount: { money: "$.t", currency: "$.c" } }, { t: "1.00" }, "missing_field", "$.c"],
    [{ amount: { money: "$.t", currency: "$.c" } }, { t: "1.00", c: "ABC" }, "unknown_currency", "$.c"],
    [{ amount: { money: "$.t", currency: "$.c" } }, { t: "1.001", c: "EUR" }, "excess_precision", "$.t"],
    [{ amount: { money: "$.t", currency: "$.c" } }, { t: "1e2", c: "EUR" }, "invalid_amount", "$.t"],
    [{ order: { id: "$.oid" } }, {}, "missing_field", "$.oid"],
    [{ order: { id: "$.id", status: { upper: "$.s" } } }, { s: 1 }, "invalid_field", "$.s"],
    [{ subscription: { id: "$.id", status: "$.s", interval_count: "$.n" } }, { s: "a", n: "0" }, "invalid_field", "$.n"],
  ] as [Partial<MappingRule>, Record<string, unknown>, string, string][])("%j on %j is %s at %s", (rule, body, code, path) => {
    const subscription = rule.subscription ? { type: { const: "subscription.created" } } : {};
    const error = errorOf(() => run({ ...rule, ...subscription }, body));
    expect([error.code, error.path]).toEqual([code, path]);
  });
});
