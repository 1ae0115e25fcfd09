import { describe, expect, it } from "vitest";
import { builtInMapping } from "./builtin.js";
import { mappingSchema } from "./schema.js";
import { validateMapping } from "./validate.js";

const minimal = {
  version: 1,
  platform: "custom",
  topics: { "sale.paid": { type: { const: "payment.succeeded" }, external_id: "$.id", occurred_at: "$.paid_at" } },
};

function issuesOf(input: unknown) {
  const result = validateMapping(input);
  if (result.ok) throw new Error("expected the mapping to be invalid");
  return result.issues;
}

describe("validateMapping", () => {
  it("accepts every built-in mapping", () => {
    for (const platform of ["shopify", "woocommerce", "prestashop", "magento"] as const) {
      expect(validateMapping(builtInMapping(platform))).toMatchObject({ ok: true });
    }
  });

  it("returns the typed mapping", () => {
    const result = validateMapping(minimal);
    expect(result.ok && result.mapping.topics["sale.paid"]?.external_id).toBe("$.id");
  });

  it("points at a bad path inside an expression", () => {
    const input = structuredClone(minimal);
    input.topics["sale.paid"].occurred_at = "paid_at";
    expect(issuesOf(input)).toEqual([
      { path: '$.topics["sale.paid"].occurred_at', message: 'a path starts with "$" (payload) or "@"' },
    ]);
  });

  it("points at the operand of the transform the author chose", () => {
    const input = { ...minimal, topics: { x: { ...minimal.topics["sale.paid"], external_id: { upper: 5 } } } };
    expect(issuesOf(input)).toEqual([{ path: "$.topics.x.external_id.upper", message: expect.stringContaining("expected a path") }]);
  });

  it("reports unknown keys of a transform and missing operands", () => {
    const rule = { ...minimal.topics["sale.paid"], type: { lookup: "$.state" }, external_id: { upper: "$.id", extra: 1 } };
    const issues = issuesOf({ ...minimal, topics: { x: rule } });
    expect(issues.map((i) => i.path).sort()).toEqual(["$.topics.x.external_id", "$.topics.x.type.table"]);
    expect(issues.find((i) => i.path === "$.topics.x.external_id")?.message).toMatch(/extra/);
  });

  it("checks money expressions", () => {
    const rule = { ...minimal.topics["sale.paid"], amount: { money: "$.total", currency: "$.cur", negate: "yes" } };
    expect(issuesOf({ ...minimal, topics: { x: rule } })).toEqual([
      { path: "$.topics.x.amount.negate", message: expect.stringContaining("boolean") },
    ]);
    const plain = { ...minimal.topics["sale.paid"], amount: "$.total" };
    expect(issuesOf({ ...minimal, topics: { x: plain } })[0]?.path).toBe("$.topics.x.amount");
  });

  it("rejects unknown fields, versions and platforms", () => {
    const paths = issuesOf({ ...minimal, version: 2, platform: "bigcommerce", extra: true }).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["$.version", "$.platform", "$"]));
    expect(issuesOf({ ...minimal, topics: {} })[0]?.path).toBe("$.topics");
    expect(issuesOf("not a mapping")[0]?.path).toBe("$");
  });

  it("rejects event types that do not exist", () => {
    const rule = { ...minimal.topics["sale.paid"], type: { lookup: "$.s", table: { a: "order.created", b: "order.shipped" }, default: "nope" } };
    expect(issuesOf({ ...minimal, topics: { x: rule } })).toEqual([
      { path: "$.topics.x.type.table.b", message: '"order.shipped" is not a normalized event type' },
      { path: "$.topics.x.type.default", message: '"nope" is not a normalized event type' },
    ]);
  });

  it("allows only the @names the platform provides", () => {
    const shopifyRule = { ...minimal.topics["sale.paid"], external_id: "@refund_amount", occurred_at: "@header.x-shopify-triggered-at" };
    expect(validateMapping({ ...minimal, platform: "shopify", topics: { x: shopifyRule } }).ok).toBe(true);
    expect(issuesOf({ ...minimal, topics: { x: shopifyRule } })).toEqual([
      { path: "$.topics.x.external_id", message: '"@refund_amount" is not provided for custom (available: none)' },
    ]);
    const nested = { ...minimal.topics["sale.paid"], amount: { money: ["$.a", "@refund_amout"], currency: "@currency" } };
    expect(issuesOf({ ...minimal, platform: "prestashop", topics: { x: nested } })).toEqual([
      { path: "$.topics.x.amount.money[1]", message: '"@refund_amout" is not provided for prestashop (available: @currency)' },
    ]);
  });
});

describe("mappingSchema", () => {
  it("is the structural half of validateMapping", () => {
    expect(mappingSchema.safeParse(minimal).success).toBe(true);
    expect(mappingSchema.safeParse({ ...minimal, version: 2 }).success).toBe(false);
  });
});
