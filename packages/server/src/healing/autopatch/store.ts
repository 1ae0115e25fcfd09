import type { Queryable } from "../../db/database.js";
import type { AccountScope } from "../../http/auth/account-scope.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { HealingAction } from "../rules/rule.js";
import type { WatchResult, WatchSample } from "./health-watch.js";

/** Where an autopatch is. `rolling_back` ends in `rolled_back` (a wave failed) or `aborted` (a person stopped it). */
export const AUTOPATCH_STATUSES = ["awaiting_approval", "running", "paused", "completed", "rolling_back", "rolled_back", "aborted"] as const;
/** One of {@link AUTOPATCH_STATUSES}. */
export type AutopatchStatus = (typeof AUTOPATCH_STATUSES)[number];

/** Where one target instance is in the rollout. */
export type TargetState = "waiting" | "applying" | "watching" | "passed" | "succeeded" | "failed" | "rolling_back" | "rolled_back" | "skipped";

/** An actor who approved. */
export interface Approval {
  actor: { type: string; id: string };
  at: string;
}

/** An autopatch as stored. */
export type AutopatchRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  incident_id: string | null;
  decision_id: string | null;
  rule_id: string | null;
  action: HealingAction;
  status: AutopatchStatus;
  approvals_required: number;
  approvals: Approval[];
  canary_percent: number;
  watch_s: number;
  wave_count: number;
  current_wave: number;
  status_reason: string | null;
  ends_as: "rolled_back" | "aborted" | null;
  created_by_type: string;
  created_by_id: string;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/** One target as stored. */
export type TargetRow = {
  autopatch_id: string;
  instance_id: string;
  incident_id: string | null;
  wave: number;
  state: TargetState;
  command_id: string | null;
  rollback_command_id: string | null;
  before_version: string | null;
  baseline: WatchSample[] | null;
  health: WatchResult | null;
  started_at: Date | null;
  applied_at: Date | null;
  watch_until: Date | null;
  updated_at: Date;
};

/** What an attempt ends as: the fix held, the apply failed (and nothing was undone), or the fix was undone. */
export type AttemptOutcome = "succeeded" | "failed" | "rolled_back";

/** One instance's finished attempt (append-only). */
export type AttemptRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  autopatch_id: string;
  instance_id: string;
  wave: number;
  action: HealingAction;
  outcome: AttemptOutcome;
  before_version: string | null;
  after_version: string | null;
  command_id: string | null;
  rollback_command_id: string | null;
  health: Record<string, unknown>;
  started_at: Date;
  applied_at: Date | null;
  finished_at: Date;
  created_at: Date;
};

const AUTOPATCH_COLUMNS = `id, account_id, livemode, incident_id, decision_id, rule_id, action, status, approvals_required, approvals,
  canary_percent, watch_s, wave_count, current_wave, status_reason, ends_as, created_by_type, created_by_id, started_at, finished_at, created_at, updated_at`;
const TARGET_COLUMNS = `autopatch_id, instance_id, incident_id, wave, state, command_id, rollback_command_id, before_version, baseline, health,
  started_at, applied_at, watch_until, updated_at`;
const ATTEMPT_COLUMNS = `id, account_id, livemode, autopatch_id, instance_id, wave, action, outcome, before_version, after_version, command_id,
  rollback_command_id, health, started_at, applied_at, finished_at, created_at`;

/** Inserts an autopatch and its targets (in wave order). */
export async function insertAutopatch(
  tx: Queryable,
  patch: Pick<
    AutopatchRow,
    "id" | "account_id" | "livemode" | "incident_id" | "decision_id" | "rule_id" | "action" | "status" | "approvals_required" | "canary_percent" | "watch_s" | "wave_count" | "status_reason" | "created_by_type" | "created_by_id" | "started_at"
  >,
  targets: Array<{ instance_id: string; incident_id: string | null; wave: number }>,
): Promise<AutopatchRow> {
  const { rows } = await tx.query<AutopatchRow>(
    `insert into autopatches (id, account_id, livemode, incident_id, decision_id, rule_id, action, status, approvals_required, canary_percent,
       watch_s, wave_count, status_reason, created_by_type, created_by_id, started_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning ${AUTOPATCH_COLUMNS}`,
    [
      patch.id,
      patch.account_id,
      patch.livemode,
      patch.incident_id,
      patch.decision_id,
      patch.rule_id,
      JSON.stringify(patch.action),
      patch.status,
      patch.approvals_required,
      patch.canary_percent,
      patch.watch_s,
      patch.wave_count,
      patch.status_reason,
      patch.created_by_type,
      patch.created_by_id,
      patch.started_at,
    ],
  );
  await insertTargets(tx, patch.id, targets);
  return rows[0] as AutopatchRow;
}

/** One autopatch of the scope, optionally locked. */
export async function findAutopatch(db: Queryable, scope: AccountScope, id: string, lock = false): Promise<AutopatchRow | undefined> {
  const { rows } = await db.query<AutopatchRow>(
    `select ${AUTOPATCH_COLUMNS} from autopatches where id = $1 and account_id = $2 and livemode = $3${lock ? " for update" : ""}`,
    [id, scope.accountId, scope.livemode],
  );
  return rows[0];
}

/** A page of the scope's autopatches, optionally of one status. */
export async function listAutopatches(db: Queryable, scope: AccountScope, status: AutopatchStatus | undefined, page: PageRequest): Promise<AutopatchRow[]> {
  const tail = pageSql(page, "id", 4);
  const { rows } = await db.query<AutopatchRow>(
    `select ${AUTOPATCH_COLUMNS} from autopatches where account_id = $1 and livemode = $2 and ($3::text is null or status = $3) ${tail.sql}`,
    [scope.accountId, scope.livemode, status ?? null, ...tail.params],
  );
  return rows;
}

/** Ids of autopatches the runner has work on, oldest first. */
export async function activeAutopatchIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`select id from autopatches where status in ('running', 'rolling_back') order by id limit 500`);
  return rows.map((row) => row.id);
}

/** Locks one active autopatch for a runner pass; undefined when another worker holds it or it is no longer active. */
export async function lockActiveAutopatch(tx: Queryable, id: string): Promise<AutopatchRow | undefined> {
  const { rows } = await tx.query<AutopatchRow>(
    `select ${AUTOPATCH_COLUMNS} from autopatches where id = $1 and status in ('running', 'rolling_back') for update skip locked`,
    [id],
  );
  return rows[0];
}

/** Writes the changed fields of an autopatch. */
export async function updateAutopatch(
  tx: Queryable,
  id: string,
  change: Partial<Pick<AutopatchRow, "status" | "approvals" | "current_wave" | "wave_count" | "status_reason" | "ends_as" | "started_at" | "finished_at">>,
): Promise<AutopatchRow> {
  const { rows } = await tx.query<AutopatchRow>(
    `update autopatches set
       status = coalesce($2, status),
       approvals = coalesce($3::jsonb, approvals),
       current_wave = coalesce($4, current_wave),
       status_reason = case when $5::boolean then $6 else status_reason end,
       started_at = coalesce($7, started_at),
       finished_at = coalesce($8, finished_at),
       ends_as = coalesce($9, ends_as),
       wave_count = coalesce($10, wave_count),
       updated_at = now()
     where id = $1 returning ${AUTOPATCH_COLUMNS}`,
    [
      id,
      change.status ?? null,
      change.approvals === undefined ? null : JSON.stringify(change.approvals),
      change.current_wave ?? null,
      change.status_reason !== undefined,
      change.status_reason ?? null,
      change.started_at ?? null,
      change.finished_at ?? null,
      change.ends_as ?? null,
      change.wave_count ?? null,
    ],
  );
  return rows[0] as AutopatchRow;
}

/** The targets of an autopatch, in wave order. */
export async function targetsOf(db: Queryable, autopatchId: string): Promise<TargetRow[]> {
  const { rows } = await db.query<TargetRow>(`select ${TARGET_COLUMNS} from autopatch_targets where autopatch_id = $1 order by wave, instance_id`, [
    autopatchId,
  ]);
  return rows;
}

/** Writes the changed fields of a target. */
export async function updateTarget(
  tx: Queryable,
  target: Pick<TargetRow, "autopatch_id" | "instance_id">,
  change: Partial<Pick<TargetRow, "state" | "command_id" | "rollback_command_id" | "before_version" | "baseline" | "health" | "started_at" | "applied_at" | "watch_until">>,
): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [target.autopatch_id, target.instance_id];
  for (const [column, value] of Object.entries(change)) {
    values.push(column === "baseline" || column === "health" ? JSON.stringify(value) : value);
    sets.push(`${column} = $${values.length}`);
  }
  await tx.query(`update autopatch_targets set ${sets.join(", ")}, updated_at = now() where autopatch_id = $1 and instance_id = $2`, values);
}

/** Adds targets to an autopatch, each `waiting` in its wave. */
export async function insertTargets(tx: Queryable, autopatchId: string, targets: ReadonlyArray<{ instance_id: string; incident_id: string | null; wave: number }>): Promise<void> {
  await tx.query(
    `insert into autopatch_targets (autopatch_id, instance_id, incident_id, wave, state)
     select $1, t.instance_id, t.incident_id, t.wave, 'waiting'
       from unnest($2::text[], $3::text[], $4::int[]) as t(instance_id, incident_id, wave)`,
    [autopatchId, targets.map((t) => t.instance_id), targets.map((t) => t.incident_id), targets.map((t) => t.wave)],
  );
}

/** Instances of `ids` already targeted by an autopatch that has not finished. */
export async function instancesInActiveAutopatches(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ instance_id: string }>(
    `select t.instance_id from autopatch_targets t join autopatches a on a.id = t.autopatch_id
      where t.instance_id = any($1::text[]) and a.status in ('awaiting_approval', 'running', 'paused', 'rolling_back')`,
    [ids],
  );
  return new Set(rows.map((row) => row.instance_id));
}

/** Records a finished attempt. */
export async function insertAttempt(tx: Queryable, attempt: Omit<AttemptRow, "created_at">): Promise<AttemptRow> {
  const { rows } = await tx.query<AttemptRow>(
    `insert into autopatch_attempts (id, account_id, livemode, autopatch_id, instance_id, wave, action, outcome, before_version, after_version,
       command_id, rollback_command_id, health, started_at, applied_at, finished_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning ${ATTEMPT_COLUMNS}`,
    [
      attempt.id,
      attempt.account_id,
      attempt.livemode,
      attempt.autopatch_id,
      attempt.instance_id,
      attempt.wave,
      JSON.stringify(attempt.action),
      attempt.outcome,
      attempt.before_version,
      attempt.after_version,
      attempt.command_id,
      attempt.rollback_command_id,
      JSON.stringify(attempt.health),
      attempt.started_at,
      attempt.applied_at,
      attempt.finished_at,
    ],
  );
  return rows[0] as AttemptRow;
}

/** Filters of the attempt log. */
export interface AttemptFilter {
  autopatchId?: string | undefined;
  pluginId?: string | undefined;
  outcome?: AttemptOutcome | undefined;
}

/** A page of the scope's attempts. */
export async function listAttempts(db: Queryable, scope: AccountScope, filter: AttemptFilter, page: PageRequest): Promise<AttemptRow[]> {
  const tail = pageSql(page, "id", 6);
  const { rows } = await db.query<AttemptRow>(
    `select ${ATTEMPT_COLUMNS} from autopatch_attempts
      where account_id = $1 and livemode = $2 and ($3::text is null or autopatch_id = $3) and ($4::text is null or instance_id = $4)
        and ($5::text is null or outcome = $5) ${tail.sql}`,
    [scope.accountId, scope.livemode, filter.autopatchId ?? null, filter.pluginId ?? null, filter.outcome ?? null, ...tail.params],
  );
  return rows;
}
