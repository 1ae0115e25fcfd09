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

// Opened secrets per master key and sealed value: a sealed value never changes meaning (a new
// secret is a new sealed value), so a worker decrypts each once instead of once per delivery.
const opened = new WeakMap<Uint8Array, Map<string, string[]>>();
const MAX_OPENED = 10_000;

/** The secrets that sign a delivery now: the current one, and the previous one during its grace period. */
export function signingSecrets(
  key: Uint8Array,
  endpointId: string,
  endpoint: Pick<EndpointRow, "secret_sealed" | "previous_secret_sealed" | "previous_secret_expires_at">,
  now: Date = new Date(),
): string[] {
  const inGrace = endpoint.previous_secret_sealed !== null && endpoint.previous_secret_expires_at !== null && endpoint.previous_secret_expires_at > now;
  const cacheKey = `${endpointId}\n${endpoint.secret_sealed}\n${inGrace ? endpoint.previous_secret_sealed : ""}`;
  let cache = opened.get(key);
  if (!cache) {
    cache = new Map();
    opened.set(key, cache);
  }
  const known = cache.get(cacheKey);
  if (known) return known;
  const secrets = openRotatingSecret(key, endpoint, `webhook_endpoint:${endpointId}`, now);
  if (cache.size >= MAX_OPENED) cache.clear();
  cache.set(cacheKey, secrets);
  return secrets;
}
