import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF, jitterInterval, MAX_RETRY_AFTER_MS, parseRetryAfter } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles the ceiling per attempt, from the base up to the cap", () => {
    const ceilings = [0, 1, 2, 3, 8, 9, 20].map((attempt) => backoffDelay(attempt, { random: () => 0.999_999 }));
    expect(ceilings).toEqual([999, 1_999, 3_999, 7_999, 255_999, 299_999, 299_999]);
  });

  it("uses full jitter: anything from 0 up to the ceiling", () => {
    expect(backoffDelay(5, { random: () => 0 })).toBe(0);
    expect(backoffDelay(5, { random: () => 0.5 })).toBe(16_000);
    for (let i = 0; i < 1_000; i += 1) {
      const delay = backoffDelay(4);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(16_000);
    }
  });

  it("never retries before Retry-After, even when the jitter draws less", () => {
    expect(backoffDelay(0, { retryAfterMs: 30_000, random: () => 0.5 })).toBe(30_000);
    expect(backoffDelay(10, { retryAfterMs: 2_000, random: () => 0.5 })).toBe(DEFAULT_BACKOFF.capMs / 2);
  });

  it("caps an absurd Retry-After", () => {
    expect(backoffDelay(0, { retryAfterMs: 10 * MAX_RETRY_AFTER_MS, random: () => 0 })).toBe(MAX_RETRY_AFTER_MS);
  });

  it("follows a custom policy", () => {
    expect(backoffDelay(3, { policy: { baseMs: 100, capMs: 500 }, random: () => 0.999_999 })).toBe(499);
  });
});

describe("jitterInterval", () => {
  it("stays within ±10 % of the interval", () => {
    expect(jitterInterval(120_000, 0.1, () => 0)).toBe(108_000);
    expect(jitterInterval(120_000, 0.1, () => 0.5)).toBe(120_000);
    expect(jitterInterval(120_000, 0.1, () => 0.999_999)).toBe(132_000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("reads delay-seconds", () => {
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP-date relative to now, never negative", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("Wed Jan  1 00:00:05 2025", now)).toBe(5_000);
  });

  it("ignores a missing or unreadable header", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});
