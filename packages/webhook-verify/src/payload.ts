import { concatBytes, decodeUtf8, encodeUtf8 } from "./encoding.js";
import type { WebhookPayload } from "./types.js";

/**
 * Rejects anything that is not a raw body. The usual mistake is passing `req.body` after a
 * JSON parser: the signature covers the original bytes, which a re-serialization rarely matches.
 */
export function assertRawPayload(payload: unknown): asserts payload is WebhookPayload {
  if (typeof payload === "string" || payload instanceof Uint8Array || payload instanceof ArrayBuffer) return;
  throw new TypeError(
    `webhook payload must be the raw body (string, Uint8Array, Buffer or ArrayBuffer), got ${describe(payload)}. ` +
      "Signatures cover the bytes as sent; read the body before any JSON parser touches it.",
  );
}

/** The payload as text. */
export function payloadText(payload: WebhookPayload): string {
  if (typeof payload === "string") return payload;
  return decodeUtf8(payload instanceof Uint8Array ? payload : new Uint8Array(payload));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object";
}

/**
 * The exact bytes a sender signs: `prefix` then the body, in one buffer backed by a plain
 * ArrayBuffer, which is what Web Crypto accepts.
 */
export function signedMessage(prefix: string, payload: WebhookPayload): Uint8Array<ArrayBuffer> {
  if (typeof payload === "string") return encodeUtf8(prefix + payload);
  const body = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  if (prefix !== "") return concatBytes(encodeUtf8(prefix), body);
  // Web Crypto refuses views of a SharedArrayBuffer; copy only in that rare case.
  return isArrayBufferBacked(body) ? body : new Uint8Array(body);
}

function isArrayBufferBacked(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer;
}
