import { decodeBase64, encodeBase64 } from "../encoding.js";
import { WebhookVerificationError } from "../errors.js";
import { readFirstHeader } from "../headers.js";
import type { WebhookHeaders } from "../types.js";
import { bodyOnlyEnvelope, parsePayloadJson, type SchemeDefinition } from "./scheme.js";

// Shopify's newer event deliveries drop the X- prefix; older webhooks still send it.
const SIGNATURE_HEADERS = ["x-shopify-hmac-sha256", "shopify-hmac-sha256"];

/** Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC of the body>`, keyed by the app's client secret. No timestamp. */
export const shopifyScheme: SchemeDefinition<"shopify"> = {
  secretFormat: "text",
  multipleSignatures: false,

  read(headers) {
    const signature = readFirstHeader(headers, SIGNATURE_HEADERS);
    if (signature === undefined || signature === "") {
      throw new WebhookVerificationError("missing_header", "the X-Shopify-Hmac-Sha256 header is missing");
    }
    return bodyOnlyEnvelope(decodeBase64(signature));
  },

  describe(_envelope, headers, payload) {
    return {
      scheme: "shopify",
      id: shopifyHeader(headers, "webhook-id"),
      timestamp: undefined,
      topic: shopifyHeader(headers, "topic"),
      shopDomain: shopifyHeader(headers, "shop-domain"),
      apiVersion: shopifyHeader(headers, "api-version"),
      eventId: shopifyHeader(headers, "event-id"),
      payload,
      json: parsePayloadJson,
    };
  },

  planSigning() {
    return {
      signedPrefix: "",
      headers: ({ hmac }) => ({ "x-shopify-hmac-sha256": encodeBase64(hmac[0]!) }),
    };
  },
};

function shopifyHeader(headers: WebhookHeaders, suffix: string): string | undefined {
  return readFirstHeader(headers, [`x-shopify-${suffix}`, `shopify-${suffix}`]);
}
