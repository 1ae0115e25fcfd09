/**
 * `@relais/sdk-node`: the typed Node.js client for the Relais API, with retries, idempotency
 * keys, typed errors and auto-pagination.
 *
 * @example
 * import { Relais, NotFoundError } from "@relais/sdk-node";
 *
 * const relais = new Relais({ apiKey: process.env.RELAIS_API_KEY });
 * try {
 *   const app = await relais.apps.retrieve("app_123");
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log(error.requestId);
 * }
 *
 * @packageDocumentation
 */

// The client and its options.
export { Relais, type ClientOptions } from "./client.js";
export { APIClient, type FinalRequestOptions, type Logger, type RequestOptions } from "./core/api-client.js";
export type { Fetch } from "./core/transport.js";
export { VERSION } from "./version.js";

// What calls return.
export { APIPromise, type RawResponse, type WithResponse } from "./core/api-promise.js";
export { Page, PagePromise, type ListParams, type ListResponse } from "./core/pagination.js";

// Errors.
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  IdempotencyError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RelaisError,
  UnprocessableEntityError,
  type ProblemFieldError,
} from "./core/errors.js";

// Resources and their types.
export { APIResource } from "./core/resource.js";
export {
  ApiKeys,
  type ApiKey,
  type ApiKeyCreateParams,
  type ApiKeyListParams,
  type ApiKeyQuota,
  type ApiKeyRotateParams,
  type ApiKeyWithSecret,
} from "./resources/api-keys.js";
export {
  Apps,
  type App,
  type AppCreateParams,
  type AppListParams,
  type AppUpdateParams,
  type DeletedApp,
} from "./resources/apps.js";
export { AccountResource, type Account } from "./resources/account.js";
export { AuditLogs, type AuditLog, type AuditLogListParams } from "./resources/audit-logs.js";
export { Incidents, type Incident, type IncidentListParams } from "./resources/incidents.js";
export {
  Healing,
  HealingRules,
  OpsPolicies,
  type HealingAction,
  type HealingDecision,
  type HealingDecisionList,
  type HealingRule,
  type HealingRuleCreateParams,
  type HealingRuleMatch,
  type HealingRuleUpdateParams,
  type HealingDurationStats,
  type HealingStats,
  type HealingStatsParams,
  type OpsPolicy,
  type OpsPolicyDocument,
  type OpsPolicyReplaceParams,
} from "./resources/healing.js";
export {
  AutopatchAttempts,
  Autopatches,
  type Autopatch,
  type AutopatchAttempt,
  type AutopatchAttemptListParams,
  type AutopatchCreateParams,
  type AutopatchHealth,
  type AutopatchListParams,
  type AutopatchStatus,
  type AutopatchTarget,
} from "./resources/autopatches.js";
export {
  Interop,
  InteropConnectors,
  InteropEvents,
  InteropMappings,
  type DeletedInteropConnector,
  type InteropConnector,
  type InteropConnectorCreated,
  type InteropConnectorCreateParams,
  type InteropConnectorUpdateParams,
  type InteropCounts,
  type InteropEvent,
  type InteropEventError,
  type InteropEventListParams,
  type InteropEventWithDelivery,
  type InteropMapping,
  type InteropMappingParams,
  type InteropPlatform,
  type InteropStats,
  type InteropStatsParams,
} from "./resources/interop.js";
export {
  AgentEnrolmentTokens,
  PluginCommands,
  Plugins,
  type AgentEnrolmentToken,
  type AgentEnrolmentTokenCreateParams,
  type AgentEnrolmentTokenWithToken,
  type Plugin,
  type PluginCommand,
  type PluginCommandCreateParams,
  type PluginCommandListParams,
  type PluginCommandStatus,
  type PluginDetail,
  type PluginListParams,
  type PluginTelemetrySample,
} from "./resources/plugins.js";
export { Events, type Event, type EventCreateParams, type EventListParams } from "./resources/events.js";
export { EventTypes, type EventType, type EventTypeCreateParams } from "./resources/event-types.js";
export {
  WebhookEndpoints,
  type DeletedWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointCreateParams,
  type WebhookEndpointListParams,
  type WebhookEndpointReplayParams,
  type WebhookEndpointRotateSecretParams,
  type WebhookEndpointUpdateParams,
  type WebhookEndpointWithSecret,
  type WebhookReplay,
} from "./resources/webhook-endpoints.js";
export {
  WebhookMessages,
  type WebhookAttempt,
  type WebhookMessage,
  type WebhookMessageListParams,
  type WebhookMessageStatus,
  type WebhookMessageWithAttempts,
} from "./resources/webhook-messages.js";
export { Webhooks, type WebhookEvent, type WebhookVerifyOptions } from "./resources/webhooks.js";
// Verification failures come from @relais/webhook-verify; re-exported so one import suffices.
export { WebhookVerificationError, type StandardWebhook, type WebhookVerificationErrorCode } from "@relais/webhook-verify";
