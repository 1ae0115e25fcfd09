import type { Database } from "../db/database.js";
import type { ApiRouter } from "../http/api-router.js";
import { notFound } from "../http/problem.js";
import { z } from "../http/zod.js";
import { findAccount } from "./store.js";

/** The API representation of the caller's account. */
export const accountSchema = z
  .object({
    id: z.string().openapi({ example: "acct_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("account"),
    name: z.string(),
    livemode: z.boolean().openapi({ description: "The mode of the credential that asked." }),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Account");

/** `GET /v1/account`: the account the credential belongs to. */
export function registerAccountRoutes(api: ApiRouter, db: Database): void {
  api.route({
    method: "get",
    path: "/v1/account",
    operationId: "getAccount",
    summary: "Get the caller's account",
    tag: "Account",
    scope: "account:read",
    response: accountSchema,
    async handler({ auth }) {
      const account = await findAccount(db, auth.accountId);
      if (!account) throw notFound("account", auth.accountId);
      return { id: account.id, object: "account" as const, name: account.name, livemode: auth.livemode, created_at: account.created_at.toISOString() };
    },
  });
}
