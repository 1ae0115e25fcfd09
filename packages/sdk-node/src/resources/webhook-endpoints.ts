import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";
import type { WebhookAttempt } from "./webhook-messages.js";

/** Where Relais delivers events; the signing secret is never part of it. */
export interface WebhookEndpoint {
  /** `we_…` */
  id: string;
  object: "webhook_endpoint";
  livemode: boolean;
  app_id: string | null;
  url: string;
  description: string | null;
  /** `*`, exact types, or prefixes such as `payment.*`. */
  event_types: string[];
  headers: Record<string, string>;
  /** Attempts per second across all workers; null: unlimited. */
  rate_limit: number | null;
  max_concurrency: number;
  /** Delays in ms before each retry; null: the default schedule. */
  retry_schedule: number[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  /** ISO 8601 timestamp. */
  created_at: string;
  /** ISO 8601 timestamp. */
  updated_at: string;
}

/** An endpoint with its `whsec_…` secret: returned by create and rotateSecret only. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

/** Body of `POST /v1/webhook_endpoints`. */
export interface WebhookEndpointCreateParams {
  url: string;
  description?: string | null;
  event_types?: string[];
  headers?: Record<string, string>;
  rate_limit?: number | null;
  max_concurrency?: number;
  retry_schedule?: number[] | null;
  enabled?: boolean;
}

/** Body of `PATCH /v1/webhook_endpoints/:id`; only the fields sent change. */
export type WebhookEndpointUpdateParams = Partial<WebhookEndpointCreateParams>;

/** Query of `GET /v1/webhook_endpoints`. */
export type WebhookEndpointListParams = ListParams;

/** Body of `POST /v1/webhook_endpoints/:id/rotate_secret`. */
export interface WebhookEndpointRotateSecretParams {
  /** How long the previous secret keeps signing too (default 86400). */
  grace_period_seconds?: number;
}

/** Body of `POST /v1/webhook_endpoints/:id/replay`. */
export interface WebhookEndpointReplayParams {
  status?: "dead" | "failed" | "succeeded";
  /** ISO 8601: messages created at or after. */
  since?: string;
  /** ISO 8601: messages created before. */
  until?: string;
  event_types?: string[];
  dry_run?: boolean;
}

/** What a replay took (or would take, on a dry run). */
export interface WebhookReplay {
  object: "webhook_replay";
  endpoint_id: string;
  dry_run: boolean;
  count: number;
  rate_per_second: number;
}

/** What `DELETE /v1/webhook_endpoints/:id` returns. */
export interface DeletedWebhookEndpoint {
  id: string;
  object: "webhook_endpoint";
  deleted: true;
}

/** `client.webhookEndpoints`: manage endpoints, rotate secrets, replay, and send test events. */
export class WebhookEndpoints extends APIResource {
  /** Creates an endpoint; keep the returned `secret` (`POST /v1/webhook_endpoints`). */
  create(params: WebhookEndpointCreateParams, options?: RequestOptions): APIPromise<WebhookEndpointWithSecret> {
    return this.client.post("/v1/webhook_endpoints", { ...options, body: params });
  }

  /** Retrieves an endpoint (`GET /v1/webhook_endpoints/:id`). */
  retrieve(id: string, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.client.get(path`/v1/webhook_endpoints/${id}`, options);
  }

  /** Updates an endpoint (`PATCH /v1/webhook_endpoints/:id`). */
  update(id: string, params: WebhookEndpointUpdateParams, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.client.patch(path`/v1/webhook_endpoints/${id}`, { ...options, body: params });
  }

  /** Lists endpoints, newest first; `for await` walks every page. */
  list(params?: WebhookEndpointListParams, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return this.client.getList("/v1/webhook_endpoints", { ...options, query: params });
  }

  /** Deletes an endpoint (`DELETE /v1/webhook_endpoints/:id`). */
  del(id: string, options?: RequestOptions): APIPromise<DeletedWebhookEndpoint> {
    return this.client.delete(path`/v1/webhook_endpoints/${id}`, options);
  }

  /** A new secret; the previous one keeps signing during the grace period. */
  rotateSecret(id: string, params: WebhookEndpointRotateSecretParams = {}, options?: RequestOptions): APIPromise<WebhookEndpointWithSecret> {
    return this.client.post(path`/v1/webhook_endpoints/${id}/rotate_secret`, { ...options, body: params });
  }

  /** Re-enables a disabled endpoint (`POST /v1/webhook_endpoints/:id/enable`). */
  enable(id: string, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.client.post(path`/v1/webhook_endpoints/${id}/enable`, options);
  }

  /** Sends dead (or failed, or delivered) messages again, paced (`POST /v1/webhook_endpoints/:id/replay`). */
  replay(id: string, params: WebhookEndpointReplayParams = {}, options?: RequestOptions): APIPromise<WebhookReplay> {
    return this.client.post(path`/v1/webhook_endpoints/${id}/replay`, { ...options, body: params });
  }

  /** Sends a signed test event now and returns the attempt (`POST /v1/webhook_endpoints/:id/test`). */
  test(id: string, options?: RequestOptions): APIPromise<WebhookAttempt> {
    return this.client.post(path`/v1/webhook_endpoints/${id}/test`, options);
  }
}
