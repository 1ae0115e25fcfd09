import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUtc, toUtcIso } from "./dates.js";
import { InteropError } from "./errors.js";

describe("toUtcIso", () => {
  it.each([
    ["2024-01-02T05:04:05-05:00", "2024-01-02T10:04:05.000Z"],
    ["2024-03-09T22:15:42-05:00", "2024-03-10T03:15:42.000Z"],
    ["2024-01-02T03:04:05+0530", "2024-01-01T21:34:05.000Z"],
    ["2024-01-02T03:04:05+01", "2024-01-02T02:04:05.000Z"],
    ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02t03:04:05z", "2024-01-02T03:04:05.000Z"],
    ["2024-03-10T03:15:47.877041743Z", "2024-03-10T03:15:47.877Z"],
    ["2024-01-02T03:04:05.5Z", "2024-01-02T03:04:05.500Z"],
    ["2024-01-02 03:04:05", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02T03:04:05", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02T03:04", "2024-01-02T03:04:00.000Z"],
    ["2024-01-02", "2024-01-02T00:00:00.000Z"],
    ["2024-02-29 23:59:59", "2024-02-29T23:59:59.000Z"],
  ])("reads %s as %s", (input, expected) => {
    expect(toUtcIso(input)).toBe(expected);
  });

  it("reads zone-less times in an IANA zone across daylight saving", () => {
    expect(toUtcIso("2024-01-15 10:30:00", "Europe/Paris")).toBe("2024-01-15T09:30:00.000Z");
    expect(toUtcIso("2024-07-15 10:30:00", "Europe/Paris")).toBe("2024-07-15T08:30:00.000Z");
    expect(toUtcIso("2024-03-31 03:30:00", "Europe/Paris")).toBe("2024-03-31T01:30:00.000Z");
    expect(toUtcIso("2024-07-15 10:30:00", "America/New_York")).toBe("2024-07-15T14:30:00.000Z");
    expect(toUtcIso("2024-07-15 10:30:00", "+02:00")).toBe("2024-07-15T08:30:00.000Z");
    expect(toUtcIso("2024-07-15 10:30:00", "UTC")).toBe("2024-07-15T10:30:00.000Z");
  });

  it("ignores the zone when the value carries an offset", () => {
    expect(toUtcIso("2024-07-15T10:30:00+00:00", "Europe/Paris")).toBe("2024-07-15T10:30:00.000Z");
  });

  it("accepts Date objects from in-process callers", () => {
    expect(toUtcIso(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe("2024-01-02T03:04:05.000Z");
  });

  it.each([
    ["0000-00-00 00:00:00"],
    ["2023-02-29 10:00:00"],
    ["2024-13-01"],
    ["2024-04-31"],
    ["2024-01-02 24:00:00"],
    ["2024-01-02T10:00:00+25:00"],
    ["02/01/2024"],
    ["2024-01-02T03:04:05 +01:00"],
    ["1969-12-31T23:59:59Z"],
    ["yesterday"],
    [""],
    [1704164645],
    [null],
    [new Date(Number.NaN)],
  ])("rejects %j as invalid_date", (input) => {
    expect(() => toUtcIso(input, undefined, "$.created_at")).toThrow(InteropError);
    try {
      toUtcIso(input, undefined, "$.created_at");
    } catch (error) {
      expect((error as InteropError).code).toBe("invalid_date");
      expect((error as InteropError).path).toBe("$.created_at");
    }
  });

  it("rejects an unknown time zone", () => {
    expect(() => toUtcIso("2024-01-02 03:04:05", "Mars/Olympus")).toThrow(/not a known time zone/);
  });
});

describe("formatUtc", () => {
  it("formats like Date#toISOString for every instant from 1970 to 9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => formatUtc(ms) === new Date(ms).toISOString()),
      { numRuns: 5000 },
    );
    for (const ms of [0, Date.UTC(2000, 1, 29), Date.UTC(2100, 2, 1) - 1, Date.UTC(9999, 11, 31, 23, 59, 59, 999)]) {
      expect(formatUtc(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
