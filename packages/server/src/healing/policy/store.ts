import type { Queryable } from "../../db/database.js";
import type { AccountScope } from "../../http/auth/account-scope.js";
import { DEFAULT_POLICY, type OpsPolicy, policySchema } from "./policy.js";

/** The account's policy in this mode (the defaults when it never set one), and when it was set. */
export async function readPolicy(db: Queryable, scope: AccountScope): Promise<{ policy: OpsPolicy; updatedAt: Date | null }> {
  const { rows } = await db.query<{ policy: unknown; updated_at: Date }>("select policy, updated_at from ops_policies where account_id = $1 and livemode = $2", [
    scope.accountId,
    scope.livemode,
  ]);
  const row = rows[0];
  // Parsed again: defaults added by a later version apply to documents stored before it.
  return row ? { policy: policySchema.parse(row.policy), updatedAt: row.updated_at } : { policy: DEFAULT_POLICY, updatedAt: null };
}

/** Replaces the account's policy in this mode; returns the previous one (null when it had none). */
export async function writePolicy(tx: Queryable, scope: AccountScope, policy: OpsPolicy): Promise<{ before: OpsPolicy | null; updatedAt: Date }> {
  const { rows: previous } = await tx.query<{ policy: unknown }>("select policy from ops_policies where account_id = $1 and livemode = $2 for update", [
    scope.accountId,
    scope.livemode,
  ]);
  const { rows } = await tx.query<{ updated_at: Date }>(
    `insert into ops_policies (account_id, livemode, policy) values ($1, $2, $3)
     on conflict (account_id, livemode) do update set policy = excluded.policy, updated_at = now()
     returning updated_at`,
    [scope.accountId, scope.livemode, JSON.stringify(policy)],
  );
  return { before: previous[0] ? policySchema.parse(previous[0].policy) : null, updatedAt: (rows[0] as { updated_at: Date }).updated_at };
}
