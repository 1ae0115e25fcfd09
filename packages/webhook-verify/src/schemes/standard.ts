import { decodeBase64, encodeBase64 } from "../encoding.js";
import { WebhookVerificationError } from "../errors.js";
import { readFirstHeader } from "../headers.js";
import { newMessageId } from "../message-id.js";
import { parseUnixSeconds, toUnixSeconds } from "../timestamp.js";
import type { WebhookHeaders } from "../types.js";
import {
  ED25519_SIGNATURE_BYTES,
  HMAC_SHA256_BYTES,
  NO_SIGNATURES,
  parsePayloadJson,
  type SchemeDefinition,
  type SignatureEnvelope,
} from "./scheme.js";

// Svix sends the same headers under its own prefix; both spellings are the same scheme.
const ID_HEADERS = ["webhook-id", "svix-id"];
const TIMESTAMP_HEADERS = ["webhook-timestamp", "svix-timestamp"];
const SIGNATURE_HEADERS = ["webhook-signature", "svix-signature"];

/**
 * Standard Webhooks (and Svix): `webhook-signature: v1,<base64 HMAC> v1a,<base64 Ed25519>` over
 * `{id}.{timestamp}.{body}`, several signatures separated by spaces during rotations.
 */
export const standardScheme: SchemeDefinition<"standard"> = {
  secretFormat: "standard",
  multipleSignatures: true,

  read(headers) {
    const id = requireHeader(headers, ID_HEADERS);
    const timestamp = requireHeader(headers, TIMESTAMP_HEADERS);
    const signatures = requireHeader(headers, SIGNATURE_HEADERS);
    // The header text itself is what the sender signed, leading zeros and all.
    return parseSignatureList(signatures, `${id}.${timestamp}.`, parseUnixSeconds(timestamp, "webhook-timestamp"), id);
  },

  // read() always sets id and signedAt for this scheme.
  describe(envelope, _headers, payload) {
    return {
      scheme: "standard",
      id: envelope.id!,
      timestamp: new Date(envelope.signedAt! * 1000),
      payload,
      json: parsePayloadJson,
    };
  },

  planSigning(id, timestamp) {
    const messageId = id ?? newMessageId();
    const signedAt = toUnixSeconds(timestamp, "timestamp");
    return {
      signedPrefix: `${messageId}.${signedAt}.`,
      headers: ({ hmac, ed25519 }) => ({
        "webhook-id": messageId,
        "webhook-timestamp": String(signedAt),
        "webhook-signature": [
          ...hmac.map((signature) => `v1,${encodeBase64(signature)}`),
          ...ed25519.map((signature) => `v1a,${encodeBase64(signature)}`),
        ].join(" "),
      }),
    };
  },
};

function requireHeader(headers: WebhookHeaders, names: readonly string[]): string {
  const value = readFirstHeader(headers, names);
  if (value === undefined || value === "") {
    throw new WebhookVerificationError("missing_header", `the ${names[0]} header is missing`);
  }
  return value;
}

/**
 * Parses the space-separated `version,signature` list into the envelope. Unknown versions are
 * skipped (the spec lets senders add them), as are values that do not decode: they simply
 * cannot match.
 */
function parseSignatureList(header: string, signedPrefix: string, signedAt: number, id: string): SignatureEnvelope {
  let hmac = NO_SIGNATURES;
  let ed25519 = NO_SIGNATURES;
  let entries = 0;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(" ", start);
    if (end === -1) end = header.length;
    // A repeated header arrives joined with ", "; a base64 signature never ends in a comma.
    const stop = header.charCodeAt(end - 1) === 44 /* , */ ? end - 1 : end;
    const comma = header.indexOf(",", start);
    if (comma > start && comma < stop) {
      entries++;
      const version = header.slice(start, comma);
      if (version === "v1" || version === "v1a") {
        const signature = decodeBase64(header, comma + 1, stop);
        if (version === "v1" && signature?.length === HMAC_SHA256_BYTES) hmac = [...hmac, signature];
        if (version === "v1a" && signature?.length === ED25519_SIGNATURE_BYTES) ed25519 = [...ed25519, signature];
      }
    }
    start = end + 1;
  }
  if (entries === 0) {
    throw new WebhookVerificationError("malformed_header", "webhook-signature holds no version,signature entry");
  }
  return { kind: "signed", signedPrefix, hmacSignatures: hmac, ed25519Signatures: ed25519, signedAt, id };
}
