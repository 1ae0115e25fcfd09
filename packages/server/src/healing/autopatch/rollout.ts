import { insertAuditEntry } from "../../audit/store.js";
import { type IncidentStatus, moveIncidents } from "../../agents/incident-store.js";
import { FAST_HEARTBEAT_S } from "../../agents/heartbeat-service.js";
import { issueCommand } from "../../agents/issue-command.js";
import type { CommandSigner } from "../../agents/signing.js";
import type { Database, Queryable } from "../../db/database.js";
import { newId } from "../../ids.js";
import type { Logger } from "../../logger.js";
import type { DecisionServiceSettings } from "../decisions/remote.js";
import { inWindow, type OpsPolicy } from "../policy/policy.js";
import { readPolicy } from "../policy/store.js";
import { type OutcomeReport, recordRuleOutcome, reportOutcome } from "./feedback.js";
import { DEFAULT_WATCH, judgeHealth, type WatchResult, type WatchSample, type WatchSettings } from "./health-watch.js";
import { mergePatch } from "./merge-patch.js";
import {
  activeAutopatchIds,
  type AttemptOutcome,
  type AutopatchRow,
  insertAttempt,
  lockActiveAutopatch,
  type TargetRow,
  targetsOf,
  updateAutopatch,
  updateTarget,
} from "./store.js";

/** How long an autopatch's commands stay startable: an instance offline longer fails its attempt. */
export const AUTOPATCH_COMMAND_LIFETIME_MS = 3_600_000;
/** Command statuses that mean it did not (and will not) run. */
const UNDONE = new Set(["failed", "rejected", "expired"]);
/** Samples before the apply that make an instance's baseline. */
const BASELINE_SAMPLES = 10;

/** What a runner pass needs besides the database. */
export interface RolloutContext {
  signer: CommandSigner;
  /** Where outcomes are reported, when a decision service is configured. */
  decisionService?: DecisionServiceSettings | undefined;
  watch?: WatchSettings;
  logger?: Logger;
}

/** What one pass did, for logs, tests and metrics. */
export interface RolloutReport {
  /** Attempts written, by outcome. */
  attempts: Record<AttemptOutcome, number>;
  /** Autopatches that ended in this pass, with how. */
  finished: Array<{ id: string; status: AutopatchRow["status"] }>;
  /** Feedback deliveries to the decision service that failed. */
  feedbackErrors: string[];
}

type CommandFacts = { id: string; status: string; error: { code: string; message: string } | null; details: Record<string, unknown> | null; completed_at: Date | null; acked_at: Date | null };
type InstanceFacts = {
  id: string;
  account_id: string;
  livemode: boolean;
  status: string;
  plugin_version: string;
  effective_config: Record<string, unknown> | null;
  capabilities: { commands: string[] } | null;
};

const systemActorOf = (patch: AutopatchRow) => ({ type: "system", id: patch.id }) as const;

/**
 * One pass of every running rollout (worker roles run it every few seconds; several workers
 * share the work, each autopatch locked by one at a time). For each autopatch, in one
 * transaction: settles its targets in flight (commands acked, watches due, rollbacks done),
 * then decides the rollout's next step — the next wave when the current one passed (unless the
 * kill switch is on or it is outside the maintenance windows), completion after the last, a
 * pause when a watch stays inconclusive, or a rollback of the wave when any of its instances
 * failed. Rule feedback is written in the same transaction; outcomes go to the decision service
 * after the commit.
 */
export async function runRollouts(db: Database, context: RolloutContext, now: Date = new Date()): Promise<RolloutReport> {
  const report: RolloutReport = { attempts: { succeeded: 0, failed: 0, rolled_back: 0 }, finished: [], feedbackErrors: [] };
  const outcomes: OutcomeReport[] = [];
  for (const id of await activeAutopatchIds(db)) {
    await db.transaction(async (tx) => {
      const patch = await lockActiveAutopatch(tx, id);
      if (!patch) return;
      const step = new RolloutStep(tx, context, patch, now, report);
      const outcome = await step.run();
      if (outcome) outcomes.push(outcome);
    });
  }
  if (context.decisionService) {
    for (const outcome of outcomes) {
      const error = await reportOutcome(context.decisionService, outcome);
      if (error) {
        report.feedbackErrors.push(error);
        context.logger?.warn({ autopatch: outcome.autopatch_id, error }, "could not report an autopatch outcome to the decision service");
      }
    }
  }
  return report;
}

/** Runs {@link runRollouts} every `intervalMs`; returns a function that stops it. */
export function startRollouts(db: Database, context: RolloutContext & { logger: Logger }, intervalMs: number, onReport?: (report: RolloutReport) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runRollouts(db, context)
      .then((report) => onReport?.(report))
      .catch((error: unknown) => context.logger.warn({ err: error }, "autopatch rollout pass failed; will retry"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The work of one pass on one locked autopatch. */
class RolloutStep {
  private targets: TargetRow[] = [];
  private commands = new Map<string, CommandFacts>();
  private instances = new Map<string, InstanceFacts>();
  private policy: OpsPolicy | undefined;

  constructor(
    private readonly tx: Queryable,
    private readonly context: RolloutContext,
    private patch: AutopatchRow,
    private readonly now: Date,
    private readonly report: RolloutReport,
  ) {}

  async run(): Promise<OutcomeReport | undefined> {
    await this.load();
    let failure: string | undefined;
    let overdue: string | undefined;
    for (const target of this.targets) {
      const verdict = await this.settle(target);
      if (verdict?.failure) failure ??= verdict.failure;
      if (verdict?.overdue) overdue ??= verdict.overdue;
    }
    if (this.patch.status === "running") {
      if (failure) {
        this.patch = await updateAutopatch(this.tx, this.patch.id, { status: "rolling_back", ends_as: "rolled_back", status_reason: failure });
        await this.audit("autopatch.rolling_back", { status: "running" }, { status: "rolling_back", reason: failure });
      } else if (overdue) {
        const reason = `${overdue}; approve to accept it and continue, or abort to roll the wave back`;
        this.patch = await updateAutopatch(this.tx, this.patch.id, { status: "paused", status_reason: reason });
        await this.audit("autopatch.paused", { status: "running" }, { status: "paused", reason });
        return undefined;
      } else {
        return this.advance();
      }
    }
    return this.rollBack();
  }

  private async load(): Promise<void> {
    this.targets = await targetsOf(this.tx, this.patch.id);
    const commandIds = this.targets.flatMap((target) => [target.command_id, target.rollback_command_id]).filter((id): id is string => id !== null);
    const { rows: commands } = await this.tx.query<CommandFacts>(
      "select id, status, error, details, completed_at, acked_at from plugin_commands where id = any($1::text[])",
      [commandIds],
    );
    this.commands = new Map(commands.map((command) => [command.id, command]));
    const { rows: instances } = await this.tx.query<InstanceFacts>(
      "select id, account_id, livemode, status, plugin_version, effective_config, capabilities from plugin_instances where id = any($1::text[])",
      [this.targets.map((target) => target.instance_id)],
    );
    this.instances = new Map(instances.map((instance) => [instance.id, instance]));
  }

  /** Moves one target on from what its commands and telemetry say; reports a failure or an overdue watch. */
  private async settle(target: TargetRow): Promise<{ failure?: string; overdue?: string } | undefined> {
    if (target.state === "applying") {
      const command = this.commands.get(target.command_id ?? "");
      if (command?.status === "applied") {
        const appliedAt = command.completed_at ?? command.acked_at ?? this.now;
        await this.move(target, { state: "watching", applied_at: appliedAt, watch_until: new Date(appliedAt.getTime() + this.patch.watch_s * 1000) });
        // …and on to its watch, which a late pass may find already due.
      } else if (command && UNDONE.has(command.status)) {
        const why = command.status === "expired" ? "the command expired before the agent applied it" : `the agent could not apply it (${command.error?.code ?? command.status}: ${command.error?.message ?? ""})`;
        // A failed update or config is undone by the agent itself when it can (local rollback).
        const local = command.details?.rolled_back === true;
        await this.finish(target, local ? "rolled_back" : "failed", { verdict: "fail", reasons: [why], local_rollback: local });
        return { failure: `${target.instance_id}: ${why}` };
      } else {
        return undefined;
      }
    }
    if (target.state === "watching" && target.watch_until && this.now >= target.watch_until) {
      const result = await this.watch(target);
      if (result.verdict === "pass") {
        // Its incident resolves when the whole wave passed: a failing wave rolls this one back too.
        await this.move(target, { state: "passed", health: result });
        return undefined;
      }
      if (result.verdict === "fail") {
        await this.move(target, { health: result });
        return { failure: `${target.instance_id} got worse after the fix: ${result.reasons.join("; ")}` };
      }
      await this.move(target, { health: result });
      // One more watch period for the samples to arrive, then a person decides.
      const deadline = target.watch_until.getTime() + this.patch.watch_s * 1000;
      return this.now.getTime() >= deadline ? { overdue: `the health watch of ${target.instance_id} is inconclusive: ${result.reasons.join("; ")}` } : undefined;
    }
    if (target.state === "rolling_back") {
      const command = this.commands.get(target.rollback_command_id ?? "");
      if (command?.status === "applied") {
        await this.finish(target, "rolled_back", { ...(target.health ?? {}), rolled_back_at: (command.completed_at ?? this.now).toISOString() });
      } else if (command && UNDONE.has(command.status)) {
        await this.finish(target, "failed", { ...(target.health ?? {}), rollback_error: command.error ?? { code: command.status, message: "the rollback did not run" } });
      }
    }
    return undefined;
  }

  /** The watch of one target: its samples since the apply against its baseline. */
  private async watch(target: TargetRow): Promise<WatchResult> {
    const { rows } = await this.tx.query<WatchSample>(
      `select error_count, webhook_fail_rate, healthy from plugin_telemetry_samples
        where instance_id = $1 and recorded_at > $2 and recorded_at <= $3 order by id`,
      [target.instance_id, target.applied_at, this.now],
    );
    // The first heartbeat after the apply also reports errors from before it: not evidence.
    return judgeHealth(target.baseline ?? [], rows.slice(1), target.incident_id !== null, this.context.watch ?? DEFAULT_WATCH);
  }

  /** The next step of a running rollout whose targets in flight are all fine. */
  private async advance(): Promise<OutcomeReport | undefined> {
    const wave = this.targets.filter((target) => target.wave === this.patch.current_wave);
    if (wave.some((target) => target.state === "applying" || target.state === "watching")) return undefined;
    const started = wave.some((target) => target.state !== "waiting");
    if (started) {
      for (const target of wave.filter((t) => t.state === "passed")) {
        await this.finish(target, "succeeded", target.health ?? {});
        await this.moveIncident(target, ["open", "mitigating"], "resolved", "incident.resolved");
      }
      if (this.patch.current_wave + 1 >= this.patch.wave_count) return this.complete();
    }
    const next = started ? this.patch.current_wave + 1 : this.patch.current_wave;
    const hold = await this.holdReason();
    if (hold) {
      if (this.patch.status_reason !== hold || next !== this.patch.current_wave) {
        this.patch = await updateAutopatch(this.tx, this.patch.id, { current_wave: next, status_reason: hold });
      }
      return undefined;
    }
    await this.startWave(next);
    return undefined;
  }

  /** Why the next wave may not start now: the kill switch, or outside the maintenance windows. */
  private async holdReason(): Promise<string | undefined> {
    this.policy ??= (await readPolicy(this.tx, { accountId: this.patch.account_id, livemode: this.patch.livemode })).policy;
    if (this.policy.kill_switch) return "held: the kill switch is on";
    if (!inWindow(this.policy, this.now)) return "held: outside the maintenance windows";
    return undefined;
  }

  private async startWave(wave: number): Promise<void> {
    const issuedAt = this.now;
    const expiresAt = new Date(issuedAt.getTime() + AUTOPATCH_COMMAND_LIFETIME_MS);
    for (const target of this.targets.filter((t) => t.wave === wave && t.state === "waiting")) {
      const instance = this.instances.get(target.instance_id);
      const commandType = this.patch.action.type;
      if (!instance || instance.status === "revoked" || (instance.capabilities && !instance.capabilities.commands.includes(commandType))) {
        // Not the fix's doing: the instance left, or no longer accepts the command.
        await this.move(target, { state: "skipped", health: null });
        continue;
      }
      const { rows: baseline } = await this.tx.query<WatchSample>(
        `select error_count, webhook_fail_rate, healthy from (
           select id, error_count, webhook_fail_rate, healthy from plugin_telemetry_samples where instance_id = $1 and recorded_at <= $2
            order by id desc limit $3) recent order by id`,
        [instance.id, issuedAt, BASELINE_SAMPLES],
      );
      const command = await issueCommand(this.tx, this.context.signer, instance, {
        type: commandType,
        params: this.commandParams(instance),
        issuedAt,
        expiresAt,
        createdBy: systemActorOf(this.patch),
      });
      await this.audit("plugin_command.created", null, { id: command.id, plugin_id: instance.id, type: command.type, autopatch_id: this.patch.id }, command.id);
      await this.move(target, { state: "applying", command_id: command.id, before_version: instance.plugin_version, baseline, started_at: issuedAt });
    }
    this.patch = await updateAutopatch(this.tx, this.patch.id, { current_wave: wave, status_reason: null });
    // Every instance still in the rollout heartbeats fast until it is likely over (see FAST_HEARTBEAT_S).
    const remaining = this.patch.wave_count - wave;
    const until = new Date(this.now.getTime() + Math.min(6 * 3_600_000, remaining * (2 * this.patch.watch_s + 2 * FAST_HEARTBEAT_S) * 1000 + 300_000));
    const open = this.targets.filter((t) => t.state === "waiting" || t.state === "applying" || t.state === "watching").map((t) => t.instance_id);
    await this.tx.query("update plugin_instances set fast_heartbeat_until = greatest(fast_heartbeat_until, $2) where id = any($1::text[])", [open, until]);
  }

  /** The command's params: a config action is a merge patch over the config the instance reported. */
  private commandParams(instance: InstanceFacts): Record<string, unknown> {
    const action = this.patch.action;
    if (action.type === "config") return { config: mergePatch(instance.effective_config ?? {}, action.params) };
    return action.params;
  }

  private async complete(): Promise<OutcomeReport> {
    this.patch = await updateAutopatch(this.tx, this.patch.id, { status: "completed", status_reason: null, finished_at: this.now });
    await this.audit("autopatch.completed", { status: "running" }, { status: "completed" });
    await this.endFastHeartbeats();
    // A rollout whose every instance was skipped (revoked, say) proved nothing about the rule.
    if (this.patch.rule_id && this.targets.some((target) => target.state === "succeeded")) await recordRuleOutcome(this.tx, this.patch.rule_id, "succeeded");
    this.report.finished.push({ id: this.patch.id, status: "completed" });
    return this.outcome("completed");
  }

  /**
   * A rollout that stopped: the current wave's instances the fix reached are rolled back through
   * their agents (instances of waves that passed before keep it); waiting ones are skipped. Ends
   * once every rollback settled.
   */
  private async rollBack(): Promise<OutcomeReport | undefined> {
    for (const target of this.targets) {
      if (target.state === "waiting") await this.move(target, { state: "skipped" });
      if (target.state !== "watching" && target.state !== "passed") continue;
      const instance = this.instances.get(target.instance_id);
      if (this.patch.action.type === "rollback" || !instance || instance.status === "revoked" || (instance.capabilities && !instance.capabilities.commands.includes("rollback"))) {
        const why = this.patch.action.type === "rollback" ? "a rollback cannot be undone" : "the instance cannot take a rollback command";
        await this.finish(target, "failed", { ...(target.health ?? {}), rollback_error: { code: "cannot_roll_back", message: why } });
        continue;
      }
      const command = await issueCommand(this.tx, this.context.signer, instance, {
        type: "rollback",
        params: {},
        issuedAt: this.now,
        expiresAt: new Date(this.now.getTime() + AUTOPATCH_COMMAND_LIFETIME_MS),
        createdBy: systemActorOf(this.patch),
      });
      await this.audit("plugin_command.created", null, { id: command.id, plugin_id: instance.id, type: "rollback", autopatch_id: this.patch.id }, command.id);
      await this.move(target, { state: "rolling_back", rollback_command_id: command.id });
    }
    // Commands still in flight may yet apply: they are rolled back when they do (next passes).
    if (this.targets.some((target) => ["applying", "watching", "passed", "rolling_back"].includes(target.state))) return undefined;
    const endsAs = this.patch.ends_as ?? "rolled_back";
    this.patch = await updateAutopatch(this.tx, this.patch.id, { status: endsAs, finished_at: this.now });
    await this.audit(`autopatch.${endsAs}`, { status: "rolling_back" }, { status: endsAs, reason: this.patch.status_reason });
    // A failed fix goes to people; an aborted one leaves the incidents open as they were.
    for (const target of this.targets) {
      if (endsAs === "rolled_back") await this.moveIncident(target, ["open", "mitigating"], "escalated", "incident.escalated");
      else await this.moveIncident(target, ["mitigating"], "open", "incident.reopened");
    }
    await this.endFastHeartbeats();
    this.report.finished.push({ id: this.patch.id, status: endsAs });
    if (endsAs !== "rolled_back") return undefined;
    if (this.patch.rule_id) await recordRuleOutcome(this.tx, this.patch.rule_id, "rolled_back");
    return this.outcome("rolled_back");
  }

  private async finish(target: TargetRow, outcome: AttemptOutcome, health: Record<string, unknown>): Promise<void> {
    const state = outcome === "succeeded" ? "succeeded" : outcome;
    const instance = this.instances.get(target.instance_id);
    await insertAttempt(this.tx, {
      id: newId("apa"),
      account_id: this.patch.account_id,
      livemode: this.patch.livemode,
      autopatch_id: this.patch.id,
      instance_id: target.instance_id,
      wave: target.wave,
      action: this.patch.action,
      outcome,
      before_version: target.before_version,
      after_version: instance?.plugin_version ?? null,
      command_id: target.command_id,
      rollback_command_id: target.rollback_command_id,
      health,
      started_at: target.started_at ?? this.now,
      applied_at: target.applied_at,
      finished_at: this.now,
    });
    this.report.attempts[outcome] += 1;
    await this.move(target, { state });
  }

  private async move(target: TargetRow, change: Parameters<typeof updateTarget>[2]): Promise<void> {
    await updateTarget(this.tx, target, change);
    Object.assign(target, change);
  }

  private async moveIncident(target: TargetRow, from: IncidentStatus[], to: IncidentStatus, action: string): Promise<void> {
    if (!target.incident_id) return;
    for (const moved of await moveIncidents(this.tx, [target.incident_id], from, to)) {
      await this.audit(action, null, { status: moved.status, autopatch_id: this.patch.id }, moved.id);
    }
  }

  private async endFastHeartbeats(): Promise<void> {
    await this.tx.query(
      `update plugin_instances set fast_heartbeat_until = null
        where id = any($1::text[]) and not exists (
          select 1 from autopatch_targets t join autopatches a on a.id = t.autopatch_id
           where t.instance_id = plugin_instances.id and a.id <> $2 and a.status in ('running', 'rolling_back'))`,
      [this.targets.map((target) => target.instance_id), this.patch.id],
    );
  }

  private outcome(outcome: OutcomeReport["outcome"]): OutcomeReport {
    const count = (state: string) => this.targets.filter((target) => target.state === state).length;
    return {
      type: "autopatch.outcome",
      autopatch_id: this.patch.id,
      decision_id: this.patch.decision_id,
      incident_id: this.patch.incident_id,
      rule_id: this.patch.rule_id,
      action: this.patch.action,
      outcome,
      reason: this.patch.status_reason,
      attempts: { succeeded: count("succeeded"), failed: count("failed"), rolled_back: count("rolled_back") },
    };
  }

  private audit(action: string, before: Record<string, unknown> | null, after: Record<string, unknown>, targetId = this.patch.id): Promise<void> {
    return insertAuditEntry(this.tx, {
      accountId: this.patch.account_id,
      livemode: this.patch.livemode,
      actor: systemActorOf(this.patch),
      action,
      targetId,
      before,
      after,
      requestId: null,
      ip: null,
    });
  }
}
