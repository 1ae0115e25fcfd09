import { insertAuditEntry } from "../audit/store.js";
import type { Database, Queryable } from "../db/database.js";
import type { RequestMeta } from "../http/api-router.js";
import { ApiError, permissionDenied } from "../http/problem.js";
import { recordAgentResult } from "./command-results.js";
import { HeartbeatBatch } from "./heartbeat-batch.js";
import { type DeliveredCommand, recordHeartbeat, type TelemetrySample } from "./heartbeat-store.js";
import { resolveIncident } from "./incident-store.js";
import { type InstanceRow, lockInstanceForHeartbeat } from "./instance-store.js";
import { MISSED_HEARTBEATS } from "./monitor.js";
import type { AgentCredentialHasher } from "./secrets.js";
import type { HeartbeatRequest, SignedCommand, StateReport } from "./wire.js";

/** 200 of a heartbeat. */
export interface HeartbeatAnswer {
  next_heartbeat_in_s: number;
  report_full_state: boolean;
  commands: SignedCommand[];
}

/** The heartbeat interval asked of an instance in a rollout (`plugin_instances.fast_heartbeat_until`). */
export const FAST_HEARTBEAT_S = 15;

/** 401 for an unknown or revoked agent secret: the agent stops and tells its operator (section 10). */
export function agentUnauthenticated(): ApiError {
  return new ApiError(401, "authentication_required", "Authentication required", "The agent credentials are unknown or revoked", undefined, {
    "WWW-Authenticate": 'Bearer realm="relais-agent"',
  });
}

interface KnownState {
  effectiveConfig: Record<string, unknown> | null;
  configStatus: Record<string, unknown> | null;
  since: string | null;
  counters: Record<string, number>;
}

/** The telemetry sample of a heartbeat's health report (its counters come from the merged state). */
function sampleOf(health: HeartbeatRequest["health"]): Omit<TelemetrySample, "counters"> {
  return {
    healthy: health.healthy,
    errors: health.errors,
    errorCount: health.errors.reduce((sum, error) => sum + error.count, 0),
    webhookFailRate: health.webhook_fail_rate,
  };
}

/** Applies a `changes` report over the known state; counters merge unless `since` restarted them. */
function applyChanges(state: KnownState, changes: StateReport): KnownState {
  const next = { ...state };
  if (changes.effective_config !== undefined) next.effectiveConfig = changes.effective_config;
  if (changes.config_status !== undefined) next.configStatus = changes.config_status;
  if (changes.telemetry !== undefined) {
    const restarted = changes.telemetry.since !== state.since;
    next.since = changes.telemetry.since;
    next.counters = restarted ? { ...changes.telemetry.counters } : { ...state.counters, ...changes.telemetry.counters };
  }
  return next;
}

/**
 * `POST /v1/agent/heartbeat` (sections 4 and 5): one transaction records the instance's report,
 * a telemetry sample and the outcomes it carries, and hands out its due commands.
 */
export class HeartbeatService {
  constructor(
    private readonly db: Database,
    private readonly hasher: AgentCredentialHasher,
    private readonly heartbeatIntervalS: number,
  ) {
    this.batch = new HeartbeatBatch(db);
  }

  // Concurrent common-case heartbeats share one statement (see HeartbeatBatch).
  private readonly batch: HeartbeatBatch;

  async heartbeat(secret: string, body: HeartbeatRequest, request: RequestMeta): Promise<HeartbeatAnswer> {
    const secretHash = this.hasher.hash(secret);
    const fast = await this.fastHeartbeat(secretHash, body, request);
    if (fast) return this.answer(fast.commands, false, fast.fastHeartbeatUntil);
    return this.db.transaction(async (tx) => {
      // Also skips the commit's WAL flush wait: a lost heartbeat is a sequence gap (see the store).
      const instance = await lockInstanceForHeartbeat(tx, secretHash);
      if (!instance) throw agentUnauthenticated();
      if (instance.id !== body.instance_uid) throw permissionDenied("instance_uid does not match the agent credentials");

      const last = instance.last_sequence_num === null ? null : Number(instance.last_sequence_num);
      // A number at or below the last one is a replay or an agent that lost its state: its
      // `changes` may be older than what the server holds, so they are not applied (section 5).
      const stale = last !== null && body.sequence_num <= last;
      let state: KnownState = {
        effectiveConfig: instance.effective_config,
        configStatus: instance.config_status,
        since: instance.telemetry_since,
        counters: instance.telemetry_counters,
      };
      let reportFullState: boolean;
      let stateKnown = instance.state_known;
      const report = body.full_state ?? (stale ? undefined : body.changes);
      if (body.full_state) {
        state = applyChanges({ ...state, since: null, counters: {} }, body.full_state);
        stateKnown = true;
        reportFullState = false;
      } else {
        if (report) state = applyChanges(state, report);
        const inOrder = last !== null && body.sequence_num === last + 1;
        reportFullState = !stateKnown || !inOrder || instance.report_full_state;
      }

      // Outcomes first: a command the report settles is not handed out again below.
      await this.recordReportedOutcomes(tx, instance, report, request);
      if (instance.status === "offline") await this.markOnline(tx, instance, request);
      const due = await recordHeartbeat(
        tx,
        instance,
        {
          plugin: body.plugin,
          env: body.env,
          capabilities: body.capabilities,
          healthy: body.health.healthy,
          health: body.health,
          effectiveConfigHash: body.effective_config_hash,
          effectiveConfig: state.effectiveConfig,
          configStatus: state.configStatus,
          telemetrySince: state.since,
          telemetryCounters: state.counters,
          sequenceNum: body.sequence_num,
          stateKnown,
          reportFullState,
          heartbeatIntervalS: this.heartbeatIntervalS,
        },
        stale
          ? null
          : { ...sampleOf(body.health), counters: state.counters },
        body.capabilities.commands,
      );
      for (const command of due.filter((row) => row.previous_status === "pending")) {
        await insertAuditEntry(tx, {
          accountId: instance.account_id,
          livemode: instance.livemode,
          actor: { type: "agent", id: instance.id },
          action: "plugin_command.delivered",
          targetId: command.id,
          before: { status: "pending" },
          after: { status: "delivered" },
          requestId: request.requestId,
          ip: request.ip,
        });
      }
      return this.answer(due, reportFullState, instance.fast_heartbeat_until);
    });
  }

  private answer(due: DeliveredCommand[], reportFullState: boolean, fastUntil: Date | null): HeartbeatAnswer {
    // An instance in a rollout heartbeats every FAST_HEARTBEAT_S: its health watch needs samples.
    const fast = fastUntil !== null && fastUntil.getTime() > Date.now();
    return {
      next_heartbeat_in_s: fast ? Math.min(this.heartbeatIntervalS, FAST_HEARTBEAT_S) : this.heartbeatIntervalS,
      report_full_state: reportFullState,
      commands: due.map((command) => ({
        id: command.id,
        type: command.type,
        params: command.params,
        issued_at: command.issued_at.toISOString(),
        expires_at: command.expires_at.toISOString(),
        signature: command.signature,
      })),
    };
  }

  /**
   * The common heartbeat (next sequence number, `changes` or nothing, no final command
   * outcomes) as one statement; undefined when the instance's row does not qualify, for the
   * transaction below to handle it (and give the same answer it would have given).
   */
  private fastHeartbeat(
    secretHash: string,
    body: HeartbeatRequest,
    request: RequestMeta,
  ): Promise<{ commands: DeliveredCommand[]; fastHeartbeatUntil: Date | null } | undefined> | undefined {
    const changes = body.changes;
    if (body.full_state || (changes?.commands ?? []).some((command) => command.status !== "running")) return undefined;
    return this.batch.record(
      secretHash,
      {
        instanceId: body.instance_uid,
        plugin: body.plugin,
        env: body.env,
        capabilities: body.capabilities,
        healthy: body.health.healthy,
        health: body.health,
        effectiveConfigHash: body.effective_config_hash,
        ...(changes?.effective_config === undefined ? {} : { effectiveConfig: changes.effective_config }),
        ...(changes?.config_status === undefined ? {} : { configStatus: changes.config_status }),
        ...(changes?.telemetry === undefined ? {} : { telemetry: changes.telemetry }),
        sequenceNum: body.sequence_num,
        heartbeatIntervalS: this.heartbeatIntervalS,
        sample: sampleOf(body.health),
        request,
      },
      body.capabilities.commands,
    );
  }

  // Final statuses in a state report count as acks (section 4); the agent still sends the ack.
  private async recordReportedOutcomes(tx: Queryable, instance: InstanceRow, report: StateReport | undefined, request: RequestMeta): Promise<void> {
    for (const command of report?.commands ?? []) {
      if (command.status === "running") continue;
      await recordAgentResult(tx, instance, command.id, { status: command.status, error: command.error, details: command.details, completedAt: null }, request);
    }
  }

  private async markOnline(tx: Queryable, instance: InstanceRow, request: RequestMeta): Promise<void> {
    const resolved = await resolveIncident(tx, instance.id, MISSED_HEARTBEATS);
    await insertAuditEntry(tx, {
      accountId: instance.account_id,
      livemode: instance.livemode,
      actor: { type: "agent", id: instance.id },
      action: "plugin.online",
      targetId: instance.id,
      before: { status: "offline" },
      after: { status: "active", resolved_incident: resolved?.id ?? null },
      requestId: request.requestId,
      ip: request.ip,
    });
  }
}
