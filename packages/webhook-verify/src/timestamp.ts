import { WebhookVerificationError } from "./errors.js";

/** Standard Webhooks' recommendation, and Stripe's default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

// Twelve digits reach the year 33658; anything longer is garbage.
const MAX_DIGITS = 12;

/**
 * Parses a signed Unix timestamp in seconds, as sent in a header: ASCII digits only. A loop
 * rather than a regular expression, because it runs on every delivery.
 */
export function parseUnixSeconds(value: string, header: string): number {
  if (value.length === 0 || value.length > MAX_DIGITS) throw notUnixSeconds(header);
  let seconds = 0;
  for (let index = 0; index < value.length; index++) {
    const digit = value.charCodeAt(index) - 48; /* "0" */
    if (digit < 0 || digit > 9) throw notUnixSeconds(header);
    seconds = seconds * 10 + digit;
  }
  return seconds;
}

function notUnixSeconds(header: string): WebhookVerificationError {
  return new WebhookVerificationError("malformed_header", `${header} is not a Unix timestamp in seconds`);
}

/**
 * Validates the tolerance option up front, so that a typo fails every call rather than
 * silently accepting stale deliveries.
 */
export function resolveTolerance(toleranceSeconds: number | undefined): number {
  if (toleranceSeconds === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (typeof toleranceSeconds !== "number" || !(toleranceSeconds >= 0)) {
    throw new RangeError("toleranceSeconds must be a number of seconds >= 0, or Infinity to disable the check");
  }
  return toleranceSeconds;
}

/**
 * Unix seconds of `time` (the clock when omitted). An invalid Date is refused: compared with
 * NaN, every timestamp would pass the tolerance check.
 */
export function toUnixSeconds(time: Date | undefined, option: string): number {
  const milliseconds = time === undefined ? Date.now() : time instanceof Date ? time.getTime() : Number.NaN;
  if (Number.isNaN(milliseconds)) throw new RangeError(`${option} must be a valid Date`);
  return Math.floor(milliseconds / 1000);
}

/** Rejects a (validly signed) timestamp further than `toleranceSeconds` from `nowSeconds`. */
export function checkTimestamp(signedAt: number, toleranceSeconds: number, nowSeconds: number): void {
  if (nowSeconds - signedAt > toleranceSeconds) {
    throw new WebhookVerificationError("timestamp_too_old", "the signed timestamp is older than the tolerance");
  }
  if (signedAt - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError(
      "timestamp_in_future",
      "the signed timestamp is further in the future than the tolerance",
    );
  }
}
