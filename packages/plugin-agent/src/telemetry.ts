import { ChangeTracker } from "./change-tracker.js";
import type { JsonObject } from "./json.js";
import type { ReportedError, TelemetryReport } from "./protocol.js";
import type { HealthUpdate } from "./types.js";

/** Distinct error messages kept between two heartbeats; more would only bloat the request. */
const MAX_DISTINCT_ERRORS = 20;
const MAX_MESSAGE_LENGTH = 500;

/** What the plugin told the agent about its health, and what it counted. */
export interface TelemetryCollector {
  recordMetric(name: string, value: number): void;
  reportError(message: string, code: string | undefined): void;
  setHealth(update: HealthUpdate): void;
  /** Health set by the plugin (before the health check handler is consulted). */
  readonly health: { healthy: boolean; webhookFailRate: number | null; details: JsonObject | undefined };
  /** Errors and counters for the next heartbeat: all counters when `full`, else only changed ones. */
  take(full: boolean): { errors: ReportedError[]; telemetry: TelemetryReport | undefined };
  /** Called with the heartbeat's fate: undelivered errors and counters are reported again. */
  settle(delivered: boolean): void;
}

/** Creates the collector; counters are cumulative since `since`. */
export function createTelemetry(since: string): TelemetryCollector {
  const counters = new Map<string, number>();
  const changedCounters = new ChangeTracker<string>();
  let errors = new Map<string, ReportedError>();
  let errorsInFlight = new Map<string, ReportedError>();
  const health: TelemetryCollector["health"] = { healthy: true, webhookFailRate: null, details: undefined };

  const addError = (into: Map<string, ReportedError>, error: ReportedError): void => {
    const key = `${error.code ?? ""}\u0000${error.message}`;
    const existing = into.get(key);
    if (existing !== undefined) {
      existing.count += error.count;
      if (error.last_at > existing.last_at) existing.last_at = error.last_at;
    } else if (into.size < MAX_DISTINCT_ERRORS) {
      into.set(key, { ...error });
    }
  };

  return {
    health,
    recordMetric(name, value) {
      counters.set(name, (counters.get(name) ?? 0) + value);
      changedCounters.mark(name);
    },
    reportError(message, code) {
      const error: ReportedError = {
        message: message.slice(0, MAX_MESSAGE_LENGTH),
        count: 1,
        last_at: new Date().toISOString(),
        ...(code !== undefined ? { code } : {}),
      };
      addError(errors, error);
    },
    setHealth(update) {
      if (update.healthy !== undefined) health.healthy = update.healthy;
      if (update.webhookFailRate !== undefined) health.webhookFailRate = update.webhookFailRate;
      if (update.details !== undefined) health.details = update.details;
    },
    take(full) {
      errorsInFlight = errors;
      errors = new Map();
      const changed = changedCounters.take();
      const names = full ? [...counters.keys()] : [...changed];
      const report =
        names.length === 0 && !full
          ? undefined
          : { since, counters: Object.fromEntries(names.map((name) => [name, counters.get(name) ?? 0])) };
      return { errors: [...errorsInFlight.values()], telemetry: report };
    },
    settle(delivered) {
      changedCounters.settle(delivered);
      if (!delivered) for (const error of errorsInFlight.values()) addError(errors, error);
      errorsInFlight = new Map();
    },
  };
}
