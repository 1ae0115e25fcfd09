import { insertAuditEntry } from "../audit/store.js";
import type { Database } from "../db/database.js";
import { newId } from "../ids.js";
import type { Logger } from "../logger.js";
import { expireCommands } from "./command-store.js";
import { openIncident } from "./incident-store.js";
import { markSilentInstancesOffline } from "./instance-store.js";

/** Incident type opened when an instance misses 3 heartbeat intervals. */
export const MISSED_HEARTBEATS = "missed_heartbeats";
/** Heartbeat intervals an instance may miss before it is offline (ARCHITECTURE.md). */
export const MISSED_INTERVALS = 3;

/** What one {@link runAgentMonitor} pass changed. */
export interface MonitorReport {
  offline: string[];
  incidents: string[];
  expiredCommands: string[];
}

const systemActor = { type: "system", id: "agent_monitor" } as const;

/**
 * One pass of the agent monitor at `now`: instances silent for {@link MISSED_INTERVALS} of their
 * intervals become `offline` with one open `missed_heartbeats` incident each (the unique index
 * keeps it to one per instance and type), and commands past their deadline become `expired`.
 * Rows are claimed with SKIP LOCKED, so several workers may run it at once.
 */
export async function runAgentMonitor(db: Database, now: Date = new Date()): Promise<MonitorReport> {
  return db.transaction(async (tx) => {
    const report: MonitorReport = { offline: [], incidents: [], expiredCommands: [] };
    for (const instance of await markSilentInstancesOffline(tx, now)) {
      report.offline.push(instance.id);
      const lastSeen = instance.last_seen_at ?? instance.enrolled_at;
      const silentS = Math.round((now.getTime() - lastSeen.getTime()) / 1000);
      const missed = Math.floor(silentS / instance.heartbeat_interval_s);
      const incident = await openIncident(tx, {
        id: newId("inc"),
        account_id: instance.account_id,
        livemode: instance.livemode,
        app_id: instance.app_id,
        instance_id: instance.id,
        type: MISSED_HEARTBEATS,
        // A plugin nobody can reach for 10 intervals or more is critical, otherwise medium.
        severity: missed >= 10 ? "critical" : "medium",
        summary: `${instance.plugin_name} (${instance.platform}) sent no heartbeat for ${silentS} s`,
        evidence: {
          last_seen_at: instance.last_seen_at?.toISOString() ?? null,
          heartbeat_interval_s: instance.heartbeat_interval_s,
          missed_intervals: missed,
          last_sequence_num: instance.last_sequence_num === null ? null : Number(instance.last_sequence_num),
          plugin_version: instance.plugin_version,
        },
        opened_at: now,
      });
      const audit = { accountId: instance.account_id, livemode: instance.livemode, actor: systemActor, requestId: null, ip: null };
      await insertAuditEntry(tx, { ...audit, action: "plugin.offline", targetId: instance.id, before: { status: "active" }, after: { status: "offline" } });
      if (incident) {
        report.incidents.push(incident.id);
        await insertAuditEntry(tx, { ...audit, action: "incident.opened", targetId: incident.id, before: null, after: incident });
      }
    }
    for (const command of await expireCommands(tx, now)) {
      report.expiredCommands.push(command.id);
      await insertAuditEntry(tx, {
        accountId: command.account_id,
        livemode: command.livemode,
        actor: systemActor,
        action: "plugin_command.expired",
        targetId: command.id,
        before: null,
        after: { status: "expired", expires_at: command.expires_at.toISOString() },
        requestId: null,
        ip: null,
      });
    }
    return report;
  });
}

/**
 * Runs {@link runAgentMonitor} every `intervalMs` (worker role).
 *
 * @returns a function that stops the job.
 */
export function startAgentMonitor(db: Database, logger: Logger, intervalMs: number): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const report = await runAgentMonitor(db);
      if (report.offline.length + report.expiredCommands.length > 0) {
        logger.info({ offline: report.offline.length, incidents: report.incidents.length, expired_commands: report.expiredCommands.length }, "agent monitor pass");
      }
    } catch (error) {
      logger.warn({ err: error }, "agent monitor failed; will retry");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
