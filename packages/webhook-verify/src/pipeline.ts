// The steps verify/verifySync and sign/signSync share: everything except the cryptography,
// so that the Web Crypto and node:crypto paths cannot drift apart.
import { WebhookVerificationError } from "./errors.js";
import { assertRawPayload, payloadText } from "./payload.js";
import { schemeDefinition } from "./schemes/registry.js";
import type { SchemeDefinition, SignatureEnvelope, SigningPlan } from "./schemes/scheme.js";
import { resolveSecrets, type KeyMaterial } from "./secrets.js";
import { checkTimestamp, resolveTolerance, toUnixSeconds } from "./timestamp.js";
import type { SignOptions, VerifiedWebhook, VerifyOptions, WebhookScheme } from "./types.js";

/** A delivery whose headers parsed and whose secrets decoded, ready for the signature check. */
export interface PendingVerification<S extends WebhookScheme> {
  readonly kind: "signed";
  readonly scheme: SchemeDefinition<S>;
  readonly keys: readonly KeyMaterial[];
  readonly envelope: SignatureEnvelope;
  readonly toleranceSeconds: number;
}

/**
 * Validates options, decodes secrets and parses the headers. Secrets come before headers so a
 * misconfigured receiver fails on every request, not only on well-formed ones.
 */
export function beginVerification<S extends WebhookScheme>(
  options: VerifyOptions<S>,
): PendingVerification<S> | { readonly kind: "unsigned"; readonly result: VerifiedWebhook<S> } {
  const scheme = schemeDefinition(options.scheme);
  const toleranceSeconds = resolveTolerance(options.toleranceSeconds);
  if (options.now !== undefined) toUnixSeconds(options.now, "now");
  assertRawPayload(options.payload);
  if (typeof options.headers !== "object" || options.headers === null) {
    throw new TypeError("webhook headers must be a Headers instance or an object of header values");
  }
  const keys = resolveSecrets(options.secret, scheme.secretFormat);
  for (const key of keys) {
    if (key.kind === "ed25519-private") {
      throw new WebhookVerificationError("invalid_secret", "a whsk_ secret key signs; verify with its whpk_ public key");
    }
  }
  const envelope = scheme.read(options.headers, options.payload);
  if (envelope.kind === "unsigned") return envelope;
  return { kind: "signed", scheme, keys, envelope, toleranceSeconds };
}

/**
 * Runs after a signature matched: the timestamp is checked only now, so that
 * `timestamp_too_old` always means "authentic but stale" and never answers a forgery.
 */
export function completeVerification<S extends WebhookScheme>(
  pending: PendingVerification<S>,
  options: VerifyOptions<S>,
): VerifiedWebhook<S> {
  const { envelope } = pending;
  if (envelope.signedAt !== undefined) {
    checkTimestamp(envelope.signedAt, pending.toleranceSeconds, toUnixSeconds(options.now, "now"));
  }
  return pending.scheme.describe(envelope, options.headers, payloadText(options.payload));
}

/** The error for a delivery none of whose signatures matched. */
export function signatureMismatch(): WebhookVerificationError {
  return new WebhookVerificationError("invalid_signature", "no signature matches the configured secret(s)");
}

/** What to sign and with which keys. */
export interface PendingSignature<S extends WebhookScheme> {
  readonly keys: readonly KeyMaterial[];
  readonly plan: SigningPlan<S>;
}

/** Validates sign options and decodes the signing keys. */
export function beginSigning<S extends WebhookScheme>(options: SignOptions<S>): PendingSignature<S> {
  const scheme = schemeDefinition(options.scheme);
  assertRawPayload(options.payload);
  const keys = resolveSecrets(options.secret, scheme.secretFormat);
  if (!scheme.multipleSignatures && keys.length !== 1) {
    throw new TypeError(`the ${options.scheme} scheme carries one signature: pass exactly one secret`);
  }
  for (const key of keys) {
    if (key.kind === "ed25519-public") {
      throw new WebhookVerificationError("invalid_secret", "a whpk_ public key only verifies; sign with the whsk_ secret key");
    }
  }
  return { keys, plan: scheme.planSigning(options.id, options.timestamp) };
}
