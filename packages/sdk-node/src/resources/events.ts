import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** A published event; also the body of every webhook delivery. */
export interface Event {
  /** `evt_…` */
  id: string;
  object: "event";
  livemode: boolean;
  type: string;
  data: Record<string, unknown>;
  idempotency_key: string | null;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** Body of `POST /v1/events`. */
export interface EventCreateParams {
  type: string;
  data: Record<string, unknown>;
  /** Publishing again with the same key returns the same event and delivers nothing new. */
  idempotency_key?: string;
}

/** Query of `GET /v1/events`. */
export interface EventListParams extends ListParams {
  type?: string;
  /** ISO 8601: created at or after. */
  created_gte?: string;
  /** ISO 8601: created before. */
  created_lt?: string;
}

/** `client.events`: publish events to every subscribed webhook endpoint, and read them back. */
export class Events extends APIResource {
  /** Publishes an event (`POST /v1/events`). */
  create(params: EventCreateParams, options?: RequestOptions): APIPromise<Event> {
    return this.client.post("/v1/events", { ...options, body: params });
  }

  /** Retrieves an event by id (`GET /v1/events/:id`). */
  retrieve(id: string, options?: RequestOptions): APIPromise<Event> {
    return this.client.get(path`/v1/events/${id}`, options);
  }

  /** Lists events, newest first; `for await` walks every page. */
  list(params?: EventListParams, options?: RequestOptions): PagePromise<Event> {
    return this.client.getList("/v1/events", { ...options, query: params });
  }
}
