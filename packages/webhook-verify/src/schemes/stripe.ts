import { decodeHex, encodeHex } from "../encoding.js";
import { WebhookVerificationError } from "../errors.js";
import { readHeader } from "../headers.js";
import { parseUnixSeconds, toUnixSeconds } from "../timestamp.js";
import { HMAC_SHA256_BYTES, NO_SIGNATURES, parsePayloadJson, type SchemeDefinition } from "./scheme.js";

const SIGNATURE_HEADER = "stripe-signature";

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC>[,v1=…]` over `{t}.{body}`, keyed by the whole secret string. */
export const stripeScheme: SchemeDefinition<"stripe"> = {
  secretFormat: "text",
  multipleSignatures: true,

  read(headers) {
    const header = readHeader(headers, SIGNATURE_HEADER);
    if (header === undefined || header === "") {
      throw new WebhookVerificationError("missing_header", "the Stripe-Signature header is missing");
    }
    let timestamp: string | undefined;
    let entries = 0;
    const hmacSignatures: Uint8Array<ArrayBuffer>[] = [];
    for (const item of header.split(",")) {
      const equals = item.indexOf("=");
      if (equals <= 0) continue;
      const key = item.slice(0, equals).trim();
      const value = item.slice(equals + 1).trim();
      if (key === "t") {
        // Two timestamps make the header ambiguous; which one was signed cannot be known.
        if (timestamp !== undefined) throw malformed("Stripe-Signature has more than one t=");
        timestamp = value;
        continue;
      }
      entries++;
      // v0 and other schemes are Stripe's to define; only v1 is HMAC-SHA256 with the endpoint secret.
      if (key !== "v1") continue;
      const signature = decodeHex(value);
      if (signature?.length === HMAC_SHA256_BYTES) hmacSignatures.push(signature);
    }
    if (timestamp === undefined) throw malformed("Stripe-Signature has no t= timestamp");
    if (entries === 0) throw malformed("Stripe-Signature has no signature");
    const signedAt = parseUnixSeconds(timestamp, "Stripe-Signature t=");
    return {
      kind: "signed",
      signedPrefix: `${timestamp}.`,
      hmacSignatures,
      ed25519Signatures: NO_SIGNATURES,
      signedAt,
      id: undefined,
    };
  },

  // read() always sets signedAt for this scheme.
  describe(envelope, _headers, payload) {
    return {
      scheme: "stripe",
      id: undefined,
      timestamp: new Date(envelope.signedAt! * 1000),
      payload,
      json: parsePayloadJson,
    };
  },

  planSigning(_id, timestamp) {
    const signedAt = toUnixSeconds(timestamp, "timestamp");
    return {
      signedPrefix: `${signedAt}.`,
      headers: ({ hmac }) => ({
        "stripe-signature": [`t=${signedAt}`, ...hmac.map((signature) => `v1=${encodeHex(signature)}`)].join(","),
      }),
    };
  },
};

function malformed(message: string): WebhookVerificationError {
  return new WebhookVerificationError("malformed_header", message);
}
