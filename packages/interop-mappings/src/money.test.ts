import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURRENCY_EXPONENTS } from "./currencies.js";
import { InteropError } from "./errors.js";
import { fromMinorUnits, parseAmount, toMinorUnits } from "./money.js";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InteropError);
    return (error as InteropError).code;
  }
  return undefined;
}

describe("toMinorUnits", () => {
  it.each([
    ["29.35", "EUR", 2935],
    ["29.3", "EUR", 2930],
    ["29", "EUR", 2900],
    ["0.05", "usd", 5],
    ["169.900000", "EUR", 16990],
    ["007.50", "EUR", 750],
    ["1500", "JPY", 1500],
    ["1500.000", "XOF", 1500],
    ["1.234", "KWD", 1234],
    ["1.5", "BHD", 1500],
    ["12.3456", "CLF", 123456],
    ["0", "EUR", 0],
    ["-0.00", "EUR", 0],
    ["90071992547409.91", "EUR", Number.MAX_SAFE_INTEGER],
  ])("reads %s %s as %d", (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  it.each([
    [29.35, "EUR", 2935],
    [0.1, "EUR", 10],
    [1500, "JPY", 1500],
    [2e3, "EUR", 200000],
    [123.456, "KWD", 123456],
  ])("reads the number %d through its shortest string form", (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  it.each([
    ["10.005", "EUR", "excess_precision"],
    ["1.5", "JPY", "excess_precision"],
    ["0.0001", "KWD", "excess_precision"],
    ["169.900001", "EUR", "excess_precision"],
    [0.1 + 0.2, "EUR", "excess_precision"],
    [1e-7, "EUR", "excess_precision"],
    ["-1.00", "EUR", "negative_amount"],
    [-5, "EUR", "negative_amount"],
    ["", "EUR", "invalid_amount"],
    ["NaN", "EUR", "invalid_amount"],
    [Number.NaN, "EUR", "invalid_amount"],
    [Number.POSITIVE_INFINITY, "EUR", "invalid_amount"],
    ["1e3", "EUR", "invalid_amount"],
    ["1.5E2", "EUR", "invalid_amount"],
    ["1,234.50", "EUR", "invalid_amount"],
    [" 12.00", "EUR", "invalid_amount"],
    ["+12.00", "EUR", "invalid_amount"],
    ["12.", "EUR", "invalid_amount"],
    [".5", "EUR", "invalid_amount"],
    ["0x10", "EUR", "invalid_amount"],
    ["90071992547409.92", "EUR", "amount_out_of_range"],
    ["123456789012345678901234567890", "JPY", "amount_out_of_range"],
    [2 ** 60, "JPY", "unsafe_number"],
    [1e21, "EUR", "unsafe_number"],
    ["12.00", "EURO", "unknown_currency"],
    ["12.00", "XAU", "unknown_currency"],
    ["12.00", "constructor", "unknown_currency"],
  ])("rejects %s %s with %s", (amount, currency, code) => {
    expect(codeOf(() => toMinorUnits(amount, currency))).toBe(code);
  });

  it("names the exponent in the excess precision message", () => {
    expect(() => toMinorUnits("10.005", "EUR")).toThrow("more than 2 decimal places");
  });
});

describe("parseAmount", () => {
  it("reads WooCommerce refund lines written as negative amounts with negate", () => {
    expect(parseAmount("-29.35", 2, "$.refunds[0].total", true)).toBe(2935);
    expect(codeOf(() => parseAmount("29.35", 2, "$.refunds[0].total", true))).toBe("negative_amount");
  });

  it("keeps the payload path in the error", () => {
    try {
      parseAmount("1.005", 2, "$.line_items[0].price");
      expect.unreachable();
    } catch (error) {
      expect((error as InteropError).path).toBe("$.line_items[0].price");
    }
  });

  it.each([[null], [true], [{ amount: "1" }], [["1"]]])("rejects %j as an amount", (value) => {
    expect(codeOf(() => parseAmount(value, 2))).toBe("invalid_amount");
  });
});

describe("fromMinorUnits", () => {
  it.each([
    [2935, "EUR", "29.35"],
    [5, "EUR", "0.05"],
    [0, "EUR", "0.00"],
    [1500, "JPY", "1500"],
    [5, "KWD", "0.005"],
    [123456, "CLF", "12.3456"],
  ])("formats %d %s as %s", (value, currency, expected) => {
    expect(fromMinorUnits(value, currency)).toBe(expected);
  });

  it.each([
    [1.5, "invalid_amount"],
    [-1, "negative_amount"],
    [2 ** 53, "amount_out_of_range"],
  ])("rejects %d minor units", (value, code) => {
    expect(codeOf(() => fromMinorUnits(value, "EUR"))).toBe(code);
  });
});

describe("money properties", () => {
  const currencies = Object.keys(CURRENCY_EXPONENTS);
  const minorUnits = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

  it("round-trips every safe value through fromMinorUnits in every currency of the table", () => {
    for (const currency of currencies) {
      fc.assert(
        fc.property(minorUnits, (value) => toMinorUnits(fromMinorUnits(value, currency), currency) === value),
        { numRuns: 200 },
      );
    }
  });

  it("rejects any string with more significant decimals than the currency allows", () => {
    const tooPrecise = fc
      .record({
        currency: fc.constantFrom(...currencies),
        whole: fc.stringMatching(/^\d{1,9}$/),
        extra: fc.stringMatching(/^\d{0,6}[1-9]$/),
        zeros: fc.nat({ max: 4 }),
      })
      .map(({ currency, whole, extra, zeros }) => {
        const exponent = CURRENCY_EXPONENTS[currency] ?? 2;
        const kept = "7".repeat(exponent);
        return { currency, amount: `${whole}.${kept}${extra}${"0".repeat(zeros)}` };
      });
    fc.assert(
      fc.property(tooPrecise, ({ currency, amount }) => codeOf(() => toMinorUnits(amount, currency)) === "excess_precision"),
      { numRuns: 2000 },
    );
  });

  it("accepts trailing zeros beyond the exponent and reads them as the shorter decimal", () => {
    fc.assert(
      fc.property(fc.constantFrom(...currencies), minorUnits, fc.nat({ max: 6 }), (currency, value, zeros) => {
        const decimal = fromMinorUnits(value, currency);
        const padded = decimal.includes(".") ? decimal + "0".repeat(zeros) : `${decimal}.${"0".repeat(zeros + 1)}`;
        return toMinorUnits(padded, currency) === value;
      }),
      { numRuns: 2000 },
    );
  });
});
