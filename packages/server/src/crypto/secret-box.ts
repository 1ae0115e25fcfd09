import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret could not be opened: wrong key, wrong context, or tampered text. */
export class SecretDecryptionError extends Error {
  override readonly name = "SecretDecryptionError";
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key` (see `deriveServerKeys`). `context` (e.g.
 * the owning row's id) is authenticated but not stored, so a sealed value copied to another row
 * does not open there.
 *
 * @returns `v1.<iv>.<ciphertext+tag>` in base64url, safe for a text column.
 * @example
 * const sealed = encryptSecret(keys.secretEncryption, "whsec_…", "we_01j…");
 * decryptSecret(keys.secretEncryption, sealed, "we_01j…"); // "whsec_…"
 */
export function encryptSecret(key: Uint8Array, plaintext: string, context = ""): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/**
 * Opens a value sealed by {@link encryptSecret} with the same key and context.
 *
 * @throws {SecretDecryptionError} when the key, the context or the text does not match.
 */
export function decryptSecret(key: Uint8Array, sealed: string, context = ""): string {
  const [version, ivText, bodyText] = sealed.split(".");
  if (version !== VERSION || !ivText || !bodyText) throw new SecretDecryptionError("not a sealed secret");
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SecretDecryptionError("not a sealed secret");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("the secret does not open with this key and context");
  }
}

/** A sealed secret with the one it replaced, which stays valid until it expires (rotation grace). */
export interface RotatingSealedSecret {
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
}

/**
 * The secrets in use at `now`: the current one, and the previous one while its grace period runs.
 *
 * @throws {SecretDecryptionError} when a value does not open with this key and context.
 */
export function openRotatingSecret(key: Uint8Array, sealed: RotatingSealedSecret, context: string, now: Date = new Date()): string[] {
  const secrets = [decryptSecret(key, sealed.secret_sealed, context)];
  if (sealed.previous_secret_sealed && sealed.previous_secret_expires_at && sealed.previous_secret_expires_at > now) {
    secrets.push(decryptSecret(key, sealed.previous_secret_sealed, context));
  }
  return secrets;
}
