import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  concatBytes,
  constantTimeEqual,
  decodeBase64,
  decodeHex,
  decodeUtf8,
  encodeBase64,
  encodeHex,
  encodeUtf8,
} from "./encoding.js";

describe("base64", () => {
  it("matches Buffer's encoding and decodes its own output", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it.each([
    ["missing padding", "YWI"],
    ["a character outside the alphabet", "YW*i"],
    ["base64url characters", "-_-_"],
    ["a non-ASCII character", "YWÍi"],
    ["an impossible length", "YWJjZ"],
    ["padding in the middle", "YW==YWJj"],
    ["stray bits after the last byte", "YR=="],
    ["only padding", "===="],
  ])("rejects %s", (_reason, text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  it("decodes the empty string to no bytes", () => {
    expect(decodeBase64("")).toEqual(new Uint8Array(0));
  });
});

describe("hex", () => {
  it("matches Buffer's encoding and decodes either case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = encodeHex(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("hex"));
        expect(decodeHex(text)).toEqual(new Uint8Array(bytes));
        expect(decodeHex(text.toUpperCase())).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it.each(["abc", "zz", "0x12", "12 34"])("rejects %j", (text) => {
    expect(decodeHex(text)).toBeUndefined();
  });
});

describe("constantTimeEqual", () => {
  it("is true only for identical byte strings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});

describe("utf8 and concatenation", () => {
  it("round-trip text and join bytes in order", () => {
    const text = "{\"note\":\"Crème brûlée 🚚\"}";
    expect(decodeUtf8(encodeUtf8(text))).toBe(text);
    expect(concatBytes(encodeUtf8("a."), encodeUtf8("b"))).toEqual(encodeUtf8("a.b"));
  });
});
