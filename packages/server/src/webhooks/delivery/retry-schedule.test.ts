import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_SCHEDULE_MS,
  nextAttemptDelay,
  validateRetrySchedule,
} from "./retry-schedule.js";

const HOUR = 3_600_000;
const fixed = (value: number) => () => value;

describe("nextAttemptDelay", () => {
  it("follows the default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attemptNumber) => nextAttemptDelay({ attemptNumber, random: fixed(0.5) }));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(7);
  });

  it("jitters by at most ±20 %", () => {
    expect(nextAttemptDelay({ attemptNumber: 1, random: fixed(0) })).toBe(4_000);
    expect(nextAttemptDelay({ attemptNumber: 1, random: fixed(0.999999) })).toBe(6_000);
    expect(nextAttemptDelay({ attemptNumber: 4, random: fixed(0.25) })).toBe(0.9 * 2 * HOUR);
    for (let i = 0; i < 200; i += 1) {
      const delay = nextAttemptDelay({ attemptNumber: 2 })!;
      expect(delay).toBeGreaterThanOrEqual(240_000);
      expect(delay).toBeLessThanOrEqual(360_000);
    }
  });

  it("returns null once the schedule is exhausted: the message is dead", () => {
    expect(nextAttemptDelay({ attemptNumber: 7, random: fixed(0.5) })).toBe(10 * HOUR);
    expect(nextAttemptDelay({ attemptNumber: 8 })).toBeNull();
    expect(nextAttemptDelay({ attemptNumber: 2, schedule: [1_000] })).toBeNull();
    expect(nextAttemptDelay({ attemptNumber: 8, retryAfterMs: 1_000 })).toBeNull();
  });

  it("lets Retry-After lengthen a delay but never shorten it", () => {
    expect(nextAttemptDelay({ attemptNumber: 1, retryAfterMs: 60_000, random: fixed(0.5) })).toBe(60_000);
    expect(nextAttemptDelay({ attemptNumber: 3, retryAfterMs: 60_000, random: fixed(0.5) })).toBe(1_800_000);
    expect(nextAttemptDelay({ attemptNumber: 1, retryAfterMs: 0, random: fixed(0.5) })).toBe(5_000);
  });

  it("caps Retry-After at 24 h by default, or at the given cap", () => {
    expect(DEFAULT_MAX_RETRY_AFTER_MS).toBe(24 * HOUR);
    expect(nextAttemptDelay({ attemptNumber: 1, retryAfterMs: 30 * 24 * HOUR, random: fixed(0.5) })).toBe(24 * HOUR);
    expect(nextAttemptDelay({ attemptNumber: 1, retryAfterMs: 10 * HOUR, maxRetryAfterMs: HOUR, random: fixed(0.5) })).toBe(HOUR);
    // The cap bounds Retry-After only; a longer scheduled delay stands.
    expect(nextAttemptDelay({ attemptNumber: 6, retryAfterMs: 20 * HOUR, maxRetryAfterMs: HOUR, random: fixed(0.5) })).toBe(10 * HOUR);
  });

  it("uses a custom schedule", () => {
    expect(nextAttemptDelay({ attemptNumber: 2, schedule: [1_000, 90_000], random: fixed(0.5) })).toBe(90_000);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects attempt number %s", (attemptNumber) => {
    expect(() => nextAttemptDelay({ attemptNumber })).toThrow(RangeError);
  });
});

describe("validateRetrySchedule", () => {
  it("accepts 1 to 20 delays between 1 s and 7 days, returning a copy", () => {
    const input = [1_000, 7 * 24 * HOUR];
    const result = validateRetrySchedule(input);
    expect(result).toEqual({ ok: true, schedule: input });
    if (result.ok) expect(result.schedule).not.toBe(input);
    expect(validateRetrySchedule(Array(20).fill(60_000))).toMatchObject({ ok: true });
  });

  it.each([
    ["not an array", "5000", "array"],
    ["empty", [], "1 to 20 entries"],
    ["too long", Array(21).fill(60_000), "1 to 20 entries"],
    ["too short a delay", [5_000, 999], "entry 1"],
    ["too long a delay", [7 * 24 * HOUR + 1], "entry 0"],
    ["a fraction", [1_500.5], "entry 0"],
    ["a string", ["5000"], "entry 0"],
    ["NaN", [Number.NaN], "entry 0"],
  ])("refuses %s", (_name, schedule, reason) => {
    expect(validateRetrySchedule(schedule)).toEqual({
      ok: false,
      code: "invalid_retry_schedule",
      message: expect.stringContaining(reason),
    });
  });
});
