import { describe, expect, it } from "vitest";
import { judgeHealth, type WatchSample } from "./health-watch.js";

const samples = (...errors: number[]): WatchSample[] => errors.map((error_count) => ({ error_count, webhook_fail_rate: 0, healthy: true }));

describe("judgeHealth", () => {
  it("passes a fix that brings a failing instance back to normal", () => {
    const result = judgeHealth(samples(40, 38, 44), samples(1, 0), true);
    expect(result).toMatchObject({ verdict: "pass", reasons: [], baseline: { mean_errors: 40.667 }, after: { mean_errors: 0.5, samples: 2 } });
  });

  it("fails a fix that leaves a failing instance failing, or makes it worse", () => {
    expect(judgeHealth(samples(40, 40), samples(35, 41), true)).toMatchObject({ verdict: "fail", error_limit: 20 });
    expect(judgeHealth(samples(40, 40), samples(90, 120), true).reasons[0]).toMatch(/105 errors per heartbeat, above the limit of 20/);
  });

  it("lets a healthy instance keep its usual noise, within the volume floor, but not regress", () => {
    expect(judgeHealth(samples(1, 0, 2), samples(3, 4), false).verdict).toBe("pass");
    expect(judgeHealth(samples(1, 0, 2), samples(12, 9), false)).toMatchObject({ verdict: "fail", error_limit: 6.5 });
  });

  it("fails on a webhook failure rate that rises, or that a fix for the instance does not bring down", () => {
    const rate = (webhook_fail_rate: number, count = 2): WatchSample[] => Array.from({ length: count }, () => ({ error_count: 0, webhook_fail_rate, healthy: true }));
    expect(judgeHealth(rate(0.02), rate(0.4), false)).toMatchObject({ verdict: "fail", reasons: ["webhook failure rate 0.4 (baseline 0.02)"] });
    expect(judgeHealth(rate(0.3), rate(0.32), false).verdict).toBe("pass");
    expect(judgeHealth(rate(0.6), rate(0.3), true).verdict).toBe("fail");
    expect(judgeHealth(rate(0.6), rate(0.05), true).verdict).toBe("pass");
  });

  it("fails an instance that turns unhealthy", () => {
    const unhealthy: WatchSample[] = [
      { error_count: 0, webhook_fail_rate: null, healthy: false },
      { error_count: 0, webhook_fail_rate: null, healthy: false },
    ];
    expect(judgeHealth(samples(0, 0), unhealthy, false)).toMatchObject({ verdict: "fail", reasons: ["unhealthy in 100 % of samples"] });
  });

  it("is inconclusive without enough samples after the apply", () => {
    expect(judgeHealth(samples(40), samples(0), true)).toMatchObject({ verdict: "inconclusive", reasons: ["1 sample since the apply; 2 needed"] });
    expect(judgeHealth([], [], false).verdict).toBe("inconclusive");
  });
});
