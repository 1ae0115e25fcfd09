import { concatBytes, encodeBase64 } from "./encoding.js";
import { STANDARD_PUBLIC_KEY_PREFIX, STANDARD_SECRET_KEY_PREFIX, STANDARD_SECRET_PREFIX } from "./secrets.js";

// The spec asks for 24 to 64 random bytes; 32 is the HMAC-SHA256 output size, a common choice.
const SECRET_BYTES = 32;

/**
 * A new random Standard Webhooks HMAC secret, `whsec_` followed by 32 random bytes in base64.
 *
 * @example
 * ```ts
 * const secret = generateStandardSecret(); // "whsec_…"
 * ```
 */
export function generateStandardSecret(): string {
  return STANDARD_SECRET_PREFIX + encodeBase64(globalThis.crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** A Standard Webhooks Ed25519 key pair for `v1a` signatures. */
export interface StandardKeyPair {
  /** `whsk_…`: signs. Keep it on the sender. */
  secretKey: string;
  /** `whpk_…`: verifies. Give it to receivers. */
  publicKey: string;
}

/**
 * Generates an Ed25519 key pair for asymmetric Standard Webhooks (`v1a`) signatures. The secret
 * key uses the libsodium layout (32-byte seed followed by the 32-byte public key).
 */
export async function generateStandardKeyPair(): Promise<StandardKeyPair> {
  const { subtle } = globalThis.crypto;
  const pair = await subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const publicKey = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  // PKCS #8 for Ed25519 ends with the 32-byte seed.
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", pair.privateKey));
  const seed = pkcs8.subarray(pkcs8.length - 32);
  return {
    secretKey: STANDARD_SECRET_KEY_PREFIX + encodeBase64(concatBytes(seed, publicKey)),
    publicKey: STANDARD_PUBLIC_KEY_PREFIX + encodeBase64(publicKey),
  };
}
