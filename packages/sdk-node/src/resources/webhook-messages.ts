import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** Where a message stands: waiting, leased by a worker, delivered, retrying, or dead (the DLQ). */
export type WebhookMessageStatus = "pending" | "delivering" | "succeeded" | "failed" | "dead";

/** One event to one endpoint. */
export interface WebhookMessage {
  /** `msg_…`, also the `webhook-id` header of every attempt. */
  id: string;
  object: "webhook_message";
  livemode: boolean;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  status: WebhookMessageStatus;
  attempt_count: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  /** ISO 8601 timestamp. */
  created_at: string;
  /** ISO 8601 timestamp. */
  updated_at: string;
}

/** One HTTP attempt, as recorded (never changed). */
export interface WebhookAttempt {
  /** `att_…` */
  id: string;
  object: "webhook_attempt";
  message_id: string;
  endpoint_id: string;
  attempt_number: number;
  trigger: "scheduled" | "test";
  started_at: string;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "gone";
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  response_excerpt: string;
  response_truncated: boolean;
  url: string;
  worker_id: string;
}

/** A message with every attempt, oldest first. */
export interface WebhookMessageWithAttempts extends WebhookMessage {
  attempts: WebhookAttempt[];
}

/** Query of `GET /v1/webhook_messages`. */
export interface WebhookMessageListParams extends ListParams {
  endpoint_id?: string;
  event_type?: string;
  status?: WebhookMessageStatus;
  created_gte?: string;
  created_lt?: string;
}

/** `client.webhookMessages`: the delivery log, and manual retries. */
export class WebhookMessages extends APIResource {
  /** Retrieves a message with its attempts (`GET /v1/webhook_messages/:id`). */
  retrieve(id: string, options?: RequestOptions): APIPromise<WebhookMessageWithAttempts> {
    return this.client.get(path`/v1/webhook_messages/${id}`, options);
  }

  /** Lists messages, newest first; `for await` walks every page. */
  list(params?: WebhookMessageListParams, options?: RequestOptions): PagePromise<WebhookMessage> {
    return this.client.getList("/v1/webhook_messages", { ...options, query: params });
  }

  /** Attempts a message again now (`POST /v1/webhook_messages/:id/retry`). */
  retry(id: string, options?: RequestOptions): APIPromise<WebhookMessage> {
    return this.client.post(path`/v1/webhook_messages/${id}/retry`, options);
  }
}
