import type { Queryable } from "../../db/database.js";
import { FAN_OUT_CTE } from "../../webhooks/messages/store.js";

/** One authentic delivery as received, before anything is decided about it. */
export interface InboundDelivery {
  id: string;
  accountId: string;
  livemode: boolean;
  connectorId: string;
  platform: string;
  topic: string | null;
  /** The platform's delivery id, the first dedupe key. */
  deliveryId: string | null;
  headers: Record<string, string>;
  body: Uint8Array;
  mappingId: string | null;
  mappingVersion: number | null;
}

/** A delivery's normalized event and the Relais event that publishes it. */
export interface NormalizedOutcome {
  /** The NormalizedEvent id, the second dedupe key. */
  normalizedId: string;
  type: string;
  /** The id of the Relais event to publish. */
  eventId: string;
  /** The app the event is published as (the connector's). */
  appId: string | null;
  /** The NormalizedEvent as JSON text (lossless: ids beyond 2^53 keep their digits). */
  dataJson: string;
}

/** Why a delivery could not be normalized, as stored and shown. */
export interface InboundError {
  code: string;
  message: string;
  path: string | null;
}

const INBOUND_COLUMNS = "id, account_id, livemode, connector_id, platform, topic, delivery_id, headers, body, mapping_id, mapping_version";
const inboundParams = (d: InboundDelivery) => [
  d.id,
  d.accountId,
  d.livemode,
  d.connectorId,
  d.platform,
  d.topic,
  d.deliveryId,
  JSON.stringify(d.headers),
  d.body,
  d.mappingId,
  d.mappingVersion,
];
const INBOUND_VALUES = "$1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::bytea, $10, $11::int";

/**
 * Stores a normalized delivery and publishes its event in one statement (so in one atomic
 * commit, with one round trip): the inbound row, the event, and its outbox messages. Stores
 * nothing when either dedupe key was seen before: `inserted` is false, and the caller records
 * the duplicate.
 */
export async function insertNormalizedInbound(
  db: Queryable,
  inbound: InboundDelivery,
  outcome: NormalizedOutcome,
): Promise<{ inserted: boolean; messages: number }> {
  const { rows } = await db.query<{ inserted: number; messages: number }>(
    `with inbound as (
       insert into interop_events (${INBOUND_COLUMNS}, status, normalized_id, type, event_id)
       values (${INBOUND_VALUES}, 'normalized', $12, $13, $14)
       on conflict do nothing
       returning id
     ), published as (
       insert into events (id, account_id, livemode, app_id, type, data)
       select $14, $2, $3, $15, $13, $16::jsonb from inbound
       returning id, account_id, livemode, app_id, type
     ), ${FAN_OUT_CTE}
     select (select count(*) from inbound)::int as inserted, (select count(*) from messages)::int as messages`,
    [...inboundParams(inbound), outcome.normalizedId, outcome.type, outcome.eventId, outcome.appId, outcome.dataJson],
  );
  const row = rows[0];
  return { inserted: (row?.inserted ?? 0) > 0, messages: row?.messages ?? 0 };
}

/** Stores a delivery that failed normalization; false when its delivery id was seen before. */
export async function insertFailedInbound(db: Queryable, inbound: InboundDelivery, error: InboundError): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into interop_events (${INBOUND_COLUMNS}, status, error)
     values (${INBOUND_VALUES}, 'failed', $12::jsonb)
     on conflict do nothing`,
    [...inboundParams(inbound), JSON.stringify(error)],
  );
  return rowCount > 0;
}

/** Stores a duplicate delivery, pointing at the inbound event it repeats. */
export async function insertDuplicateInbound(
  db: Queryable,
  inbound: InboundDelivery,
  normalized: { normalizedId: string; type: string } | null,
): Promise<{ duplicateOf: string | null }> {
  const { rows } = await db.query<{ duplicate_of: string | null }>(
    `insert into interop_events (${INBOUND_COLUMNS}, status, normalized_id, type, duplicate_of)
     select ${INBOUND_VALUES}, 'duplicate', $12, $13,
            (select id from interop_events
              where status <> 'duplicate'
                and ((connector_id = $4 and delivery_id = $7)
                  or (account_id = $2 and livemode = $3 and normalized_id = $12 and status = 'normalized'))
              order by id limit 1)
     returning duplicate_of`,
    [...inboundParams(inbound), normalized?.normalizedId ?? null, normalized?.type ?? null],
  );
  return { duplicateOf: rows[0]?.duplicate_of ?? null };
}

/**
 * Publishes a failed inbound event that now normalizes (a retry after a mapping fix), in one
 * statement: the row becomes `normalized` and the event and its messages are created. Returns
 * false, changing nothing, when the row is no longer `failed`. Throws the unique violation
 * when its normalized id was published meanwhile (the caller marks it a duplicate).
 */
export async function promoteFailedInbound(
  db: Queryable,
  id: string,
  mapping: { id: string | null; version: number | null },
  outcome: NormalizedOutcome & { accountId: string; livemode: boolean },
): Promise<{ promoted: boolean; messages: number }> {
  const { rows } = await db.query<{ promoted: number; messages: number }>(
    `with inbound as (
       update interop_events
          set status = 'normalized', normalized_id = $2, type = $3, event_id = $4, error = null,
              mapping_id = $5, mapping_version = $6, attempts = attempts + 1, updated_at = now()
        where id = $1 and status = 'failed'
       returning id
     ), published as (
       insert into events (id, account_id, livemode, app_id, type, data)
       select $4, $7, $8, $9, $3, $10::jsonb from inbound
       returning id, account_id, livemode, app_id, type
     ), ${FAN_OUT_CTE}
     select (select count(*) from inbound)::int as promoted, (select count(*) from messages)::int as messages`,
    [id, outcome.normalizedId, outcome.type, outcome.eventId, mapping.id, mapping.version, outcome.accountId, outcome.livemode, outcome.appId, outcome.dataJson],
  );
  const row = rows[0];
  return { promoted: (row?.promoted ?? 0) > 0, messages: row?.messages ?? 0 };
}

/** Records another failed attempt at a failed inbound event. */
export async function recordFailedRetry(
  db: Queryable,
  id: string,
  mapping: { id: string | null; version: number | null },
  error: InboundError,
): Promise<void> {
  await db.query(
    `update interop_events set error = $2::jsonb, mapping_id = $3, mapping_version = $4, attempts = attempts + 1, updated_at = now()
      where id = $1 and status = 'failed'`,
    [id, JSON.stringify(error), mapping.id, mapping.version],
  );
}

/** Marks a failed inbound event a duplicate of the one that published its normalized id. */
export async function markFailedAsDuplicate(
  db: Queryable,
  id: string,
  normalized: { normalizedId: string; type: string; accountId: string; livemode: boolean },
): Promise<void> {
  await db.query(
    `update interop_events
        set status = 'duplicate', normalized_id = $2, type = $3, error = null, attempts = attempts + 1, updated_at = now(),
            duplicate_of = (select id from interop_events where account_id = $4 and livemode = $5 and normalized_id = $2 and status = 'normalized' limit 1)
      where id = $1 and status = 'failed'`,
    [id, normalized.normalizedId, normalized.type, normalized.accountId, normalized.livemode],
  );
}
