import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";

/** One append-only record of a state change: who did what, with the state before and after. */
export interface AuditLog {
  id: string;
  object: "audit_log";
  /** What happened, e.g. `app.created`. */
  action: string;
  actor_id: string | null;
  target_id: string | null;
  /** The `Request-Id` of the call that made the change. */
  request_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  livemode: boolean;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** Query of `GET /v1/audit_logs`. */
export interface AuditLogListParams extends ListParams {
  action?: string;
  target_id?: string;
  actor_id?: string;
  /** ISO 8601 timestamp: only records created at or after it. */
  created_gte?: string;
  /** ISO 8601 timestamp: only records created at or before it. */
  created_lte?: string;
}

/** `client.auditLogs`: read the account's audit trail. */
export class AuditLogs extends APIResource {
  /** Lists audit log records, newest first; `for await` walks every page. */
  list(params?: AuditLogListParams, options?: RequestOptions): PagePromise<AuditLog> {
    return this.client.getList("/v1/audit_logs", { ...options, query: params });
  }
}
