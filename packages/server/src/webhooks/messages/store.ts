import type { Queryable } from "../../db/database.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { WebhookScope } from "../scope.js";

/** The states of a message; see the migration for their meaning. */
export const messageStatuses = ["pending", "delivering", "succeeded", "failed", "dead"] as const;

/** One of {@link messageStatuses}. */
export type MessageStatus = (typeof messageStatuses)[number];

/** One event to one endpoint, as stored. */
export type MessageRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
};

/** One HTTP attempt, as stored (never changed). */
export type AttemptRow = {
  id: string;
  message_id: string;
  endpoint_id: string;
  attempt_number: number;
  trigger: "scheduled" | "test";
  started_at: Date;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "gone";
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  response_excerpt: string;
  response_truncated: boolean;
  url: string;
  worker_id: string;
  created_at: Date;
};

const COLUMNS = `id, account_id, livemode, event_id, endpoint_id, event_type, status, attempts, next_attempt_at,
  last_attempt_at, last_status_code, last_error, created_at, updated_at`;
const ATTEMPT_COLUMNS = `id, message_id, endpoint_id, attempt_number, trigger, started_at, duration_ms, outcome, status_code,
  error_class, error, response_excerpt, response_truncated, url, worker_id, created_at`;

/**
 * The outbox write of a publish, as a CTE for the statement that creates the event: one pending
 * message per enabled endpoint of the event's account and mode whose subscriptions match its
 * type (`relais_event_type_matches`, the SQL twin of `matchesEventType`). An app's event goes to
 * that app's endpoints and the account-level ones; an account-level event to every endpoint of the
 * account. It reads the events from a CTE named `published` (`id, account_id, livemode, app_id,
 * type`; one row or many) and is named `messages` (one `event_id` per message).
 */
export const FAN_OUT_CTE = `
  messages as (
    insert into webhook_messages (id, account_id, livemode, event_id, endpoint_id, event_type, status, next_attempt_at)
    select relais_new_id('msg'), e.account_id, e.livemode, e.id, w.id, e.type, 'pending', now()
      from published e
      join webhook_endpoints w
        on w.account_id = e.account_id and w.livemode = e.livemode and w.enabled and w.deleted_at is null
       and (e.app_id is null or w.app_id is null or w.app_id = e.app_id)
       and relais_event_type_matches(w.event_types, e.type)
    returning event_id
  )`;

/** One message the scope can see (through its endpoint's app). */
export async function findMessage(db: Queryable, scope: WebhookScope, id: string, forUpdate = false): Promise<MessageRow | undefined> {
  const { rows } = await db.query<MessageRow>(
    `select ${COLUMNS} from webhook_messages m
      where m.id = $1 and m.account_id = $2 and m.livemode = $3
        and ($4::text is null or exists (select 1 from webhook_endpoints e where e.id = m.endpoint_id and e.app_id = $4))
      ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** Filters of the message list. */
export interface MessageFilters {
  endpointId?: string | undefined;
  eventType?: string | undefined;
  status?: MessageStatus | undefined;
  createdGte?: Date | undefined;
  createdLt?: Date | undefined;
}

/** One page of messages, newest first. */
export async function listMessages(db: Queryable, scope: WebhookScope, filters: MessageFilters, page: PageRequest): Promise<MessageRow[]> {
  const tail = pageSql(page, "m.id", 9);
  const { rows } = await db.query<MessageRow>(
    `select ${COLUMNS} from webhook_messages m
      where m.account_id = $1 and m.livemode = $2
        and ($3::text is null or exists (select 1 from webhook_endpoints e where e.id = m.endpoint_id and e.app_id = $3))
        and ($4::text is null or m.endpoint_id = $4)
        and ($5::text is null or m.event_type = $5)
        and ($6::text is null or m.status = $6)
        and ($7::timestamptz is null or m.created_at >= $7)
        and ($8::timestamptz is null or m.created_at < $8)
      ${tail.sql}`,
    [
      scope.accountId,
      scope.livemode,
      scope.appId,
      filters.endpointId ?? null,
      filters.eventType ?? null,
      filters.status ?? null,
      filters.createdGte ?? null,
      filters.createdLt ?? null,
      ...tail.params,
    ],
  );
  return rows;
}

/** Every attempt of a message, oldest first. */
export async function listAttempts(db: Queryable, messageId: string): Promise<AttemptRow[]> {
  const { rows } = await db.query<AttemptRow>(
    `select ${ATTEMPT_COLUMNS} from webhook_attempts where message_id = $1 order by id`,
    [messageId],
  );
  return rows;
}

/** One attempt by id. */
export async function findAttempt(db: Queryable, id: string): Promise<AttemptRow | undefined> {
  const { rows } = await db.query<AttemptRow>(`select ${ATTEMPT_COLUMNS} from webhook_attempts where id = $1`, [id]);
  return rows[0];
}

/** Makes a message due now (a manual retry); it gets one more attempt beyond its schedule. */
export async function requeueMessage(tx: Queryable, id: string): Promise<MessageRow> {
  const { rows } = await tx.query<MessageRow>(
    `update webhook_messages set status = 'pending', next_attempt_at = now(), updated_at = now()
      where id = $1 returning ${COLUMNS}`,
    [id],
  );
  return rows[0] as MessageRow;
}

/** Which messages of an endpoint a replay takes. */
export interface ReplaySelection {
  endpointId: string;
  statuses: MessageStatus[];
  since: Date | null;
  until: Date | null;
  /** Subscription-style filters (`*`, exact, `prefix.*`); null: every type. */
  eventTypes: string[] | null;
}

function replayWhere(selection: ReplaySelection): { sql: string; params: unknown[] } {
  // `prefix.*` becomes a LIKE on `prefix.%`; `*` alone matches everything.
  const filters = selection.eventTypes;
  const every = filters === null || filters.includes("*");
  const exact = every ? [] : filters.filter((filter) => !filter.endsWith(".*"));
  const prefixes = every ? [] : filters.filter((filter) => filter.endsWith(".*")).map((filter) => `${filter.slice(0, -1)}%`);
  return {
    sql: `endpoint_id = $1 and status = any($2::text[])
      and ($3::timestamptz is null or created_at >= $3) and ($4::timestamptz is null or created_at < $4)
      and ($5::boolean or event_type = any($6::text[]) or event_type like any($7::text[]))`,
    params: [selection.endpointId, selection.statuses, selection.since, selection.until, every, exact, prefixes],
  };
}

/** How many messages a replay would take. */
export async function countReplay(db: Queryable, selection: ReplaySelection): Promise<number> {
  const where = replayWhere(selection);
  const { rows } = await db.query<{ count: number }>(`select count(*)::int as count from webhook_messages where ${where.sql}`, where.params);
  return rows[0]?.count ?? 0;
}

/**
 * Requeues the selected messages oldest first, spaced `1 / ratePerSecond` apart from now, so a
 * recovered endpoint is not flooded; returns how many.
 */
export async function requeueReplay(tx: Queryable, selection: ReplaySelection, ratePerSecond: number): Promise<number> {
  const where = replayWhere(selection);
  const { rowCount } = await tx.query(
    `with chosen as (
       select id, row_number() over (order by id) - 1 as position from webhook_messages where ${where.sql}
     )
     update webhook_messages m
        set status = 'pending', updated_at = now(),
            next_attempt_at = now() + make_interval(secs => chosen.position / $8::float8)
       from chosen where m.id = chosen.id`,
    [...where.params, ratePerSecond],
  );
  return rowCount;
}
