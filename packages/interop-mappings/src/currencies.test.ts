import { describe, expect, it } from "vitest";
import { CURRENCY_EXPONENTS, currencyExponent, resolveCurrency } from "./currencies.js";
import { InteropError } from "./errors.js";

describe("currency table", () => {
  it.each(["XOF", "XAF", "XPF", "JPY", "KRW", "CLP", "ISK", "UGX", "GNF", "RWF", "KMF", "VND", "BIF", "DJF", "PYG", "VUV", "UYI"])(
    "%s has no minor unit",
    (code) => expect(currencyExponent(code)).toBe(0),
  );
  it.each(["KWD", "BHD", "JOD", "OMR", "TND", "IQD", "LYD"])("%s has 3 decimals", (code) => expect(currencyExponent(code)).toBe(3));
  it.each(["CLF", "UYW"])("%s has 4 decimals", (code) => expect(currencyExponent(code)).toBe(4));

  it("gives every other active code 2 decimals", () => {
    const others = Object.entries(CURRENCY_EXPONENTS).filter(([, exponent]) => exponent !== 0 && exponent !== 3 && exponent !== 4);
    expect(others.length).toBeGreaterThan(130);
    for (const [code, exponent] of others) expect([code, exponent]).toEqual([code, 2]);
  });

  it("holds only three-letter upper-case codes", () => {
    for (const code of Object.keys(CURRENCY_EXPONENTS)) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it("upper-cases codes", () => {
    expect(resolveCurrency("eur")).toEqual({ code: "EUR", exponent: 2 });
  });

  it.each(["", "EU", "EURO", "XXX", "XAU", "HRK", "toString", "__proto__"])("rejects %j as unknown_currency", (code) => {
    try {
      resolveCurrency(code, "$.currency");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InteropError);
      expect((error as InteropError).code).toBe("unknown_currency");
      expect((error as InteropError).path).toBe("$.currency");
    }
  });
});
