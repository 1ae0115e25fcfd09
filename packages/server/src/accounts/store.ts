import type { Queryable } from "../db/database.js";

/** An account (tenant) row. */
export type AccountRow = { id: string; name: string; created_at: Date };

/** Inserts the first-start account; the unique index on `bootstrap` refuses a second one. */
export async function insertBootstrapAccount(tx: Queryable, id: string, name: string): Promise<AccountRow> {
  const { rows } = await tx.query<AccountRow>(
    "insert into accounts (id, name, bootstrap) values ($1, $2, true) returning id, name, created_at",
    [id, name],
  );
  return rows[0] as AccountRow;
}

/** True once any account exists, i.e. the first start has happened. */
export async function hasAccounts(db: Queryable): Promise<boolean> {
  const { rows } = await db.query("select 1 from accounts limit 1");
  return rows.length > 0;
}

/** Inserts a user of `accountId` with one role. */
export async function insertUser(tx: Queryable, user: { id: string; accountId: string; email: string | null; role: string }): Promise<void> {
  await tx.query("insert into users (id, account_id, email, role) values ($1, $2, $3, $4)", [user.id, user.accountId, user.email, user.role]);
}

/** The account with this id, if any. */
export async function findAccount(db: Queryable, id: string): Promise<AccountRow | undefined> {
  const { rows } = await db.query<AccountRow>("select id, name, created_at from accounts where id = $1", [id]);
  return rows[0];
}
