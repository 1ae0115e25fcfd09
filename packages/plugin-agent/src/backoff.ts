/** Shape of the retry curve after consecutive failures. */
export interface BackoffPolicy {
  /** Upper bound of the first retry delay, in ms. */
  baseMs: number;
  /** Upper bound no retry delay exceeds, in ms (except a longer `Retry-After`). */
  capMs: number;
}

/** Base 1 s, cap 5 min: a fleet recovers within minutes without hammering a struggling server. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 300_000 };

/** A `Retry-After` longer than this is treated as a server mistake and capped. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Delay before retry number `attempt` (0 for the first retry) with "full jitter":
 * uniform in `[0, min(cap, base * 2^attempt))`, so agents that failed together spread out.
 * A server-sent `Retry-After` is a floor: the agent never retries earlier than asked.
 */
export function backoffDelay(
  attempt: number,
  options: { policy?: BackoffPolicy; retryAfterMs?: number; random?: () => number } = {},
): number {
  const { policy = DEFAULT_BACKOFF, retryAfterMs, random = Math.random } = options;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/**
 * Spreads a periodic interval by ±`ratio` (default 10 %) so a fleet started together does not
 * heartbeat in lockstep.
 */
export function jitterInterval(intervalMs: number, ratio = 0.1, random: () => number = Math.random): number {
  return Math.round(intervalMs * (1 + (random() * 2 - 1) * ratio));
}

/**
 * Parses a `Retry-After` header (delay-seconds or HTTP-date, RFC 9110 section 10.2.3) into ms
 * from `now`. Returns `undefined` when absent or unparsable; a date in the past gives 0.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  // An HTTP-date starts with a day name; Date.parse alone would read "-5" as the year 5 BC.
  if (!/^[A-Za-z]/.test(trimmed)) return undefined;
  // HTTP-dates are GMT; the obsolete asctime form says so only implicitly.
  const date = Date.parse(/GMT$/.test(trimmed) ? trimmed : `${trimmed} GMT`);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
