import { APIUserAbortError } from "./errors.js";

/** First backoff ceiling; doubles per retry. */
const INITIAL_BACKOFF_MS = 500;
/** Backoff ceiling never grows past this. */
const MAX_BACKOFF_MS = 8_000;
/** A server asking for a longer wait than this gets the error instead of a silent stall. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Whether a response status is worth another attempt. A 409 is retried only for
 * `idempotency_key_in_use`: the first request holds the key's lock and will finish soon.
 */
export function isRetryableStatus(status: number, code: string | null): boolean {
  if (status === 409) return code === "idempotency_key_in_use";
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(8 s, 0.5 s × 2^retry)), so clients
 * that failed together do not retry together.
 */
export function backoffDelay(retryIndex: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/**
 * The wait the server asked for, in ms, from `retry-after-ms` or `Retry-After` (seconds or an
 * HTTP date); `undefined` when it asked for nothing usable.
 */
export function retryAfterDelay(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = parseNonNegative(headers.get("retry-after-ms"));
  if (milliseconds !== undefined) return milliseconds;
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null) return undefined;
  // HTTP dates start with the day name; checking that keeps Date.parse from reading "-3" as a year.
  if (!/^[A-Za-z]/.test(retryAfter.trim())) {
    const seconds = parseNonNegative(retryAfter);
    return seconds === undefined ? undefined : seconds * 1000;
  }
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseNonNegative(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** Waits `ms`, rejecting with `APIUserAbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new APIUserAbortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
