import type { WebhookVerificationError, WebhookVerificationErrorCode } from "./errors.js";
import type { WebhookProblem } from "./types.js";

/**
 * Base of the RFC 9457 problem `type`s; the error code is appended (`…/problems/invalid_signature`),
 * the convention the Relais server uses for its own problems.
 */
export const PROBLEM_TYPE_BASE = "https://relais.dev/problems/";

/** Media type of {@link WebhookProblem} bodies. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<WebhookVerificationErrorCode, string> = {
  missing_header: "Webhook signature header missing",
  malformed_header: "Webhook signature header malformed",
  invalid_signature: "Webhook signature invalid",
  timestamp_too_old: "Webhook timestamp too old",
  timestamp_in_future: "Webhook timestamp in the future",
  invalid_secret: "Webhook secret misconfigured",
  unsupported_scheme: "Webhook scheme unsupported",
};

/**
 * The 400 problem body that answers a rejected webhook. It names the reason code and nothing
 * else, so it is safe to send to whoever sent the request.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof WebhookVerificationError) return c.json(toWebhookProblem(error), 400);
 * }
 * ```
 */
export function toWebhookProblem(error: WebhookVerificationError): WebhookProblem {
  return { type: `${PROBLEM_TYPE_BASE}${error.code}`, title: TITLES[error.code], status: 400, code: error.code };
}
