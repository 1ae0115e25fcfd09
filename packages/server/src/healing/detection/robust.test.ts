import { describe, expect, it } from "vitest";
import { median, modifiedZScore } from "./robust.js";

describe("median", () => {
  it.each([
    [[], Number.NaN],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])("of %j is %d", (values, expected) => {
    expect(median(values)).toEqual(expected);
  });
});

describe("modifiedZScore", () => {
  it("scores with the median and the MAD, so one old outlier does not mask a new one", () => {
    const history = [2, 3, 2, 4, 3, 2, 3, 90];
    const result = modifiedZScore(history, 40);
    expect(result).toMatchObject({ median: 3, mad: 1, scale: "mad" });
    expect(result.score).toBeCloseTo(0.6745 * 37, 5);
    // A mean/standard deviation score would have been pulled down by the 90.
    expect(modifiedZScore(history, 4).score).toBeLessThan(3.5);
  });

  it("falls back to the mean absolute deviation when most intervals were identical", () => {
    const result = modifiedZScore([0, 0, 0, 0, 0, 0, 3], 12);
    expect(result.scale).toBe("mean_absolute_deviation");
    expect(result.score).toBeCloseTo(12 / (1.253314 * (3 / 7)), 5);
  });

  it("floors the MAD when asked, so a history that clustered by chance does not make outliers of ordinary values", () => {
    const clustered = [40, 41, 39, 42, 41];
    expect(modifiedZScore(clustered, 50).score).toBeGreaterThan(3.5);
    const floored = modifiedZScore(clustered, 50, { minMad: 0.6745 * Math.sqrt(41) });
    expect(floored.scale).toBe("floor");
    expect(floored.score).toBeLessThan(3.5);
    expect(modifiedZScore(clustered, 90, { minMad: 0.6745 * Math.sqrt(41) }).score).toBeGreaterThan(3.5);
  });

  it("calls any rise over a perfectly flat history infinite, and a fall nothing", () => {
    expect(modifiedZScore([0, 0, 0], 1)).toMatchObject({ score: Number.POSITIVE_INFINITY, scale: "none" });
    expect(modifiedZScore([5, 5, 5], 2).score).toBe(0);
  });
});
