import type { Queryable } from "../db/database.js";

/** Whose key it is: keys are unique per account and mode. */
export interface IdempotencyScope {
  accountId: string;
  livemode: boolean;
  key: string;
}

/** What a request with an idempotency key should do. */
export type IdempotencyClaim =
  | { state: "claimed" }
  | { state: "replay"; status: number; contentType: string; body: string }
  | { state: "in_use" }
  | { state: "mismatch" };

type StoredKey = {
  request_hash: string;
  response_status: number | null;
  response_type: string | null;
  response_body: string | null;
  expired: boolean;
  stale: boolean;
};

/** Keys are kept this long, then a request may reuse them. */
export const RETENTION = "24 hours";
// A claim older than this belongs to a process that died mid-request; another may take it over.
const STALE_LOCK = "2 minutes";

const PK = "account_id = $1 and livemode = $2 and key = $3";

/**
 * Claims `key` for a request with `requestHash`, or says how to answer instead: replay the stored
 * response, or refuse because the key is in flight or was used for another request.
 */
export async function claimIdempotencyKey(db: Queryable, scope: IdempotencyScope, requestHash: string): Promise<IdempotencyClaim> {
  const pk = [scope.accountId, scope.livemode, scope.key];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const inserted = await db.query(
      `insert into idempotency_keys (account_id, livemode, key, request_hash, locked_at) values ($1, $2, $3, $4, now())
       on conflict do nothing returning 1`,
      [...pk, requestHash],
    );
    if (inserted.rowCount > 0) return { state: "claimed" };
    const { rows } = await db.query<StoredKey>(
      `select request_hash, response_status, response_type, response_body,
              created_at < now() - interval '${RETENTION}' as expired,
              locked_at < now() - interval '${STALE_LOCK}' as stale
         from idempotency_keys where ${PK}`,
      pk,
    );
    const stored = rows[0];
    if (!stored) continue;
    if (stored.expired) {
      await db.query(`delete from idempotency_keys where ${PK} and created_at < now() - interval '${RETENTION}'`, pk);
      continue;
    }
    if (stored.request_hash !== requestHash) return { state: "mismatch" };
    if (stored.response_status !== null) {
      return { state: "replay", status: stored.response_status, contentType: stored.response_type ?? "application/json", body: stored.response_body ?? "" };
    }
    if (!stored.stale) return { state: "in_use" };
    const taken = await db.query(
      `update idempotency_keys set locked_at = now()
        where ${PK} and response_status is null and locked_at < now() - interval '${STALE_LOCK}' returning 1`,
      pk,
    );
    return taken.rowCount > 0 ? { state: "claimed" } : { state: "in_use" };
  }
  return { state: "in_use" };
}

/** Stores the response of a claimed key so retries replay it. */
export async function completeIdempotencyKey(
  db: Queryable,
  scope: IdempotencyScope,
  response: { status: number; contentType: string; body: string },
): Promise<void> {
  await db.query(
    `update idempotency_keys set response_status = $4, response_type = $5, response_body = $6, locked_at = null where ${PK}`,
    [scope.accountId, scope.livemode, scope.key, response.status, response.contentType, response.body],
  );
}

/** Frees a claimed key without a stored response (a 5xx), so the client may retry. */
export async function releaseIdempotencyKey(db: Queryable, scope: IdempotencyScope): Promise<void> {
  await db.query(`delete from idempotency_keys where ${PK} and response_status is null`, [scope.accountId, scope.livemode, scope.key]);
}

/** Deletes keys past their retention. */
export async function deleteExpiredIdempotencyKeys(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`delete from idempotency_keys where created_at < now() - interval '${RETENTION}'`);
  return rowCount;
}
