import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";

/** One append-only record of a state change: who did what, with the state before and after. */
export interface AuditLog {
  id: string;
  object: "audit_log";
  /** What happened, e.g. `app.created`. */
  action: string;
  /** Who did it: an API key (`type: "api_key"`), a JWT user, or the system. */
  actor: { type: string; id: string };
  target_id: string;
  /** The `Request-Id` of the call that made the change. */
  request_id: string | null;
  /** Client IP of that call. */
  ip: string | null;
  /** The object before and after the change, secrets redacted. */
  before?: unknown;
  after?: unknown;
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
  /** ISO 8601 timestamp: only records created before it. */
  created_lt?: string;
}

/** `client.auditLogs`: read the account's audit trail. */
export class AuditLogs extends APIResource {
  /** Lists audit log records, newest first; `for await` walks every page. */
  list(params?: AuditLogListParams, options?: RequestOptions): PagePromise<AuditLog> {
    return this.client.getList("/v1/audit_logs", { ...options, query: params });
  }
}
