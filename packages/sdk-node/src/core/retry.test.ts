import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { APIUserAbortError } from "./errors.js";
import { backoffDelay, isRetryableStatus, retryAfterDelay, sleep } from "./retry.js";

describe("isRetryableStatus", () => {
  it.each([408, 429, 500, 502, 503, 504, 599])("retries %i", (status) => {
    expect(isRetryableStatus(status, null)).toBe(true);
  });
  it.each([400, 401, 403, 404, 410, 422])("does not retry %i", (status) => {
    expect(isRetryableStatus(status, null)).toBe(false);
  });
  it("retries 409 only while the idempotency key is locked", () => {
    expect(isRetryableStatus(409, "idempotency_key_in_use")).toBe(true);
    expect(isRetryableStatus(409, "idempotency_key_mismatch")).toBe(false);
    expect(isRetryableStatus(409, "conflict")).toBe(false);
    expect(isRetryableStatus(409, null)).toBe(false);
  });
});

describe("backoffDelay", () => {
  it("doubles the ceiling from 0.5 s and caps it at 8 s", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((retry) => backoffDelay(retry, () => 0.999999));
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 7999, 7999, 7999]);
  });
  it("stays within [0, ceiling) for any random value (full jitter)", () => {
    fc.assert(
      fc.property(fc.nat(30), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, random) => {
        const delay = backoffDelay(retry, () => random);
        return delay >= 0 && delay < Math.min(8000, 500 * 2 ** retry);
      }),
    );
  });
});

describe("retryAfterDelay", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  const delay = (headers: Record<string, string>) => retryAfterDelay(new Headers(headers), now);

  it("reads seconds, fractional seconds, milliseconds and HTTP dates", () => {
    expect(delay({ "retry-after": "2" })).toBe(2000);
    expect(delay({ "retry-after": "0.5" })).toBe(500);
    expect(delay({ "retry-after-ms": "250" })).toBe(250);
    expect(delay({ "retry-after": "Tue, 01 Jan 2030 00:01:00 GMT" })).toBe(60_000);
  });
  it("treats a date in the past as no wait", () => {
    expect(delay({ "retry-after": "Mon, 31 Dec 2029 23:59:00 GMT" })).toBe(0);
  });
  it("ignores missing, negative and malformed values", () => {
    expect(delay({})).toBeUndefined();
    expect(delay({ "retry-after": "-3" })).toBeUndefined();
    expect(delay({ "retry-after": "later" })).toBeUndefined();
    expect(delay({ "retry-after-ms": "x", "retry-after": "1" })).toBe(1000);
  });
});

describe("sleep", () => {
  afterEach(() => vi.useRealTimers());

  it("resolves after the delay", async () => {
    vi.useFakeTimers();
    let done = false;
    const waiting = sleep(1000, undefined).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });
  it("rejects with APIUserAbortError as soon as the signal aborts", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(APIUserAbortError);
    expect(vi.getTimerCount()).toBe(0);
  });
  it("rejects at once when the signal is already aborted", async () => {
    await expect(sleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
