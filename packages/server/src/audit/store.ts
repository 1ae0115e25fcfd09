import type { Queryable } from "../db/database.js";
import { newId } from "../ids.js";
import { type PageRequest, pageSql } from "../http/pagination.js";
import { redactSecrets } from "./redact.js";

/** One state change as the audit log records it. */
export interface AuditEntry {
  accountId: string;
  livemode: boolean;
  actor: { type: string; id: string };
  /** `<resource>.<verb>`, e.g. `app.created`, `api_key.rotated`. */
  action: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

/** An audit row as stored. */
export type AuditRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  actor_type: string;
  actor_id: string;
  action: string;
  target_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  ip: string | null;
  created_at: Date;
};

/**
 * Appends one audit row. Call it with the transaction that makes the change, so the change and
 * its record commit or roll back together.
 */
export async function insertAuditEntry(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.query(
    `insert into audit_logs (id, account_id, livemode, actor_type, actor_id, action, target_id, before, after, request_id, ip)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      newId("aud"),
      entry.accountId,
      entry.livemode,
      entry.actor.type,
      entry.actor.id,
      entry.action,
      entry.targetId,
      entry.before === null ? null : JSON.stringify(redactSecrets(entry.before)),
      entry.after === null ? null : JSON.stringify(redactSecrets(entry.after)),
      entry.requestId,
      entry.ip,
    ],
  );
}

/** Filters of `GET /v1/audit_logs`; `undefined` means any. */
export interface AuditFilter {
  action?: string | undefined;
  targetId?: string | undefined;
  actorId?: string | undefined;
  createdGte?: Date | undefined;
  createdLt?: Date | undefined;
}

/** One page of an account's audit rows in one mode, newest first. */
export async function listAuditRows(
  db: Queryable,
  scope: { accountId: string; livemode: boolean },
  filter: AuditFilter,
  page: PageRequest,
): Promise<AuditRow[]> {
  const tail = pageSql(page, "id", 8);
  const { rows } = await db.query<AuditRow>(
    `select id, account_id, livemode, actor_type, actor_id, action, target_id, before, after, request_id, ip, created_at
       from audit_logs
      where account_id = $1 and livemode = $2
        and ($3::text is null or action = $3)
        and ($4::text is null or target_id = $4)
        and ($5::text is null or actor_id = $5)
        and ($6::timestamptz is null or created_at >= $6)
        and ($7::timestamptz is null or created_at < $7)
        ${tail.sql}`,
    [
      scope.accountId,
      scope.livemode,
      filter.action ?? null,
      filter.targetId ?? null,
      filter.actorId ?? null,
      filter.createdGte ?? null,
      filter.createdLt ?? null,
      ...tail.params,
    ],
  );
  return rows;
}
