/** The telemetry a health watch reads: one heartbeat's sample. */
export type WatchSample = {
  error_count: number;
  webhook_fail_rate: number | null;
  healthy: boolean;
};

/** A window of samples in a few numbers. */
export type HealthSummary = {
  samples: number;
  mean_errors: number;
  /** Mean of the reported rates; null when no sample had one. */
  webhook_fail_rate: number | null;
  /** Share of samples that said unhealthy. */
  unhealthy_share: number;
};

/** What the watch concluded, and from which numbers (an attempt's `health`). */
export type WatchResult = {
  verdict: "pass" | "fail" | "inconclusive";
  reasons: string[];
  baseline: HealthSummary;
  after: HealthSummary;
  /** The most errors per heartbeat the fix may leave. */
  error_limit: number;
};

/** How strict a watch is. */
export interface WatchSettings {
  /** Samples after the apply needed for a verdict (default 2). */
  minSamples: number;
  /** Errors per heartbeat that never count as a regression on their own (default 5): the volume floor. */
  errorFloor: number;
}

/** The defaults of {@link WatchSettings}. */
export const DEFAULT_WATCH: WatchSettings = { minSamples: 2, errorFloor: 5 };

/** Summarizes samples. */
export function summarize(samples: readonly WatchSample[]): HealthSummary {
  const rates = samples.map((sample) => sample.webhook_fail_rate).filter((rate): rate is number => rate !== null);
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    samples: samples.length,
    mean_errors: round(mean(samples.map((sample) => sample.error_count))),
    webhook_fail_rate: rates.length === 0 ? null : round(mean(rates)),
    unhealthy_share: round(samples.length === 0 ? 0 : samples.filter((sample) => !sample.healthy).length / samples.length),
  };
}

/**
 * Judges one instance after a fix, against its own telemetry before it (the analysis step of a
 * progressive rollout, as Argo Rollouts runs it: pass, fail or inconclusive).
 *
 * A fix for an incident the instance has (`expectImprovement`) must at least halve its errors
 * per heartbeat (or bring them under the floor) and bring the webhook failure rate under 25 %;
 * a fix carried to an instance without the problem must not make it worse: errors may not grow
 * past 1.5 × the baseline plus the floor, nor the webhook failure rate rise by 10 points to 25 %
 * or more. Either way, an instance that says unhealthy in most samples after the fix, having
 * not before, fails. Fewer than `minSamples` samples is inconclusive: no verdict from silence.
 */
export function judgeHealth(
  before: readonly WatchSample[],
  after: readonly WatchSample[],
  expectImprovement: boolean,
  settings: WatchSettings = DEFAULT_WATCH,
): WatchResult {
  const baseline = summarize(before);
  const now = summarize(after);
  const errorLimit = expectImprovement
    ? Math.max(settings.errorFloor, baseline.mean_errors / 2)
    : baseline.mean_errors * 1.5 + settings.errorFloor;
  const result = (verdict: WatchResult["verdict"], reasons: string[]): WatchResult => ({ verdict, reasons, baseline, after: now, error_limit: errorLimit });
  if (now.samples < settings.minSamples) {
    return result("inconclusive", [`${now.samples} sample${now.samples === 1 ? "" : "s"} since the apply; ${settings.minSamples} needed`]);
  }
  const reasons: string[] = [];
  if (now.mean_errors > errorLimit) reasons.push(`${now.mean_errors} errors per heartbeat, above the limit of ${errorLimit} (baseline ${baseline.mean_errors})`);
  const rate = now.webhook_fail_rate;
  const baseRate = baseline.webhook_fail_rate ?? 0;
  if (rate !== null && rate >= 0.25 && (expectImprovement || rate > baseRate + 0.1)) {
    reasons.push(`webhook failure rate ${rate} (baseline ${baseRate})`);
  }
  if (now.unhealthy_share > 0.5 && baseline.unhealthy_share <= 0.5) reasons.push(`unhealthy in ${Math.round(now.unhealthy_share * 100)} % of samples`);
  return reasons.length === 0 ? result("pass", []) : result("fail", reasons);
}
