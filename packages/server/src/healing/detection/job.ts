import { insertAuditEntry } from "../../audit/store.js";
import { type IncidentRow, openIncident, resolveIncident } from "../../agents/incident-store.js";
import type { Database } from "../../db/database.js";
import { newId } from "../../ids.js";
import type { Logger } from "../../logger.js";
import type { AutopatchService } from "../autopatch/service.js";
import type { DecisionEngine } from "../decisions/engine.js";
import { assess, DEFAULT_DETECTION, type DetectionSettings, type SampleView } from "./anomalies.js";

/** What one {@link runDetection} pass did. */
export interface DetectionReport {
  opened: string[];
  resolved: string[];
  decisions: string[];
  /** Autopatches proposed for the decisions (running, or awaiting approval). */
  autopatches: string[];
}

/** How far back a pass looks for instances with new samples, and how much history each gets. */
export interface DetectionOptions {
  settings?: DetectionSettings;
  /** Instances heard from this recently are assessed (default 15 min; the scheduled pass uses two intervals). */
  windowMs?: number;
  /** Samples of history read per instance (default 30, plus the latest). */
  historySize?: number;
  now?: Date;
  /** When given, each decision the policy allows (alone or with approvals) becomes an autopatch. */
  autopatches?: AutopatchService;
}

type InstanceSamples = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string;
  plugin_name: string;
  plugin_version: string;
  platform: string;
  samples: Array<Omit<SampleView, "sequence_num"> & { sequence_num: number | string }>;
};

const systemActor = { type: "system", id: "healing_detector" } as const;

/**
 * One detection pass: every active instance that sent a sample within the window is assessed
 * against its own history (`assess`); a finding opens an incident unless one of its type is
 * already active (the unique index decides, so passes on several workers agree), and a type that
 * is clear again resolves its incident. Each newly opened incident then gets a decision — after
 * the commit, since asking the decision service may take its whole timeout.
 */
export async function runDetection(db: Database, engine: DecisionEngine, options: DetectionOptions = {}): Promise<DetectionReport> {
  const now = options.now ?? new Date();
  const settings = options.settings ?? DEFAULT_DETECTION;
  const report: DetectionReport = { opened: [], resolved: [], decisions: [], autopatches: [] };
  const { rows: instances } = await db.query<InstanceSamples>(
    `select i.id, i.account_id, i.livemode, i.app_id, i.plugin_name, i.plugin_version, i.platform, recent.samples
       from plugin_instances i
       cross join lateral (
         select json_agg(s order by s.id) as samples from (
           select id, sequence_num, recorded_at, error_count, webhook_fail_rate, healthy, errors
             from plugin_telemetry_samples where instance_id = i.id order by id desc limit $2) s) recent
      where i.status = 'active' and i.last_seen_at > $1`,
    [new Date(now.getTime() - (options.windowMs ?? 15 * 60_000)), (options.historySize ?? 30) + 1],
  );
  const opened: Array<{ incident: IncidentRow; instance: InstanceSamples; samples: SampleView[] }> = [];
  for (const instance of instances) {
    const samples = instance.samples.map((sample) => ({ ...sample, sequence_num: Number(sample.sequence_num) }));
    const { findings, clear } = assess(samples, settings);
    if (findings.length === 0 && clear.length === 0) continue;
    await db.transaction(async (tx) => {
      const audit = { accountId: instance.account_id, livemode: instance.livemode, actor: systemActor, requestId: null, ip: null };
      for (const finding of findings) {
        const incident = await openIncident(tx, {
          id: newId("inc"),
          account_id: instance.account_id,
          livemode: instance.livemode,
          app_id: instance.app_id,
          instance_id: instance.id,
          type: finding.type,
          severity: finding.severity,
          summary: `${instance.plugin_name} ${instance.plugin_version} (${instance.platform}): ${finding.summary}`,
          evidence: { ...finding.evidence, started_at: finding.started_at, detected_at: now.toISOString(), plugin_version: instance.plugin_version },
          opened_at: now,
        });
        if (!incident) continue;
        report.opened.push(incident.id);
        opened.push({ incident, instance, samples });
        await insertAuditEntry(tx, { ...audit, action: "incident.opened", targetId: incident.id, before: null, after: incident });
      }
      for (const type of clear) {
        const resolved = await resolveIncident(tx, instance.id, type);
        if (!resolved) continue;
        report.resolved.push(resolved.id);
        await insertAuditEntry(tx, { ...audit, action: "incident.resolved", targetId: resolved.id, before: { status: "open" }, after: { status: "resolved" } });
      }
    });
  }
  for (const { incident, instance, samples } of opened) {
    const latest = samples.at(-1);
    const decision = await engine.decide(
      {
        incident,
        plugin: { name: instance.plugin_name, version: instance.plugin_version, platform: instance.platform },
        errors: (latest?.errors ?? []).map((error) => ({ code: error.code, message: error.message, count: error.count })),
      },
      now,
    );
    report.decisions.push(decision.id);
    const proposed = await options.autopatches?.propose(decision, incident, { platform: instance.platform, plugin: instance.plugin_name }, now);
    if (proposed && !report.autopatches.includes(proposed.patch.id)) report.autopatches.push(proposed.patch.id);
  }
  return report;
}

/** Runs {@link runDetection} every `intervalMs` (worker roles); returns a function that stops it. */
export function startDetection(db: Database, engine: DecisionEngine, logger: Logger, intervalMs: number, autopatches?: AutopatchService): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      // Two intervals: every heartbeat is seen by at least one pass, without re-reading idle instances.
      const report = await runDetection(db, engine, { windowMs: 2 * intervalMs, ...(autopatches ? { autopatches } : {}) });
      if (report.opened.length + report.resolved.length > 0) {
        logger.info(
          { opened: report.opened.length, resolved: report.resolved.length, decisions: report.decisions.length, autopatches: report.autopatches.length },
          "healing detection pass",
        );
      }
    } catch (error) {
      logger.warn({ err: error }, "healing detection failed; will retry");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
