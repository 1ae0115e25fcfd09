import type { Queryable } from "../db/database.js";
import { type CommandRow, type CommandStatus, MAX_COMMANDS_PER_HEARTBEAT } from "./command-store.js";
import type { InstanceRow } from "./instance-store.js";

/** What a heartbeat writes to its instance. */
export interface HeartbeatWrite {
  plugin: { name: string; version: string; platform: string };
  env: Record<string, string | number | boolean>;
  capabilities: InstanceRow["capabilities"];
  healthy: boolean;
  health: Record<string, unknown>;
  effectiveConfigHash: string;
  effectiveConfig: Record<string, unknown> | null;
  configStatus: Record<string, unknown> | null;
  telemetrySince: string | null;
  telemetryCounters: Record<string, number>;
  sequenceNum: number;
  stateKnown: boolean;
  reportFullState: boolean;
  heartbeatIntervalS: number;
}

/** One telemetry sample per accepted heartbeat, for incident detection (its sequence number is the write's). */
export interface TelemetrySample {
  healthy: boolean;
  errors: unknown[];
  errorCount: number;
  webhookFailRate: number | null;
  counters: Record<string, number>;
}

/** A command handed out by a heartbeat, with the status it had before. */
export type DeliveredCommand = CommandRow & { previous_status: CommandStatus };

const COMMAND_COLUMNS = `c.id, c.account_id, c.livemode, c.instance_id, c.type, c.params, c.status, c.issued_at, c.expires_at,
  c.signature, c.delivered_at, c.delivery_count, c.error, c.details, c.completed_at, c.acked_at, c.created_by_type,
  c.created_by_id, c.created_at, c.updated_at`;

/**
 * The CTEs `due` and `delivered` of a heartbeat: the unacked, unexpired commands of the instance
 * `instanceId` (SQL) whose type the agent accepts (the text[] parameter numbered `typesParam`),
 * oldest first, at most the next parameter's number of them, marked `delivered` and returned with
 * the status each had before.
 */
function deliverDueCommands(instanceId: string, typesParam: number): string {
  return `due as (
       select c.id, c.status as previous_status from plugin_commands c
        where c.instance_id = ${instanceId} and c.status in ('pending', 'delivered') and c.expires_at > now()
          and c.type = any($${typesParam}::text[])
        order by c.id limit $${typesParam + 1}
        for update),
     delivered as (
       update plugin_commands c
          set status = 'delivered', delivered_at = coalesce(c.delivered_at, now()), delivery_count = c.delivery_count + 1, updated_at = now()
         from due where c.id = due.id
       returning ${COMMAND_COLUMNS}, due.previous_status)`;
}

/**
 * Records an accepted heartbeat of a locked instance in one statement (one round trip): writes the
 * instance (an offline one becomes active), appends the telemetry sample unless `sample` is null
 * (a stale heartbeat), and marks `delivered` the unacked, unexpired commands whose type the agent
 * accepts, oldest first, at most 20. Delivered ones are sent again until acked, since the agent
 * may have crashed before recording them; it deduplicates by id. Returns those commands, oldest
 * first, each with the status it had before.
 */
export async function recordHeartbeat(
  tx: Queryable,
  instance: Pick<InstanceRow, "id" | "account_id" | "livemode">,
  write: HeartbeatWrite,
  sample: TelemetrySample | null,
  acceptedTypes: readonly string[],
): Promise<DeliveredCommand[]> {
  const { rows } = await tx.query<DeliveredCommand>(
    `with instance as (
       update plugin_instances
          set plugin_name = $4, plugin_version = $5, platform = $6, env = $7, capabilities = $8, healthy = $9, health = $10,
              effective_config_hash = $11, effective_config = $12, config_status = $13, telemetry_since = $14,
              telemetry_counters = $15, last_sequence_num = $16, state_known = $17, report_full_state = $18,
              heartbeat_interval_s = $19, status = 'active', last_seen_at = now(), updated_at = now()
        where id = $1),
     sample as (
       insert into plugin_telemetry_samples
         (instance_id, account_id, livemode, sequence_num, healthy, error_count, errors, webhook_fail_rate, counters)
       select $1, $2::text, $3::boolean, $16, $9, $20::int, $21::jsonb, $22::float8, $23::jsonb where $24::boolean),
     ${deliverDueCommands("$1", 25)}
     select * from delivered`,
    [
      instance.id,
      instance.account_id,
      instance.livemode,
      write.plugin.name,
      write.plugin.version,
      write.plugin.platform,
      JSON.stringify(write.env),
      JSON.stringify(write.capabilities),
      write.healthy,
      JSON.stringify(write.health),
      write.effectiveConfigHash,
      write.effectiveConfig === null ? null : JSON.stringify(write.effectiveConfig),
      write.configStatus === null ? null : JSON.stringify(write.configStatus),
      write.telemetrySince,
      JSON.stringify(write.telemetryCounters),
      write.sequenceNum,
      write.stateKnown,
      write.reportFullState,
      write.heartbeatIntervalS,
      sample?.errorCount ?? 0,
      JSON.stringify(sample?.errors ?? []),
      sample?.webhookFailRate ?? null,
      JSON.stringify(sample?.counters ?? {}),
      sample !== null,
      acceptedTypes,
      MAX_COMMANDS_PER_HEARTBEAT,
    ],
  );
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** What the one-statement heartbeat writes: the instance's report, merged over its row in SQL. */
export interface FastHeartbeatWrite extends Omit<HeartbeatWrite, "effectiveConfig" | "configStatus" | "telemetrySince" | "telemetryCounters" | "stateKnown" | "reportFullState"> {
  instanceId: string;
  /** Present: replaces the known value (which may become null); absent: keeps it. */
  effectiveConfig?: Record<string, unknown> | null;
  configStatus?: Record<string, unknown> | null;
  /** Present: counters merge over the known ones, or replace them when `since` changed. */
  telemetry?: { since: string; counters: Record<string, number> };
  sample: Omit<TelemetrySample, "counters">;
  request: { requestId: string; ip: string | null };
}

/** One heartbeat for {@link recordFastHeartbeats}: the agent's secret hash, its write, and the command types it accepts. */
export interface FastHeartbeat {
  secretHash: string;
  write: FastHeartbeatWrite;
  acceptedTypes: readonly string[];
}

/** What a fast heartbeat wrote: the commands it hands out and the instance's fast-heartbeat deadline. */
export type FastHeartbeatResult = { commands: DeliveredCommand[]; fastHeartbeatUntil: Date | null };

/**
 * The common heartbeat, of one agent or of many at once, in one statement with no transaction
 * around it: an active instance whose state the server knows, reporting the next sequence number
 * with `changes` (or nothing) and no final command outcomes. The statement checks those
 * conditions on the row itself, merges the report over it (counters restart when `since`
 * changes, as `applyChanges` does), appends the sample with the merged counters, hands out due
 * commands (audited) like {@link recordHeartbeat}, and skips the WAL flush wait of its commit. A
 * heartbeat whose row does not qualify changes nothing and has no result: the caller takes the
 * full path.
 *
 * Many heartbeats go row by row; the answer maps each heartbeat whose row qualified, by its
 * position in `heartbeats`, to its result. Two heartbeats of one instance cannot both be in order:
 * at most one is written, the other is left to the full path.
 */
export async function recordFastHeartbeats(db: Queryable, heartbeats: readonly FastHeartbeat[]): Promise<Map<number, FastHeartbeatResult>> {
  const rows = heartbeats.map(({ secretHash, write, acceptedTypes }, n) => ({
    n,
    secret_hash: secretHash,
    instance_id: write.instanceId,
    plugin_name: write.plugin.name,
    plugin_version: write.plugin.version,
    platform: write.plugin.platform,
    env: write.env,
    capabilities: write.capabilities,
    healthy: write.healthy,
    health: write.health,
    effective_config_hash: write.effectiveConfigHash,
    has_config: write.effectiveConfig !== undefined,
    effective_config: write.effectiveConfig ?? null,
    has_status: write.configStatus !== undefined,
    config_status: write.configStatus ?? null,
    has_telemetry: write.telemetry !== undefined,
    telemetry_since: write.telemetry?.since ?? null,
    telemetry_counters: write.telemetry?.counters ?? {},
    sequence_num: write.sequenceNum,
    heartbeat_interval_s: write.heartbeatIntervalS,
    error_count: write.sample.errorCount,
    errors: write.sample.errors,
    webhook_fail_rate: write.sample.webhookFailRate,
    accepted_types: acceptedTypes,
    request_id: write.request.requestId,
    ip: write.request.ip,
  }));
  type Aggregated = DeliveredCommand & { request_id?: string; ip?: string | null };
  const { rows: written } = await db.query<{ n: number; fast_heartbeat_until: Date | string | null; commands: Aggregated[] | null }>(
    `with settings as (select set_config('synchronous_commit', 'off', true)),
     batch as (
       select * from json_to_recordset($1::json) as b(
         n int, secret_hash text, instance_id text, plugin_name text, plugin_version text, platform text, env jsonb, capabilities jsonb,
         healthy boolean, health jsonb, effective_config_hash text, has_config boolean, effective_config jsonb, has_status boolean,
         config_status jsonb, has_telemetry boolean, telemetry_since text, telemetry_counters jsonb, sequence_num bigint,
         heartbeat_interval_s int, error_count int, errors jsonb, webhook_fail_rate float8, accepted_types text[], request_id text, ip text)
     ),
     instance as (
       update plugin_instances i
          set plugin_name = b.plugin_name, plugin_version = b.plugin_version, platform = b.platform, env = b.env,
              capabilities = b.capabilities, healthy = b.healthy, health = b.health, effective_config_hash = b.effective_config_hash,
              effective_config = case when b.has_config then b.effective_config else i.effective_config end,
              config_status = case when b.has_status then b.config_status else i.config_status end,
              telemetry_since = case when b.has_telemetry then b.telemetry_since else i.telemetry_since end,
              telemetry_counters = case when not b.has_telemetry then i.telemetry_counters
                                        when i.telemetry_since is distinct from b.telemetry_since then b.telemetry_counters
                                        else i.telemetry_counters || b.telemetry_counters end,
              last_sequence_num = b.sequence_num, heartbeat_interval_s = b.heartbeat_interval_s, last_seen_at = now(), updated_at = now()
         from batch b
        where i.secret_hash = b.secret_hash and i.id = b.instance_id and i.status = 'active' and i.state_known and not i.report_full_state
          and i.last_sequence_num = b.sequence_num - 1 and (select count(*) from settings) = 1
        returning b.n, i.id, i.account_id, i.livemode, i.telemetry_counters, i.fast_heartbeat_until, b.sequence_num, b.healthy, b.error_count,
                  b.errors, b.webhook_fail_rate, b.accepted_types, b.request_id, b.ip),
     sample as (
       insert into plugin_telemetry_samples
         (instance_id, account_id, livemode, sequence_num, healthy, error_count, errors, webhook_fail_rate, counters)
       select id, account_id, livemode, sequence_num, healthy, error_count, errors, webhook_fail_rate, telemetry_counters from instance),
     due as (
       select d.id, d.status as previous_status, x.request_id, x.ip from instance x
        cross join lateral (
          select c.id, c.status from plugin_commands c
           where c.instance_id = x.id and c.status in ('pending', 'delivered') and c.expires_at > now() and c.type = any(x.accepted_types)
           order by c.id limit ${MAX_COMMANDS_PER_HEARTBEAT}
           for update) d),
     delivered as (
       update plugin_commands c
          set status = 'delivered', delivered_at = coalesce(c.delivered_at, now()), delivery_count = c.delivery_count + 1, updated_at = now()
         from due where c.id = due.id
       returning ${COMMAND_COLUMNS}, due.previous_status, due.request_id, due.ip),
     audited as (
       insert into audit_logs (id, account_id, livemode, actor_type, actor_id, action, target_id, before, after, request_id, ip)
       select relais_new_id('aud'), d.account_id, d.livemode, 'agent', d.instance_id, 'plugin_command.delivered', d.id,
              '{"status":"pending"}'::jsonb, '{"status":"delivered"}'::jsonb, d.request_id, d.ip
         from delivered d where d.previous_status = 'pending')
     select x.n, x.fast_heartbeat_until,
            (select json_agg(d order by d.id) from delivered d where d.instance_id = x.id) as commands
       from instance x`,
    [JSON.stringify(rows)],
  );
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return new Map(
    written.map((row) => [
      row.n,
      {
        fastHeartbeatUntil: date(row.fast_heartbeat_until),
        commands: (row.commands ?? []).map(({ request_id: _requestId, ip: _ip, ...command }) => ({
          ...command,
          issued_at: new Date(command.issued_at),
          expires_at: new Date(command.expires_at),
          delivered_at: date(command.delivered_at),
          completed_at: date(command.completed_at),
          acked_at: date(command.acked_at),
          created_at: new Date(command.created_at),
          updated_at: new Date(command.updated_at),
        })),
      },
    ]),
  );
}
