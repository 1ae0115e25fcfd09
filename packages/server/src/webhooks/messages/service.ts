import { type ChangeContext, recordChange } from "../../audit/change.js";
import type { WebhookConfig } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { conflict, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { findEndpoint } from "../endpoints/store.js";
import { insertEvent } from "../events/store.js";
import { MESSAGES_CHANNEL, webhookScope } from "../scope.js";
import type { Deliverer } from "../worker/deliver.js";
import {
  type AttemptRow,
  countReplay,
  findAttempt,
  findMessage,
  listAttempts,
  listMessages,
  type MessageFilters,
  type MessageRow,
  type ReplaySelection,
  requeueMessage,
  requeueReplay,
} from "./store.js";

/** Reading the delivery log, and the operator's levers: retry, replay, test. */
export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly deliverer: Deliverer,
    private readonly config: Pick<WebhookConfig, "replayRatePerSecond">,
  ) {}

  list(auth: AuthContext, filters: MessageFilters, page: PageRequest): Promise<MessageRow[]> {
    return listMessages(this.db, webhookScope(auth), filters, page);
  }

  async get(auth: AuthContext, id: string): Promise<{ message: MessageRow; attempts: AttemptRow[] }> {
    const message = await findMessage(this.db, webhookScope(auth), id);
    if (!message) throw notFound("webhook message", id);
    return { message, attempts: await listAttempts(this.db, id) };
  }

  /** Makes a message due now: a dead one gets one more attempt, a delivered one is sent again. */
  async retry(context: ChangeContext, id: string): Promise<MessageRow> {
    return this.db.transaction(async (tx) => {
      const before = await findMessage(tx, webhookScope(context.auth), id, true);
      if (!before) throw notFound("webhook message", id);
      if (before.status === "delivering") throw conflict("The message is being delivered right now");
      const after = await requeueMessage(tx, id);
      await recordChange(tx, context, { action: "webhook_message.retried", targetId: id, before, after });
      await tx.query("select pg_notify($1, '')", [MESSAGES_CHANNEL]);
      return after;
    });
  }

  /** Counts (dry run) or requeues an endpoint's messages, spread at the replay rate. */
  async replay(context: ChangeContext, selection: ReplaySelection, dryRun: boolean): Promise<number> {
    const endpoint = await findEndpoint(this.db, webhookScope(context.auth), selection.endpointId);
    if (!endpoint) throw notFound("webhook endpoint", selection.endpointId);
    if (dryRun) return countReplay(this.db, selection);
    return this.db.transaction(async (tx) => {
      const count = await requeueReplay(tx, selection, this.config.replayRatePerSecond);
      await recordChange(tx, context, {
        action: "webhook_endpoint.replayed",
        targetId: selection.endpointId,
        before: null,
        after: { ...selection, messages: count, rate_per_second: this.config.replayRatePerSecond },
      });
      if (count > 0) await tx.query("select pg_notify($1, '')", [MESSAGES_CHANNEL]);
      return count;
    });
  }

  /**
   * Sends a signed `webhook_endpoint.test` event to one endpoint now and returns the attempt. It
   * is recorded like any delivery (event, message, attempt) but never retried.
   */
  async sendTest(context: ChangeContext, endpointId: string): Promise<AttemptRow> {
    const scope = webhookScope(context.auth);
    const endpoint = await findEndpoint(this.db, scope, endpointId);
    if (!endpoint) throw notFound("webhook endpoint", endpointId);
    const messageId = newId("msg");
    const event = await this.db.transaction(async (tx) => {
      const created = await insertEvent(tx, {
        id: newId("evt"),
        account_id: scope.accountId,
        livemode: scope.livemode,
        app_id: scope.appId,
        type: "webhook_endpoint.test",
        data: { endpoint_id: endpoint.id, message: "This is a test delivery from Relais." },
        idempotency_key: null,
      });
      if (!created) throw new Error("a test event without an idempotency key cannot clash");
      await tx.query(
        `insert into webhook_messages (id, account_id, livemode, event_id, endpoint_id, event_type, status)
         values ($1, $2, $3, $4, $5, $6, 'delivering')`,
        [messageId, scope.accountId, scope.livemode, created.id, endpoint.id, created.type],
      );
      await recordChange(tx, context, { action: "webhook_endpoint.tested", targetId: endpoint.id, before: null, after: { message_id: messageId } });
      return created;
    });
    const { attemptId } = await this.deliverer.deliver(
      {
        id: messageId,
        account_id: scope.accountId,
        livemode: scope.livemode,
        attempts: 0,
        event_id: event.id,
        event_type: event.type,
        event_data: event.data,
        event_created_at: event.created_at,
        endpoint_id: endpoint.id,
        url: endpoint.url,
        headers: endpoint.headers,
        retry_schedule: endpoint.retry_schedule,
        secret_sealed: endpoint.secret_sealed,
        previous_secret_sealed: endpoint.previous_secret_sealed,
        previous_secret_expires_at: endpoint.previous_secret_expires_at,
      },
      null,
    );
    const attempt = await findAttempt(this.db, attemptId);
    if (!attempt) throw new Error(`attempt ${attemptId} was recorded but cannot be read`);
    return attempt;
  }
}
