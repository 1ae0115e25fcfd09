import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, configHash } from "./canonical-json.js";
import type { JsonValue } from "./json.js";

describe("canonicalJson", () => {
  it("sorts members recursively and drops whitespace", () => {
    expect(canonicalJson({ b: { d: 1, c: [3, { z: null, a: true }] }, a: "x" })).toBe(
      '{"a":"x","b":{"c":[3,{"a":true,"z":null}],"d":1}}',
    );
  });

  it("sorts keys by UTF-16 code units, as RFC 8785 does", () => {
    // The RFC 8785 section 3.2.3 example: the emoji (a surrogate pair) sorts before U+FB33.
    const value = { "\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\u{1f600}": 5, "\u0080": 6, "\u00f6": 7 };
    // Read the order off the text: JSON.parse would move the integer-like key "1" first again.
    const keys = [...canonicalJson(value).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((match) => JSON.parse(`"${match[1]}"`));
    expect(keys).toEqual(["\r", "1", "\u0080", "\u00f6", "\u20ac", "\u{1f600}", "\ufb33"]);
  });

  it("formats numbers and strings the ECMAScript way", () => {
    expect(canonicalJson([1.0, -0, 1e21, 0.000001, 1e-7, 4.5, "\u2028\"\\\n\u001f/é"])).toBe(
      '[1,0,1e+21,0.000001,1e-7,4.5,"\u2028\\"\\\\\\n\\u001f/é"]',
    );
  });

  it("gives the same text whatever the member order", () => {
    expect(canonicalJson({ a: 1, b: [1, 2] })).toBe(canonicalJson({ b: [1, 2], a: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it("refuses what JSON cannot hold", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: [Number.POSITIVE_INFINITY] })).toThrow(/\$\.a\[0\]/);
    expect(() => canonicalJson({ when: new Date(0) } as unknown as JsonValue)).toThrow(TypeError);
  });

  it("skips undefined members like JSON.stringify", () => {
    expect(canonicalJson({ a: 1, b: undefined } as unknown as JsonValue)).toBe('{"a":1}');
  });
});

describe("configHash", () => {
  const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

  it("is the SHA-256 hex of the canonical UTF-8 text", async () => {
    const config = { webhook_url: "https://shop.example/hook", retries: 3, features: { refunds: true }, label: "Café" };
    expect(await configHash(config)).toBe(sha256('{"features":{"refunds":true},"label":"Café","retries":3,"webhook_url":"https://shop.example/hook"}'));
  });

  it("does not depend on member order but does on values", async () => {
    expect(await configHash({ a: 1, b: 2 })).toBe(await configHash({ b: 2, a: 1 }));
    expect(await configHash({ a: 1, b: 2 })).not.toBe(await configHash({ a: 1, b: 3 }));
  });

  it("matches the test vectors in the protocol document", async () => {
    // Keep in sync with docs/agent-protocol.md; the PHP reference code there gives the same hashes.
    expect(await configHash({})).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    expect(await configHash({ webhook_timeout_s: 15, log_level: "info" })).toBe(
      "04e9eca0cbf45f41b819d6953feafc3879e99b3e3d93c947211fd7f140495307",
    );
    const mixed = JSON.parse('{"b":[1,{"z":true,"a":null}],"a":"Café € /","c":{},"d":[],"e":-0.5,"1":"one"}') as JsonValue;
    expect(canonicalJson(mixed)).toBe('{"1":"one","a":"Café € /","b":[1,{"a":null,"z":true}],"c":{},"d":[],"e":-0.5}');
    expect(await configHash(mixed)).toBe("99a89469191e9ead854208d6f3e2290a41258f14c1bfbdc5065927baab6fb029");
  });
});
