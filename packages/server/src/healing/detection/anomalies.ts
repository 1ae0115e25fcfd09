import type { IncidentSeverity } from "../../agents/incident-store.js";
import { median, modifiedZScore } from "./robust.js";

/** One telemetry sample as detection reads it (oldest first in a list). */
export interface SampleView {
  sequence_num: number;
  recorded_at: string;
  error_count: number;
  webhook_fail_rate: number | null;
  healthy: boolean;
  errors: Array<{ code?: string; message: string; count: number }>;
}

/** The incident types detection opens and resolves. */
export const DETECTED_TYPES = ["error_spike", "webhook_failures", "plugin_error"] as const;
/** One of {@link DETECTED_TYPES}. */
export type DetectedType = (typeof DETECTED_TYPES)[number];

/** Detection thresholds; {@link DEFAULT_DETECTION} documents each. */
export interface DetectionSettings {
  /** Errors in one interval below which no spike is reported, however unusual (the volume floor). */
  minErrors: number;
  /** Modified z-score from which an interval's error count is a spike. */
  spikeScore: number;
  /** Samples of history needed before an instance has a baseline. */
  minHistory: number;
  /** A webhook failure rate from which consecutive samples open an incident. */
  webhookFailRate: number;
  /** How many consecutive samples must be above it (and then below it, to resolve). */
  consecutive: number;
}

/** The defaults: 3.5 is Iglewicz and Hoaglin's outlier cut-off; 5 errors and 25 % keep noise out. */
export const DEFAULT_DETECTION: DetectionSettings = { minErrors: 5, spikeScore: 3.5, minHistory: 5, webhookFailRate: 0.25, consecutive: 2 };

/** An anomaly found in an instance's samples: what an incident records. */
export interface Finding {
  type: DetectedType;
  severity: IncidentSeverity;
  summary: string;
  /** The numbers that triggered it. */
  evidence: Record<string, unknown>;
  /** When the first anomalous sample of the run was recorded (for time to detect). */
  started_at: string;
}

/** What one look at an instance's recent samples says: problems present, and types now clear. */
export interface Assessment {
  findings: Finding[];
  /** Types whose last `consecutive` samples are all normal: their incidents may resolve. */
  clear: DetectedType[];
}

/** The code a plugin reports (in a heartbeat's `health.errors`) for a failure it wants handled. */
export const PLUGIN_ERROR_CODE = "plugin.error";

function spikeOf(samples: readonly SampleView[], index: number, settings: DetectionSettings) {
  const sample = samples[index];
  const history = samples.slice(0, index).map((entry) => entry.error_count);
  if (!sample || history.length < settings.minHistory || sample.error_count < settings.minErrors) return undefined;
  // Error counts are counts: even a steady instance varies by about √(its median) per interval
  // (Poisson noise), which in MAD units is 0.6745·√median. Below that, the MAD is luck.
  const robust = modifiedZScore(history, sample.error_count, { minMad: 0.6745 * Math.sqrt(Math.max(1, median(history))) });
  return robust.score >= settings.spikeScore ? { sample, history, robust } : undefined;
}

/** Whether the last `n` samples all satisfy `test`. */
function lastAll(samples: readonly SampleView[], n: number, test: (sample: SampleView, index: number) => boolean): boolean {
  if (samples.length < n) return false;
  return samples.slice(-n).every((sample, offset) => test(sample, samples.length - n + offset));
}

/**
 * Looks at one instance's recent samples (oldest first) and says what is wrong now:
 * - `error_spike`: the latest interval's error count is at least `minErrors` and its modified
 *   z-score against the earlier samples (the instance's own history, the MAD floored at the
 *   Poisson noise of the median count) is at least `spikeScore`;
 * - `webhook_failures`: the last `consecutive` samples report a webhook failure rate ≥ `webhookFailRate`;
 * - `plugin_error`: the latest sample carries an error with code `plugin.error`.
 * A type is clear when its condition has been false for the last `consecutive` samples.
 */
export function assess(samples: readonly SampleView[], settings: DetectionSettings = DEFAULT_DETECTION): Assessment {
  const findings: Finding[] = [];
  const clear: DetectedType[] = [];
  const last = samples.length - 1;
  const latest = samples[last];
  if (!latest) return { findings, clear };

  const spike = spikeOf(samples, last, settings);
  if (spike) {
    const { score, median, mad, scale } = spike.robust;
    let first = last;
    while (first > 0 && spikeOf(samples, first - 1, settings)) first -= 1;
    findings.push({
      type: "error_spike",
      severity: latest.error_count >= 100 ? "critical" : score >= 10 ? "high" : "medium",
      summary: `${latest.error_count} errors in the last interval, against a median of ${median} for this instance`,
      evidence: {
        error_count: latest.error_count,
        median,
        mad,
        scale,
        modified_z_score: Number.isFinite(score) ? Number(score.toFixed(2)) : "infinite",
        threshold: settings.spikeScore,
        history_size: spike.history.length,
        sequence_num: latest.sequence_num,
      },
      started_at: samples[first]?.recorded_at ?? latest.recorded_at,
    });
  } else if (lastAll(samples, settings.consecutive, (_sample, index) => !spikeOf(samples, index, settings))) {
    clear.push("error_spike");
  }

  const failing = (sample: SampleView) => (sample.webhook_fail_rate ?? 0) >= settings.webhookFailRate;
  if (lastAll(samples, settings.consecutive, failing)) {
    const rates = samples.slice(-settings.consecutive).map((sample) => sample.webhook_fail_rate ?? 0);
    let first = last;
    while (first > 0 && failing(samples[first - 1] as SampleView)) first -= 1;
    findings.push({
      type: "webhook_failures",
      severity: rates.every((rate) => rate >= 0.5) ? "high" : "medium",
      summary: `webhook failure rate ${Math.round((latest.webhook_fail_rate ?? 0) * 100)} % for ${settings.consecutive} intervals in a row`,
      evidence: { rates, threshold: settings.webhookFailRate, consecutive: settings.consecutive, sequence_num: latest.sequence_num },
      started_at: samples[first]?.recorded_at ?? latest.recorded_at,
    });
  } else if (lastAll(samples, settings.consecutive, (sample) => !failing(sample))) {
    clear.push("webhook_failures");
  }

  const reported = (sample: SampleView) => sample.errors.filter((error) => error.code === PLUGIN_ERROR_CODE);
  const pluginErrors = reported(latest);
  if (pluginErrors.length > 0) {
    findings.push({
      type: "plugin_error",
      severity: latest.healthy ? "high" : "critical",
      summary: `the plugin reported: ${pluginErrors[0]?.message ?? "an error"}`,
      evidence: { errors: pluginErrors, healthy: latest.healthy, sequence_num: latest.sequence_num },
      started_at: latest.recorded_at,
    });
  } else if (lastAll(samples, settings.consecutive, (sample) => reported(sample).length === 0)) {
    clear.push("plugin_error");
  }
  return { findings, clear };
}
