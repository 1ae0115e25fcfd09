import { createHmac, randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters carry 256 bits; parsing accepts 33+ (196+ bits) for operator-chosen keys. */
const GENERATED_CHARS = 43;
const SECRET_PATTERN = /^rk_(test|live)_([0-9A-Za-z]{33,64})$/;
/** How much of a secret is stored in clear so support can tell keys apart: `rk_test_AbCd`. */
export const VISIBLE_PREFIX_CHARS = 12;

/** A well-formed API key secret, split into its parts. */
export interface ParsedApiKeySecret {
  livemode: boolean;
  secret: string;
  prefix: string;
}

/** Returns the parts of `value` when it is shaped like an API key, `undefined` otherwise. */
export function parseApiKeySecret(value: string): ParsedApiKeySecret | undefined {
  const match = SECRET_PATTERN.exec(value);
  if (!match) return undefined;
  return { livemode: match[1] === "live", secret: value, prefix: value.slice(0, VISIBLE_PREFIX_CHARS) };
}

/** A fresh secret: `rk_test_` or `rk_live_` and 256 random bits in base62. */
export function generateApiKeySecret(livemode: boolean): ParsedApiKeySecret {
  let body = "";
  while (body.length < GENERATED_CHARS) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: dropping larger bytes keeps every character equally likely.
      if (byte < 248 && body.length < GENERATED_CHARS) body += BASE62.charAt(byte % 62);
    }
  }
  const secret = `rk_${livemode ? "live" : "test"}_${body}`;
  return { livemode, secret, prefix: secret.slice(0, VISIBLE_PREFIX_CHARS) };
}

/**
 * The stored form of a secret: HMAC-SHA256 under a key derived from the master key. The secret
 * is random, so a fast keyed hash is enough; the key means a stolen table alone cannot be
 * checked against guesses.
 */
export function hashApiKeySecret(hashingKey: Uint8Array, secret: string): string {
  return createHmac("sha256", hashingKey).update(secret, "utf8").digest("hex");
}
