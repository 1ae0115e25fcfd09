import { describe, expect, it } from "vitest";
import { planWaves, waveOfEach } from "./waves.js";

describe("planWaves", () => {
  it("starts with a canary of the given share, at least one, then doubles", () => {
    expect(planWaves(10, 10)).toEqual([1, 2, 4, 3]);
    expect(planWaves(100, 10)).toEqual([10, 20, 40, 30]);
    expect(planWaves(3, 10)).toEqual([1, 2]);
    expect(planWaves(1, 10)).toEqual([1]);
  });

  it("puts everything in one wave at 100 %, and plans nothing for no targets", () => {
    expect(planWaves(7, 100)).toEqual([7]);
    expect(planWaves(0, 10)).toEqual([]);
  });

  it("places every target exactly once", () => {
    for (const count of [1, 2, 5, 17, 64, 1000]) {
      for (const percent of [1, 10, 33, 50, 99]) {
        const waves = waveOfEach(count, percent);
        expect(waves).toHaveLength(count);
        expect(waves[0]).toBe(0);
        expect([...waves].sort((a, b) => a - b)).toEqual(waves);
      }
    }
  });
});
