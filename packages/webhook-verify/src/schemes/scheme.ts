import type { SecretFormat } from "../secrets.js";
import type { SignedHeaders, VerifiedWebhook, WebhookHeaders, WebhookPayload, WebhookScheme } from "../types.js";

/** The signature material a scheme found in the request, before any cryptography runs. */
export interface SignatureEnvelope {
  readonly kind: "signed";
  /** Text the sender signed ahead of the body; empty when only the body is signed. */
  readonly signedPrefix: string;
  /** Candidate HMAC-SHA256 signatures, decoded. */
  readonly hmacSignatures: readonly Uint8Array<ArrayBuffer>[];
  /** Candidate Ed25519 signatures, decoded (Standard Webhooks `v1a` only). */
  readonly ed25519Signatures: readonly Uint8Array<ArrayBuffer>[];
  /** The signed Unix time in seconds, for schemes that sign one. */
  readonly signedAt: number | undefined;
  /** The signed message id, for schemes that sign one. */
  readonly id: string | undefined;
}

/** A delivery a scheme recognizes as legitimately unsigned (WooCommerce's creation ping). */
export interface UnsignedDelivery<S extends WebhookScheme> {
  readonly kind: "unsigned";
  readonly result: VerifiedWebhook<S>;
}

/** Signatures computed for one outgoing delivery, one per secret. */
export interface ComputedSignatures {
  readonly hmac: readonly Uint8Array[];
  readonly ed25519: readonly Uint8Array[];
}

/** What a scheme needs signed for one outgoing delivery, and how it turns signatures into headers. */
export interface SigningPlan<S extends WebhookScheme> {
  readonly signedPrefix: string;
  headers(signatures: ComputedSignatures): SignedHeaders<S>;
}

/**
 * One sender's wire format. Schemes only parse and format; the crypto backends (Web Crypto,
 * node:crypto) do the signing and comparing, so both share every parsing rule.
 */
export interface SchemeDefinition<S extends WebhookScheme> {
  readonly secretFormat: SecretFormat;
  /** Whether a delivery can carry several signatures (so signing accepts several secrets). */
  readonly multipleSignatures: boolean;
  /** Reads the signature headers; throws `missing_header` / `malformed_header`. */
  read(headers: WebhookHeaders, payload: WebhookPayload): SignatureEnvelope | UnsignedDelivery<S>;
  /** Builds the result once the signature and timestamp have been accepted. */
  describe(envelope: SignatureEnvelope, headers: WebhookHeaders, payload: string): VerifiedWebhook<S>;
  /** Decides what gets signed for an outgoing delivery. */
  planSigning(id: string | undefined, timestamp: Date | undefined): SigningPlan<S>;
}

/** Length of an HMAC-SHA256 signature; anything else cannot match. */
export const HMAC_SHA256_BYTES = 32;
/** Length of an Ed25519 signature. */
export const ED25519_SIGNATURE_BYTES = 64;

/** Shared by every envelope without signatures of a kind; never mutated. */
export const NO_SIGNATURES: readonly Uint8Array<ArrayBuffer>[] = Object.freeze([]);

/**
 * `json()` of every verified result: parsing waits until someone asks. One shared function
 * reading `this.payload`, rather than a closure per result, keeps verification allocation-light.
 */
export function parsePayloadJson<T>(this: { readonly payload: string }): T {
  return JSON.parse(this.payload) as T;
}

/** The envelope of a scheme that signs the body alone with one HMAC. */
export function bodyOnlyEnvelope(signature: Uint8Array<ArrayBuffer> | undefined): SignatureEnvelope {
  return {
    kind: "signed",
    signedPrefix: "",
    hmacSignatures: signature?.length === HMAC_SHA256_BYTES ? [signature] : NO_SIGNATURES,
    ed25519Signatures: NO_SIGNATURES,
    signedAt: undefined,
    id: undefined,
  };
}
