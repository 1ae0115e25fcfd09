import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListResponse } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";

/** A type of event that can be published: built-in, or registered by the account. */
export interface EventType {
  object: "event_type";
  /** e.g. `order.created` */
  name: string;
  description: string;
  /** JSON Schema of the event's `data`, as documentation. */
  schema: Record<string, unknown> | null;
  builtin: boolean;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** Body of `POST /v1/event_types`. */
export interface EventTypeCreateParams {
  /** Lower-case dot-separated segments, e.g. `invoice.paid`. */
  name: string;
  description?: string;
  schema?: Record<string, unknown> | null;
}

/** `client.eventTypes`: the event-type registry. */
export class EventTypes extends APIResource {
  /** Registers an event type of your own (`POST /v1/event_types`). */
  create(params: EventTypeCreateParams, options?: RequestOptions): APIPromise<EventType> {
    return this.client.post("/v1/event_types", { ...options, body: params });
  }

  /** Lists every type the account can publish, by name, in one page (`GET /v1/event_types`). */
  list(options?: RequestOptions): APIPromise<ListResponse<EventType>> {
    return this.client.get("/v1/event_types", options);
  }
}
