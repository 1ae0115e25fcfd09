import { type ChangeContext, recordChange } from "../../audit/change.js";
import { insertAuditEntry } from "../../audit/store.js";
import { type IncidentRow, moveIncidents } from "../../agents/incident-store.js";
import type { Database, Queryable } from "../../db/database.js";
import { type AccountScope, accountScope } from "../../http/auth/account-scope.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { ApiError, conflict, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import type { DecisionRow } from "../decisions/store.js";
import { judge, type OpsPolicy } from "../policy/policy.js";
import { readPolicy } from "../policy/store.js";
import type { HealingAction } from "../rules/rule.js";
import {
  type Approval,
  type AttemptFilter,
  type AttemptRow,
  type AutopatchRow,
  type AutopatchStatus,
  findAutopatch,
  insertAutopatch,
  insertTargets,
  instancesInActiveAutopatches,
  listAttempts,
  listAutopatches,
  type TargetRow,
  targetsOf,
  updateAutopatch,
  updateTarget,
} from "./store.js";
import { planWaves, waveOfEach } from "./waves.js";

/** The most instances one autopatch may target. */
export const MAX_AUTOPATCH_TARGETS = 1000;

/** What an operator asks for: an action for some instances, or a decision's action for its incident's cohort. */
export interface NewAutopatch {
  action?: HealingAction | undefined;
  pluginIds?: string[] | undefined;
  decisionId?: string | undefined;
}

/** An autopatch with its targets. */
export interface AutopatchDetail {
  patch: AutopatchRow;
  targets: TargetRow[];
}

type CandidateInstance = {
  id: string;
  app_id: string;
  status: string;
  capabilities: { commands: string[] } | null;
  incident_id: string | null;
};

function badTargets(errors: Array<{ path: string; code: string; message: string }>): ApiError {
  return new ApiError(400, "invalid_request", "Invalid request", "Some target plugin instances cannot take this autopatch; nothing was created", errors);
}

/** The command type an action runs as; `notify` has none. */
function commandTypeOf(action: HealingAction): "config" | "update" | "rollback" {
  if (action.type === "notify") {
    throw new ApiError(400, "invalid_request", "Invalid request", "A notify action changes nothing on a plugin; there is nothing to roll out", [
      { path: "body.action.type", code: "invalid_value", message: "must be config, update or rollback" },
    ]);
  }
  return action.type;
}

/** The instances of `ids` in the scope (and the caller's app, for app keys), with their active incident of `type` if any. */
async function candidates(db: Queryable, scope: AccountScope & { appId: string | null }, ids: readonly string[], incidentType: string | null): Promise<Map<string, CandidateInstance>> {
  const { rows } = await db.query<CandidateInstance>(
    `select i.id, i.app_id, i.status, i.capabilities,
            (select n.id from incidents n where n.instance_id = i.id and n.status in ('open', 'mitigating')
              order by (n.type = $5) desc, n.id desc limit 1) as incident_id
       from plugin_instances i
      where i.id = any($1::text[]) and i.account_id = $2 and i.livemode = $3 and ($4::text is null or i.app_id = $4)`,
    [ids, scope.accountId, scope.livemode, scope.appId, incidentType ?? ""],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** Instances with an incident first (the canary should be where the problem is), then by id. */
function inRolloutOrder<T extends { id: string; incident_id: string | null }>(targets: T[]): T[] {
  return [...targets].sort((a, b) => Number(b.incident_id !== null) - Number(a.incident_id !== null) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Autopatches on the API side: creation by an operator or from a decision, multi-signature
 * approval, abort, and reads. The rollout itself is {@link runRollouts}'s.
 */
export class AutopatchService {
  constructor(private readonly db: Database) {}

  async create(context: ChangeContext, input: NewAutopatch): Promise<AutopatchDetail> {
    const scope = { ...accountScope(context.auth), appId: context.auth.appId };
    return this.db.transaction(async (tx) => {
      let decision: DecisionRow | undefined;
      if (input.decisionId !== undefined) {
        const { rows } = await tx.query<DecisionRow>("select * from healing_decisions where id = $1 and account_id = $2 and livemode = $3", [
          input.decisionId,
          scope.accountId,
          scope.livemode,
        ]);
        decision = rows[0];
        if (!decision) throw notFound("healing_decision", input.decisionId);
      }
      const action = input.action ?? decision?.action;
      if (!action) throw missing("body.action", "required unless decision_id is given");
      const commandType = commandTypeOf(action);
      const incident = decision ? await incidentOf(tx, decision.incident_id) : undefined;
      const ids = input.pluginIds ?? (incident ? await cohortOf(tx, incident, action) : undefined);
      if (!ids) throw missing("body.plugin_ids", "required unless decision_id is given");
      const unique = [...new Set(ids)];
      if (unique.length === 0) throw missing("body.plugin_ids", "no instance of the decision's incident can take this action now");

      const found = await candidates(tx, scope, unique, incident?.type ?? null);
      const errors = unique.flatMap((id) => {
        const path = `body.plugin_ids.${ids.indexOf(id)}`;
        const instance = found.get(id);
        if (!instance) return [{ path, code: "unknown_plugin", message: `${id} is not a plugin instance of this account` }];
        if (instance.status === "revoked") return [{ path, code: "plugin_revoked", message: `${id} is revoked` }];
        if (instance.capabilities && !instance.capabilities.commands.includes(commandType)) {
          return [{ path, code: "command_not_accepted", message: `${id} does not accept ${commandType} commands` }];
        }
        return [];
      });
      if (errors.length > 0) throw badTargets(errors);
      const busy = await instancesInActiveAutopatches(tx, unique);
      if (busy.size > 0) throw conflict(`These plugin instances are already in an autopatch that has not finished: ${[...busy].join(", ")}`);

      const { policy } = await readPolicy(tx, scope);
      const detail = await this.insert(tx, {
        scope,
        action,
        policy,
        approvalsRequired: policy.approvals[commandType],
        decision,
        targets: unique.map((id) => found.get(id) as CandidateInstance),
        createdBy: context.auth.actor,
      });
      await recordChange(tx, context, { action: "autopatch.created", targetId: detail.patch.id, before: null, after: summaryOf(detail) });
      return detail;
    });
  }

  /**
   * Proposes an autopatch for a decision about an incident, as detection makes them: when the
   * policy lets the action run alone, it starts at once; when only approvals stand in its way,
   * it waits for them; otherwise (kill switch, severity, confidence, …) nothing is proposed. It
   * targets the incident's cohort: instances of the same app, plugin and version with an active
   * incident of the same type, not already in a rollout, that did not roll this action back in the
   * last 24 hours. Returns it, or undefined.
   */
  async propose(decision: DecisionRow, incident: IncidentRow, facts: { platform: string; plugin: string }, now: Date = new Date()): Promise<AutopatchDetail | undefined> {
    if (decision.action.type === "notify") return undefined;
    const scope = { accountId: incident.account_id, livemode: incident.livemode };
    return this.db.transaction(async (tx) => {
      const { policy } = await readPolicy(tx, scope);
      let approvalsRequired = 0;
      if (!decision.verdict.auto_apply) {
        // Would it run without the approvals rule? Then people only need to sign it.
        const unsigned = { ...policy, approvals: { config: 0, update: 0, rollback: 0 } };
        const { rows: rules } = await tx.query<{ auto_apply: boolean }>("select auto_apply from healing_rules where id = $1", [decision.rule_id]);
        const ruleAllowsAuto = decision.rule_id === null || rules[0]?.auto_apply === true;
        const verdict = judge(unsigned, { action: decision.action.type, confidence: decision.confidence, severity: incident.severity, ...facts, ruleAllowsAuto }, now);
        if (!verdict.auto_apply) return undefined;
        approvalsRequired = decision.verdict.approvals_required;
      }
      const ids = await cohortOf(tx, incident, decision.action);
      if (ids.length === 0) return undefined;
      const found = await candidates(tx, { ...scope, appId: incident.app_id }, ids, incident.type);
      const joined = await joinRollout(tx, incident, decision.action, [...found.values()]);
      if (joined) return joined;
      const detail = await this.insert(tx, {
        scope,
        action: decision.action,
        policy,
        approvalsRequired,
        decision,
        targets: ids.map((id) => found.get(id)).filter((target): target is CandidateInstance => target !== undefined),
        createdBy: { type: "system", id: "healing_detector" },
      });
      await insertAuditEntry(tx, {
        ...scope,
        actor: { type: "system", id: "healing_detector" },
        action: "autopatch.created",
        targetId: detail.patch.id,
        before: null,
        after: summaryOf(detail),
        requestId: null,
        ip: null,
      });
      return detail;
    });
  }

  private async insert(
    tx: Queryable,
    input: {
      scope: AccountScope;
      action: HealingAction;
      policy: OpsPolicy;
      approvalsRequired: number;
      decision: DecisionRow | undefined;
      targets: CandidateInstance[];
      createdBy: { type: string; id: string };
    },
  ): Promise<AutopatchDetail> {
    const ordered = inRolloutOrder(input.targets);
    const waves = waveOfEach(ordered.length, input.policy.canary_percent);
    const running = input.approvalsRequired === 0;
    const patch = await insertAutopatch(
      tx,
      {
        id: newId("apt"),
        account_id: input.scope.accountId,
        livemode: input.scope.livemode,
        incident_id: input.decision?.incident_id ?? null,
        decision_id: input.decision?.id ?? null,
        rule_id: input.decision?.rule_id ?? null,
        action: input.action,
        status: running ? "running" : "awaiting_approval",
        approvals_required: input.approvalsRequired,
        canary_percent: input.policy.canary_percent,
        watch_s: input.policy.canary_duration_s,
        wave_count: planWaves(ordered.length, input.policy.canary_percent).length,
        status_reason: running ? null : `needs ${input.approvalsRequired} approval${input.approvalsRequired === 1 ? "" : "s"} by distinct operators`,
        created_by_type: input.createdBy.type,
        created_by_id: input.createdBy.id,
        started_at: running ? new Date() : null,
      },
      ordered.map((target, index) => ({ instance_id: target.id, incident_id: target.incident_id, wave: waves[index] ?? 0 })),
    );
    if (running) await mitigating(tx, ordered);
    return { patch, targets: await targetsOf(tx, patch.id) };
  }

  /**
   * Approves an autopatch. Awaiting approval: adds the caller's signature (a second one by the
   * same operator is refused, 409 `already_approved`) and starts the rollout once enough distinct
   * operators signed. Paused on an inconclusive watch: the caller accepts the instances in doubt
   * as passed and the rollout goes on.
   */
  async approve(context: ChangeContext, id: string): Promise<AutopatchDetail> {
    return this.db.transaction(async (tx) => {
      const before = await findAutopatch(tx, accountScope(context.auth), id, true);
      if (!before) throw notFound("autopatch", id);
      const actor = context.auth.actor;
      let after: AutopatchRow;
      if (before.status === "awaiting_approval") {
        if (before.approvals.some((approval) => approval.actor.type === actor.type && approval.actor.id === actor.id)) {
          throw new ApiError(409, "already_approved", "Already approved", `${actor.type} ${actor.id} already approved this autopatch; another operator must approve it`);
        }
        const approvals: Approval[] = [...before.approvals, { actor: { type: actor.type, id: actor.id }, at: new Date().toISOString() }];
        const enough = approvals.length >= before.approvals_required;
        after = await updateAutopatch(tx, id, {
          approvals,
          ...(enough
            ? { status: "running", status_reason: null, started_at: new Date() }
            : { status_reason: `needs ${before.approvals_required - approvals.length} more approval${before.approvals_required - approvals.length === 1 ? "" : "s"} by distinct operators` }),
        });
        if (enough) await mitigating(tx, (await targetsOf(tx, id)).map((target) => ({ incident_id: target.incident_id })));
      } else if (before.status === "paused") {
        // Only the instances whose watch ended inconclusive: the others' watches go on.
        for (const target of await targetsOf(tx, id)) {
          if (target.state !== "watching" || target.health?.verdict !== "inconclusive") continue;
          await updateTarget(tx, target, { state: "passed", health: { ...(target.health ?? { verdict: "inconclusive" }), accepted_by: { type: actor.type, id: actor.id } } as never });
        }
        after = await updateAutopatch(tx, id, { status: "running", status_reason: null });
      } else {
        throw conflict(`This autopatch is ${before.status}; only autopatches awaiting approval or paused can be approved`);
      }
      await recordChange(tx, context, {
        action: "autopatch.approved",
        targetId: id,
        before: { status: before.status, approvals: before.approvals.length },
        after: { status: after.status, approvals: after.approvals.length },
      });
      return { patch: after, targets: await targetsOf(tx, id) };
    });
  }

  /**
   * Stops an autopatch. One awaiting approval ends at once; a running or paused one rolls the
   * instances of its current wave back through their agents and ends `aborted` when they are.
   */
  async abort(context: ChangeContext, id: string): Promise<AutopatchDetail> {
    return this.db.transaction(async (tx) => {
      const before = await findAutopatch(tx, accountScope(context.auth), id, true);
      if (!before) throw notFound("autopatch", id);
      const reason = `aborted by ${context.auth.actor.type} ${context.auth.actor.id}`;
      let after: AutopatchRow;
      if (before.status === "awaiting_approval") {
        after = await updateAutopatch(tx, id, { status: "aborted", status_reason: reason, finished_at: new Date() });
      } else if (before.status === "running" || before.status === "paused") {
        after = await updateAutopatch(tx, id, { status: "rolling_back", ends_as: "aborted", status_reason: reason });
      } else {
        throw conflict(`This autopatch is ${before.status}; only autopatches awaiting approval, running or paused can be aborted`);
      }
      await recordChange(tx, context, { action: "autopatch.aborted", targetId: id, before: { status: before.status }, after: { status: after.status } });
      return { patch: after, targets: await targetsOf(tx, id) };
    });
  }

  async get(auth: AuthContext, id: string): Promise<AutopatchDetail> {
    const patch = await findAutopatch(this.db, accountScope(auth), id);
    if (!patch) throw notFound("autopatch", id);
    return { patch, targets: await targetsOf(this.db, id) };
  }

  async list(auth: AuthContext, status: AutopatchStatus | undefined, page: PageRequest): Promise<AutopatchDetail[]> {
    const patches = await listAutopatches(this.db, accountScope(auth), status, page);
    const details: AutopatchDetail[] = [];
    for (const patch of patches) details.push({ patch, targets: await targetsOf(this.db, patch.id) });
    return details;
  }

  listAttempts(auth: AuthContext, filter: AttemptFilter, page: PageRequest): Promise<AttemptRow[]> {
    return listAttempts(this.db, accountScope(auth), filter, page);
  }
}

/**
 * Instances whose incident opened after their cohort's rollout started join it rather than start
 * another: an unfinished autopatch of the same action whose targets run the same app, plugin and
 * version takes them in its next wave not yet started (a new last wave when none is left).
 */
async function joinRollout(tx: Queryable, incident: IncidentRow, action: HealingAction, joiners: CandidateInstance[]): Promise<AutopatchDetail | undefined> {
  const { rows } = await tx.query<AutopatchRow>(
    `select a.* from autopatches a
      where a.account_id = $2 and a.livemode = $3 and a.status in ('awaiting_approval', 'running', 'paused') and a.action = $4::jsonb
        and exists (select 1 from autopatch_targets t join plugin_instances i on i.id = t.instance_id join plugin_instances origin on origin.id = $1
                     where t.autopatch_id = a.id and i.app_id = origin.app_id and i.plugin_name = origin.plugin_name and i.plugin_version = origin.plugin_version)
      order by a.id desc limit 1 for update`,
    [incident.instance_id, incident.account_id, incident.livemode, JSON.stringify(action)],
  );
  const patch = rows[0];
  if (!patch || joiners.length === 0) return undefined;
  // Never the wave under way (it may be watching already): the one after it.
  const wave = patch.current_wave + 1;
  await insertTargets(tx, patch.id, joiners.map((joiner) => ({ instance_id: joiner.id, incident_id: joiner.incident_id, wave })));
  const updated = wave >= patch.wave_count ? await updateAutopatch(tx, patch.id, { wave_count: wave + 1 }) : patch;
  if (patch.status === "running") await mitigating(tx, joiners);
  await insertAuditEntry(tx, {
    accountId: patch.account_id,
    livemode: patch.livemode,
    actor: { type: "system", id: "healing_detector" },
    action: "autopatch.targets_added",
    targetId: patch.id,
    before: null,
    after: { plugin_ids: joiners.map((joiner) => joiner.id), wave },
    requestId: null,
    ip: null,
  });
  return { patch: updated, targets: await targetsOf(tx, patch.id) };
}

function missing(path: string, message: string): ApiError {
  return new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [{ path, code: "missing", message }]);
}

async function incidentOf(db: Queryable, id: string): Promise<IncidentRow> {
  const { rows } = await db.query<IncidentRow>("select * from incidents where id = $1", [id]);
  return rows[0] as IncidentRow;
}

/** The incident's cohort for `action` (see {@link AutopatchService.propose}), its own instance included. */
async function cohortOf(db: Queryable, incident: IncidentRow, action: HealingAction): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select i.id from plugin_instances i join plugin_instances origin on origin.id = $1
      where i.account_id = origin.account_id and i.livemode = origin.livemode and i.app_id = origin.app_id
        and i.plugin_name = origin.plugin_name and i.plugin_version = origin.plugin_version and i.status <> 'revoked'
        and (i.capabilities is null or i.capabilities->'commands' ? $4)
        and exists (select 1 from incidents n where n.instance_id = i.id and n.type = $2 and n.status in ('open', 'mitigating'))
        and not exists (select 1 from autopatch_targets t join autopatches a on a.id = t.autopatch_id
                         where t.instance_id = i.id and a.status in ('awaiting_approval', 'running', 'paused', 'rolling_back'))
        and not exists (select 1 from autopatch_attempts p where p.instance_id = i.id and p.outcome <> 'succeeded'
                         and p.action = $3::jsonb and p.finished_at > now() - interval '24 hours')
      order by i.id limit ${MAX_AUTOPATCH_TARGETS}`,
    [incident.instance_id, incident.type, JSON.stringify(action), action.type],
  );
  return rows.map((row) => row.id);
}

async function mitigating(tx: Queryable, targets: Array<{ incident_id: string | null }>): Promise<void> {
  await moveIncidents(tx, targets.map((target) => target.incident_id).filter((id): id is string => id !== null), ["open"], "mitigating");
}

function summaryOf(detail: AutopatchDetail): Record<string, unknown> {
  return {
    id: detail.patch.id,
    status: detail.patch.status,
    action: detail.patch.action,
    approvals_required: detail.patch.approvals_required,
    decision_id: detail.patch.decision_id,
    plugin_ids: detail.targets.map((target) => target.instance_id),
  };
}
