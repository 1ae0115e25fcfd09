import type { WebhookVerificationErrorCode } from "./errors.js";

/** The signature schemes this package signs and verifies. */
export type WebhookScheme = "standard" | "stripe" | "shopify" | "woocommerce" | "github";

/**
 * The raw request body exactly as received. A `Buffer` is a `Uint8Array`. Never pass a parsed
 * and re-serialized body: the signature covers the original bytes.
 */
export type WebhookPayload = string | Uint8Array | ArrayBuffer;

/** Anything with a Fetch-style `get`, such as a `Headers` instance. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/**
 * Request headers: a Fetch `Headers`, Node's `IncomingHttpHeaders`, or a plain object whose
 * keys may be in any case. Array values (repeated headers) are accepted.
 */
export type WebhookHeaders = HeaderGetter | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A signing secret or key.
 *
 * - `standard`: `whsec_<base64>` (HMAC), `whpk_<base64>` (Ed25519 public key, to verify `v1a`),
 *   `whsk_<base64>` (Ed25519 secret key, to sign `v1a`); a string without prefix is read as base64.
 * - `stripe`, `shopify`, `woocommerce`, `github`: the secret string exactly as the platform shows it.
 * - Any scheme: a `Uint8Array` is used as the raw HMAC key bytes.
 */
export type WebhookSecret = string | Uint8Array;

/** One secret, or several during a rotation: any one that matches is enough. */
export type WebhookSecrets = WebhookSecret | readonly WebhookSecret[];

/** Options shared by {@link VerifyOptions} and the framework helpers. */
export interface VerificationSettings<S extends WebhookScheme = WebhookScheme> {
  /** Which sender's signature format to expect. */
  scheme: S;
  /** The secret(s) the sender signs with. */
  secret: WebhookSecrets;
  /**
   * How far the signed timestamp may be from `now`, either way, in seconds. Defaults to 300.
   * `Infinity` turns the check off. Ignored by schemes that sign no timestamp (Shopify,
   * WooCommerce, GitHub).
   */
  toleranceSeconds?: number;
  /** The current time, for tests and for replaying stored deliveries. Defaults to the clock. */
  now?: Date;
}

/** Everything needed to verify one delivery. */
export interface VerifyOptions<S extends WebhookScheme = WebhookScheme> extends VerificationSettings<S> {
  /** The raw body, byte for byte as received. */
  payload: WebhookPayload;
  /** The request headers. */
  headers: WebhookHeaders;
}

/** Everything needed to sign one delivery. */
export interface SignOptions<S extends WebhookScheme = WebhookScheme> {
  /** Which signature format to produce. */
  scheme: S;
  /** The body to send, byte for byte. */
  payload: WebhookPayload;
  /**
   * The secret to sign with. Standard Webhooks and Stripe accept several (one signature each,
   * for rotations); the other schemes carry a single signature and accept exactly one.
   */
  secret: WebhookSecrets;
  /** Standard Webhooks message id; a random `msg_…` id when omitted. Ignored by other schemes. */
  id?: string;
  /** Signing time for Standard Webhooks and Stripe; defaults to now. Ignored by other schemes. */
  timestamp?: Date;
}

/** Headers to send with a signed delivery, by scheme (lower-case names). */
export interface SignedHeadersMap {
  standard: { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };
  stripe: { "stripe-signature": string };
  shopify: { "x-shopify-hmac-sha256": string };
  woocommerce: { "x-wc-webhook-signature": string };
  github: { "x-hub-signature-256": string };
}

/** The headers {@link SignOptions} produce for scheme `S`. */
export type SignedHeaders<S extends WebhookScheme = WebhookScheme> = SignedHeadersMap[S];

/** What every verified delivery carries. */
export interface VerifiedWebhookBase<S extends WebhookScheme> {
  /** The scheme the delivery was verified with. */
  readonly scheme: S;
  /** The sender's delivery or message id, when the scheme has one (use it to drop duplicates). */
  readonly id: string | undefined;
  /** When the sender signed the delivery, for schemes that sign a time. */
  readonly timestamp: Date | undefined;
  /** The verified body as text. */
  readonly payload: string;
  /** Only WooCommerce's unsigned creation ping sets this to `true`; see {@link WooCommercePing}. */
  readonly ping?: false;
  /**
   * Parses {@link payload} as JSON, only when (and each time) it is called. Call it as a method,
   * `webhook.json()`: it reads `this.payload`.
   */
  json<T = unknown>(): T;
}

/** A verified Standard Webhooks (or Svix) delivery. */
export interface StandardWebhook extends VerifiedWebhookBase<"standard"> {
  /** `webhook-id` (or `svix-id`). */
  readonly id: string;
  /** `webhook-timestamp` (or `svix-timestamp`). */
  readonly timestamp: Date;
}

/** A verified Stripe delivery. The event id is inside the body. */
export interface StripeWebhook extends VerifiedWebhookBase<"stripe"> {
  readonly id: undefined;
  /** The `t=` of `Stripe-Signature`. */
  readonly timestamp: Date;
}

/** A verified Shopify delivery. Metadata headers are reported as sent (they are not signed). */
export interface ShopifyWebhook extends VerifiedWebhookBase<"shopify"> {
  /** `X-Shopify-Webhook-Id`: the same across retries of one delivery. */
  readonly id: string | undefined;
  readonly timestamp: undefined;
  /** `X-Shopify-Topic`, e.g. `orders/create`. */
  readonly topic: string | undefined;
  /** `X-Shopify-Shop-Domain`, e.g. `example.myshopify.com`. */
  readonly shopDomain: string | undefined;
  /** `X-Shopify-API-Version`, e.g. `2025-01`. */
  readonly apiVersion: string | undefined;
  /** `X-Shopify-Event-Id`: the same across every subscription notified of one event. */
  readonly eventId: string | undefined;
}

/** A verified WooCommerce delivery. Metadata headers are reported as sent (they are not signed). */
export interface WooCommerceWebhook extends VerifiedWebhookBase<"woocommerce"> {
  /** `X-WC-Webhook-Delivery-ID`. */
  readonly id: string | undefined;
  readonly timestamp: undefined;
  readonly ping: false;
  /** `X-WC-Webhook-Topic`, e.g. `order.created`. */
  readonly topic: string | undefined;
  /** `X-WC-Webhook-Resource`, e.g. `order`. */
  readonly resource: string | undefined;
  /** `X-WC-Webhook-Event`, e.g. `created`. */
  readonly event: string | undefined;
  /** `X-WC-Webhook-Source`: the shop's URL. */
  readonly source: string | undefined;
  /** `X-WC-Webhook-ID`: the webhook's id in the shop. */
  readonly webhookId: string | undefined;
  /** `X-WC-Webhook-Delivery-ID`. */
  readonly deliveryId: string | undefined;
}

/**
 * The ping WooCommerce sends, unsigned, when a webhook is created or its URL changes: a form
 * body `webhook_id=<id>` and no signature. It proves nothing about the sender, so it has no
 * `json()`: answer 2xx and do nothing else. Narrow it away with `if (webhook.ping)`.
 */
export interface WooCommercePing {
  readonly scheme: "woocommerce";
  readonly ping: true;
  readonly id: undefined;
  readonly timestamp: undefined;
  /** The id from the form body. */
  readonly webhookId: string;
  /** The body as received. */
  readonly payload: string;
}

/** A verified GitHub delivery. */
export interface GitHubWebhook extends VerifiedWebhookBase<"github"> {
  /** `X-GitHub-Delivery`. */
  readonly id: string | undefined;
  readonly timestamp: undefined;
  /** `X-GitHub-Event`, e.g. `push`. */
  readonly event: string | undefined;
  /** `X-GitHub-Hook-ID`. */
  readonly hookId: string | undefined;
}

/** What {@link VerifyOptions} with scheme `S` resolves to. */
export interface VerifiedWebhookMap {
  standard: StandardWebhook;
  stripe: StripeWebhook;
  shopify: ShopifyWebhook;
  woocommerce: WooCommerceWebhook | WooCommercePing;
  github: GitHubWebhook;
}

/** A verified delivery of scheme `S` (all schemes by default); narrow on `scheme` and `ping`. */
export type VerifiedWebhook<S extends WebhookScheme = WebhookScheme> = VerifiedWebhookMap[S];

/** The body of a 400 `application/problem+json` answer to a rejected webhook (RFC 9457). */
export interface WebhookProblem {
  /** Identifies the problem type: `https://relais.dev/problems/<code>`. */
  type: string;
  /** A short human summary of {@link code}. */
  title: string;
  /** The HTTP status, 400. */
  status: number;
  /** Why the webhook was rejected. */
  code: WebhookVerificationErrorCode;
}
