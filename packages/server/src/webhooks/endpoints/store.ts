import type { Queryable } from "../../db/database.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { WebhookScope } from "../scope.js";

/** A webhook endpoint as stored; secrets stay sealed here. */
export type EndpointRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string | null;
  url: string;
  description: string | null;
  event_types: string[];
  headers: Record<string, string>;
  rate_limit: number | null;
  max_concurrency: number;
  retry_schedule: number[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  failure_streak: number;
  created_at: Date;
  updated_at: Date;
};

/** The fields a create or an update writes. */
export type EndpointFields = Pick<
  EndpointRow,
  "url" | "description" | "event_types" | "headers" | "rate_limit" | "max_concurrency" | "retry_schedule" | "enabled"
>;

const COLUMNS = `id, account_id, livemode, app_id, url, description, event_types, headers, rate_limit, max_concurrency,
  retry_schedule, enabled, disabled_reason, secret_sealed, previous_secret_sealed, previous_secret_expires_at,
  failure_streak, created_at, updated_at`;

const VISIBLE = "account_id = $2 and livemode = $3 and ($4::text is null or app_id = $4) and deleted_at is null";

/** Inserts an endpoint. */
export async function insertEndpoint(
  tx: Queryable,
  endpoint: EndpointFields & Pick<EndpointRow, "id" | "account_id" | "livemode" | "app_id" | "secret_sealed">,
): Promise<EndpointRow> {
  const { rows } = await tx.query<EndpointRow>(
    `insert into webhook_endpoints (id, account_id, livemode, app_id, url, description, event_types, headers, rate_limit,
       max_concurrency, retry_schedule, enabled, secret_sealed)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     returning ${COLUMNS}`,
    [
      endpoint.id,
      endpoint.account_id,
      endpoint.livemode,
      endpoint.app_id,
      endpoint.url,
      endpoint.description,
      endpoint.event_types,
      JSON.stringify(endpoint.headers),
      endpoint.rate_limit,
      endpoint.max_concurrency,
      endpoint.retry_schedule,
      endpoint.enabled,
      endpoint.secret_sealed,
    ],
  );
  return rows[0] as EndpointRow;
}

/** Live endpoints of this app (or of the account, for account-level keys), locking the count. */
export async function countEndpoints(tx: Queryable, scope: WebhookScope): Promise<number> {
  const { rows } = await tx.query<{ count: number }>(
    `select count(*)::int as count from webhook_endpoints
      where account_id = $1 and livemode = $2 and app_id is not distinct from $3 and deleted_at is null`,
    [scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0]?.count ?? 0;
}

/** One live endpoint the scope can see; `forUpdate` locks it until the transaction ends. */
export async function findEndpoint(db: Queryable, scope: WebhookScope, id: string, forUpdate = false): Promise<EndpointRow | undefined> {
  const { rows } = await db.query<EndpointRow>(
    `select ${COLUMNS} from webhook_endpoints where id = $1 and ${VISIBLE} ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** One page of the endpoints the scope can see, newest first. */
export async function listEndpoints(db: Queryable, scope: WebhookScope, page: PageRequest): Promise<EndpointRow[]> {
  const tail = pageSql(page, "id", 4);
  const { rows } = await db.query<EndpointRow>(
    `select ${COLUMNS} from webhook_endpoints
      where account_id = $1 and livemode = $2 and ($3::text is null or app_id = $3) and deleted_at is null
      ${tail.sql}`,
    [scope.accountId, scope.livemode, scope.appId, ...tail.params],
  );
  return rows;
}

/** Writes the editable fields (the row is locked); re-enabling clears the disabled reason and failure run. */
export async function updateEndpoint(tx: Queryable, id: string, fields: EndpointFields): Promise<EndpointRow> {
  const { rows } = await tx.query<EndpointRow>(
    `update webhook_endpoints set url = $2, description = $3, event_types = $4, headers = $5, rate_limit = $6,
       max_concurrency = $7, retry_schedule = $8,
       disabled_reason = case when $9 then null else disabled_reason end,
       failure_streak = case when $9 and not enabled then 0 else failure_streak end,
       failing_since = case when $9 and not enabled then null else failing_since end,
       consecutive_dead = case when $9 and not enabled then 0 else consecutive_dead end,
       enabled = $9, updated_at = now()
      where id = $1
      returning ${COLUMNS}`,
    [
      id,
      fields.url,
      fields.description,
      fields.event_types,
      JSON.stringify(fields.headers),
      fields.rate_limit,
      fields.max_concurrency,
      fields.retry_schedule,
      fields.enabled,
    ],
  );
  return rows[0] as EndpointRow;
}

/** Stores a new sealed secret; the old one keeps signing until `previousExpiresAt`. */
export async function replaceSecret(
  tx: Queryable,
  id: string,
  sealed: { current: string; previous: string; previousExpiresAt: Date },
): Promise<EndpointRow> {
  const { rows } = await tx.query<EndpointRow>(
    `update webhook_endpoints set secret_sealed = $2, previous_secret_sealed = $3, previous_secret_expires_at = $4, updated_at = now()
      where id = $1 returning ${COLUMNS}`,
    [id, sealed.current, sealed.previous, sealed.previousExpiresAt],
  );
  return rows[0] as EndpointRow;
}

/** Marks an endpoint deleted: its messages and attempts stay visible, nothing more is delivered. */
export async function markEndpointDeleted(tx: Queryable, id: string): Promise<void> {
  await tx.query("update webhook_endpoints set deleted_at = now(), enabled = false, updated_at = now() where id = $1", [id]);
}
