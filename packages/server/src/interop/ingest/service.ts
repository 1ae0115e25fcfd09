import type { IncomingHttpHeaders } from "node:http";
import { InteropError, normalize } from "@relais/interop-mappings";
import { WebhookVerificationError } from "@relais/webhook-verify";
import { verifySync } from "@relais/webhook-verify/node";
import { isDataException, type Queryable } from "../../db/database.js";
import { ApiError } from "../../http/problem.js";
import { newId } from "../../ids.js";
import type { Logger } from "../../logger.js";
import { WorkerWakeup } from "../../webhooks/worker/wake-workers.js";
import type { ConnectorCache, IngestConnector } from "./connector-cache.js";
import { deliveryIdOf, storedHeaders, topicOf } from "./delivery-headers.js";
import { normalizeDelivery } from "./normalize-delivery.js";
import { type InboundDelivery, type InboundError, insertDuplicateInbound, insertFailedInbound, insertNormalizedInbound } from "./store.js";

/** What an ingest request answers the platform (always 200 once the delivery is authentic). */
export type IngestReceipt =
  | { received: true; status: "ping" }
  | {
      received: true;
      status: "normalized" | "failed" | "duplicate";
      interop_event_id: string;
      event_id: string | null;
      duplicate_of: string | null;
      error: InboundError | null;
    };

type StoredReceipt = Exclude<IngestReceipt, { status: "ping" }>;

/** The failure recorded for JSON PostgreSQL refuses to store. */
export function unstorable(error: Error): InboundError {
  return { code: "unstorable_json", message: `the payload cannot be stored as JSON: ${error.message}`, path: null };
}

/** 401 for a delivery that is not authentic; nothing is stored. */
function signatureRejected(error: WebhookVerificationError): ApiError {
  return new ApiError(401, error.code, "Webhook signature rejected", error.message);
}

/**
 * The ingest path: a platform delivery in, at most one published Relais event out. Checks the
 * signature, normalizes, then stores and publishes with one statement, so the platform gets its
 * answer after a single commit.
 */
export class IngestService {
  private readonly wakeWorkers: WorkerWakeup;

  constructor(
    private readonly db: Queryable,
    private readonly connectors: ConnectorCache,
    private readonly logger: Logger,
  ) {
    this.wakeWorkers = new WorkerWakeup(db);
  }

  async ingest(connectorId: string, body: Uint8Array, headers: IncomingHttpHeaders): Promise<IngestReceipt> {
    const connector = await this.connectors.get(connectorId);
    if (!connector) throw new ApiError(404, "not_found", "Not found", `No interop connector with id ${connectorId}`);
    if (!connector.enabled) {
      throw new ApiError(403, "connector_disabled", "Connector disabled", "This connector is disabled; the platform will retry the delivery");
    }
    if (isWooCommercePing(connector, body, headers)) return { received: true, status: "ping" };
    try {
      verifySync({ scheme: connector.scheme, payload: body, headers, secret: connector.secrets });
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw signatureRejected(error);
      throw error;
    }

    const outcome = normalizeDelivery(connector, body, headers);
    if (!outcome.ok && outcome.unexpected !== undefined) {
      this.logger.error({ err: outcome.unexpected, connector_id: connector.id }, "interop normalization failed unexpectedly");
    }
    const inbound: InboundDelivery = {
      id: newId("iev"),
      accountId: connector.accountId,
      livemode: connector.livemode,
      connectorId: connector.id,
      platform: connector.platform,
      topic: outcome.ok ? outcome.event.source.topic : topicOf(connector.platform, headers),
      deliveryId: deliveryIdOf(connector.platform, headers),
      headers: storedHeaders(headers),
      body,
      mappingId: connector.mapping?.id ?? null,
      mappingVersion: connector.mapping?.version ?? null,
    };
    const receipt = (status: StoredReceipt["status"], extra: Partial<Pick<StoredReceipt, "event_id" | "duplicate_of" | "error">> = {}): StoredReceipt => ({
      received: true,
      status,
      interop_event_id: inbound.id,
      event_id: null,
      duplicate_of: null,
      error: null,
      ...extra,
    });

    let failure = outcome.ok ? null : outcome.error;
    if (outcome.ok) {
      const eventId = newId("evt");
      const normalized = { normalizedId: outcome.event.id, type: outcome.event.type };
      try {
        const stored = await insertNormalizedInbound(this.db, inbound, { ...normalized, eventId, appId: connector.appId, dataJson: outcome.dataJson });
        if (stored.inserted) {
          if (stored.messages > 0) this.wakeWorkers.request();
          return receipt("normalized", { event_id: eventId });
        }
        const duplicate = await insertDuplicateInbound(this.db, inbound, normalized);
        return receipt("duplicate", { duplicate_of: duplicate.duplicateOf });
      } catch (error) {
        // JSON that parses but PostgreSQL cannot store (a \u0000 in a string): a payload problem.
        if (!isDataException(error)) throw error;
        failure = unstorable(error);
      }
    }
    if (failure && (await insertFailedInbound(this.db, inbound, failure))) return receipt("failed", { error: failure });
    const duplicate = await insertDuplicateInbound(this.db, inbound, null);
    return receipt("duplicate", { duplicate_of: duplicate.duplicateOf });
  }
}

/**
 * WooCommerce pings a new webhook's URL once, unsigned, with `webhook_id=<n>` as a form body,
 * and keeps the webhook only if that gets a 2xx. A signed request is never taken for one.
 */
function isWooCommercePing(connector: IngestConnector, body: Uint8Array, headers: IncomingHttpHeaders): boolean {
  if (connector.platform !== "woocommerce" || headers["x-wc-webhook-signature"] !== undefined || body.length > 64) return false;
  try {
    normalize({ platform: "woocommerce", body, topic: "order.created" });
  } catch (error) {
    return error instanceof InteropError && error.code === "webhook_ping";
  }
  return false;
}
