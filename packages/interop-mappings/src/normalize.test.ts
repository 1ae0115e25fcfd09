import fc from "fast-check";
import { isLosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { InteropError } from "./errors.js";
import { normalizedEventSchema } from "./event.js";
import { builtInMapping } from "./mapping/builtin.js";
import type { Mapping } from "./mapping/types.js";
import { applyMapping, type NormalizeInput, normalize } from "./normalize.js";

const shopifyOrder = {
  id: 5000000000000000001n,
  name: "#1001",
  email: "a@example.com",
  created_at: "2024-01-02T05:04:05-05:00",
  updated_at: "2024-01-02T05:06:00-05:00",
  financial_status: "paid",
  currency: "EUR",
  total_price: "29.35",
  total_price_set: { shop_money: { amount: "29.35", currency_code: "EUR" } },
};
const shopifyText = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({ ...shopifyOrder, ...changes }, (_k, v: unknown) => (typeof v === "bigint" ? `@@${v}` : v)).replace(
    /"@@(\d+)"/g,
    "$1",
  );
const paid: NormalizeInput = {
  platform: "shopify",
  body: shopifyText(),
  headers: { "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": "demo.myshopify.com" },
};

function errorOf(run: () => unknown): InteropError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InteropError);
    return error as InteropError;
  }
  throw new Error("expected an InteropError");
}

describe("normalize", () => {
  it("turns a raw Shopify body into an exact, schema-valid event", () => {
    const event = normalize(paid);
    expect(event).toMatchObject({
      type: "payment.succeeded",
      occurred_at: "2024-01-02T10:06:00.000Z",
      source: { platform: "shopify", shop: "demo.myshopify.com", topic: "orders/paid", external_id: "5000000000000000001" },
      order: { id: "5000000000000000001", number: "#1001", status: "paid", customer_email: "a@example.com" },
      amount: { value: 2935, currency: "EUR" },
      warnings: [],
    });
    expect(event.id).toMatch(/^ie_[0-9a-f]{64}$/);
    expect(normalizedEventSchema.safeParse(event).success).toBe(true);
  });

  it("keeps the parsed body untouched as raw, big ids as lossless numbers", () => {
    const raw = normalize(paid).raw as Record<string, unknown>;
    expect(isLosslessNumber(raw.id) && raw.id.value).toBe("5000000000000000001");
    expect(raw.total_price).toBe("29.35");
    const object = { ...shopifyOrder, id: "5000000000000000001" };
    expect(normalize({ ...paid, body: object }).raw).toBe(object);
  });

  it("gives the same id to the same delivery, and a new one to a new update", () => {
    const first = normalize(paid);
    expect(normalize(paid).id).toBe(first.id);
    expect(normalize({ ...paid, body: new TextEncoder().encode(shopifyText()) }).id).toBe(first.id);
    expect(normalize({ ...paid, body: new TextEncoder().encode(shopifyText()).buffer }).id).toBe(first.id);
    expect(normalize({ ...paid, body: shopifyText({ updated_at: "2024-01-02T05:07:00-05:00" }) }).id).not.toBe(first.id);
    expect(normalize({ ...paid, shop: "other.myshopify.com" }).id).not.toBe(first.id);
    expect(normalize({ ...paid, topic: "orders/updated" }).id).not.toBe(first.id);
  });

  it("reads topic and shop from explicit arguments first, then headers (any case, or Headers)", () => {
    const headers = new Headers({ "x-shopify-topic": "orders/create", "x-shopify-shop-domain": "h.myshopify.com" });
    expect(normalize({ platform: "shopify", body: shopifyText(), headers }).source).toMatchObject({
      topic: "orders/create",
      shop: "h.myshopify.com",
    });
    expect(normalize({ ...paid, topic: "orders/cancelled", shop: null }).source).toMatchObject({ topic: "orders/cancelled", shop: null });
    const woo = normalize({
      platform: "woocommerce",
      body: { id: 1, status: "processing", total: "1.00", currency: "EUR", date_modified_gmt: "2024-01-02T03:04:05" },
      headers: { "x-wc-webhook-topic": "order.updated", "X-WC-Webhook-Source": "https://shop.example/fr/" },
    });
    expect(woo.source).toMatchObject({ topic: "order.updated", shop: "shop.example/fr" });
  });

  it("accepts a body with a byte order mark", () => {
    expect(normalize({ ...paid, body: `\uFEFF${shopifyText()}` }).type).toBe("payment.succeeded");
  });

  it("lets a mapping override one topic and inherit the others", () => {
    const mapping = builtInMapping("shopify");
    mapping.topics["orders/paid"] = { ...mapping.topics["orders/paid"]!, type: { const: "order.updated" } };
    expect(normalize({ ...paid, mapping }).type).toBe("order.updated");
    expect(normalize({ ...paid, mapping, topic: "orders/cancelled" }).type).toBe("order.cancelled");
    expect(applyMapping(mapping, { body: paid.body, headers: paid.headers }).type).toBe("order.updated");
  });

  it("maps a custom source described only by a mapping", () => {
    const mapping: Mapping = {
      version: 1,
      platform: "custom",
      topic: "$.event",
      topics: {
        "sale.completed": {
          type: { const: "payment.succeeded" },
          external_id: "$.sale.id",
          occurred_at: "$.sale.paid_at",
          order: { id: "$.sale.id" },
          amount: { money: "$.sale.total", currency: "$.sale.currency" },
        },
      },
    };
    const event = normalize({
      platform: "custom",
      mapping,
      body: '{"event":"sale.completed","sale":{"id":"S-1","paid_at":"2024-05-01 12:00:00","total":"12.5","currency":"chf"}}',
    });
    expect(event).toMatchObject({ type: "payment.succeeded", source: { platform: "custom", shop: null }, amount: { value: 1250, currency: "CHF" } });
  });
});

describe("bad input", () => {
  it.each<[string, () => unknown, string, string | undefined]>([
    ["an unknown platform", () => normalize({ ...paid, platform: "bigcommerce" as "shopify" }), "unknown_platform", undefined],
    ["an unknown topic", () => normalize({ ...paid, topic: "orders/exploded" }), "unknown_topic", undefined],
    ["no topic at all", () => normalize({ platform: "shopify", body: shopifyText() }), "unknown_topic", undefined],
    ["a body that is not JSON", () => normalize({ ...paid, body: "<xml/>" }), "invalid_json", undefined],
    ["bytes that are not UTF-8", () => normalize({ ...paid, body: new Uint8Array([0x7b, 0xff, 0x7d]) }), "invalid_json", undefined],
    ["a JSON array body", () => normalize({ ...paid, body: "[1,2]" }), "invalid_body", undefined],
    ["a null body", () => normalize({ ...paid, body: null as unknown as object }), "invalid_body", undefined],
    ["a WooCommerce ping", () => normalize({ platform: "woocommerce", topic: "order.created", body: "webhook_id=12" }), "webhook_ping", undefined],
    ["a missing order id", () => normalize({ ...paid, body: shopifyText({ id: undefined }) }), "missing_field", "$.id"],
    ["an id rounded by JSON.parse", () => normalize({ ...paid, body: { ...shopifyOrder, id: 5000000000000000001 } }), "unsafe_number", "$.id"],
    [
      "an unknown currency",
      () => normalize({ ...paid, body: shopifyText({ total_price_set: { shop_money: { amount: "1.00", currency_code: "EUX" } } }) }),
      "unknown_currency",
      "$.total_price_set.shop_money.currency_code",
    ],
    [
      "an impossible amount",
      () => normalize({ ...paid, body: shopifyText({ total_price_set: { shop_money: { amount: "12,50", currency_code: "EUR" } } }) }),
      "invalid_amount",
      "$.total_price_set.shop_money.amount",
    ],
    [
      "a sub-cent amount",
      () => normalize({ ...paid, body: shopifyText({ total_price_set: { shop_money: { amount: "10.005", currency_code: "EUR" } } }) }),
      "excess_precision",
      "$.total_price_set.shop_money.amount",
    ],
    [
      "a negative amount",
      () => normalize({ ...paid, body: shopifyText({ total_price_set: { shop_money: { amount: "-1.00", currency_code: "EUR" } } }) }),
      "negative_amount",
      "$.total_price_set.shop_money.amount",
    ],
    ["a bad date", () => normalize({ ...paid, body: shopifyText({ updated_at: "31/12/2024" }) }), "invalid_date", "$.updated_at"],
    ["custom without mapping", () => normalize({ platform: "custom", topic: "x", body: {} }), "invalid_mapping", undefined],
    [
      "an invalid mapping",
      () => normalize({ ...paid, mapping: { version: 1, platform: "shopify", topics: { x: {} } } as unknown as Mapping }),
      "invalid_mapping",
      "$.topics.x.type",
    ],
    ["no input object", () => normalize(undefined as unknown as NormalizeInput), "invalid_body", undefined],
    ["a topic that is not a string", () => normalize({ ...paid, topic: 5 as unknown as string }), "unknown_topic", undefined],
    ["a shop that is not a string", () => normalize({ ...paid, shop: {} as unknown as string }), "invalid_field", undefined],
    ["a mapping that is not one", () => applyMapping(null as unknown as Mapping, { body: "{}" }), "invalid_mapping", "$"],
    ["a mapping for another platform", () => normalize({ ...paid, mapping: builtInMapping("magento") }), "invalid_mapping", "$.platform"],
  ])("rejects %s", (_what, run, code, path) => {
    const error = errorOf(run);
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
  });

  it("lists every problem of an invalid mapping", () => {
    const mapping = { version: 1, platform: "custom", topics: { x: { type: "$.t" } } } as unknown as Mapping;
    const error = errorOf(() => normalize({ platform: "custom", topic: "x", body: {}, mapping }));
    expect(error.issues.map((i) => i.path)).toEqual(["$.topics.x.external_id", "$.topics.x.occurred_at"]);
  });

  it("never throws anything but InteropError, whatever the body", () => {
    const platforms = ["shopify", "woocommerce", "prestashop", "magento"] as const;
    const topics = [...platforms.flatMap((p) => Object.keys(builtInMapping(p).topics)), "nope"];
    fc.assert(
      fc.property(fc.constantFrom(...platforms), fc.constantFrom(...topics), fc.jsonValue(), (platform, topic, value) => {
        for (const body of [JSON.stringify(value), value as object]) {
          try {
            normalizedEventSchema.parse(normalize({ platform, topic, body }));
          } catch (error) {
            if (!(error instanceof InteropError)) throw error;
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
