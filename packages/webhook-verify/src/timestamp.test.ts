import { describe, expect, it } from "vitest";
import { checkTimestamp, DEFAULT_TOLERANCE_SECONDS, parseUnixSeconds, resolveTolerance, toUnixSeconds } from "./timestamp.js";

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe("parseUnixSeconds", () => {
  it("reads whole seconds", () => {
    expect(parseUnixSeconds("1700000000", "t")).toBe(1_700_000_000);
    expect(parseUnixSeconds("0", "t")).toBe(0);
  });

  it.each(["", "-1", "1.5", "1e9", " 1700000000", "0x10", "1700000000000000"])("refuses %j as malformed_header", (value) => {
    expect(codeOf(() => parseUnixSeconds(value, "t"))).toBe("malformed_header");
  });
});

describe("resolveTolerance", () => {
  it("defaults to 300 seconds and accepts zero and Infinity", () => {
    expect(resolveTolerance(undefined)).toBe(DEFAULT_TOLERANCE_SECONDS);
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
    expect(resolveTolerance(0)).toBe(0);
    expect(resolveTolerance(Infinity)).toBe(Infinity);
  });

  it.each([-1, Number.NaN, "300" as unknown as number])("refuses %j with a RangeError", (value) => {
    expect(() => resolveTolerance(value)).toThrow(RangeError);
  });
});

describe("toUnixSeconds", () => {
  it("floors a Date to whole seconds and refuses an invalid one", () => {
    expect(toUnixSeconds(new Date(1_700_000_000_999), "now")).toBe(1_700_000_000);
    expect(() => toUnixSeconds(new Date(Number.NaN), "now")).toThrow(RangeError);
  });
});

describe("checkTimestamp", () => {
  const now = 1_700_000_000;
  it("accepts the whole window, both edges included", () => {
    for (const signedAt of [now - 300, now, now + 300]) expect(codeOf(() => checkTimestamp(signedAt, 300, now))).toBeUndefined();
  });

  it("names the side a timestamp falls out on", () => {
    expect(codeOf(() => checkTimestamp(now - 301, 300, now))).toBe("timestamp_too_old");
    expect(codeOf(() => checkTimestamp(now + 301, 300, now))).toBe("timestamp_in_future");
    expect(codeOf(() => checkTimestamp(now - 1, 0, now))).toBe("timestamp_too_old");
  });

  it("accepts anything with an infinite tolerance", () => {
    expect(codeOf(() => checkTimestamp(0, Infinity, now))).toBeUndefined();
    expect(codeOf(() => checkTimestamp(now * 2, Infinity, now))).toBeUndefined();
  });
});
