import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { z } from "../../http/zod.js";
import { EVENT_TYPE_FILTER_PATTERN } from "../delivery/index.js";
import type { EndpointService } from "./service.js";
import type { EndpointRow } from "./store.js";

/** The API representation of a webhook endpoint; the secret is never part of it. */
export const endpointSchema = z
  .object({
    id: z.string().openapi({ example: "we_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("webhook_endpoint"),
    livemode: z.boolean(),
    app_id: z.string().nullable(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()),
    headers: z.record(z.string(), z.string()),
    rate_limit: z.number().int().nullable(),
    max_concurrency: z.number().int(),
    retry_schedule: z.array(z.number().int()).nullable(),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WebhookEndpoint");

/** An endpoint with its signing secret, returned by create and rotate_secret only. */
export const endpointWithSecretSchema = endpointSchema
  .extend({ secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }) })
  .openapi("WebhookEndpointWithSecret");

/** Converts a stored endpoint to its API representation. */
export function presentEndpoint(row: EndpointRow): z.input<typeof endpointSchema> {
  return {
    id: row.id,
    object: "webhook_endpoint",
    livemode: row.livemode,
    app_id: row.app_id,
    url: row.url,
    description: row.description,
    event_types: row.event_types,
    headers: row.headers,
    rate_limit: row.rate_limit,
    max_concurrency: row.max_concurrency,
    retry_schedule: row.retry_schedule,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const fields = {
  url: z.string().trim().min(1).max(2048).openapi({ description: "https URL (http and private addresses only with RELAIS_WEBHOOK_ALLOW_PRIVATE)." }),
  description: z.string().max(1000).nullable(),
  event_types: z
    .array(z.string().max(100).regex(EVENT_TYPE_FILTER_PATTERN, { error: "must be *, a type, or a prefix ending in .*" }))
    .min(1)
    .max(100)
    .openapi({ description: "Subscriptions: `*`, exact types, or prefixes such as `payment.*`." }),
  headers: z.record(z.string(), z.string()).openapi({ description: "Up to 20 extra request headers (not hop-by-hop, host or webhook-*)." }),
  rate_limit: z.number().int().min(1).max(10_000).nullable().openapi({ description: "Attempts per second, across all workers; null: unlimited." }),
  max_concurrency: z.number().int().min(1).max(1000).openapi({ description: "Attempts in flight at once, across all workers." }),
  retry_schedule: z
    .array(z.number().int())
    .nullable()
    .openapi({ description: "Delays in ms before each retry (1 to 20, each 1 s to 7 days); null: the default schedule." }),
  enabled: z.boolean(),
};

const createBody = z
  .strictObject({
    url: fields.url,
    description: fields.description.default(null),
    event_types: fields.event_types.default(["*"]),
    headers: fields.headers.default({}),
    rate_limit: fields.rate_limit.default(null),
    max_concurrency: fields.max_concurrency.default(50),
    retry_schedule: fields.retry_schedule.default(null),
    enabled: fields.enabled.default(true),
  })
  .openapi("CreateWebhookEndpointRequest");

const updateBody = z
  .strictObject({
    url: fields.url.optional(),
    description: fields.description.optional(),
    event_types: fields.event_types.optional(),
    headers: fields.headers.optional(),
    rate_limit: fields.rate_limit.optional(),
    max_concurrency: fields.max_concurrency.optional(),
    retry_schedule: fields.retry_schedule.optional(),
    enabled: fields.enabled.optional(),
  })
  .openapi("UpdateWebhookEndpointRequest");

const rotateBody = z
  .strictObject({
    grace_period_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400)
      .openapi({ description: "How long the previous secret keeps signing too (default 24 h)." }),
  })
  .openapi("RotateWebhookSecretRequest");

/** Path parameters of routes under one endpoint. */
export const endpointParams = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The webhook endpoint id." } }) });
const deletedEndpoint = z
  .object({ id: z.string(), object: z.literal("webhook_endpoint"), deleted: z.literal(true) })
  .openapi("DeletedWebhookEndpoint");
const endpointList = z
  .object({ object: z.literal("list"), data: z.array(endpointSchema), has_more: z.boolean() })
  .openapi("WebhookEndpointList");

/** `POST/GET /v1/webhook_endpoints`, `GET/PATCH/DELETE /v1/webhook_endpoints/:id`, rotate_secret and enable. */
export function registerEndpointRoutes(api: ApiRouter, endpoints: EndpointService): void {
  const tag = "Webhook endpoints";
  api.route({
    method: "post",
    path: "/v1/webhook_endpoints",
    operationId: "createWebhookEndpoint",
    summary: "Create a webhook endpoint; the response holds its signing secret",
    tag,
    scope: "webhooks:write",
    body: createBody,
    status: 201,
    response: endpointWithSecretSchema,
    async handler({ body, auth, request }) {
      const created = await endpoints.create({ auth, request }, body);
      return { ...presentEndpoint(created), secret: created.secret };
    },
  });
  api.route({
    method: "get",
    path: "/v1/webhook_endpoints",
    operationId: "listWebhookEndpoints",
    summary: "List webhook endpoints, newest first",
    tag,
    scope: "webhooks:read",
    query: z.strictObject(paginationQuery),
    response: endpointList,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await endpoints.list(auth, page), page, presentEndpoint);
    },
  });
  api.route({
    method: "get",
    path: "/v1/webhook_endpoints/:id",
    operationId: "getWebhookEndpoint",
    summary: "Get a webhook endpoint",
    tag,
    scope: "webhooks:read",
    params: endpointParams,
    response: endpointSchema,
    handler: async ({ params, auth }) => presentEndpoint(await endpoints.get(auth, params.id)),
  });
  api.route({
    method: "patch",
    path: "/v1/webhook_endpoints/:id",
    operationId: "updateWebhookEndpoint",
    summary: "Update a webhook endpoint",
    tag,
    scope: "webhooks:write",
    params: endpointParams,
    body: updateBody,
    response: endpointSchema,
    handler: async ({ params, body, auth, request }) => presentEndpoint(await endpoints.update({ auth, request }, params.id, body)),
  });
  api.route({
    method: "delete",
    path: "/v1/webhook_endpoints/:id",
    operationId: "deleteWebhookEndpoint",
    summary: "Delete a webhook endpoint; nothing more is delivered to it",
    tag,
    scope: "webhooks:write",
    params: endpointParams,
    response: deletedEndpoint,
    async handler({ params, auth, request }) {
      await endpoints.delete({ auth, request }, params.id);
      return { id: params.id, object: "webhook_endpoint", deleted: true } as const;
    },
  });
  api.route({
    method: "post",
    path: "/v1/webhook_endpoints/:id/rotate_secret",
    operationId: "rotateWebhookEndpointSecret",
    summary: "Rotate the signing secret; the previous one keeps signing during the grace period",
    tag,
    scope: "webhooks:write",
    params: endpointParams,
    body: rotateBody,
    response: endpointWithSecretSchema,
    async handler({ params, body, auth, request }) {
      const rotated = await endpoints.rotateSecret({ auth, request }, params.id, body.grace_period_seconds);
      return { ...presentEndpoint(rotated), secret: rotated.secret };
    },
  });
  api.route({
    method: "post",
    path: "/v1/webhook_endpoints/:id/enable",
    operationId: "enableWebhookEndpoint",
    summary: "Re-enable a disabled webhook endpoint",
    tag,
    scope: "webhooks:write",
    params: endpointParams,
    response: endpointSchema,
    handler: async ({ params, auth, request }) => presentEndpoint(await endpoints.enable({ auth, request }, params.id)),
  });
}
