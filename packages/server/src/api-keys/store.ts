import type { Queryable } from "../db/database.js";
import type { Scope } from "../http/auth/scopes.js";
import { type PageRequest, pageSql } from "../http/pagination.js";

/** An API key row as stored (its secrets live in `api_key_secrets`). */
export type ApiKeyRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string | null;
  name: string;
  prefix: string;
  scopes: Scope[];
  expires_at: Date | null;
  quota_per_minute: number | null;
  quota_per_day: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

/** A key found by one of its secrets, with that secret's own expiry (set by rotation). */
export type KeyBySecret = ApiKeyRow & { secret_expires_at: Date | null };

/** Which keys a caller may manage: one account and mode, and for app-bound keys one app. */
export interface KeyScope {
  accountId: string;
  livemode: boolean;
  appId: string | null;
}

const COLUMNS = `k.id, k.account_id, k.livemode, k.app_id, k.name, k.prefix, k.scopes, k.expires_at,
  k.quota_per_minute, k.quota_per_day, k.created_at, k.last_used_at, k.revoked_at`;

/** The key that owns the secret with this hash, whatever its state; the caller checks validity. */
export async function findKeyBySecretHash(db: Queryable, secretHash: string): Promise<KeyBySecret | undefined> {
  const { rows } = await db.query<KeyBySecret>(
    `select ${COLUMNS}, s.expires_at as secret_expires_at
       from api_key_secrets s join api_keys k on k.id = s.key_id
      where s.secret_hash = $1`,
    [secretHash],
  );
  return rows[0];
}

/** Inserts a key and its first secret. */
export async function insertKey(
  tx: Queryable,
  key: Omit<ApiKeyRow, "created_at" | "last_used_at" | "revoked_at">,
  secretHash: string,
): Promise<ApiKeyRow> {
  const { rows } = await tx.query<ApiKeyRow>(
    `insert into api_keys as k (id, account_id, livemode, app_id, name, prefix, scopes, expires_at, quota_per_minute, quota_per_day)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     returning ${COLUMNS}`,
    [key.id, key.account_id, key.livemode, key.app_id, key.name, key.prefix, key.scopes, key.expires_at, key.quota_per_minute, key.quota_per_day],
  );
  await insertSecret(tx, key.id, secretHash, key.prefix);
  return rows[0] as ApiKeyRow;
}

async function insertSecret(tx: Queryable, keyId: string, secretHash: string, prefix: string): Promise<void> {
  await tx.query("insert into api_key_secrets (secret_hash, key_id, prefix) values ($1, $2, $3)", [secretHash, keyId, prefix]);
}

/** One key the scope may manage; `forUpdate` locks it until the transaction ends. */
export async function findKey(db: Queryable, scope: KeyScope, id: string, forUpdate = false): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query<ApiKeyRow>(
    `select ${COLUMNS} from api_keys k
      where k.id = $1 and k.account_id = $2 and k.livemode = $3 and ($4::text is null or k.app_id = $4)
      ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** One page of an app's keys, newest first. */
export async function listAppKeys(db: Queryable, scope: KeyScope, appId: string, page: PageRequest): Promise<ApiKeyRow[]> {
  const tail = pageSql(page, "k.id", 4);
  const { rows } = await db.query<ApiKeyRow>(
    `select ${COLUMNS} from api_keys k
      where k.account_id = $1 and k.livemode = $2 and k.app_id = $3 ${tail.sql}`,
    [scope.accountId, scope.livemode, appId, ...tail.params],
  );
  return rows;
}

/**
 * Gives a key a new secret: earlier secrets stay valid until `now + graceSeconds` (or their own
 * earlier expiry), then stop working.
 *
 * @returns the moment the previous secrets stop working.
 */
export async function replaceSecret(tx: Queryable, key: ApiKeyRow, secretHash: string, prefix: string, graceSeconds: number): Promise<Date> {
  const { rows } = await tx.query<{ until: Date }>(
    `update api_key_secrets
        set expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
      where key_id = $1
      returning expires_at as until`,
    [key.id, graceSeconds],
  );
  await insertSecret(tx, key.id, secretHash, prefix);
  await tx.query("update api_keys set prefix = $2 where id = $1", [key.id, prefix]);
  return rows.reduce((latest, row) => (row.until > latest ? row.until : latest), new Date(0));
}

/** Revokes one key now. */
export async function revokeKey(tx: Queryable, scope: KeyScope, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await tx.query<ApiKeyRow>(
    `update api_keys k set revoked_at = now()
      where k.id = $1 and k.account_id = $2 and k.livemode = $3 and ($4::text is null or k.app_id = $4)
        and k.revoked_at is null
      returning ${COLUMNS}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** Revokes every active key of an app (the app is being deleted); returns their ids. */
export async function revokeAppKeys(tx: Queryable, scope: KeyScope, appId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `update api_keys set revoked_at = now()
      where account_id = $1 and livemode = $2 and app_id = $3 and revoked_at is null
      returning id`,
    [scope.accountId, scope.livemode, appId],
  );
  return rows.map((row) => row.id);
}

/** Records use of a key, at most once a minute per key whichever process asks. */
export async function touchKeyLastUsed(db: Queryable, id: string): Promise<void> {
  await db.query(
    `update api_keys set last_used_at = now()
      where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
