import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { notFound } from "../../http/problem.js";
import { webhookScope } from "../scope.js";
import { WorkerWakeup } from "../worker/wake-workers.js";
import type { PublishResult } from "./publish.js";
import { PublishBatch } from "./publish-batch.js";
import { type EventFilters, type EventRow, findEvent, listEvents } from "./store.js";

/**
 * Publishing and reading events. Events are themselves an append-only record, so publishing
 * writes no audit row; the outbox messages it creates are visible under /v1/webhook_messages.
 */
export class EventService {
  private readonly wakeWorkers: WorkerWakeup;
  private readonly batch: PublishBatch;

  constructor(private readonly db: Database) {
    this.wakeWorkers = new WorkerWakeup(db);
    this.batch = new PublishBatch(db);
  }

  async publish(auth: AuthContext, input: { type: string; data: Record<string, unknown>; idempotencyKey: string | null }): Promise<PublishResult> {
    // Concurrent publishes share a statement and its commit (see PublishBatch).
    const result = await this.batch.publish({ accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId, ...input });
    if (result.messages > 0) this.wakeWorkers.request();
    return result;
  }

  async get(auth: AuthContext, id: string): Promise<EventRow> {
    const event = await findEvent(this.db, webhookScope(auth), id);
    if (!event) throw notFound("event", id);
    return event;
  }

  list(auth: AuthContext, filters: EventFilters, page: PageRequest): Promise<EventRow[]> {
    return listEvents(this.db, webhookScope(auth), filters, page);
  }
}
