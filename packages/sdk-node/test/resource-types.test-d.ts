import { describe, it } from "vitest";
import type * as Sdk from "../src/index.js";
import type { components, operations } from "./generated/openapi.js";

// The SDK's resource types are written by hand for readable docs; these checks tie them to the
// server's /openapi.json (regenerated and checked for freshness by openapi-types.test.ts).
// Each line is a plain assignment, so a mismatch fails type-checking with TypeScript's own
// explanation of which field differs.
type Schemas = components["schemas"];
type Query<Operation extends keyof operations> = NonNullable<operations[Operation]["parameters"]["query"]>;
declare function fits<Target>(value: Target): void;
declare function sample<T>(): T;
// Assignability allows extra optional fields, so requests are also checked for fields the
// server does not know (it rejects unknown fields with 400).
type ExtraFields<Source, Target> = Exclude<keyof Source, keyof Target>;
declare function noExtraFields<Source, Target>(ok: [ExtraFields<Source, Target>] extends [never] ? true : { extra: ExtraFields<Source, Target> }): void;

describe("SDK types against the server's OpenAPI document", () => {
  it("accepts every response the server documents", () => {
    fits<Sdk.Account>(sample<Schemas["Account"]>());
    fits<Sdk.App>(sample<Schemas["App"]>());
    fits<Sdk.DeletedApp>(sample<Schemas["DeletedApp"]>());
    fits<Sdk.ApiKey>(sample<Schemas["ApiKey"]>());
    fits<Sdk.AuditLog>(sample<Schemas["AuditLog"]>());
    fits<Sdk.EventType>(sample<Schemas["EventType"]>());
    fits<Sdk.Event>(sample<Schemas["Event"]>());
    fits<Sdk.WebhookEndpoint>(sample<Schemas["WebhookEndpoint"]>());
    fits<Sdk.WebhookEndpointWithSecret>(sample<Schemas["WebhookEndpointWithSecret"]>());
    fits<Sdk.DeletedWebhookEndpoint>(sample<Schemas["DeletedWebhookEndpoint"]>());
    fits<Sdk.WebhookReplay>(sample<Schemas["WebhookReplay"]>());
    fits<Sdk.WebhookMessage>(sample<Schemas["WebhookMessage"]>());
    fits<Sdk.WebhookMessageWithAttempts>(sample<Schemas["WebhookMessageWithAttempts"]>());
    fits<Sdk.WebhookAttempt>(sample<Schemas["WebhookAttempt"]>());
    fits<Sdk.Plugin>(sample<Schemas["Plugin"]>());
    fits<Sdk.PluginDetail>(sample<Schemas["PluginDetail"]>());
    fits<Sdk.PluginCommand>(sample<Schemas["PluginCommand"]>());
    fits<Sdk.AgentEnrolmentToken>(sample<Schemas["AgentEnrolmentToken"]>());
    fits<Sdk.AgentEnrolmentTokenWithToken>(sample<Schemas["AgentEnrolmentTokenWithToken"]>());
    fits<Sdk.Incident>(sample<Schemas["Incident"]>());
    fits<Sdk.InteropConnector>(sample<Schemas["InteropConnector"]>());
    fits<Sdk.InteropConnectorCreated>(sample<Schemas["InteropConnectorCreated"]>());
    fits<Sdk.DeletedInteropConnector>(sample<Schemas["DeletedInteropConnector"]>());
    fits<Sdk.InteropMapping>(sample<Schemas["InteropMapping"]>());
    fits<Sdk.InteropEvent>(sample<Schemas["InteropEvent"]>());
    fits<Sdk.InteropEventWithDelivery>(sample<Schemas["InteropEventWithDelivery"]>());
    fits<Sdk.InteropStats>(sample<Schemas["InteropStats"]>());
    fits<Sdk.HealingRule>(sample<Schemas["HealingRule"]>());
    fits<Sdk.HealingDecision>(sample<Schemas["HealingDecision"]>());
    fits<Sdk.HealingDecisionList>(sample<Schemas["HealingDecisionList"]>());
    fits<Sdk.OpsPolicyDocument>(sample<Schemas["OpsPolicyDocument"]>());
    fits<Sdk.HealingStats>(sample<Schemas["HealingStats"]>());
    fits<Sdk.Autopatch>(sample<Schemas["Autopatch"]>());
    fits<Sdk.AutopatchAttempt>(sample<Schemas["AutopatchAttempt"]>());
  });

  it("sends only request bodies the server accepts", () => {
    fits<Schemas["CreateAppRequest"]>(sample<Sdk.AppCreateParams>());
    noExtraFields<Sdk.AppCreateParams, Schemas["CreateAppRequest"]>(true);
    fits<Schemas["UpdateAppRequest"]>(sample<Sdk.AppUpdateParams>());
    noExtraFields<Sdk.AppUpdateParams, Schemas["UpdateAppRequest"]>(true);
    fits<Schemas["CreateApiKeyRequest"]>(sample<Sdk.ApiKeyCreateParams>());
    noExtraFields<Sdk.ApiKeyCreateParams, Schemas["CreateApiKeyRequest"]>(true);
    fits<Schemas["RotateApiKeyRequest"]>(sample<Sdk.ApiKeyRotateParams>());
    noExtraFields<Sdk.ApiKeyRotateParams, Schemas["RotateApiKeyRequest"]>(true);
    fits<Schemas["CreateEventTypeRequest"]>(sample<Sdk.EventTypeCreateParams>());
    noExtraFields<Sdk.EventTypeCreateParams, Schemas["CreateEventTypeRequest"]>(true);
    fits<Schemas["PublishEventRequest"]>(sample<Sdk.EventCreateParams>());
    noExtraFields<Sdk.EventCreateParams, Schemas["PublishEventRequest"]>(true);
    fits<Schemas["CreateWebhookEndpointRequest"]>(sample<Sdk.WebhookEndpointCreateParams>());
    noExtraFields<Sdk.WebhookEndpointCreateParams, Schemas["CreateWebhookEndpointRequest"]>(true);
    fits<Schemas["UpdateWebhookEndpointRequest"]>(sample<Sdk.WebhookEndpointUpdateParams>());
    noExtraFields<Sdk.WebhookEndpointUpdateParams, Schemas["UpdateWebhookEndpointRequest"]>(true);
    fits<Schemas["RotateWebhookSecretRequest"]>(sample<Sdk.WebhookEndpointRotateSecretParams>());
    noExtraFields<Sdk.WebhookEndpointRotateSecretParams, Schemas["RotateWebhookSecretRequest"]>(true);
    fits<Schemas["ReplayWebhookMessagesRequest"]>(sample<Sdk.WebhookEndpointReplayParams>());
    noExtraFields<Sdk.WebhookEndpointReplayParams, Schemas["ReplayWebhookMessagesRequest"]>(true);
    fits<Schemas["CreatePluginCommandRequest"]>(sample<Sdk.PluginCommandCreateParams>());
    noExtraFields<Sdk.PluginCommandCreateParams, Schemas["CreatePluginCommandRequest"]>(true);
    fits<Schemas["CreateAgentEnrolmentTokenRequest"]>(sample<Sdk.AgentEnrolmentTokenCreateParams>());
    noExtraFields<Sdk.AgentEnrolmentTokenCreateParams, Schemas["CreateAgentEnrolmentTokenRequest"]>(true);
    fits<Schemas["CreateInteropConnectorRequest"]>(sample<Sdk.InteropConnectorCreateParams>());
    noExtraFields<Sdk.InteropConnectorCreateParams, Schemas["CreateInteropConnectorRequest"]>(true);
    fits<Schemas["UpdateInteropConnectorRequest"]>(sample<Sdk.InteropConnectorUpdateParams>());
    noExtraFields<Sdk.InteropConnectorUpdateParams, Schemas["UpdateInteropConnectorRequest"]>(true);
    // `mapping` is `object` in the SDK, wider than the document's index signature on purpose: a
    // `Mapping` from @relais/interop-mappings is an interface, which has none.
    fits<Schemas["InteropMappingRequest"]["mapping"]>(sample<Sdk.InteropMappingParams["mapping"] & Record<string, unknown>>());
    noExtraFields<Sdk.InteropMappingParams, Schemas["InteropMappingRequest"]>(true);
    fits<Schemas["CreateHealingRuleRequest"]>(sample<Sdk.HealingRuleCreateParams>());
    noExtraFields<Sdk.HealingRuleCreateParams, Schemas["CreateHealingRuleRequest"]>(true);
    fits<Schemas["UpdateHealingRuleRequest"]>(sample<Sdk.HealingRuleUpdateParams>());
    noExtraFields<Sdk.HealingRuleUpdateParams, Schemas["UpdateHealingRuleRequest"]>(true);
    fits<Schemas["ReplaceOpsPolicyRequest"]>(sample<Sdk.OpsPolicyReplaceParams>());
    noExtraFields<Sdk.OpsPolicyReplaceParams, Schemas["ReplaceOpsPolicyRequest"]>(true);
  });

  it("sends only list filters the server accepts", () => {
    fits<Query<"listApps">>(sample<Sdk.AppListParams>());
    noExtraFields<Sdk.AppListParams, Query<"listApps">>(true);
    fits<Query<"listApiKeys">>(sample<Sdk.ApiKeyListParams>());
    noExtraFields<Sdk.ApiKeyListParams, Query<"listApiKeys">>(true);
    fits<Query<"listAuditLogs">>(sample<Sdk.AuditLogListParams>());
    noExtraFields<Sdk.AuditLogListParams, Query<"listAuditLogs">>(true);
    fits<Query<"listEvents">>(sample<Sdk.EventListParams>());
    noExtraFields<Sdk.EventListParams, Query<"listEvents">>(true);
    fits<Query<"listWebhookEndpoints">>(sample<Sdk.WebhookEndpointListParams>());
    noExtraFields<Sdk.WebhookEndpointListParams, Query<"listWebhookEndpoints">>(true);
    fits<Query<"listWebhookMessages">>(sample<Sdk.WebhookMessageListParams>());
    noExtraFields<Sdk.WebhookMessageListParams, Query<"listWebhookMessages">>(true);
    fits<Query<"listPlugins">>(sample<Sdk.PluginListParams>());
    noExtraFields<Sdk.PluginListParams, Query<"listPlugins">>(true);
    fits<Query<"listPluginCommands">>(sample<Sdk.PluginCommandListParams>());
    noExtraFields<Sdk.PluginCommandListParams, Query<"listPluginCommands">>(true);
    fits<Query<"listIncidents">>(sample<Sdk.IncidentListParams>());
    noExtraFields<Sdk.IncidentListParams, Query<"listIncidents">>(true);
    fits<Query<"listAgentEnrolmentTokens">>(sample<Sdk.ListParams>());
    noExtraFields<Sdk.ListParams, Query<"listAgentEnrolmentTokens">>(true);
    fits<Query<"listInteropEvents">>(sample<Sdk.InteropEventListParams>());
    noExtraFields<Sdk.InteropEventListParams, Query<"listInteropEvents">>(true);
    fits<Query<"getInteropStats">>(sample<Sdk.InteropStatsParams>());
    noExtraFields<Sdk.InteropStatsParams, Query<"getInteropStats">>(true);
    fits<Query<"listInteropConnectors">>(sample<Sdk.ListParams>());
    fits<Query<"listInteropMappings">>(sample<Sdk.ListParams>());
    fits<Query<"getHealingStats">>(sample<Sdk.HealingStatsParams>());
    noExtraFields<Sdk.HealingStatsParams, Query<"getHealingStats">>(true);
    fits<Schemas["CreateAutopatchRequest"]>(sample<Sdk.AutopatchCreateParams>());
    noExtraFields<Sdk.AutopatchCreateParams, Schemas["CreateAutopatchRequest"]>(true);
    fits<Query<"listAutopatches">>(sample<Sdk.AutopatchListParams>());
    noExtraFields<Sdk.AutopatchListParams, Query<"listAutopatches">>(true);
    fits<Query<"listAutopatchAttempts">>(sample<Sdk.AutopatchAttemptListParams>());
    noExtraFields<Sdk.AutopatchAttemptListParams, Query<"listAutopatchAttempts">>(true);
  });
});
