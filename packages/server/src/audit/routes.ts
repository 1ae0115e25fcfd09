import type { Database } from "../db/database.js";
import type { ApiRouter } from "../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../http/pagination.js";
import { createdRange, createdRangeQuery } from "../http/created-range.js";
import { z } from "../http/zod.js";
import { type AuditRow, listAuditRows } from "./store.js";

/** The API representation of one audit row. */
export const auditLogSchema = z
  .object({
    id: z.string().openapi({ example: "aud_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("audit_log"),
    livemode: z.boolean(),
    action: z.string().openapi({ example: "app.created" }),
    actor: z.object({ type: z.string(), id: z.string() }),
    target_id: z.string(),
    before: z.unknown().openapi({ description: "The target before the change (secrets redacted); null on create." }),
    after: z.unknown().openapi({ description: "The target after the change (secrets redacted); null on delete." }),
    request_id: z.string().nullable(),
    ip: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AuditLog");

function presentAuditRow(row: AuditRow): z.input<typeof auditLogSchema> {
  return {
    id: row.id,
    object: "audit_log",
    livemode: row.livemode,
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id },
    target_id: row.target_id,
    before: row.before,
    after: row.after,
    request_id: row.request_id,
    ip: row.ip,
    created_at: row.created_at.toISOString(),
  };
}

const listQuery = z.strictObject({
  ...paginationQuery,
  action: z.string().max(100).optional().openapi({ description: "Only this action, e.g. `api_key.revoked`." }),
  target_id: z.string().max(64).optional().openapi({ description: "Only changes to this resource." }),
  actor_id: z.string().max(128).optional().openapi({ description: "Only changes by this key id or user." }),
  ...createdRangeQuery,
});

/** `GET /v1/audit_logs`: the append-only record of state changes, filterable and paginated. */
export function registerAuditRoutes(api: ApiRouter, db: Database): void {
  api.route({
    method: "get",
    path: "/v1/audit_logs",
    operationId: "listAuditLogs",
    summary: "List audit log entries",
    tag: "Audit logs",
    scope: "audit:read",
    query: listQuery,
    response: z.object({ object: z.literal("list"), data: z.array(auditLogSchema), has_more: z.boolean() }).openapi("AuditLogList"),
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const rows = await listAuditRows(
        db,
        auth,
        {
          action: query.action,
          targetId: query.target_id,
          actorId: query.actor_id,
          ...createdRange(query),
        },
        page,
      );
      return toListResponse(rows, page, presentAuditRow);
    },
  });
}
