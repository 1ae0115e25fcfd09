import { BoundedCache } from "./bounded-cache.js";
import { decodeBase64, encodeBase64, encodeUtf8 } from "./encoding.js";
import { WebhookVerificationError } from "./errors.js";
import type { WebhookSecret, WebhookSecrets } from "./types.js";

/**
 * How a scheme reads secret strings: Standard Webhooks secrets carry a prefix and base64 key
 * bytes; every other platform uses the string itself as the HMAC key.
 */
export type SecretFormat = "standard" | "text";

/** A secret decoded into something a crypto backend can import. */
export type KeyMaterial =
  | { readonly kind: "hmac"; readonly key: Uint8Array<ArrayBuffer> }
  | { readonly kind: "ed25519-public"; readonly spki: Uint8Array<ArrayBuffer> }
  | { readonly kind: "ed25519-private"; readonly pkcs8: Uint8Array<ArrayBuffer> };

const CACHE_CAPACITY = 256;

// Cached material anchors each backend's imported-key cache (a WeakMap keyed by the material).
// Entries are one-element arrays so that the common single-secret call allocates nothing.
const stringCaches: Record<SecretFormat, BoundedCache<string, readonly [KeyMaterial]>> = {
  standard: new BoundedCache(CACHE_CAPACITY),
  text: new BoundedCache(CACHE_CAPACITY),
};
const bytesCache = new BoundedCache<string, readonly [KeyMaterial]>(CACHE_CAPACITY);

// DER headers that turn a raw 32-byte Ed25519 key into the PKCS #8 / SPKI structures that both
// Web Crypto and node:crypto import (RFC 8410; OID 1.3.101.112).
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const SPKI_ED25519_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** Prefix of Standard Webhooks HMAC secrets. */
export const STANDARD_SECRET_PREFIX = "whsec_";
/** Prefix of Standard Webhooks Ed25519 public keys. */
export const STANDARD_PUBLIC_KEY_PREFIX = "whpk_";
/** Prefix of Standard Webhooks Ed25519 secret keys. */
export const STANDARD_SECRET_KEY_PREFIX = "whsk_";

/** Decodes every configured secret; one unusable secret fails the whole call (a config error). */
export function resolveSecrets(secrets: WebhookSecrets, format: SecretFormat): readonly KeyMaterial[] {
  if (!Array.isArray(secrets)) return resolveSecret(secrets as WebhookSecret, format);
  if (secrets.length === 0) throw new WebhookVerificationError("invalid_secret", "no secret was configured");
  return secrets.map((secret: WebhookSecret) => resolveSecret(secret, format)[0]);
}

function resolveSecret(secret: WebhookSecret, format: SecretFormat): readonly [KeyMaterial] {
  if (typeof secret === "string") {
    const cache = stringCaches[format];
    let material = cache.get(secret);
    if (material === undefined) {
      material = [format === "standard" ? decodeStandardSecret(secret) : hmacMaterial(encodeUtf8(secret))];
      cache.set(secret, material);
    }
    return material;
  }
  if (secret instanceof Uint8Array) {
    const contentKey = encodeBase64(secret);
    let material = bytesCache.get(contentKey);
    if (material === undefined) {
      // Copied, so that a caller reusing the buffer cannot change a cached key.
      material = [hmacMaterial(new Uint8Array(secret))];
      bytesCache.set(contentKey, material);
    }
    return material;
  }
  throw new WebhookVerificationError("invalid_secret", "a secret must be a string or a Uint8Array");
}

function decodeStandardSecret(secret: string): KeyMaterial {
  if (secret.startsWith(STANDARD_PUBLIC_KEY_PREFIX)) {
    const key = decodeBase64(secret.slice(STANDARD_PUBLIC_KEY_PREFIX.length));
    if (key?.length !== 32) throw invalid("a whpk_ public key must be 32 base64-encoded bytes");
    return { kind: "ed25519-public", spki: withPrefix(SPKI_ED25519_PREFIX, key) };
  }
  if (secret.startsWith(STANDARD_SECRET_KEY_PREFIX)) {
    const key = decodeBase64(secret.slice(STANDARD_SECRET_KEY_PREFIX.length));
    // 64 bytes is the libsodium layout (seed then public key); the seed alone is the key.
    if (key?.length !== 32 && key?.length !== 64) throw invalid("a whsk_ secret key must be 32 or 64 base64-encoded bytes");
    return { kind: "ed25519-private", pkcs8: withPrefix(PKCS8_ED25519_PREFIX, key.subarray(0, 32)) };
  }
  const encoded = secret.startsWith(STANDARD_SECRET_PREFIX) ? secret.slice(STANDARD_SECRET_PREFIX.length) : secret;
  const key = decodeBase64(encoded);
  if (key === undefined) throw invalid("a Standard Webhooks secret must be whsec_ followed by base64");
  return hmacMaterial(key);
}

function hmacMaterial(key: Uint8Array<ArrayBuffer>): KeyMaterial {
  if (key.length === 0) throw invalid("the secret is empty");
  return { kind: "hmac", key };
}

function withPrefix(prefix: readonly number[], key: Uint8Array): Uint8Array<ArrayBuffer> {
  const der = new Uint8Array(prefix.length + key.length);
  der.set(prefix, 0);
  der.set(key, prefix.length);
  return der;
}

function invalid(message: string): WebhookVerificationError {
  return new WebhookVerificationError("invalid_secret", message);
}
