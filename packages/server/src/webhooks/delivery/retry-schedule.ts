const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Delays before each retry, after the first try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 * Eight attempts in all, spread over about 27.5 hours.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

/** Each scheduled delay is moved by up to this fraction either way, so retries do not stampede. */
export const RETRY_JITTER = 0.2;

/** Default cap on an honoured `Retry-After`: a receiver cannot park a message for longer than a day. */
export const DEFAULT_MAX_RETRY_AFTER_MS = DAY;

/** Bounds of a custom per-endpoint schedule. */
export const RETRY_SCHEDULE_LIMITS = Object.freeze({
  minEntries: 1,
  maxEntries: 20,
  minDelayMs: SECOND,
  maxDelayMs: 7 * DAY,
});

/** Input of {@link nextAttemptDelay}. */
export interface NextAttemptDelayOptions {
  /** 1-based number of the attempt that just failed (1 = the first try). */
  attemptNumber: number;
  /** Retry delays in ms; default {@link DEFAULT_RETRY_SCHEDULE_MS}. */
  schedule?: readonly number[];
  /** The failed attempt's parsed `Retry-After`, if any. */
  retryAfterMs?: number;
  /** Cap applied to `retryAfterMs`; default 24 h. */
  maxRetryAfterMs?: number;
  /** A source of uniform numbers in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * The delay in ms before the next attempt, or `null` when the schedule is exhausted and the
 * message becomes `dead`. The scheduled delay gets ±20 % jitter; a `Retry-After` can lengthen
 * it (never shorten it) up to `maxRetryAfterMs`: `max(jittered delay, min(retryAfter, cap))`.
 *
 * @example
 * nextAttemptDelay({ attemptNumber: 1 });                        // ≈ 5_000 (4_000..6_000)
 * nextAttemptDelay({ attemptNumber: 2, retryAfterMs: 3_600_000 }); // 3_600_000
 * nextAttemptDelay({ attemptNumber: 8 });                        // null: dead
 */
export function nextAttemptDelay(options: NextAttemptDelayOptions): number | null {
  const { attemptNumber } = options;
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) {
    throw new RangeError(`attemptNumber must be an integer ≥ 1, got ${attemptNumber}`);
  }
  const schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  const scheduled = schedule[attemptNumber - 1];
  if (scheduled === undefined) return null;

  const random = options.random ?? Math.random;
  const jittered = Math.round(scheduled * (1 + (random() * 2 - 1) * RETRY_JITTER));
  const retryAfter = options.retryAfterMs;
  if (retryAfter === undefined || !(retryAfter > 0)) return jittered;
  const cap = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  return Math.max(jittered, Math.min(Math.round(retryAfter), cap));
}

/** The outcome of {@link validateRetrySchedule}. */
export type RetryScheduleValidation =
  | { ok: true; schedule: number[] }
  | { ok: false; code: "invalid_retry_schedule"; message: string };

/**
 * Checks a custom per-endpoint schedule: 1 to 20 delays, each an integer number of ms between
 * 1 s and 7 days.
 */
export function validateRetrySchedule(schedule: unknown): RetryScheduleValidation {
  const { minEntries, maxEntries, minDelayMs, maxDelayMs } = RETRY_SCHEDULE_LIMITS;
  const refuse = (message: string): RetryScheduleValidation => ({ ok: false, code: "invalid_retry_schedule", message });
  if (!Array.isArray(schedule)) return refuse("retry schedule must be an array of delays in milliseconds");
  if (schedule.length < minEntries || schedule.length > maxEntries) {
    return refuse(`retry schedule must have ${minEntries} to ${maxEntries} entries, got ${schedule.length}`);
  }
  for (const [index, delay] of schedule.entries()) {
    if (typeof delay !== "number" || !Number.isInteger(delay) || delay < minDelayMs || delay > maxDelayMs) {
      return refuse(
        `retry schedule entry ${index} must be an integer between ${minDelayMs} (1 s) and ${maxDelayMs} (7 days) ms`,
      );
    }
  }
  return { ok: true, schedule: [...(schedule as number[])] };
}
