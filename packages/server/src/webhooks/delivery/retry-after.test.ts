import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

const now = Date.parse("2025-03-01T12:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("86400", now)).toBe(86_400_000);
  });

  it("reads an IMF-fixdate and the obsolete RFC 850 form relative to now", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:02:00 GMT", now)).toBe(120_000);
    expect(parseRetryAfter("Saturday, 01-Mar-25 12:00:30 GMT", now)).toBe(30_000);
  });

  it("turns a date in the past into no delay", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", now)).toBe(0);
  });

  const notHttpDates = ["2025-03-01T12:02:00Z", "Sat, 01 Mar 2025 12:02:00", "Sat, 99 Foo 2025 12:02:00 GMT"];
  it.each([undefined, "", "-5", "1.5", "7s", "soon", ...notHttpDates, "9".repeat(30)])(
    "ignores %j",
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});
