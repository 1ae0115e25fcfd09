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
     due as (
       select id, status as previous_status from plugin_commands
        where instance_id = $1 and status in ('pending', 'delivered') and expires_at > now() and type = any($25::text[])
        order by id limit $26
        for update)
     update plugin_commands c
        set status = 'delivered', delivered_at = coalesce(c.delivered_at, now()), delivery_count = c.delivery_count + 1, updated_at = now()
       from due where c.id = due.id
     returning ${COMMAND_COLUMNS}, due.previous_status`,
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
