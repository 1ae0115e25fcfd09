// The Web Crypto backend: runs wherever `crypto.subtle` does (Node >= 20, browsers, workers, edge).
import { constantTimeEqual } from "./encoding.js";
import type { SignatureEnvelope } from "./schemes/scheme.js";
import type { KeyMaterial } from "./secrets.js";

const HMAC_SHA256 = { name: "HMAC", hash: "SHA-256" } as const;
const ED25519 = { name: "Ed25519" } as const;

// Importing a key costs more than signing a small body; keyed by the cached material, so an
// entry lives exactly as long as its secret stays in the secrets cache.
const importedKeys = new WeakMap<KeyMaterial, Promise<CryptoKey>>();

function importKey(material: KeyMaterial): Promise<CryptoKey> {
  let key = importedKeys.get(material);
  if (key === undefined) {
    key = importMaterial(material);
    importedKeys.set(material, key);
    // A failed import (e.g. a runtime without Ed25519) is retried next time, not cached.
    key.catch(() => importedKeys.delete(material));
  }
  return key;
}

function importMaterial(material: KeyMaterial): Promise<CryptoKey> {
  const { subtle } = globalThis.crypto;
  switch (material.kind) {
    case "hmac":
      return subtle.importKey("raw", material.key, HMAC_SHA256, false, ["sign"]);
    case "ed25519-public":
      return subtle.importKey("spki", material.spki, ED25519, false, ["verify"]);
    case "ed25519-private":
      return subtle.importKey("pkcs8", material.pkcs8, ED25519, false, ["sign"]);
  }
}

/**
 * Whether any key verifies any signature in the envelope. The HMAC is computed once per key and
 * compared in constant time with each candidate; Ed25519 is checked by Web Crypto itself.
 */
export async function webSignatureMatches(
  keys: readonly KeyMaterial[],
  envelope: SignatureEnvelope,
  message: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const { subtle } = globalThis.crypto;
  for (const material of keys) {
    if (material.kind === "hmac" && envelope.hmacSignatures.length > 0) {
      const mac = new Uint8Array(await subtle.sign("HMAC", await importKey(material), message));
      for (const candidate of envelope.hmacSignatures) if (constantTimeEqual(mac, candidate)) return true;
    } else if (material.kind === "ed25519-public") {
      for (const candidate of envelope.ed25519Signatures) {
        if (await subtle.verify("Ed25519", await importKey(material), candidate, message)) return true;
      }
    }
  }
  return false;
}

/** Signs `message` with one key: HMAC-SHA256 or Ed25519, by the key's kind. */
export async function webSign(material: KeyMaterial, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const algorithm = material.kind === "hmac" ? "HMAC" : "Ed25519";
  return new Uint8Array(await globalThis.crypto.subtle.sign(algorithm, await importKey(material), message));
}
