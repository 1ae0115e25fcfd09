import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** A source platform a connector receives webhooks from. */
export type InteropPlatform = "woocommerce" | "shopify" | "prestashop" | "magento" | "custom";

/** Where one shop's platform webhooks arrive; the platform secret is never part of it. */
export interface InteropConnector {
  /** `con_…` */
  id: string;
  object: "interop_connector";
  livemode: boolean;
  app_id: string | null;
  platform: InteropPlatform;
  /** The myshopify.com domain, the WooCommerce site (without scheme), or your identifier. */
  shop: string;
  description: string | null;
  mapping_id: string | null;
  enabled: boolean;
  /** How deliveries must be signed: `shopify`, `woocommerce` or `standard` (Standard Webhooks). */
  signature_scheme: string;
  /** Give this URL to the platform as the webhook address. */
  ingest_url: string;
  /** ISO 8601 timestamp. */
  created_at: string;
  /** ISO 8601 timestamp. */
  updated_at: string;
}

/** A created connector; `secret` is there when Relais generated it (Standard Webhooks sources). */
export interface InteropConnectorCreated extends InteropConnector {
  secret?: string;
}

/** Body of `POST /v1/interop/connectors`. */
export interface InteropConnectorCreateParams {
  platform: InteropPlatform;
  shop: string;
  /** The platform's webhook secret; optional for prestashop, magento and custom (then generated). */
  secret?: string;
  /** Publish events as this app's (app-bound keys: their own). */
  app_id?: string;
  description?: string | null;
  /** A mapping overriding the built-in one; required for `custom`. */
  mapping_id?: string | null;
  enabled?: boolean;
}

/** Body of `PATCH /v1/interop/connectors/:id`; a new `secret` leaves the previous one valid for 24 h. */
export interface InteropConnectorUpdateParams {
  shop?: string;
  secret?: string;
  description?: string | null;
  mapping_id?: string | null;
  enabled?: boolean;
}

/** What `DELETE /v1/interop/connectors/:id` returns. */
export interface DeletedInteropConnector {
  id: string;
  object: "interop_connector";
  deleted: true;
}

/** A mapping document at one version (see `@relais/interop-mappings`). */
export interface InteropMapping {
  /** `map_…` */
  id: string;
  object: "interop_mapping";
  livemode: boolean;
  name: string;
  platform: string;
  /** 1 for the first document; each replace saves the next. */
  version: number;
  /** The mapping document. */
  mapping: Record<string, unknown>;
  /** ISO 8601 timestamp. */
  created_at: string;
  /** ISO 8601 timestamp: when this version was saved. */
  updated_at: string;
}

/** Body of `POST /v1/interop/mappings` and `PUT /v1/interop/mappings/:id`. */
export interface InteropMappingParams {
  /** A mapping document, e.g. a `Mapping` from `@relais/interop-mappings`. */
  mapping: object;
}

/** Why a delivery could not be normalized. */
export interface InteropEventError {
  code: string;
  message: string;
  /** Where in the payload, when the problem sits at one place. */
  path: string | null;
}

/** One platform delivery received by a connector. */
export interface InteropEvent {
  /** `iev_…` */
  id: string;
  object: "interop_event";
  livemode: boolean;
  connector_id: string;
  platform: string;
  topic: string | null;
  /** The platform's delivery id (X-Shopify-Event-Id, X-WC-Webhook-Delivery-ID, webhook-id). */
  delivery_id: string | null;
  status: "normalized" | "failed" | "duplicate";
  /** The normalized type, once known. */
  type: string | null;
  /** The NormalizedEvent id (`ie_…`), the dedupe key. */
  normalized_id: string | null;
  /** The Relais event published for it. */
  event_id: string | null;
  /** The inbound event this one repeats. */
  duplicate_of: string | null;
  error: InteropEventError | null;
  mapping_id: string | null;
  mapping_version: number | null;
  attempts: number;
  /** ISO 8601 timestamp: when it was received. */
  created_at: string;
  /** ISO 8601 timestamp. */
  updated_at: string;
}

/** An inbound event with the delivery exactly as received. */
export interface InteropEventWithDelivery extends InteropEvent {
  headers: Record<string, string>;
  /** UTF-8 text, or base64 when `body_encoding` says so. */
  body: string;
  body_encoding: "utf8" | "base64";
}

/** Query of `GET /v1/interop/events`. */
export interface InteropEventListParams extends ListParams {
  connector_id?: string;
  platform?: string;
  type?: string;
  status?: "normalized" | "failed" | "duplicate";
  /** ISO 8601: received at or after. */
  created_gte?: string;
  /** ISO 8601: received before. */
  created_lt?: string;
}

/** Counts of inbound events by status. */
export interface InteropCounts {
  normalized: number;
  failed: number;
  duplicate: number;
  total: number;
}

/** `GET /v1/interop/stats`. */
export interface InteropStats {
  object: "interop_stats";
  since: string;
  until: string;
  totals: InteropCounts;
  by_platform: Record<string, InteropCounts>;
  /** By normalized type; failed events count under `unknown`. */
  by_type: Record<string, InteropCounts>;
}

/** Query of `GET /v1/interop/stats` (default: the last 24 hours). */
export interface InteropStatsParams {
  since?: string;
  until?: string;
}

/** `client.interop.connectors`. */
export class InteropConnectors extends APIResource {
  /** Creates a connector; give its `ingest_url` to the platform. */
  create(params: InteropConnectorCreateParams, options?: RequestOptions): APIPromise<InteropConnectorCreated> {
    return this.client.post("/v1/interop/connectors", { ...options, body: params });
  }

  /** Retrieves a connector. */
  retrieve(id: string, options?: RequestOptions): APIPromise<InteropConnector> {
    return this.client.get(path`/v1/interop/connectors/${id}`, options);
  }

  /** Updates a connector. */
  update(id: string, params: InteropConnectorUpdateParams, options?: RequestOptions): APIPromise<InteropConnector> {
    return this.client.patch(path`/v1/interop/connectors/${id}`, { ...options, body: params });
  }

  /** Lists connectors, newest first; `for await` walks every page. */
  list(params?: ListParams, options?: RequestOptions): PagePromise<InteropConnector> {
    return this.client.getList("/v1/interop/connectors", { ...options, query: params });
  }

  /** Deletes a connector; its ingest URL answers 404 from then on. */
  del(id: string, options?: RequestOptions): APIPromise<DeletedInteropConnector> {
    return this.client.delete(path`/v1/interop/connectors/${id}`, options);
  }
}

/** `client.interop.mappings`. */
export class InteropMappings extends APIResource {
  /** Validates and saves a mapping document as version 1. */
  create(params: InteropMappingParams, options?: RequestOptions): APIPromise<InteropMapping> {
    return this.client.post("/v1/interop/mappings", { ...options, body: params });
  }

  /** Retrieves a mapping at its current version, or at `version`. */
  retrieve(id: string, params?: { version?: number }, options?: RequestOptions): APIPromise<InteropMapping> {
    return this.client.get(path`/v1/interop/mappings/${id}`, { ...options, query: params });
  }

  /** Saves a new version; connectors using the mapping switch to it. */
  replace(id: string, params: InteropMappingParams, options?: RequestOptions): APIPromise<InteropMapping> {
    return this.client.put(path`/v1/interop/mappings/${id}`, { ...options, body: params });
  }

  /** Lists mappings at their current version, newest first. */
  list(params?: ListParams, options?: RequestOptions): PagePromise<InteropMapping> {
    return this.client.getList("/v1/interop/mappings", { ...options, query: params });
  }
}

/** `client.interop.events`: inbound platform deliveries. */
export class InteropEvents extends APIResource {
  /** Lists inbound deliveries, newest first, with optional filters. */
  list(params?: InteropEventListParams, options?: RequestOptions): PagePromise<InteropEvent> {
    return this.client.getList("/v1/interop/events", { ...options, query: params });
  }

  /** Retrieves a delivery with its headers and body as received. */
  retrieve(id: string, options?: RequestOptions): APIPromise<InteropEventWithDelivery> {
    return this.client.get(path`/v1/interop/events/${id}`, options);
  }

  /** Normalizes a failed delivery again (after a mapping fix), publishing it if it now succeeds. */
  retry(id: string, options?: RequestOptions): APIPromise<InteropEventWithDelivery> {
    return this.client.post(path`/v1/interop/events/${id}/retry`, options);
  }
}

/** `client.interop`: connectors, mappings, inbound events and their statistics. */
export class Interop extends APIResource {
  readonly connectors: InteropConnectors = new InteropConnectors(this.client);
  readonly mappings: InteropMappings = new InteropMappings(this.client);
  readonly events: InteropEvents = new InteropEvents(this.client);

  /** Counts inbound deliveries by platform, type and status over a window. */
  stats(params?: InteropStatsParams, options?: RequestOptions): APIPromise<InteropStats> {
    return this.client.get("/v1/interop/stats", { ...options, query: params });
  }
}
