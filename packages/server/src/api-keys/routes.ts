import { appParams } from "../apps/routes.js";
import type { ApiRouter } from "../http/api-router.js";
import { scopes } from "../http/auth/scopes.js";
import { pageRequest, paginationQuery, toListResponse } from "../http/pagination.js";
import { z } from "../http/zod.js";
import type { ApiKeyService } from "./service.js";
import type { ApiKeyRow } from "./store.js";

const DAY_SECONDS = 86_400;

/** The API representation of a key; `secret` appears only in the create and rotate responses. */
export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("api_key"),
    livemode: z.boolean(),
    app_id: z.string().nullable(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The first characters of the current secret, for telling keys apart." }),
    scopes: z.array(z.enum(scopes)),
    status: z.enum(["active", "expired", "revoked"]),
    expires_at: z.string().nullable().openapi({ format: "date-time" }),
    quota: z.object({ per_minute: z.number().int().nullable(), per_day: z.number().int().nullable() }),
    last_used_at: z.string().nullable().openapi({ format: "date-time", description: "Updated at most once a minute." }),
    revoked_at: z.string().nullable().openapi({ format: "date-time" }),
    created_at: z.string().openapi({ format: "date-time" }),
    secret: z.string().optional().openapi({ description: "The full key. Shown once: store it now." }),
    previous_secret_expires_at: z
      .string()
      .optional()
      .openapi({ format: "date-time", description: "Rotation only: when the previous secret stops working." }),
  })
  .openapi("ApiKey");

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Converts a stored key to its API representation (never with a secret; add it explicitly). */
export function presentApiKey(row: ApiKeyRow): z.input<typeof apiKeySchema> {
  const expired = row.expires_at !== null && row.expires_at.getTime() <= Date.now();
  return {
    id: row.id,
    object: "api_key",
    livemode: row.livemode,
    app_id: row.app_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    status: row.revoked_at ? "revoked" : expired ? "expired" : "active",
    expires_at: iso(row.expires_at),
    quota: { per_minute: row.quota_per_minute, per_day: row.quota_per_day },
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
    created_at: row.created_at.toISOString(),
  };
}

const createBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(z.enum(scopes)).min(1).max(scopes.length),
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
    quota: z
      .strictObject({
        per_minute: z.number().int().min(1).max(1_000_000).nullable().optional(),
        per_day: z.number().int().min(1).max(100_000_000).nullable().optional(),
      })
      .optional()
      .openapi({ description: "Limits for this key on top of the server-wide rate limit." }),
  })
  .openapi("CreateApiKeyRequest");

const rotateBody = z
  .strictObject({
    grace_period_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * DAY_SECONDS)
      .default(DAY_SECONDS)
      .openapi({ description: "How long the previous secret keeps working (default 24 h; 0 stops it now)." }),
  })
  .openapi("RotateApiKeyRequest");

const keyParams = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The key id." } }) });
const keyList = z.object({ object: z.literal("list"), data: z.array(apiKeySchema), has_more: z.boolean() }).openapi("ApiKeyList");

/** `POST/GET /v1/apps/:id/keys`, `POST /v1/keys/:id/rotate`, `POST /v1/keys/:id/revoke`. */
export function registerApiKeyRoutes(api: ApiRouter, keys: ApiKeyService): void {
  const tag = "API keys";
  api.route({
    method: "post",
    path: "/v1/apps/:id/keys",
    operationId: "createApiKey",
    summary: "Create an API key for an app (the secret is shown once)",
    tag,
    scope: "keys:write",
    params: appParams,
    body: createBody,
    status: 201,
    response: apiKeySchema,
    async handler({ params, body, auth, request }) {
      const created = await keys.create({ auth, request }, params.id, {
        name: body.name,
        scopes: [...new Set(body.scopes)],
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        quotaPerMinute: body.quota?.per_minute ?? null,
        quotaPerDay: body.quota?.per_day ?? null,
      });
      return { ...presentApiKey(created.key), secret: created.secret };
    },
  });
  api.route({
    method: "get",
    path: "/v1/apps/:id/keys",
    operationId: "listApiKeys",
    summary: "List an app's API keys, newest first",
    tag,
    scope: "keys:read",
    params: appParams,
    query: z.strictObject(paginationQuery),
    response: keyList,
    async handler({ params, query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await keys.listForApp(auth, params.id, page), page, presentApiKey);
    },
  });
  api.route({
    method: "post",
    path: "/v1/keys/:id/rotate",
    operationId: "rotateApiKey",
    summary: "Give a key a new secret; the old one works for a grace period",
    tag,
    scope: "keys:write",
    params: keyParams,
    body: rotateBody,
    response: apiKeySchema,
    async handler({ params, body, auth, request }) {
      const rotated = await keys.rotate({ auth, request }, params.id, body.grace_period_seconds);
      return {
        ...presentApiKey(rotated.key),
        secret: rotated.secret,
        previous_secret_expires_at: rotated.previousSecretExpiresAt?.toISOString(),
      };
    },
  });
  api.route({
    method: "post",
    path: "/v1/keys/:id/revoke",
    operationId: "revokeApiKey",
    summary: "Revoke a key now",
    tag,
    scope: "keys:write",
    params: keyParams,
    response: apiKeySchema,
    handler: async ({ params, auth, request }) => presentApiKey(await keys.revoke({ auth, request }, params.id)),
  });
}
