/**
 * Zero-dependency signing and verification of webhooks — Standard Webhooks (Svix), Stripe,
 * Shopify, WooCommerce and GitHub — over Web Crypto. This entry imports no `node:` module, so
 * edge bundlers accept it; Node's synchronous fast path lives in `@relais/webhook-verify/node`.
 *
 * @example
 * ```ts
 * import { verify, WebhookVerificationError } from "@relais/webhook-verify";
 *
 * const webhook = await verify({
 *   scheme: "shopify",
 *   payload: rawBody,
 *   headers: request.headers,
 *   secret: process.env.SHOPIFY_CLIENT_SECRET!,
 * });
 * console.log(webhook.topic, webhook.json());
 * ```
 *
 * @module
 */
export { WebhookVerificationError, type WebhookVerificationErrorCode } from "./errors.js";
export { generateStandardKeyPair, generateStandardSecret, type StandardKeyPair } from "./keys.js";
export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, toWebhookProblem } from "./problem.js";
export { WEBHOOK_SCHEMES } from "./schemes/registry.js";
export { sign } from "./sign.js";
export { DEFAULT_TOLERANCE_SECONDS } from "./timestamp.js";
export type {
  GitHubWebhook,
  HeaderGetter,
  ShopifyWebhook,
  SignedHeaders,
  SignedHeadersMap,
  SignOptions,
  StandardWebhook,
  StripeWebhook,
  VerificationSettings,
  VerifiedWebhook,
  VerifiedWebhookBase,
  VerifiedWebhookMap,
  VerifyOptions,
  WebhookHeaders,
  WebhookPayload,
  WebhookProblem,
  WebhookScheme,
  WebhookSecret,
  WebhookSecrets,
  WooCommercePing,
  WooCommerceWebhook,
} from "./types.js";
export { verify } from "./verify.js";
