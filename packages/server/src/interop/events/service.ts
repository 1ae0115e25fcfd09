import type { IncomingHttpHeaders } from "node:http";
import { type ChangeContext, recordChange } from "../../audit/change.js";
import { type Database, isDataException } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { ApiError, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { webhookScope } from "../../webhooks/scope.js";
import { WorkerWakeup } from "../../webhooks/worker/wake-workers.js";
import type { ConnectorCache } from "../ingest/connector-cache.js";
import { type NormalizeOutcome, normalizeDelivery } from "../ingest/normalize-delivery.js";
import { unstorable } from "../ingest/service.js";
import { markFailedAsDuplicate, promoteFailedInbound, recordFailedRetry } from "../ingest/store.js";
import { countInbound, findInbound, type InboundCount, type InboundFilters, type InboundRow, type InboundRowWithBody, listInbound } from "./store.js";

/** The longest window `GET /v1/interop/stats` counts over. */
export const MAX_STATS_WINDOW_MS = 90 * 86_400_000;

/** Reading inbound events, their statistics, and re-normalizing failed ones. */
export class InboundEventService {
  private readonly wakeWorkers: WorkerWakeup;

  constructor(
    private readonly db: Database,
    private readonly connectors: ConnectorCache,
  ) {
    this.wakeWorkers = new WorkerWakeup(db);
  }

  async get(auth: AuthContext, id: string): Promise<InboundRowWithBody> {
    const inbound = await findInbound(this.db, webhookScope(auth), id);
    if (!inbound) throw notFound("interop event", id);
    return inbound;
  }

  list(auth: AuthContext, filters: InboundFilters, page: PageRequest): Promise<InboundRow[]> {
    return listInbound(this.db, webhookScope(auth), filters, page);
  }

  async stats(auth: AuthContext, since: Date, until: Date): Promise<InboundCount[]> {
    if (until <= since) throw windowError("until must be after since");
    if (until.getTime() - since.getTime() > MAX_STATS_WINDOW_MS) throw windowError("the window is at most 90 days");
    return countInbound(this.db, webhookScope(auth), since, until);
  }

  /**
   * Normalizes a failed inbound event again with its connector's current mapping: it becomes
   * `normalized` (and its event is published), `duplicate` (the same event was published
   * meanwhile), or stays `failed` with the new error.
   */
  async retry(context: ChangeContext, id: string): Promise<InboundRowWithBody> {
    const scope = webhookScope(context.auth);
    const inbound = await this.get(context.auth, id);
    if (inbound.status !== "failed") {
      throw new ApiError(409, "interop_event_not_failed", "Not a failed event", `Interop event ${id} is ${inbound.status}; only failed ones are retried`);
    }
    const connector = await this.connectors.fresh(inbound.connector_id);
    if (!connector) throw new ApiError(409, "connector_deleted", "Connector deleted", `Connector ${inbound.connector_id} was deleted; its events cannot be retried`);
    const outcome = normalizeDelivery(connector, inbound.body, inbound.headers as IncomingHttpHeaders);
    const mapping = { id: connector.mapping?.id ?? null, version: connector.mapping?.version ?? null };
    let messages = 0;
    const attempt = (work: NormalizeOutcome) => this.db.transaction(async (tx) => {
      const locked = await findInbound(tx, scope, id, true);
      if (locked?.status !== "failed") throw new ApiError(409, "interop_event_not_failed", "Not a failed event", `Interop event ${id} was retried meanwhile`);
      if (!work.ok) {
        await recordFailedRetry(tx, id, mapping, work.error);
      } else {
        const normalized = { normalizedId: work.event.id, type: work.event.type, accountId: connector.accountId, livemode: connector.livemode };
        const { rows } = await tx.query(
          "select 1 from interop_events where account_id = $1 and livemode = $2 and normalized_id = $3 and status = 'normalized'",
          [connector.accountId, connector.livemode, work.event.id],
        );
        if (rows.length > 0) {
          await markFailedAsDuplicate(tx, id, normalized);
        } else {
          const promoted = await promoteFailedInbound(tx, id, mapping, {
            ...normalized,
            eventId: newId("evt"),
            appId: connector.appId,
            dataJson: work.dataJson,
          });
          messages = promoted.messages;
        }
      }
      const after = await findInbound(tx, scope, id);
      await recordChange(tx, context, { action: "interop_event.retried", targetId: id, before: withoutDelivery(locked), after: after && withoutDelivery(after) });
    });
    try {
      await attempt(outcome);
    } catch (error) {
      // JSON PostgreSQL refuses to store fails the retry like any payload problem.
      if (!isDataException(error)) throw error;
      await attempt({ ok: false, error: unstorable(error) });
    }
    if (messages > 0) this.wakeWorkers.request();
    return this.get(context.auth, id);
  }
}

function withoutDelivery(row: InboundRowWithBody): InboundRow {
  const { headers: _headers, body: _body, ...rest } = row;
  return rest;
}

function windowError(message: string): ApiError {
  return new ApiError(400, "invalid_request", "Invalid request", "The request query is invalid", [{ path: "query.since", code: "invalid_window", message }]);
}
