import { hkdfSync } from "node:crypto";

/** Keys the server derives from `RELAIS_MASTER_KEY`, one per purpose, so no key does two jobs. */
export interface ServerKeys {
  /** AES-256-GCM key for secrets at rest (see {@link encryptSecret}). */
  secretEncryption: Buffer;
  /** HMAC-SHA256 key for API-key hashes. */
  apiKeyHashing: Buffer;
}

/** Bytes in a master key: AES-256 and HKDF-SHA256 both want 32. */
export const MASTER_KEY_BYTES = 32;

function derive(masterKey: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, new Uint8Array(0), `relais/${purpose}/v1`, 32));
}

/**
 * Derives the per-purpose keys with HKDF-SHA256.
 *
 * @throws {RangeError} when the master key is not 32 bytes.
 */
export function deriveServerKeys(masterKey: Uint8Array): ServerKeys {
  if (masterKey.byteLength !== MASTER_KEY_BYTES) {
    throw new RangeError(`the master key must be ${MASTER_KEY_BYTES} bytes, got ${masterKey.byteLength}`);
  }
  return { secretEncryption: derive(masterKey, "secret-encryption"), apiKeyHashing: derive(masterKey, "api-key-hash") };
}
