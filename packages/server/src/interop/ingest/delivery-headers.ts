import type { IncomingHttpHeaders } from "node:http";
import type { SourcePlatform } from "@relais/interop-mappings";
import { canonicalShop } from "../connectors/shop.js";

/** Request headers kept with an inbound event (everything the mapping may read), as text. */
export function storedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // Credentials of the hop to Relais, never the platform's: not worth keeping.
    if (value === undefined || name === "authorization" || name === "cookie" || name === "proxy-authorization") continue;
    kept[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return kept;
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? null : text.trim().slice(0, 255);
}

/**
 * The platform's id for this delivery, the same on its retries: Shopify's event id (shared by
 * every subscription to one event; the webhook id otherwise), WooCommerce's delivery id, and
 * Standard Webhooks' `webhook-id` for the Relais modules and custom sources.
 */
export function deliveryIdOf(platform: SourcePlatform, headers: IncomingHttpHeaders): string | null {
  switch (platform) {
    case "shopify":
      return header(headers, "x-shopify-event-id") ?? header(headers, "x-shopify-webhook-id");
    case "woocommerce":
      return header(headers, "x-wc-webhook-delivery-id");
    default:
      return header(headers, "webhook-id");
  }
}

/** The platform's topic header, when it sends one. */
export function topicOf(platform: SourcePlatform, headers: IncomingHttpHeaders): string | null {
  if (platform === "shopify") return header(headers, "x-shopify-topic");
  if (platform === "woocommerce") return header(headers, "x-wc-webhook-topic");
  return null;
}

/** The shop a Shopify or WooCommerce delivery says it comes from, canonical; null when unsaid. */
export function shopOf(platform: SourcePlatform, headers: IncomingHttpHeaders): string | null {
  const named =
    platform === "shopify" ? header(headers, "x-shopify-shop-domain") : platform === "woocommerce" ? header(headers, "x-wc-webhook-source") : null;
  return named === null ? null : canonicalShop(named);
}
