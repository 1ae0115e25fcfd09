import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { notFound } from "../../http/problem.js";
import { webhookScope } from "../scope.js";
import { type PublishResult, publishEvent } from "./publish.js";
import { type EventFilters, type EventRow, findEvent, listEvents } from "./store.js";

/**
 * Publishing and reading events. Events are themselves an append-only record, so publishing
 * writes no audit row; the outbox messages it creates are visible under /v1/webhook_messages.
 */
export class EventService {
  constructor(private readonly db: Database) {}

  publish(auth: AuthContext, input: { type: string; data: unknown; idempotencyKey: string | null }): Promise<PublishResult> {
    return this.db.transaction((tx) =>
      publishEvent(tx, { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId, ...input }),
    );
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
