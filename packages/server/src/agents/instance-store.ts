import type { Queryable } from "../db/database.js";
import { type PageRequest, pageSql } from "../http/pagination.js";

/** A plugin instance (one enrolled agent) as stored. */
export type InstanceRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string;
  status: "active" | "offline" | "revoked";
  plugin_name: string;
  plugin_version: string;
  platform: string;
  env: Record<string, string | number | boolean>;
  capabilities: { commands: string[]; local_rollback: boolean; health_check: boolean } | null;
  healthy: boolean | null;
  health: Record<string, unknown> | null;
  effective_config_hash: string | null;
  effective_config: Record<string, unknown> | null;
  config_status: Record<string, unknown> | null;
  telemetry_since: string | null;
  telemetry_counters: Record<string, number>;
  last_sequence_num: string | null;
  state_known: boolean;
  report_full_state: boolean;
  heartbeat_interval_s: number;
  /** Until then the instance is in a rollout and heartbeats answer with a short interval. */
  fast_heartbeat_until: Date | null;
  last_seen_at: Date | null;
  enrolled_at: Date;
  revoked_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/** Which instances a caller may see: one account and mode, and for app-bound keys one app. */
export interface InstanceScope {
  accountId: string;
  livemode: boolean;
  appId: string | null;
}

const COLUMNS = `id, account_id, livemode, app_id, status, plugin_name, plugin_version, platform, env, capabilities,
  healthy, health, effective_config_hash, effective_config, config_status, telemetry_since, telemetry_counters,
  last_sequence_num, state_known, report_full_state, heartbeat_interval_s, fast_heartbeat_until, last_seen_at, enrolled_at, revoked_at,
  created_at, updated_at`;

/** Inserts a newly enrolled instance. */
export async function insertInstance(
  tx: Queryable,
  instance: {
    id: string;
    account_id: string;
    livemode: boolean;
    app_id: string;
    enrolment_token_id: string;
    secret_hash: string;
    plugin: { name: string; version: string; platform: string };
    heartbeat_interval_s: number;
  },
): Promise<InstanceRow> {
  const { rows } = await tx.query<InstanceRow>(
    `insert into plugin_instances
       (id, account_id, livemode, app_id, enrolment_token_id, secret_hash, plugin_name, plugin_version, platform, heartbeat_interval_s)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     returning ${COLUMNS}`,
    [
      instance.id,
      instance.account_id,
      instance.livemode,
      instance.app_id,
      instance.enrolment_token_id,
      instance.secret_hash,
      instance.plugin.name,
      instance.plugin.version,
      instance.plugin.platform,
      instance.heartbeat_interval_s,
    ],
  );
  return rows[0] as InstanceRow;
}

/**
 * Gives an existing instance of `appId` a new secret (re-enrolment): the old secret stops working,
 * the history stays, and the next heartbeat must carry full state.
 */
export async function reenrolInstance(
  tx: Queryable,
  appId: string,
  id: string,
  change: { secret_hash: string; enrolment_token_id: string; plugin: { name: string; version: string; platform: string } },
): Promise<InstanceRow | undefined> {
  const { rows } = await tx.query<InstanceRow>(
    `update plugin_instances
        set secret_hash = $3, enrolment_token_id = $4, plugin_name = $5, plugin_version = $6, platform = $7,
            status = 'active', revoked_at = null, state_known = false, report_full_state = true,
            last_sequence_num = null, enrolled_at = now(), updated_at = now()
      where app_id = $1 and id = $2
      returning ${COLUMNS}`,
    [appId, id, change.secret_hash, change.enrolment_token_id, change.plugin.name, change.plugin.version, change.plugin.platform],
  );
  return rows[0];
}

/**
 * The instance holding this agent secret, locked for the heartbeat that presents it. The same
 * statement turns off the WAL flush wait for the commit (`synchronous_commit`, this transaction
 * only): a heartbeat lost in a crash only shows up as a sequence gap, which asks for full state.
 */
export async function lockInstanceForHeartbeat(tx: Queryable, secretHash: string): Promise<InstanceRow | undefined> {
  const { rows } = await tx.query<InstanceRow>(
    `select ${COLUMNS}, set_config('synchronous_commit', 'off', true) as synchronous_commit
       from plugin_instances where secret_hash = $1 for update`,
    [secretHash],
  );
  return rows[0];
}

/** The instance holding this agent secret, without a lock. */
export async function findInstanceBySecret(db: Queryable, secretHash: string): Promise<Pick<InstanceRow, "id" | "account_id" | "livemode"> | undefined> {
  const { rows } = await db.query<Pick<InstanceRow, "id" | "account_id" | "livemode">>(
    "select id, account_id, livemode from plugin_instances where secret_hash = $1",
    [secretHash],
  );
  return rows[0];
}

/** One instance the scope can see; `forUpdate` locks it. */
export async function findInstance(db: Queryable, scope: InstanceScope, id: string, forUpdate = false): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>(
    `select ${COLUMNS} from plugin_instances
      where id = $1 and account_id = $2 and livemode = $3 and ($4::text is null or app_id = $4)
      ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** A telemetry sample as stored. */
export type TelemetrySampleRow = {
  sequence_num: string;
  healthy: boolean;
  error_count: number;
  errors: unknown[];
  webhook_fail_rate: number | null;
  counters: Record<string, number>;
  recorded_at: Date;
};

/** The latest `limit` samples of an instance, newest first. */
export async function recentTelemetry(db: Queryable, instanceId: string, limit: number): Promise<TelemetrySampleRow[]> {
  const { rows } = await db.query<TelemetrySampleRow>(
    `select sequence_num, healthy, error_count, errors, webhook_fail_rate, counters, recorded_at
       from plugin_telemetry_samples where instance_id = $1 order by id desc limit $2`,
    [instanceId, limit],
  );
  return rows;
}

/** Filters of `GET /v1/plugins`; `undefined` means any. */
export interface InstanceFilter {
  platform?: string | undefined;
  version?: string | undefined;
  health?: "healthy" | "unhealthy" | "unknown" | undefined;
  status?: InstanceRow["status"] | undefined;
  appId?: string | undefined;
  lastSeenGte?: Date | undefined;
  lastSeenLt?: Date | undefined;
}

/** One page of the instances the scope can see, newest first. */
export async function listInstances(db: Queryable, scope: InstanceScope, filter: InstanceFilter, page: PageRequest): Promise<InstanceRow[]> {
  const tail = pageSql(page, "id", 11);
  const { rows } = await db.query<InstanceRow>(
    `select ${COLUMNS} from plugin_instances
      where account_id = $1 and livemode = $2 and ($3::text is null or app_id = $3)
        and ($4::text is null or platform = $4)
        and ($5::text is null or plugin_version = $5)
        and ($6::text is null or ($6 = 'healthy' and healthy) or ($6 = 'unhealthy' and not healthy) or ($6 = 'unknown' and healthy is null))
        and ($7::text is null or status = $7)
        and ($8::text is null or app_id = $8)
        and ($9::timestamptz is null or last_seen_at >= $9)
        and ($10::timestamptz is null or last_seen_at < $10)
        ${tail.sql}`,
    [
      scope.accountId,
      scope.livemode,
      scope.appId,
      filter.platform ?? null,
      filter.version ?? null,
      filter.health ?? null,
      filter.status ?? null,
      filter.appId ?? null,
      filter.lastSeenGte ?? null,
      filter.lastSeenLt ?? null,
      ...tail.params,
    ],
  );
  return rows;
}

/** Revokes an instance's credentials: its next heartbeat or ack is a 401. */
export async function revokeInstance(tx: Queryable, id: string): Promise<InstanceRow> {
  const { rows } = await tx.query<InstanceRow>(
    `update plugin_instances set secret_hash = null, status = 'revoked', revoked_at = now(), updated_at = now()
      where id = $1 returning ${COLUMNS}`,
    [id],
  );
  return rows[0] as InstanceRow;
}

/**
 * Marks active instances silent for 3 of their heartbeat intervals (counted from the last
 * heartbeat, or from enrolment) `offline`, and returns them.
 */
export async function markSilentInstancesOffline(tx: Queryable, now: Date): Promise<InstanceRow[]> {
  const { rows } = await tx.query<InstanceRow>(
    `update plugin_instances set status = 'offline', updated_at = now()
      where id in (
        select id from plugin_instances
         where status = 'active' and coalesce(last_seen_at, enrolled_at) + make_interval(secs => 3 * heartbeat_interval_s) < $1
         order by id
         for update skip locked)
      returning ${COLUMNS}`,
    [now],
  );
  return rows;
}
