import { createdRange, createdRangeQuery } from "../../http/created-range.js";
import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { z } from "../../http/zod.js";
import type { InboundEventService } from "./service.js";
import { INBOUND_STATUSES, type InboundCount, type InboundRow, type InboundRowWithBody } from "./store.js";

/** The API representation of an inbound event (one platform delivery). */
export const inboundSchema = z
  .object({
    id: z.string().openapi({ example: "iev_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("interop_event"),
    livemode: z.boolean(),
    connector_id: z.string(),
    platform: z.string(),
    topic: z.string().nullable(),
    delivery_id: z.string().nullable().openapi({ description: "The platform's delivery id (X-Shopify-Event-Id, X-WC-Webhook-Delivery-ID, webhook-id)." }),
    status: z.enum(INBOUND_STATUSES),
    type: z.string().nullable().openapi({ description: "The normalized event type, once known." }),
    normalized_id: z.string().nullable().openapi({ description: "The NormalizedEvent id (ie_…), the dedupe key." }),
    event_id: z.string().nullable().openapi({ description: "The Relais event published for it (status normalized)." }),
    duplicate_of: z.string().nullable().openapi({ description: "The inbound event this one repeats (status duplicate)." }),
    error: z.object({ code: z.string(), message: z.string(), path: z.string().nullable() }).nullable(),
    mapping_id: z.string().nullable(),
    mapping_version: z.number().int().nullable(),
    attempts: z.number().int(),
    created_at: z.string().openapi({ format: "date-time", description: "When the delivery was received." }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("InteropEvent");

/** An inbound event with the delivery exactly as received. */
export const inboundWithDeliverySchema = inboundSchema
  .extend({
    headers: z.record(z.string(), z.string()),
    body: z.string().openapi({ description: "The body as received: UTF-8 text, or base64 when it is not valid UTF-8." }),
    body_encoding: z.enum(["utf8", "base64"]),
  })
  .openapi("InteropEventWithDelivery");

function present(row: InboundRow): z.input<typeof inboundSchema> {
  return {
    id: row.id,
    object: "interop_event",
    livemode: row.livemode,
    connector_id: row.connector_id,
    platform: row.platform,
    topic: row.topic,
    delivery_id: row.delivery_id,
    status: row.status,
    type: row.type,
    normalized_id: row.normalized_id,
    event_id: row.event_id,
    duplicate_of: row.duplicate_of,
    error: row.error,
    mapping_id: row.mapping_id,
    mapping_version: row.mapping_version,
    attempts: row.attempts,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function presentWithDelivery(row: InboundRowWithBody): z.input<typeof inboundWithDeliverySchema> {
  let body: string;
  let encoding: "utf8" | "base64" = "utf8";
  try {
    body = utf8.decode(row.body);
  } catch {
    body = Buffer.from(row.body).toString("base64");
    encoding = "base64";
  }
  return { ...present(row), headers: row.headers, body, body_encoding: encoding };
}

const params = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The interop event id." } }) });
const list = z.object({ object: z.literal("list"), data: z.array(inboundSchema), has_more: z.boolean() }).openapi("InteropEventList");

const countSchema = z.object({ normalized: z.number().int(), failed: z.number().int(), duplicate: z.number().int(), total: z.number().int() });
const statsSchema = z
  .object({
    object: z.literal("interop_stats"),
    since: z.string().openapi({ format: "date-time" }),
    until: z.string().openapi({ format: "date-time" }),
    totals: countSchema,
    by_platform: z.record(z.string(), countSchema),
    by_type: z.record(z.string(), countSchema).openapi({ description: "By normalized type; failed events have none and are counted under `unknown`." }),
  })
  .openapi("InteropStats");

type Counts = z.input<typeof countSchema>;
const zero = (): Counts => ({ normalized: 0, failed: 0, duplicate: 0, total: 0 });

function presentStats(rows: InboundCount[], since: Date, until: Date): z.input<typeof statsSchema> {
  const totals = zero();
  const byPlatform: Record<string, Counts> = {};
  const byType: Record<string, Counts> = {};
  for (const row of rows) {
    for (const counts of [totals, (byPlatform[row.platform] ??= zero()), (byType[row.type ?? "unknown"] ??= zero())]) {
      counts[row.status] += row.count;
      counts.total += row.count;
    }
  }
  return { object: "interop_stats", since: since.toISOString(), until: until.toISOString(), totals, by_platform: byPlatform, by_type: byType };
}

/** `GET /v1/interop/events`, `GET /v1/interop/events/:id`, `POST …/:id/retry`, `GET /v1/interop/stats`. */
export function registerInboundEventRoutes(api: ApiRouter, events: InboundEventService): void {
  const tag = "Interop";
  api.route({
    method: "get",
    path: "/v1/interop/events",
    operationId: "listInteropEvents",
    summary: "List inbound platform deliveries, newest first",
    tag,
    scope: "interop:read",
    query: z.strictObject({
      ...paginationQuery,
      connector_id: z.string().max(64).optional(),
      platform: z.string().max(32).optional(),
      type: z.string().max(128).optional().openapi({ description: "A normalized event type." }),
      status: z.enum(INBOUND_STATUSES).optional(),
      ...createdRangeQuery,
    }),
    response: list,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const filters = { connectorId: query.connector_id, platform: query.platform, type: query.type, status: query.status, ...createdRange(query) };
      return toListResponse(await events.list(auth, filters, page), page, present);
    },
  });
  api.route({
    method: "get",
    path: "/v1/interop/events/:id",
    operationId: "getInteropEvent",
    summary: "Get an inbound delivery with its headers and body as received",
    tag,
    scope: "interop:read",
    params,
    response: inboundWithDeliverySchema,
    handler: async ({ params: { id }, auth }) => presentWithDelivery(await events.get(auth, id)),
  });
  api.route({
    method: "post",
    path: "/v1/interop/events/:id/retry",
    operationId: "retryInteropEvent",
    summary: "Normalize a failed delivery again with its connector's current mapping, publishing it if it now succeeds",
    tag,
    scope: "interop:write",
    params,
    response: inboundWithDeliverySchema,
    handler: async ({ params: { id }, auth, request }) => presentWithDelivery(await events.retry({ auth, request }, id)),
  });
  api.route({
    method: "get",
    path: "/v1/interop/stats",
    operationId: "getInteropStats",
    summary: "Count inbound deliveries by platform, type and status over a window (default: the last 24 hours)",
    tag,
    scope: "interop:read",
    query: z.strictObject({
      since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Start of the window (default: 24 hours before until)." }),
      until: z.iso.datetime({ offset: true }).optional().openapi({ description: "End of the window, exclusive (default: now)." }),
    }),
    response: statsSchema,
    async handler({ query, auth }) {
      const until = query.until ? new Date(query.until) : new Date();
      const since = query.since ? new Date(query.since) : new Date(until.getTime() - 86_400_000);
      return presentStats(await events.stats(auth, since, until), since, until);
    },
  });
}
