import type { Queryable } from "../../db/database.js";
import { FAN_OUT_CTE } from "../messages/store.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { WebhookScope } from "../scope.js";

/** An event as stored. */
export type EventRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string | null;
  type: string;
  data: Record<string, unknown>;
  idempotency_key: string | null;
  created_at: Date;
};

const COLUMNS = "id, account_id, livemode, app_id, type, data, idempotency_key, created_at";

/** An event to insert. */
export type NewEvent = Pick<EventRow, "id" | "account_id" | "livemode" | "app_id" | "type" | "data" | "idempotency_key">;

// The event insert as a CTE named `published`: only a registered type (built-in or the
// account's own, checked in the same statement), and nothing on a reused idempotency key.
const PUBLISHED_CTE = `
  published as (
    insert into events (id, account_id, livemode, app_id, type, data, idempotency_key)
    select $1::text, $2::text, $3::boolean, $4::text, $5::text, $6::jsonb, $7::text
     where exists (select 1 from event_types where name = $5 and (account_id is null or (account_id = $2 and livemode = $3)))
    on conflict (account_id, livemode, idempotency_key) where idempotency_key is not null do nothing
    returning ${COLUMNS}
  )`;

const eventParams = (event: NewEvent) => [
  event.id,
  event.account_id,
  event.livemode,
  event.app_id,
  event.type,
  JSON.stringify(event.data),
  event.idempotency_key,
];

/**
 * Inserts an event alone (no outbox message) if its type is registered for the account and mode;
 * returns undefined, inserting nothing, when it is not or when the idempotency key was already
 * used in this account and mode.
 */
export async function insertEvent(tx: Queryable, event: NewEvent): Promise<EventRow | undefined> {
  const { rows } = await tx.query<EventRow>(`with ${PUBLISHED_CTE} select ${COLUMNS} from published`, eventParams(event));
  return rows[0];
}

/**
 * {@link insertEvent} and its outbox messages (see `FAN_OUT_CTE`) in one statement: a publish is
 * one round trip and one commit.
 */
export async function insertEventWithMessages(tx: Queryable, event: NewEvent): Promise<(EventRow & { messages: number }) | undefined> {
  const { rows } = await tx.query<EventRow & { messages: number }>(
    `with ${PUBLISHED_CTE}, ${FAN_OUT_CTE}
     select ${COLUMNS}, (select count(*) from messages)::int as messages from published`,
    eventParams(event),
  );
  return rows[0];
}

/**
 * {@link insertEventWithMessages} for many events in one statement (one commit for all): each
 * event whose type is registered and whose idempotency key is unused is inserted with its outbox
 * messages. Returns the inserted ones with their message counts; an event missing from the
 * answer was not inserted (unknown type or used key), and its caller finds out which alone.
 */
export async function insertEventsWithMessages(db: Queryable, events: readonly NewEvent[]): Promise<Array<EventRow & { messages: number }>> {
  const { rows } = await db.query<EventRow & { messages: number }>(
    `with batch as (
       select * from json_to_recordset($1::json)
         as b(id text, account_id text, livemode boolean, app_id text, type text, data jsonb, idempotency_key text)
     ),
     published as (
       insert into events (id, account_id, livemode, app_id, type, data, idempotency_key)
       select b.id, b.account_id, b.livemode, b.app_id, b.type, b.data, b.idempotency_key from batch b
        where exists (select 1 from event_types t
                       where t.name = b.type and (t.account_id is null or (t.account_id = b.account_id and t.livemode = b.livemode)))
       on conflict (account_id, livemode, idempotency_key) where idempotency_key is not null do nothing
       returning ${COLUMNS}
     ), ${FAN_OUT_CTE}
     select p.*, (select count(*) from messages m where m.event_id = p.id)::int as messages from published p`,
    [JSON.stringify(events)],
  );
  return rows;
}

/** The event published earlier with this idempotency key. */
export async function findEventByIdempotencyKey(tx: Queryable, accountId: string, livemode: boolean, key: string): Promise<EventRow | undefined> {
  const { rows } = await tx.query<EventRow>(
    `select ${COLUMNS} from events where account_id = $1 and livemode = $2 and idempotency_key = $3`,
    [accountId, livemode, key],
  );
  return rows[0];
}

/** One event the scope can see. */
export async function findEvent(db: Queryable, scope: WebhookScope, id: string): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `select ${COLUMNS} from events
      where id = $1 and account_id = $2 and livemode = $3 and ($4::text is null or app_id = $4)`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** Filters of the event list. */
export interface EventFilters {
  type?: string | undefined;
  createdGte?: Date | undefined;
  createdLt?: Date | undefined;
}

/** One page of events, newest first. */
export async function listEvents(db: Queryable, scope: WebhookScope, filters: EventFilters, page: PageRequest): Promise<EventRow[]> {
  const tail = pageSql(page, "id", 7);
  const { rows } = await db.query<EventRow>(
    `select ${COLUMNS} from events
      where account_id = $1 and livemode = $2 and ($3::text is null or app_id = $3)
        and ($4::text is null or type = $4)
        and ($5::timestamptz is null or created_at >= $5)
        and ($6::timestamptz is null or created_at < $6)
      ${tail.sql}`,
    [scope.accountId, scope.livemode, scope.appId, filters.type ?? null, filters.createdGte ?? null, filters.createdLt ?? null, ...tail.params],
  );
  return rows;
}

/**
 * Deletes up to `batch` events created before `cutoff`, with their messages and attempts, in
 * one transaction; returns how many events went.
 */
export async function deleteEventsBefore(tx: Queryable, cutoff: Date, batch: number): Promise<number> {
  // The attempts trigger lets this transaction remove attempts, and only this one.
  await tx.query("select set_config('relais.retention', 'on', true)");
  const { rows: doomed } = await tx.query<{ id: string }>(
    "select id from events where created_at < $1 order by created_at limit $2 for update skip locked",
    [cutoff, batch],
  );
  if (doomed.length === 0) return 0;
  const ids = doomed.map((row) => row.id);
  await tx.query(
    "delete from webhook_attempts where message_id in (select id from webhook_messages where event_id = any($1::text[]))",
    [ids],
  );
  await tx.query("delete from webhook_messages where event_id = any($1::text[])", [ids]);
  const { rowCount } = await tx.query("delete from events where id = any($1::text[])", [ids]);
  return rowCount;
}
