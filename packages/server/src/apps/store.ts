import type { Queryable } from "../db/database.js";
import { type PageRequest, pageSql } from "../http/pagination.js";

/** An app row as stored. */
export type AppRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  name: string;
  description: string | null;
  environment: string;
  metadata: Record<string, string>;
  created_at: Date;
  updated_at: Date;
};

/** Which rows a caller may see: one account, one mode, and for app-bound keys one app. */
export interface AppScope {
  accountId: string;
  livemode: boolean;
  appId: string | null;
}

const COLUMNS = "id, account_id, livemode, name, description, environment, metadata, created_at, updated_at";

/** Inserts a new app and returns it. */
export async function insertApp(
  tx: Queryable,
  app: Pick<AppRow, "id" | "account_id" | "livemode" | "name" | "description" | "environment" | "metadata">,
): Promise<AppRow> {
  const { rows } = await tx.query<AppRow>(
    `insert into apps (id, account_id, livemode, name, description, environment, metadata)
     values ($1, $2, $3, $4, $5, $6, $7)
     returning ${COLUMNS}`,
    [app.id, app.account_id, app.livemode, app.name, app.description, app.environment, JSON.stringify(app.metadata)],
  );
  return rows[0] as AppRow;
}

/** One live (not deleted) app the scope can see; `forUpdate` locks it until the transaction ends. */
export async function findApp(db: Queryable, scope: AppScope, id: string, forUpdate = false): Promise<AppRow | undefined> {
  const { rows } = await db.query<AppRow>(
    `select ${COLUMNS} from apps
      where id = $1 and account_id = $2 and livemode = $3 and deleted_at is null
        and ($4::text is null or id = $4)
      ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** One page of the apps the scope can see, newest first. */
export async function listApps(db: Queryable, scope: AppScope, page: PageRequest): Promise<AppRow[]> {
  const tail = pageSql(page, "id", 4);
  const { rows } = await db.query<AppRow>(
    `select ${COLUMNS} from apps
      where account_id = $1 and livemode = $2 and deleted_at is null
        and ($3::text is null or id = $3)
      ${tail.sql}`,
    [scope.accountId, scope.livemode, scope.appId, ...tail.params],
  );
  return rows;
}

/** Writes the editable fields of an app (already locked with `findApp(…, true)`). */
export async function updateApp(
  tx: Queryable,
  scope: AppScope,
  app: Pick<AppRow, "id" | "name" | "description" | "environment" | "metadata">,
): Promise<AppRow> {
  const { rows } = await tx.query<AppRow>(
    `update apps set name = $4, description = $5, environment = $6, metadata = $7, updated_at = now()
      where id = $1 and account_id = $2 and livemode = $3 and deleted_at is null
      returning ${COLUMNS}`,
    [app.id, scope.accountId, scope.livemode, app.name, app.description, app.environment, JSON.stringify(app.metadata)],
  );
  return rows[0] as AppRow;
}

/** Marks an app deleted; its rows stay for the audit trail but no route returns them. */
export async function markAppDeleted(tx: Queryable, scope: AppScope, id: string): Promise<void> {
  await tx.query("update apps set deleted_at = now() where id = $1 and account_id = $2 and livemode = $3 and deleted_at is null", [
    id,
    scope.accountId,
    scope.livemode,
  ]);
}
