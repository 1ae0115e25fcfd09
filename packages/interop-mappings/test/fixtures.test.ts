import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { parse, stringify } from "lossless-json";
import { describe, expect, it } from "vitest";
import {
  InteropError,
  type Mapping,
  type NormalizedEventType,
  type NormalizeInput,
  normalize,
  normalizedEventSchema,
} from "../src/index.js";

// Each case is three files: <name>.json (the body as the platform sends it),
// <name>.input.json (platform, topic, headers, shop; a mapping file name for custom
// sources) and <name>.expected.json (the NormalizedEvent, without `raw`).
const root = new URL("./fixtures/", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

const cases = readdirSync(root).flatMap((platform) =>
  readdirSync(new URL(`${platform}/`, root))
    .filter((file) => file.endsWith(".input.json"))
    .map((file) => {
      const name = `${platform}/${file.slice(0, -".input.json".length)}`;
      const { mapping, ...input } = JSON.parse(read(`${name}.input.json`)) as Omit<NormalizeInput, "body" | "mapping"> & {
        mapping?: string;
      };
      return {
        name,
        platform,
        body: read(`${name}.json`),
        input: mapping === undefined ? input : { ...input, mapping: JSON.parse(read(`${platform}/${mapping}`)) as Mapping },
        expected: JSON.parse(read(`${name}.expected.json`)) as Record<string, unknown>,
      };
    }),
);

describe("platform fixtures", () => {
  it.each(cases)("$name normalizes to its expected event", ({ input, body, expected }) => {
    const { raw, ...event } = normalize({ ...input, body });
    expect(event).toEqual(expected);
    expect(normalizedEventSchema.safeParse({ ...event, raw }).success).toBe(true);
  });

  it.each(cases)("$name keeps the body exactly in raw and is stable", ({ input, body }) => {
    const event = normalize({ ...input, body });
    // Re-serialized losslessly, raw is the body itself: ids beyond 2^53 included.
    expect(stringify(event.raw)).toBe(stringify(parse(body)));
    expect(normalize({ ...input, body }).id).toBe(event.id);
    expect(normalize({ ...input, body: new TextEncoder().encode(body) })).toEqual(event);
  });

  it("covers orders, payments, refunds and subscriptions of every platform", () => {
    const seen = (platform: string) => new Set(cases.filter((c) => c.platform === platform).map((c) => c.expected.type));
    const core: NormalizedEventType[] = ["order.created", "order.cancelled", "payment.succeeded", "refund.issued"];
    for (const platform of ["shopify", "woocommerce", "prestashop", "magento"]) {
      expect([...seen(platform)]).toEqual(expect.arrayContaining(core));
    }
    for (const platform of ["shopify", "woocommerce"]) {
      expect([...seen(platform)]).toEqual(expect.arrayContaining(["subscription.created"]));
    }
    expect([...seen("shopify")]).toContain("checkout.created");
    expect([...seen("woocommerce")]).toEqual(expect.arrayContaining(["payment.failed", "order.updated", "subscription.cancelled"]));
    expect([...seen("prestashop")]).toEqual(expect.arrayContaining(["payment.failed", "order.updated"]));
  });

  it.each(cases)("$name survives any one field replaced by arbitrary JSON", ({ input, body }) => {
    const leaves = (value: unknown, path: (string | number)[] = []): (string | number)[][] =>
      typeof value === "object" && value !== null
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]))
        : [path];
    const parsed = JSON.parse(body) as unknown;
    const paths = leaves(parsed).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, replacement) => {
        const mutated = structuredClone(parsed) as Record<string | number, unknown>;
        let parent = mutated;
        for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
        parent[path.at(-1) as string | number] = replacement;
        try {
          normalizedEventSchema.parse(normalize({ ...input, body: JSON.stringify(mutated) }));
        } catch (error) {
          if (!(error instanceof InteropError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });
});
