import type { Dispatcher } from "undici";
import { insertAuditEntry } from "../../audit/store.js";
import type { WebhookConfig } from "../../config.js";
import type { Database, Queryable } from "../../db/database.js";
import { newId } from "../../ids.js";
import type { Logger } from "../../logger.js";
import { type AttemptResult, nextAttemptDelay, sendAttempt, signDelivery } from "../delivery/index.js";
import { signingSecrets } from "../endpoints/secret.js";
import { publishEvent } from "../events/publish.js";
import { MESSAGES_CHANNEL } from "../scope.js";
import { SuccessBatch } from "./success-batch.js";
import type { DeliveryMetrics } from "./metrics.js";
import {
  type ClaimedMessage,
  clearEndpointFailures,
  disableEndpoint,
  type EndpointHealth,
  insertAttempt,
  recordEndpointFailure,
  settleMessage,
} from "./store.js";

/** The body of every delivery: the event as `GET /v1/events/:id` shows it. */
export function deliveryBody(message: Pick<ClaimedMessage, "event_id" | "event_type" | "event_data" | "event_created_at" | "livemode">): string {
  return JSON.stringify({
    id: message.event_id,
    object: "event",
    livemode: message.livemode,
    type: message.event_type,
    data: message.event_data,
    created_at: message.event_created_at.toISOString(),
  });
}

/** One attempt made and recorded. */
export interface DeliveredAttempt {
  attemptId: string;
  result: AttemptResult;
}

/**
 * Makes one attempt of a leased message and records it: signs the body anew, sends it through
 * the shared guarded dispatcher, appends the attempt, settles the message (next attempt, or
 * dead), and keeps the endpoint's failure run, disabling it on 410 or a failure run past the
 * configured window or dead count (which publishes `webhook_endpoint.disabled`). A worker's
 * successful attempts, the common case, are recorded in batches (see `SuccessBatch`).
 */
export class Deliverer {
  private readonly successes: SuccessBatch;

  constructor(
    private readonly db: Database,
    private readonly secretKey: Uint8Array,
    private readonly dispatcher: Dispatcher,
    private readonly config: Pick<WebhookConfig, "timeoutMs" | "failureWindowHours" | "maxConsecutiveDead">,
    private readonly metrics: DeliveryMetrics,
    private readonly logger: Logger,
  ) {
    this.successes = new SuccessBatch(db);
  }

  /** `workerId` null: a test delivery made by the API, outside the lease and retry machinery. */
  async deliver(message: ClaimedMessage, workerId: string | null): Promise<DeliveredAttempt> {
    const body = deliveryBody(message);
    const signing = signDelivery({ messageId: message.id, payload: body, secrets: signingSecrets(this.secretKey, message.endpoint_id, message) });
    const startedAt = new Date();
    const result = await sendAttempt({
      dispatcher: this.dispatcher,
      url: message.url,
      body,
      headers: { ...message.headers, ...signing },
      timeoutMs: this.config.timeoutMs,
    });
    this.metrics.observeAttempt(result);
    const attemptId = newId("att");
    const attemptNumber = message.attempts + 1;
    if (result.outcome === "succeeded" && workerId !== null) {
      await this.successes.record({ id: attemptId, message, attemptNumber, trigger: "scheduled", startedAt, result, workerId });
      return { attemptId, result };
    }
    await this.db.transaction(async (tx) => {
      await insertAttempt(tx, {
        id: attemptId,
        message,
        attemptNumber,
        trigger: workerId === null ? "test" : "scheduled",
        startedAt,
        result,
        workerId: workerId ?? "api",
      });
      const succeeded = result.outcome === "succeeded";
      const retryInMs =
        succeeded || workerId === null
          ? null
          : nextAttemptDelay({
              attemptNumber,
              ...(message.retry_schedule ? { schedule: message.retry_schedule } : {}),
              ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
            });
      const status = succeeded ? "succeeded" : retryInMs === null && workerId !== null ? "dead" : "failed";
      const settled = await settleMessage(tx, {
        id: message.id,
        workerId,
        status,
        retryInMs,
        statusCode: result.statusCode ?? null,
        error: result.error ?? null,
      });
      // A lost lease means another worker owns the message now; it keeps the endpoint's books.
      if (!settled || workerId === null) return;
      if (succeeded) return clearEndpointFailures(tx, message.endpoint_id);
      const health = await recordEndpointFailure(tx, message.endpoint_id, status === "dead");
      const reason = result.outcome === "gone" ? "gone" : health ? this.failingTooLong(health) : undefined;
      if (health && reason) await this.disable(tx, health, reason);
    });
    return { attemptId, result };
  }

  private failingTooLong(health: EndpointHealth): string | undefined {
    if (health.consecutive_dead >= this.config.maxConsecutiveDead) return "consecutive_dead_messages";
    const windowMs = this.config.failureWindowHours * 3_600_000;
    if (health.failing_since && Date.now() - health.failing_since.getTime() >= windowMs) return "failing_too_long";
    return undefined;
  }

  private async disable(tx: Queryable, endpoint: EndpointHealth, reason: string): Promise<void> {
    if (!(await disableEndpoint(tx, endpoint.id, reason))) return;
    this.logger.warn({ endpoint: endpoint.id, reason }, "webhook endpoint disabled");
    await insertAuditEntry(tx, {
      accountId: endpoint.account_id,
      livemode: endpoint.livemode,
      actor: { type: "system", id: "webhook-worker" },
      action: "webhook_endpoint.disabled",
      targetId: endpoint.id,
      before: { enabled: true },
      after: { enabled: false, disabled_reason: reason },
      requestId: null,
      ip: null,
    });
    const published = await publishEvent(tx, {
      accountId: endpoint.account_id,
      livemode: endpoint.livemode,
      appId: endpoint.app_id,
      type: "webhook_endpoint.disabled",
      data: { endpoint_id: endpoint.id, url: endpoint.url, reason },
      idempotencyKey: null,
    });
    // Rare (an endpoint disabled), so the wake-up can ride on this transaction's commit.
    if (published.messages > 0) await tx.query("select pg_notify($1, '')", [MESSAGES_CHANNEL]);
  }
}
