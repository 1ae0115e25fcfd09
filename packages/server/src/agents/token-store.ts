import type { Queryable } from "../db/database.js";
import { type PageRequest, pageSql } from "../http/pagination.js";

/** An enrolment token as stored (only the hash of the token itself). */
export type EnrolmentTokenRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string;
  prefix: string;
  expires_at: Date | null;
  max_uses: number | null;
  uses: number;
  created_at: Date;
  revoked_at: Date | null;
};

const COLUMNS = "id, account_id, livemode, app_id, prefix, expires_at, max_uses, uses, created_at, revoked_at";

/** Inserts a token and returns it. */
export async function insertEnrolmentToken(
  tx: Queryable,
  token: Pick<EnrolmentTokenRow, "id" | "account_id" | "livemode" | "app_id" | "prefix" | "expires_at" | "max_uses"> & { token_hash: string },
): Promise<EnrolmentTokenRow> {
  const { rows } = await tx.query<EnrolmentTokenRow>(
    `insert into agent_enrolment_tokens (id, account_id, livemode, app_id, token_hash, prefix, expires_at, max_uses)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     returning ${COLUMNS}`,
    [token.id, token.account_id, token.livemode, token.app_id, token.token_hash, token.prefix, token.expires_at, token.max_uses],
  );
  return rows[0] as EnrolmentTokenRow;
}

/** The token with this hash, whatever its state; `forUpdate` locks it (uses are counted under the lock). */
export async function findEnrolmentTokenByHash(db: Queryable, tokenHash: string, forUpdate = false): Promise<EnrolmentTokenRow | undefined> {
  const { rows } = await db.query<EnrolmentTokenRow>(
    `select ${COLUMNS} from agent_enrolment_tokens where token_hash = $1 ${forUpdate ? "for update" : ""}`,
    [tokenHash],
  );
  return rows[0];
}

/** Counts one successful enrolment. */
export async function spendEnrolmentToken(tx: Queryable, id: string): Promise<void> {
  await tx.query("update agent_enrolment_tokens set uses = uses + 1 where id = $1", [id]);
}

/** One token of the scope, or undefined; `forUpdate` locks it. */
export async function findEnrolmentToken(
  db: Queryable,
  scope: { accountId: string; livemode: boolean; appId: string | null },
  id: string,
  forUpdate = false,
): Promise<EnrolmentTokenRow | undefined> {
  const { rows } = await db.query<EnrolmentTokenRow>(
    `select ${COLUMNS} from agent_enrolment_tokens
      where id = $1 and account_id = $2 and livemode = $3 and ($4::text is null or app_id = $4)
      ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** One page of an app's tokens, newest first. */
export async function listEnrolmentTokens(
  db: Queryable,
  scope: { accountId: string; livemode: boolean },
  appId: string,
  page: PageRequest,
): Promise<EnrolmentTokenRow[]> {
  const tail = pageSql(page, "id", 4);
  const { rows } = await db.query<EnrolmentTokenRow>(
    `select ${COLUMNS} from agent_enrolment_tokens where account_id = $1 and livemode = $2 and app_id = $3 ${tail.sql}`,
    [scope.accountId, scope.livemode, appId, ...tail.params],
  );
  return rows;
}

/** Revokes a token; later enrolments with it are refused. */
export async function revokeEnrolmentToken(tx: Queryable, id: string): Promise<EnrolmentTokenRow> {
  const { rows } = await tx.query<EnrolmentTokenRow>(
    `update agent_enrolment_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 returning ${COLUMNS}`,
    [id],
  );
  return rows[0] as EnrolmentTokenRow;
}
