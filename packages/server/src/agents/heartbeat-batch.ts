import type { Database } from "../db/database.js";
import { MAX_COMMANDS_PER_HEARTBEAT } from "./command-store.js";
import { type DeliveredCommand, type FastHeartbeatWrite, recordFastHeartbeat } from "./heartbeat-store.js";

/** What a fast heartbeat wrote: the commands it hands out and the instance's fast-heartbeat deadline. */
export type FastHeartbeatResult = { commands: DeliveredCommand[]; fastHeartbeatUntil: Date | null };

type Waiting = { secretHash: string; write: FastHeartbeatWrite; acceptedTypes: readonly string[]; done: (result: FastHeartbeatResult | undefined | Error) => void };

const MAX_BATCH = 100;

/**
 * Records concurrent common-case heartbeats together: while one statement is writing, the
 * heartbeats that arrive wait and go in the next statement as one batch (the same conditions
 * and writes as `recordFastHeartbeat`, row by row). A lone heartbeat goes at once, through
 * `recordFastHeartbeat` itself. A heartbeat whose row did not qualify resolves `undefined`, for
 * the caller's full path; if the batch statement fails, each heartbeat is tried again alone.
 */
export class HeartbeatBatch {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Database) {}

  record(secretHash: string, write: FastHeartbeatWrite, acceptedTypes: readonly string[]): Promise<FastHeartbeatResult | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ secretHash, write, acceptedTypes, done: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      let results: Map<number, FastHeartbeatResult> | undefined;
      if (batch.length > 1) {
        try {
          results = await recordFastHeartbeats(this.db, batch);
        } catch {
          results = undefined;
        }
      }
      if (results) {
        // By position in the batch: of two heartbeats of one agent, only the one written has a result.
        for (const [index, waiting] of batch.entries()) waiting.done(results.get(index));
        continue;
      }
      await Promise.all(
        batch.map((waiting) =>
          recordFastHeartbeat(this.db, waiting.secretHash, waiting.write, waiting.acceptedTypes).then(waiting.done, (error: unknown) =>
            waiting.done(error instanceof Error ? error : new Error(String(error))),
          ),
        ),
      );
    }
    this.writing = false;
  }
}

const COMMAND_COLUMNS = `c.id, c.account_id, c.livemode, c.instance_id, c.type, c.params, c.status, c.issued_at, c.expires_at,
  c.signature, c.delivered_at, c.delivery_count, c.error, c.details, c.completed_at, c.acked_at, c.created_by_type,
  c.created_by_id, c.created_at, c.updated_at`;

/**
 * `recordFastHeartbeat` for many heartbeats in one statement; returns the result of each heartbeat
 * whose row qualified, by its position in the batch. Two heartbeats of one instance in a batch cannot both be
 * in order: at most one is written, the other is left to the full path.
 */
async function recordFastHeartbeats(db: Database, batch: readonly Waiting[]): Promise<Map<number, FastHeartbeatResult>> {
  const rows = batch.map(({ secretHash, write, acceptedTypes }, n) => ({
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
