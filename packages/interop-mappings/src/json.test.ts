import fc from "fast-check";
import { isLosslessNumber, LosslessNumber, parse as parseLossless } from "lossless-json";
import { describe, expect, it } from "vitest";
import { InteropError } from "./errors.js";
import { parseJsonBody } from "./json.js";

/** The reference: lossless-json with the same number rule, no fast paths. */
function reference(text: string): unknown {
  return parseLossless(text, null, {
    parseNumber: (t) => (/^-?\d+$/.test(t) && !Number.isSafeInteger(Number(t)) ? new LosslessNumber(t) : Number(t)),
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

describe("parseJsonBody", () => {
  it("keeps integers beyond 2^53 exact", () => {
    const parsed = parseJsonBody('{"id":5000000000000000001,"ids":[ -9007199254740993, 12],"n":9007199254740991}') as Record<
      string,
      unknown
    >;
    expect(isLosslessNumber(parsed.id) && parsed.id.value).toBe("5000000000000000001");
    expect(parsed.ids).toEqual([new LosslessNumber("-9007199254740993"), 12]);
    expect(parsed.n).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("leaves digits inside strings alone", () => {
    const text = '{"gid":"gid://shopify/Order/5000000000000000001","note":"[5000000000000000001]","id":5000000000000000001}';
    const parsed = parseJsonBody(text) as Record<string, unknown>;
    expect(parsed.gid).toBe("gid://shopify/Order/5000000000000000001");
    expect(parsed.note).toBe("[5000000000000000001]");
    expect(parsed.id).toEqual(new LosslessNumber("5000000000000000001"));
  });

  it("falls back to the lossless parser when a string looks like a value", () => {
    const text = '{"note":"a:5000000000000000001,b","id":5000000000000000002}';
    expect(parseJsonBody(text)).toEqual(reference(text));
    const escaped = '{"zero":"\\u0000x","id":5000000000000000003}';
    expect(parseJsonBody(escaped)).toEqual({ zero: "\u0000x", id: new LosslessNumber("5000000000000000003") });
  });

  it("reads fractional numbers through their JS number", () => {
    expect(parseJsonBody('{"a":0.12345678901234567890,"b":29.35}')).toEqual({ a: 0.12345678901234568, b: 29.35 });
  });

  it.each(["", "{", "{'a':1}", '{"a":1,}', "webhook_id=4", '{"id":5000000000000000001,}'])("rejects %j as invalid_json", (text) => {
    try {
      parseJsonBody(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InteropError);
      expect((error as InteropError).code).toBe("invalid_json");
    }
  });

  it("gives the same values as lossless-json for any JSON text", () => {
    const bigInt = fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map((n) => ({ big: n }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        bigInt,
        fc.constantFrom("gid://x/5000000000000000001", ":5000000000000000001,", "\u0000", true, null),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    const render = (v: unknown, pretty: boolean): string => {
      const json = JSON.stringify(v, (_key, item: unknown) => (isBig(item) ? `@@${item.big}@@` : item), pretty ? 1 : undefined);
      return json.replace(/"@@(-?\d+)@@"/g, "$1");
    };
    fc.assert(
      fc.property(value, fc.boolean(), (v, pretty) => {
        const text = render({ body: v }, pretty);
        expect(parseJsonBody(text)).toEqual(reference(text));
      }),
      { numRuns: 500 },
    );
  });
});

function isBig(value: unknown): value is { big: bigint } {
  return typeof value === "object" && value !== null && typeof (value as { big?: unknown }).big === "bigint";
}
