import { decodeBase64, encodeBase64 } from "../encoding.js";
import { WebhookVerificationError } from "../errors.js";
import { readHeader } from "../headers.js";
import { payloadText } from "../payload.js";
import type { WebhookPayload } from "../types.js";
import { bodyOnlyEnvelope, parsePayloadJson, type SchemeDefinition } from "./scheme.js";

const SIGNATURE_HEADER = "x-wc-webhook-signature";
// WooCommerce posts this form body, unsigned, when a webhook is saved with a new delivery URL.
const PING_BODY = /^webhook_id=(\d{1,20})$/;
const PING_MAX_LENGTH = "webhook_id=".length + 20;

/** WooCommerce: `X-WC-Webhook-Signature: <base64 HMAC of the body>`, keyed by the webhook's secret. No timestamp. */
export const wooCommerceScheme: SchemeDefinition<"woocommerce"> = {
  secretFormat: "text",
  multipleSignatures: false,

  read(headers, payload) {
    const signature = readHeader(headers, SIGNATURE_HEADER);
    if (signature !== undefined && signature !== "") return bodyOnlyEnvelope(decodeBase64(signature));
    const text = shortPayloadText(payload);
    const webhookId = text === undefined ? undefined : PING_BODY.exec(text)?.[1];
    if (text === undefined || webhookId === undefined) {
      throw new WebhookVerificationError("missing_header", "the X-WC-Webhook-Signature header is missing");
    }
    return {
      kind: "unsigned",
      result: { scheme: "woocommerce", ping: true, id: undefined, timestamp: undefined, webhookId, payload: text },
    };
  },

  describe(_envelope, headers, payload) {
    const deliveryId = readHeader(headers, "x-wc-webhook-delivery-id");
    return {
      scheme: "woocommerce",
      ping: false,
      id: deliveryId,
      timestamp: undefined,
      topic: readHeader(headers, "x-wc-webhook-topic"),
      resource: readHeader(headers, "x-wc-webhook-resource"),
      event: readHeader(headers, "x-wc-webhook-event"),
      source: readHeader(headers, "x-wc-webhook-source"),
      webhookId: readHeader(headers, "x-wc-webhook-id"),
      deliveryId,
      payload,
      json: parsePayloadJson,
    };
  },

  planSigning() {
    return {
      signedPrefix: "",
      headers: ({ hmac }) => ({ "x-wc-webhook-signature": encodeBase64(hmac[0]!) }),
    };
  },
};

/** The body as text if it is short enough to be a ping; a large unsigned body is refused undecoded. */
function shortPayloadText(payload: WebhookPayload): string | undefined {
  const length = typeof payload === "string" ? payload.length : payload.byteLength;
  return length > PING_MAX_LENGTH ? undefined : payloadText(payload);
}
