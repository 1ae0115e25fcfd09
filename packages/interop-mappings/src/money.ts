import { isLosslessNumber } from "lossless-json";
import { resolveCurrency } from "./currencies.js";
import { InteropError } from "./errors.js";

/** An amount in integer minor units (cents for EUR) of an upper-case ISO 4217 currency. */
export interface Money {
  value: number;
  currency: string;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const EXPONENT_FORM = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;
// Beyond this many places a non-zero amount is out of range (or all excess precision) anyway.
const MAX_SHIFT = 64;

/**
 * Converts a decimal amount to integer minor units of `currency` with string digit
 * arithmetic, never floating point. Strings must be plain decimals (`"29.35"`,
 * `"169.900000"`); numbers are read through their shortest string form and must be safely
 * representable. Digits beyond the currency's exponent must be zeros.
 *
 * Throws `InteropError` with code `invalid_amount` (empty, NaN, exponent notation, not a
 * number), `negative_amount`, `excess_precision`, `amount_out_of_range` (above
 * `Number.MAX_SAFE_INTEGER` minor units), `unsafe_number` or `unknown_currency`.
 *
 * @example
 * toMinorUnits("29.35", "EUR")      // 2935
 * toMinorUnits("169.900000", "eur") // 16990
 * toMinorUnits(1500, "JPY")         // 1500
 */
export function toMinorUnits(amount: string | number, currency: string): number {
  return parseAmount(amount, resolveCurrency(currency).exponent);
}

/**
 * Formats integer minor units as the plain decimal string of `currency`.
 *
 * @example
 * fromMinorUnits(2935, "EUR") // "29.35"
 * fromMinorUnits(5, "KWD")    // "0.005"
 */
export function fromMinorUnits(value: number, currency: string): string {
  const { exponent } = resolveCurrency(currency);
  if (!Number.isInteger(value)) {
    throw new InteropError("invalid_amount", `${value} is not an integer number of minor units`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new InteropError("amount_out_of_range", `${value} minor units is beyond Number.MAX_SAFE_INTEGER`);
  }
  if (value < 0) throw new InteropError("negative_amount", `${value} is negative`);
  if (exponent === 0) return String(value);
  const digits = String(value).padStart(exponent + 1, "0");
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Reads an amount found in a payload (decimal string, JS number, or a lossless JSON number)
 * as minor units for `exponent`. With `negate`, the source writes the amount as a negative
 * number (WooCommerce refund lines) and the positive value is returned.
 */
export function parseAmount(amount: unknown, exponent: number, path?: string, negate = false): number {
  if (typeof amount === "string") {
    if (amount === "") throw new InteropError("invalid_amount", "amount is an empty string", path);
    const match = DECIMAL.exec(amount);
    if (match === null) {
      const why = EXPONENT_FORM.test(amount) ? "exponent notation is not accepted in amount strings" : "not a plain decimal";
      throw new InteropError("invalid_amount", `amount "${amount}" is ${why}`, path);
    }
    return digitsToMinorUnits(amount, match, exponent, path, negate);
  }
  if (typeof amount === "number") {
    if (!Number.isFinite(amount)) throw new InteropError("invalid_amount", `amount ${amount} is not a finite number`, path);
    if (Number.isInteger(amount) && !Number.isSafeInteger(amount)) {
      throw new InteropError("unsafe_number", `amount ${amount} is not exactly representable as a JS number`, path);
    }
    return parseNumberToken(String(amount), exponent, path, negate);
  }
  if (isLosslessNumber(amount)) return parseNumberToken(amount.value, exponent, path, negate);
  const kind = amount === null ? "null" : Array.isArray(amount) ? "array" : typeof amount;
  throw new InteropError("invalid_amount", `expected a decimal string or number as amount, got ${kind}`, path);
}

/** A number as written in JSON or by `String(number)`: exponent notation is expanded. */
function parseNumberToken(token: string, exponent: number, path: string | undefined, negate: boolean): number {
  const plain = DECIMAL.exec(token);
  if (plain !== null) return digitsToMinorUnits(token, plain, exponent, path, negate);
  const match = EXPONENT_FORM.exec(token);
  if (match === null) throw new InteropError("invalid_amount", `amount ${token} is not a number`, path);
  const [, sign = "", int = "", frac = "", exp = "0"] = match;
  const mantissa = (int + frac).replace(/^0+/, "");
  if (mantissa === "") return 0;
  const point = int.length + Number(exp);
  if (point > MAX_SHIFT) throw new InteropError("amount_out_of_range", `amount ${token} is too large`, path);
  if (point < -MAX_SHIFT) throw new InteropError("excess_precision", `amount ${token} is below the smallest unit`, path);
  const digits = int + frac;
  const expanded =
    point <= 0
      ? `${sign}0.${"0".repeat(-point)}${digits}`
      : point >= digits.length
        ? `${sign}${digits}${"0".repeat(point - digits.length)}`
        : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  const again = DECIMAL.exec(expanded);
  if (again === null) throw new InteropError("invalid_amount", `amount ${token} is not a number`, path);
  return digitsToMinorUnits(token, again, exponent, path, negate);
}

function digitsToMinorUnits(
  shown: string,
  [, sign, int = "", frac = ""]: RegExpExecArray,
  exponent: number,
  path: string | undefined,
  negate: boolean,
): number {
  const isZero = !/[1-9]/.test(int + frac);
  if (!isZero && (sign === "-") !== negate) {
    const why = negate ? "expected a negative amount here (the source writes refunds as negative)" : "is negative";
    throw new InteropError("negative_amount", `amount ${shown} ${why}`, path);
  }
  if (frac.length > exponent && /[1-9]/.test(frac.slice(exponent))) {
    const places = `${exponent} decimal place${exponent === 1 ? "" : "s"}`;
    throw new InteropError("excess_precision", `amount ${shown} has more than ${places}`, path);
  }
  const kept = frac.length > exponent ? frac.slice(0, exponent) : frac.padEnd(exponent, "0");
  const digits = (int + kept).replace(/^0+(?=\d)/, "");
  const value = digits.length > 16 ? Number.POSITIVE_INFINITY : Number(digits);
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new InteropError("amount_out_of_range", `amount ${shown} is beyond Number.MAX_SAFE_INTEGER minor units`, path);
  }
  return value;
}
