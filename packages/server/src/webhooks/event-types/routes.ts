import type { ApiRouter } from "../../http/api-router.js";
import { z } from "../../http/zod.js";
import { EVENT_TYPE_PATTERN } from "../delivery/index.js";
import type { EventTypeService } from "./service.js";
import type { EventTypeRow } from "./store.js";

/** The API representation of an event type. */
export const eventTypeSchema = z
  .object({
    object: z.literal("event_type"),
    name: z.string().openapi({ example: "order.created" }),
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).nullable().openapi({ description: "JSON Schema of the event's `data`, as documentation." }),
    builtin: z.boolean(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("EventType");

function presentEventType(row: EventTypeRow): z.input<typeof eventTypeSchema> {
  return {
    object: "event_type",
    name: row.name,
    description: row.description,
    schema: row.schema,
    builtin: row.account_id === null,
    created_at: row.created_at.toISOString(),
  };
}

const createBody = z
  .strictObject({
    name: z
      .string()
      .max(100)
      .regex(EVENT_TYPE_PATTERN, { error: "must be lower-case dot-separated segments, e.g. invoice.paid" }),
    description: z.string().max(1000).default(""),
    schema: z.record(z.string(), z.unknown()).nullable().default(null),
  })
  .openapi("CreateEventTypeRequest");

const eventTypeList = z
  .object({ object: z.literal("list"), data: z.array(eventTypeSchema), has_more: z.boolean() })
  .openapi("EventTypeList");

/** `GET/POST /v1/event_types`. */
export function registerEventTypeRoutes(api: ApiRouter, eventTypes: EventTypeService): void {
  const tag = "Events";
  api.route({
    method: "get",
    path: "/v1/event_types",
    operationId: "listEventTypes",
    summary: "List the event types this account can publish (built-in and its own), by name",
    tag,
    scope: "events:read",
    response: eventTypeList,
    async handler({ auth }) {
      const rows = await eventTypes.list(auth);
      return { object: "list", data: rows.map(presentEventType), has_more: false } as const;
    },
  });
  api.route({
    method: "post",
    path: "/v1/event_types",
    operationId: "createEventType",
    summary: "Register an event type of your own",
    tag,
    scope: "events:write",
    body: createBody,
    status: 201,
    response: eventTypeSchema,
    handler: async ({ body, auth, request }) => presentEventType(await eventTypes.register({ auth, request }, body)),
  });
}
