/**
 * The webhook delivery building blocks: pure pieces with no HTTP routes and no database, which
 * the webhook service and workers compose.
 *
 * - {@link validateWebhookUrl} checks an endpoint URL at create/update time;
 *   {@link createDeliveryAgent} re-checks every resolved address at connect time (SSRF).
 * - {@link signDelivery} builds the Standard Webhooks headers, {@link sendAttempt} makes one
 *   attempt and reports it; {@link nextAttemptDelay} says when to try again, or `null` (dead).
 * - {@link matchesEventType} decides which endpoints an event goes to.
 *
 * @example
 * const agent = createDeliveryAgent({ allowPrivate: config.webhookAllowPrivate });
 * const signing = signDelivery({ messageId: message.id, payload: body, secrets });
 * const result = await sendAttempt({ dispatcher: agent, url: endpoint.url, body, headers: { ...endpoint.headers, ...signing } });
 * const delay = result.outcome === "failed"
 *   ? nextAttemptDelay({ attemptNumber, schedule: endpoint.retrySchedule, retryAfterMs: result.retryAfterMs })
 *   : null;
 *
 * @module
 */

/** SSRF address policy: which IP addresses a delivery may connect to. */
export { isForbiddenAddress, type AddressPolicy, type AddressVerdict } from "./address-policy.js";
/** Endpoint URL rules applied when an endpoint is created or updated. */
export {
  validateWebhookUrl,
  type WebhookUrlErrorCode,
  type WebhookUrlOptions,
  type WebhookUrlValidation,
} from "./webhook-url.js";
/** The guarded, pooled undici Agent that refuses forbidden addresses at connect time. */
export {
  createDeliveryAgent,
  createGuardedLookup,
  SsrfBlockedError,
  type DeliveryAgentOptions,
  type ResolveHost,
} from "./ssrf-guard.js";
/** One delivery attempt and its classified result. */
export { sendAttempt, type AttemptOutcome, type AttemptResult, type SendAttemptOptions } from "./send-attempt.js";
export { classifyAttemptError, type AttemptErrorClass, type ClassifiedError } from "./attempt-error.js";
export { FOLLOWED_REDIRECT_STATUSES } from "./redirect-policy.js";
export { DELIVERY_USER_AGENT } from "./request-headers.js";
export { parseRetryAfter } from "./retry-after.js";
/** When to retry, and custom per-endpoint schedules. */
export {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_SCHEDULE_MS,
  nextAttemptDelay,
  RETRY_JITTER,
  RETRY_SCHEDULE_LIMITS,
  validateRetrySchedule,
  type NextAttemptDelayOptions,
  type RetryScheduleValidation,
} from "./retry-schedule.js";
/** Endpoint subscriptions: which event types an endpoint receives. */
export {
  EVENT_TYPE_FILTER_PATTERN,
  EVENT_TYPE_PATTERN,
  isValidEventType,
  isValidEventTypeFilter,
  matchesEventType,
} from "./event-type-filter.js";
/** Standard Webhooks signing headers, with two signatures during a secret rotation. */
export { signDelivery, type SignDeliveryOptions, type SigningHeaders } from "./signing.js";
