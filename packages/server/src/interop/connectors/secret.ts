import { PLATFORM_SCHEMES, type SourcePlatform } from "@relais/interop-mappings";
import { generateStandardSecret, type WebhookScheme, WebhookVerificationError } from "@relais/webhook-verify";
import { signSync } from "@relais/webhook-verify/node";
import { encryptSecret, openRotatingSecret } from "../../crypto/secret-box.js";
import { ApiError } from "../../http/problem.js";
import type { ConnectorRow } from "./store.js";

/**
 * How deliveries to a connector are signed: Shopify and WooCommerce their own way; the Relais
 * PrestaShop and Magento modules, and custom sources, with Standard Webhooks.
 */
export function signatureScheme(platform: SourcePlatform): WebhookScheme {
  return PLATFORM_SCHEMES[platform] ?? "standard";
}

/** Whether Relais may generate the secret: only where its own modules sign (Standard Webhooks). */
export function generatesSecret(platform: SourcePlatform): boolean {
  return signatureScheme(platform) === "standard";
}

/** A new secret for a Standard Webhooks source. */
export function newConnectorSecret(): string {
  return generateStandardSecret();
}

/** 400 unless `secret` can verify `scheme` signatures (e.g. Standard Webhooks needs `whsec_<base64>`). */
export function checkConnectorSecret(scheme: WebhookScheme, secret: string): void {
  try {
    signSync({ scheme, payload: "", secret });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    throw new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [
      { path: "body.secret", code: "invalid_secret", message: `cannot verify ${scheme} signatures: ${error.message}` },
    ]);
  }
}

const context = (connectorId: string) => `interop_connector:${connectorId}`;

/** Seals a platform secret for the connector `connectorId` (its id is the associated data). */
export function sealConnectorSecret(key: Uint8Array, secret: string, connectorId: string): string {
  return encryptSecret(key, secret, context(connectorId));
}

/** The secrets that verify a delivery now: the current one, and the previous one until it expires. */
export function verifyingSecrets(
  key: Uint8Array,
  connector: Pick<ConnectorRow, "id" | "secret_sealed" | "previous_secret_sealed" | "previous_secret_expires_at">,
  now: Date = new Date(),
): string[] {
  return openRotatingSecret(key, connector, context(connector.id), now);
}
