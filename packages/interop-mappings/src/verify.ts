import { verify, type WebhookScheme, type WebhookSecrets } from "@relais/webhook-verify";
import { InteropError } from "./errors.js";
import type { NormalizedEvent, SourcePlatform } from "./event.js";
import type { HeadersInput } from "./headers.js";
import { type NormalizeInput, normalize } from "./normalize.js";

/**
 * The signature each platform puts on its deliveries, as a `@relais/webhook-verify` scheme.
 * The Relais PrestaShop module signs with Standard Webhooks. Magento's Adobe I/O events are
 * signed with Adobe's RSA keys, which that package does not check: pass `scheme` when a relay
 * re-signs them, as for custom sources.
 */
export const PLATFORM_SCHEMES: Readonly<Record<SourcePlatform, WebhookScheme | undefined>> = Object.freeze({
  shopify: "shopify",
  woocommerce: "woocommerce",
  prestashop: "standard",
  magento: undefined,
  custom: undefined,
});

/** A delivery to check and normalize: the raw body (as signed), its headers and the secret. */
export interface VerifyDeliveryInput extends NormalizeInput {
  /** The body byte for byte as received: the signature covers it. */
  body: string | Uint8Array;
  headers: HeadersInput;
  /** The platform's signing secret (several during a rotation). */
  secret: WebhookSecrets;
  /** Overrides {@link PLATFORM_SCHEMES}; required for Magento and custom sources. */
  scheme?: WebhookScheme;
  /** Allowed clock skew for schemes that sign a timestamp (Standard Webhooks); default 300 s. */
  toleranceSeconds?: number;
}

/** The `@relais/webhook-verify` options for a delivery; shared by the sync variant. */
export function verifyOptionsFor(input: VerifyDeliveryInput) {
  const scheme = input.scheme ?? PLATFORM_SCHEMES[input.platform];
  if (scheme === undefined) {
    throw new InteropError("unsupported_signature", `no signature scheme is known for ${input.platform}; pass scheme`);
  }
  const { body: payload, headers, secret, toleranceSeconds } = input;
  return { scheme, payload, headers, secret, toleranceSeconds };
}

/** The {@link NormalizeInput} part of a {@link VerifyDeliveryInput}. */
export function normalizeInputOf(input: VerifyDeliveryInput): NormalizeInput {
  const { secret: _secret, scheme: _scheme, toleranceSeconds: _tolerance, ...rest } = input;
  return rest;
}

/**
 * Checks a delivery's signature with `@relais/webhook-verify` (Web Crypto, any runtime), then
 * normalizes it. Rejects with that package's `WebhookVerificationError` (`invalid_signature`,
 * `missing_header`, …) when the delivery is not authentic, and with `InteropError` otherwise.
 * On Node, `verifyAndNormalizeSync` from `@relais/interop-mappings/node` is faster.
 *
 * @example
 * const event = await verifyAndNormalize({
 *   platform: "shopify", body: rawBody, headers: request.headers, secret: env.SHOPIFY_SECRET,
 * });
 */
export async function verifyAndNormalize(input: VerifyDeliveryInput): Promise<NormalizedEvent> {
  await verify(verifyOptionsFor(input));
  return normalize(normalizeInputOf(input));
}
