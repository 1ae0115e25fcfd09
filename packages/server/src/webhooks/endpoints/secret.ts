import { randomBytes } from "node:crypto";
import { encryptSecret, openRotatingSecret } from "../../crypto/secret-box.js";
import type { EndpointRow } from "./store.js";

/** A new Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** Seals a signing secret for the endpoint `endpointId` (its id is the associated data). */
export function sealSigningSecret(key: Uint8Array, secret: string, endpointId: string): string {
  return encryptSecret(key, secret, `webhook_endpoint:${endpointId}`);
}

/** The secrets that sign a delivery now: the current one, and the previous one during its grace period. */
export function signingSecrets(
  key: Uint8Array,
  endpointId: string,
  endpoint: Pick<EndpointRow, "secret_sealed" | "previous_secret_sealed" | "previous_secret_expires_at">,
  now: Date = new Date(),
): string[] {
  return openRotatingSecret(key, endpoint, `webhook_endpoint:${endpointId}`, now);
}
