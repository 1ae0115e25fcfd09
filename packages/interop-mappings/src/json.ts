import { LosslessNumber, parse as parseLossless } from "lossless-json";
import { InteropError } from "./errors.js";

// Only integers can lose digits that matter (Shopify ids beyond 2^53): fractional numbers
// are read through their JS number on purpose ("numbers are converted via their shortest
// string form"). Such an integer needs 16+ digits in a row. The run is spelled out because
// V8's regexp engine scans this form several times faster than \d{16}.
const SIXTEEN_DIGITS = /\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d/;
const LONG_DIGIT_RUNS = /\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d+/g;
const INTEGER = /^-?\d+$/;

/**
 * Parses a webhook body without losing integers: those a JS number holds exactly become
 * numbers, the others (Shopify ids beyond 2^53) lossless-json `LosslessNumber`s whose
 * `.value` keeps the digits as written. Throws `InteropError` `invalid_json`.
 */
export function parseJsonBody(text: string): unknown {
  if (!SIXTEEN_DIGITS.test(text)) return parseNative(text);
  return parseWithMarkedIntegers(text) ?? parseSlow(text);
}

/**
 * Fast exact path: quotes each unsafe integer as `"\u0000<digits>"`, lets JSON.parse do the
 * work, then turns the marked strings back into LosslessNumbers. A run that was really inside
 * a string leaves a backslash outside any string, which JSON.parse always rejects; text that
 * already holds `\u0000` could fake a mark. Both fall back to the slow parser.
 */
function parseWithMarkedIntegers(text: string): unknown {
  if (text.includes("\\u0000")) return undefined;
  let rewritten = "";
  let copied = 0;
  LONG_DIGIT_RUNS.lastIndex = 0;
  for (let run = LONG_DIGIT_RUNS.exec(text); run !== null; run = LONG_DIGIT_RUNS.exec(text)) {
    const start = run.index > 0 && text.charCodeAt(run.index - 1) === 45 /* - */ ? run.index - 1 : run.index;
    const end = run.index + run[0].length;
    if (!isValueStart(text, start) || continuesAsFraction(text.charCodeAt(end))) continue;
    const token = text.slice(start, end);
    if (Number.isSafeInteger(Number(token))) continue;
    rewritten += `${text.slice(copied, start)}"\\u0000${token}"`;
    copied = end;
  }
  if (copied === 0) return parseNative(text);
  try {
    return unmark(JSON.parse(rewritten + text.slice(copied)));
  } catch {
    return undefined;
  }
}

/** `.`, `e` or `E` after the digits: the run is a fraction's, read through its JS number. */
function continuesAsFraction(code: number): boolean {
  return code === 46 || code === 101 || code === 69;
}

/** True when `text[at]` follows `:`, `,` or `[` (and JSON whitespace): a value starts there. */
function isValueStart(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i];
    if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
    return c === ":" || c === "," || c === "[";
  }
  return false;
}

/** Replaces marked strings in place; writes only where a mark is, so the walk stays cheap. */
function unmark(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "string") {
        if (item.charCodeAt(0) === 0) value[i] = new LosslessNumber(item.slice(1));
      } else if (typeof item === "object" && item !== null) unmark(item);
    }
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (typeof item === "string") {
        if (item.charCodeAt(0) === 0) record[key] = new LosslessNumber(item.slice(1));
      } else if (typeof item === "object" && item !== null) unmark(item);
    }
  }
  return value;
}

function parseNative(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJson(error);
  }
}

function parseSlow(text: string): unknown {
  try {
    return parseLossless(text, null, {
      parseNumber: (token) =>
        INTEGER.test(token) && !Number.isSafeInteger(Number(token)) ? new LosslessNumber(token) : Number(token),
      // As with JSON.parse, the last of duplicate keys wins.
      onDuplicateKey: ({ newValue }) => newValue,
    });
  } catch (error) {
    throw invalidJson(error);
  }
}

function invalidJson(error: unknown): InteropError {
  const reason = error instanceof Error ? error.message : String(error);
  return new InteropError("invalid_json", `body is not valid JSON: ${reason}`);
}
