import type { Queryable } from "../../db/database.js";
import type { AttemptResult } from "../delivery/index.js";

/** A message a worker holds a lease on, with what it needs to sign and send it. */
export type ClaimedMessage = {
  id: string;
  account_id: string;
  livemode: boolean;
  /** Attempts made before this one. */
  attempts: number;
  event_id: string;
  event_type: string;
  event_data: unknown;
  event_created_at: Date;
  endpoint_id: string;
  url: string;
  headers: Record<string, string>;
  retry_schedule: number[] | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
};

/**
 * Leases up to `limit` due messages to `workerId` for `leaseMs`. Endpoint rows are locked
 * (`FOR NO KEY UPDATE SKIP LOCKED`) while their messages are counted and claimed, so each
 * endpoint's `max_concurrency` (leases in flight) and `rate_limit` (claims in the last second)
 * hold across every worker process; an endpoint another worker is claiming for is skipped this
 * round. The work is the SQL function `relais_claim_webhook_messages` (migration 0009): it counts
 * leases in a snapshot taken after the locks are held, which one plain statement cannot do.
 */
export async function claimDueMessages(db: Queryable, workerId: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
  const { rows } = await db.query<ClaimedMessage>("select * from relais_claim_webhook_messages($1, $2, $3)", [limit, leaseMs, workerId]);
  return rows;
}

/** Hands back leases that expired (their worker died or hung): the messages are due again now. */
export async function reclaimExpiredLeases(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `update webhook_messages
        set status = case when attempts = 0 then 'pending' else 'failed' end, next_attempt_at = now(),
            locked_until = null, locked_by = null, updated_at = now()
      where status = 'delivering' and locked_until < now()`,
  );
  return rowCount;
}

/** Gives back leases this worker holds but never started (at shutdown). */
export async function releaseLeases(db: Queryable, workerId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `update webhook_messages
        set status = case when attempts = 0 then 'pending' else 'failed' end, next_attempt_at = now(),
            locked_until = null, locked_by = null, updated_at = now()
      where id = any($1::text[]) and status = 'delivering' and locked_by = $2`,
    [ids, workerId],
  );
}

/** One attempt to record. */
export interface AttemptRecord {
  id: string;
  message: Pick<ClaimedMessage, "id" | "account_id" | "livemode" | "endpoint_id">;
  attemptNumber: number;
  trigger: "scheduled" | "test";
  startedAt: Date;
  result: AttemptResult;
  workerId: string;
}

/** Appends an attempt to the immutable log. */
export async function insertAttempt(tx: Queryable, attempt: AttemptRecord): Promise<void> {
  const { result } = attempt;
  await tx.query(
    `insert into webhook_attempts (id, account_id, livemode, message_id, endpoint_id, attempt_number, trigger, started_at,
       duration_ms, outcome, status_code, error_class, error, response_excerpt, response_truncated, url, worker_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      attempt.id,
      attempt.message.account_id,
      attempt.message.livemode,
      attempt.message.id,
      attempt.message.endpoint_id,
      attempt.attemptNumber,
      attempt.trigger,
      attempt.startedAt,
      result.durationMs,
      result.outcome,
      result.statusCode ?? null,
      result.errorClass ?? null,
      result.error ?? null,
      result.responseExcerpt,
      result.responseTruncated,
      result.finalUrl,
      attempt.workerId,
    ],
  );
}

/**
 * Records a batch of successful attempts in one statement (one round trip, atomic without a
 * transaction around it): appends every attempt to the immutable log, settles each message
 * `succeeded` if the attempt's worker still holds its lease (a lost lease means another worker
 * owns the message now; the attempt is recorded all the same), and ends the failure run of their
 * endpoints. The commit does not wait for the WAL flush: a batch lost in a crash leaves its
 * messages leased, the leases expire and the messages are sent again, which at-least-once
 * delivery allows. Returns the ids it settled.
 */
export async function recordSuccesses(db: Queryable, attempts: readonly AttemptRecord[]): Promise<string[]> {
  const rows = attempts.map(({ result, message, ...attempt }) => ({
    id: attempt.id,
    account_id: message.account_id,
    livemode: message.livemode,
    message_id: message.id,
    endpoint_id: message.endpoint_id,
    attempt_number: attempt.attemptNumber,
    trigger: attempt.trigger,
    started_at: attempt.startedAt.toISOString(),
    duration_ms: result.durationMs,
    outcome: result.outcome,
    status_code: result.statusCode ?? null,
    error_class: result.errorClass ?? null,
    error: result.error ?? null,
    response_excerpt: result.responseExcerpt,
    response_truncated: result.responseTruncated,
    url: result.finalUrl,
    worker_id: attempt.workerId,
  }));
  const { rows: settled } = await db.query<{ id: string }>(
    `with settings as (select set_config('synchronous_commit', 'off', true)),
     batch as (select * from json_populate_recordset(null::webhook_attempts, $1::json)),
     inserted as (
       insert into webhook_attempts (id, account_id, livemode, message_id, endpoint_id, attempt_number, trigger, started_at,
         duration_ms, outcome, status_code, error_class, error, response_excerpt, response_truncated, url, worker_id)
       select id, account_id, livemode, message_id, endpoint_id, attempt_number, trigger, started_at,
              duration_ms, outcome, status_code, error_class, error, response_excerpt, response_truncated, url, worker_id
         from batch),
     settled as (
       update webhook_messages m
          set status = 'succeeded', attempts = m.attempts + 1, next_attempt_at = null, locked_until = null, locked_by = null,
              last_attempt_at = now(), last_status_code = b.status_code, last_error = null, updated_at = now()
         from batch b
        where m.id = b.message_id and m.status = 'delivering' and m.locked_by = b.worker_id and (select count(*) from settings) = 1
        returning m.id, m.endpoint_id),
     cleared as (
       update webhook_endpoints set failure_streak = 0, failing_since = null, consecutive_dead = 0
        where id in (select endpoint_id from settled) and (failure_streak <> 0 or failing_since is not null or consecutive_dead <> 0))
     select id from settled`,
    [JSON.stringify(rows)],
  );
  return settled.map((row) => row.id);
}

/**
 * Settles a leased message after an attempt: `succeeded`, `failed` (with the next attempt in
 * `retryInMs`, or none for a test delivery) or `dead`. With a `workerId`, only that lease holder
 * settles it; returns false when the lease was lost (the attempt is recorded all the same).
 */
export async function settleMessage(
  tx: Queryable,
  settle: {
    id: string;
    workerId: string | null;
    status: "succeeded" | "failed" | "dead";
    retryInMs: number | null;
    statusCode: number | null;
    error: string | null;
  },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update webhook_messages
        set status = $3, attempts = attempts + 1,
            next_attempt_at = case when $4::float8 is null then null else now() + make_interval(secs => $4::float8 / 1000) end,
            locked_until = null, locked_by = null, last_attempt_at = now(), last_status_code = $5, last_error = $6, updated_at = now()
      where id = $1 and ($2::text is null or (status = 'delivering' and locked_by = $2))`,
    [settle.id, settle.workerId, settle.status, settle.retryInMs, settle.statusCode, settle.error],
  );
  return rowCount > 0;
}

/** What the failure counters of an endpoint look like after an attempt. */
export type EndpointHealth = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string | null;
  url: string;
  enabled: boolean;
  failure_streak: number;
  failing_since: Date | null;
  consecutive_dead: number;
};

/** A success ends the endpoint's failure run. */
export async function clearEndpointFailures(tx: Queryable, endpointId: string): Promise<void> {
  await tx.query(
    `update webhook_endpoints set failure_streak = 0, failing_since = null, consecutive_dead = 0
      where id = $1 and (failure_streak <> 0 or failing_since is not null or consecutive_dead <> 0)`,
    [endpointId],
  );
}

/** A failed attempt extends the failure run; `died` counts a message that just became dead. */
export async function recordEndpointFailure(tx: Queryable, endpointId: string, died: boolean): Promise<EndpointHealth | undefined> {
  const { rows } = await tx.query<EndpointHealth>(
    `update webhook_endpoints
        set failure_streak = failure_streak + 1, failing_since = coalesce(failing_since, now()),
            consecutive_dead = consecutive_dead + case when $2 then 1 else 0 end
      where id = $1
      returning id, account_id, livemode, app_id, url, enabled, failure_streak, failing_since, consecutive_dead`,
    [endpointId, died],
  );
  return rows[0];
}

/** Disables an endpoint once; returns false when it already was. */
export async function disableEndpoint(tx: Queryable, endpointId: string, reason: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    "update webhook_endpoints set enabled = false, disabled_reason = $2, updated_at = now() where id = $1 and enabled",
    [endpointId, reason],
  );
  return rowCount > 0;
}
