import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { createdRange, createdRangeQuery } from "../../http/created-range.js";
import { z } from "../../http/zod.js";
import { EVENT_TYPE_PATTERN } from "../delivery/index.js";
import type { EventService } from "./service.js";
import type { EventRow } from "./store.js";

/** The API representation of an event; also the JSON body every webhook delivery carries. */
export const eventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("event"),
    livemode: z.boolean(),
    type: z.string(),
    // Always the JSON object that was published; a record (not unknown) so OpenAPI marks it required.
    data: z.record(z.string(), z.unknown()),
    idempotency_key: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Event");

/** Converts a stored event to its API representation (and delivery payload). */
export function presentEvent(row: EventRow): z.input<typeof eventSchema> {
  return {
    id: row.id,
    object: "event",
    livemode: row.livemode,
    type: row.type,
    data: row.data,
    idempotency_key: row.idempotency_key,
    created_at: row.created_at.toISOString(),
  };
}

const publishBody = z
  .strictObject({
    type: z.string().max(100).regex(EVENT_TYPE_PATTERN, { error: "must be an event type such as order.created" }),
    data: z.record(z.string(), z.unknown()),
    idempotency_key: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: "Publishing again with the same key returns the same event and delivers nothing new." }),
  })
  .openapi("PublishEventRequest");

const listQuery = z.strictObject({
  ...paginationQuery,
  type: z.string().max(100).optional(),
  ...createdRangeQuery,
});

const eventParams = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The event id." } }) });
const eventList = z.object({ object: z.literal("list"), data: z.array(eventSchema), has_more: z.boolean() }).openapi("EventList");

/** `POST/GET /v1/events`, `GET /v1/events/:id`. */
export function registerEventRoutes(api: ApiRouter, events: EventService): void {
  const tag = "Events";
  api.route({
    method: "post",
    path: "/v1/events",
    operationId: "publishEvent",
    summary: "Publish an event to every subscribed webhook endpoint",
    tag,
    scope: "events:write",
    body: publishBody,
    status: 201,
    response: eventSchema,
    async handler({ body, auth }) {
      const { event } = await events.publish(auth, { type: body.type, data: body.data, idempotencyKey: body.idempotency_key ?? null });
      return presentEvent(event);
    },
  });
  api.route({
    method: "get",
    path: "/v1/events",
    operationId: "listEvents",
    summary: "List events, newest first",
    tag,
    scope: "events:read",
    query: listQuery,
    response: eventList,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const filters = {
        type: query.type,
        ...createdRange(query),
      };
      return toListResponse(await events.list(auth, filters, page), page, presentEvent);
    },
  });
  api.route({
    method: "get",
    path: "/v1/events/:id",
    operationId: "getEvent",
    summary: "Get an event",
    tag,
    scope: "events:read",
    params: eventParams,
    response: eventSchema,
    handler: async ({ params, auth }) => presentEvent(await events.get(auth, params.id)),
  });
}
