import type { IncomingHttpHeaders } from "node:http";
import { InteropError, type NormalizedEvent, normalize } from "@relais/interop-mappings";
import { stringify } from "lossless-json";

const BOM = 0xfeff;

/**
 * The event as JSON text for the `events.data` column. `raw` is the parsed body: rather than
 * serialize it again (losslessly, the costliest step of an ingest), the body text itself is
 * spliced in. It is JSON, since it parsed; PostgreSQL normalizes the whitespace.
 */
export function eventJson(event: NormalizedEvent, body: Uint8Array): string {
  const { raw: _raw, ...fields } = event;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8").trim();
  if (text.charCodeAt(0) === BOM || !text.startsWith("{")) return stringify(event) ?? "null";
  // The other fields hold strings and safe numbers only (ids are strings in the model).
  return `${JSON.stringify(fields).slice(0, -1)},"raw":${text}}`;
}
import type { IngestConnector } from "./connector-cache.js";
import { shopOf } from "./delivery-headers.js";
import type { InboundError } from "./store.js";

/** A delivery normalized (with its JSON text), or the reason it was not. */
export type NormalizeOutcome =
  | { ok: true; event: NormalizedEvent; dataJson: string }
  | { ok: false; error: InboundError; unexpected?: unknown };

/**
 * Normalizes one authentic delivery for `connector`, never throwing: a payload the mapping
 * cannot read, a delivery naming another shop, or a bug, all become an {@link InboundError}
 * stored with the raw delivery (and retryable after a fix).
 */
export function normalizeDelivery(connector: IngestConnector, body: Uint8Array, headers: IncomingHttpHeaders): NormalizeOutcome {
  const named = shopOf(connector.platform, headers);
  if (named !== null && named !== connector.shop) {
    return {
      ok: false,
      error: { code: "shop_mismatch", message: `the delivery is from ${named}, this connector is for ${connector.shop}`, path: null },
    };
  }
  try {
    const event = normalize({
      platform: connector.platform,
      body,
      headers,
      // The connector's shop, so the event id is the same whatever the payload says.
      shop: connector.shop,
      ...(connector.mapping ? { mapping: connector.mapping.document } : {}),
    });
    return { ok: true, event, dataJson: eventJson(event, body) };
  } catch (error) {
    if (error instanceof InteropError) return { ok: false, error: { code: error.code, message: error.message, path: error.path ?? null } };
    return { ok: false, error: { code: "internal_error", message: "normalization failed unexpectedly; the server log has the details", path: null }, unexpected: error };
  }
}
