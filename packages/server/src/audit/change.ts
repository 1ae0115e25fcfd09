import type { Queryable } from "../db/database.js";
import type { AuthContext } from "../http/auth/context.js";
import type { RequestMeta } from "../http/api-router.js";
import { insertAuditEntry } from "./store.js";

/** Who makes a change and through which request: what a service needs to audit it. */
export interface ChangeContext {
  auth: AuthContext;
  request: RequestMeta;
}

/**
 * Records `action` on `targetId` inside `tx`, the transaction making the change, in the caller's
 * account and mode. `before` is null for creations, `after` for deletions.
 */
export function recordChange(
  tx: Queryable,
  context: ChangeContext,
  change: { action: string; targetId: string; before: unknown; after: unknown },
): Promise<void> {
  return insertAuditEntry(tx, {
    accountId: context.auth.accountId,
    livemode: context.auth.livemode,
    actor: context.auth.actor,
    action: change.action,
    targetId: change.targetId,
    before: change.before,
    after: change.after,
    requestId: context.request.requestId,
    ip: context.request.ip,
  });
}
