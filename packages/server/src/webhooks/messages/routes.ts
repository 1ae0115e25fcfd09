import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { createdRange, createdRangeQuery } from "../../http/created-range.js";
import { z } from "../../http/zod.js";
import { EVENT_TYPE_FILTER_PATTERN } from "../delivery/index.js";
import { endpointParams } from "../endpoints/routes.js";
import type { MessageService } from "./service.js";
import { type AttemptRow, type MessageRow, messageStatuses } from "./store.js";

/** One HTTP attempt of a message. */
export const attemptSchema = z
  .object({
    id: z.string().openapi({ example: "att_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("webhook_attempt"),
    message_id: z.string(),
    endpoint_id: z.string(),
    attempt_number: z.number().int(),
    trigger: z.enum(["scheduled", "test"]),
    started_at: z.string().openapi({ format: "date-time" }),
    duration_ms: z.number().int(),
    outcome: z.enum(["succeeded", "failed", "gone"]),
    status_code: z.number().int().nullable(),
    error_class: z.string().nullable(),
    error: z.string().nullable(),
    response_excerpt: z.string(),
    response_truncated: z.boolean(),
    url: z.string(),
    worker_id: z.string(),
  })
  .openapi("WebhookAttempt");

/** One event to one endpoint. */
export const messageSchema = z
  .object({
    id: z.string().openapi({ example: "msg_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("webhook_message"),
    livemode: z.boolean(),
    event_id: z.string(),
    event_type: z.string(),
    endpoint_id: z.string(),
    status: z.enum(messageStatuses),
    attempt_count: z.number().int(),
    next_attempt_at: z.string().nullable().openapi({ format: "date-time" }),
    last_attempt_at: z.string().nullable().openapi({ format: "date-time" }),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WebhookMessage");

const messageWithAttempts = messageSchema.extend({ attempts: z.array(attemptSchema) }).openapi("WebhookMessageWithAttempts");

function presentAttempt(row: AttemptRow): z.input<typeof attemptSchema> {
  return {
    id: row.id,
    object: "webhook_attempt",
    message_id: row.message_id,
    endpoint_id: row.endpoint_id,
    attempt_number: row.attempt_number,
    trigger: row.trigger,
    started_at: row.started_at.toISOString(),
    duration_ms: row.duration_ms,
    outcome: row.outcome,
    status_code: row.status_code,
    error_class: row.error_class,
    error: row.error,
    response_excerpt: row.response_excerpt,
    response_truncated: row.response_truncated,
    url: row.url,
    worker_id: row.worker_id,
  };
}

function presentMessage(row: MessageRow): z.input<typeof messageSchema> {
  return {
    id: row.id,
    object: "webhook_message",
    livemode: row.livemode,
    event_id: row.event_id,
    event_type: row.event_type,
    endpoint_id: row.endpoint_id,
    status: row.status,
    attempt_count: row.attempts,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const listQuery = z.strictObject({
  ...paginationQuery,
  endpoint_id: z.string().max(64).optional(),
  event_type: z.string().max(100).optional(),
  status: z.enum(messageStatuses).optional(),
  ...createdRangeQuery,
});

const replayBody = z
  .strictObject({
    status: z.enum(["dead", "failed", "succeeded"]).default("dead").openapi({ description: "Which messages to send again (default dead)." }),
    since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Messages created at or after this time." }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: "Messages created before this time." }),
    event_types: z.array(z.string().max(100).regex(EVENT_TYPE_FILTER_PATTERN)).min(1).max(100).optional(),
    dry_run: z.boolean().default(false).openapi({ description: "Only count the messages a replay would take." }),
  })
  .openapi("ReplayWebhookMessagesRequest");

const replayResponse = z
  .object({
    object: z.literal("webhook_replay"),
    endpoint_id: z.string(),
    dry_run: z.boolean(),
    count: z.number().int(),
    rate_per_second: z.number().int(),
  })
  .openapi("WebhookReplay");

const messageParams = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The webhook message id." } }) });
const messageList = z.object({ object: z.literal("list"), data: z.array(messageSchema), has_more: z.boolean() }).openapi("WebhookMessageList");

/** `GET /v1/webhook_messages[/:id]`, retry, and the endpoint's replay and test. */
export function registerMessageRoutes(api: ApiRouter, messages: MessageService, replayRatePerSecond: number): void {
  const tag = "Webhook messages";
  api.route({
    method: "get",
    path: "/v1/webhook_messages",
    operationId: "listWebhookMessages",
    summary: "List webhook messages (one event to one endpoint), newest first",
    tag,
    scope: "webhooks:read",
    query: listQuery,
    response: messageList,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const filters = {
        endpointId: query.endpoint_id,
        eventType: query.event_type,
        status: query.status,
        ...createdRange(query),
      };
      return toListResponse(await messages.list(auth, filters, page), page, presentMessage);
    },
  });
  api.route({
    method: "get",
    path: "/v1/webhook_messages/:id",
    operationId: "getWebhookMessage",
    summary: "Get a webhook message with every attempt",
    tag,
    scope: "webhooks:read",
    params: messageParams,
    response: messageWithAttempts,
    async handler({ params, auth }) {
      const { message, attempts } = await messages.get(auth, params.id);
      return { ...presentMessage(message), attempts: attempts.map(presentAttempt) };
    },
  });
  api.route({
    method: "post",
    path: "/v1/webhook_messages/:id/retry",
    operationId: "retryWebhookMessage",
    summary: "Attempt a message again now (dead, failed or delivered)",
    tag,
    scope: "webhooks:write",
    params: messageParams,
    response: messageSchema,
    handler: async ({ params, auth, request }) => presentMessage(await messages.retry({ auth, request }, params.id)),
  });
  api.route({
    method: "post",
    path: "/v1/webhook_endpoints/:id/replay",
    operationId: "replayWebhookEndpoint",
    summary: "Send an endpoint's dead (or failed, or delivered) messages again, paced",
    tag: "Webhook endpoints",
    scope: "webhooks:write",
    params: endpointParams,
    body: replayBody,
    response: replayResponse,
    async handler({ params, body, auth, request }) {
      const selection = {
        endpointId: params.id,
        statuses: [body.status],
        since: body.since ? new Date(body.since) : null,
        until: body.until ? new Date(body.until) : null,
        eventTypes: body.event_types ?? null,
      };
      const count = await messages.replay({ auth, request }, selection, body.dry_run);
      return { object: "webhook_replay", endpoint_id: params.id, dry_run: body.dry_run, count, rate_per_second: replayRatePerSecond } as const;
    },
  });
  api.route({
    method: "post",
    path: "/v1/webhook_endpoints/:id/test",
    operationId: "testWebhookEndpoint",
    summary: "Send a signed test event to the endpoint now and return the attempt",
    tag: "Webhook endpoints",
    scope: "webhooks:write",
    params: endpointParams,
    response: attemptSchema,
    handler: async ({ params, auth, request }) => presentAttempt(await messages.sendTest({ auth, request }, params.id)),
  });
}
