import { recordChange } from "../../audit/change.js";
import type { Database } from "../../db/database.js";
import type { ApiRouter } from "../../http/api-router.js";
import { accountScope } from "../../http/auth/account-scope.js";
import { z } from "../../http/zod.js";
import { type OpsPolicy, policyOutputSchema, policySchema } from "./policy.js";
import { readPolicy, writePolicy } from "./store.js";

const policyResponse = z
  .object({
    object: z.literal("ops_policy"),
    livemode: z.boolean(),
    policy: policyOutputSchema,
    updated_at: z.string().nullable().openapi({ format: "date-time", description: "null: never set, these are the defaults." }),
  })
  .openapi("OpsPolicyDocument");

const present = (policy: OpsPolicy, livemode: boolean, updatedAt: Date | null): z.input<typeof policyResponse> => ({
  object: "ops_policy",
  livemode,
  policy,
  updated_at: updatedAt?.toISOString() ?? null,
});

/** `GET/PUT /v1/ops_policy`: one document per account and mode, replaced whole and audited. */
export function registerPolicyRoutes(api: ApiRouter, db: Database): void {
  const tag = "Self-healing";
  api.route({
    method: "get",
    path: "/v1/ops_policy",
    operationId: "getOpsPolicy",
    summary: "Get the ops policy (the defaults until one is set)",
    tag,
    scope: "healing:read",
    response: policyResponse,
    async handler({ auth }) {
      const { policy, updatedAt } = await readPolicy(db, accountScope(auth));
      return present(policy, auth.livemode, updatedAt);
    },
  });
  api.route({
    method: "put",
    path: "/v1/ops_policy",
    operationId: "replaceOpsPolicy",
    summary: "Replace the ops policy; absent fields take their defaults",
    tag,
    scope: "healing:write",
    body: z.strictObject({ policy: policySchema }).openapi("ReplaceOpsPolicyRequest"),
    response: policyResponse,
    async handler({ body, auth, request }) {
      const updatedAt = await db.transaction(async (tx) => {
        const written = await writePolicy(tx, accountScope(auth), body.policy);
        await recordChange(tx, { auth, request }, { action: "ops_policy.replaced", targetId: `ops_policy:${auth.livemode ? "live" : "test"}`, before: written.before, after: body.policy });
        return written.updatedAt;
      });
      return present(body.policy, auth.livemode, updatedAt);
    },
  });
}
