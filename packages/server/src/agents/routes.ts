import { INCIDENT_STATUSES } from "./incident-store.js";
import { appParams } from "../apps/routes.js";
import type { ApiRouter } from "../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../http/pagination.js";
import { z } from "../http/zod.js";
import type { EnrolmentService } from "./enrolment-service.js";
import type { PluginService } from "./plugin-service.js";
import {
  commandStatuses,
  createdEnrolmentTokenSchema,
  enrolmentTokenSchema,
  incidentSchema,
  listOf,
  pluginCommandSchema,
  pluginDetailSchema,
  pluginSchema,
  presentCommand,
  presentEnrolmentToken,
  presentIncident,
  presentPlugin,
  presentTelemetrySample,
} from "./presenters.js";
import { builtInCommandTypes, customCommandType } from "./wire.js";

const dateTime = z.iso.datetime({ offset: true }).openapi({ format: "date-time" });
const idParams = z.strictObject({ id: z.string().max(64) });

const createTokenBody = z
  .strictObject({
    expires_at: dateTime.optional().openapi({ description: "Default: 7 days from now." }),
    max_uses: z.number().int().min(1).max(100_000).nullable().optional().openapi({ description: "Successful enrolments allowed; null or absent: unlimited." }),
  })
  .openapi("CreateAgentEnrolmentTokenRequest");

const createCommandBody = z
  .strictObject({
    type: z
      .string()
      .regex(customCommandType)
      .openapi({ description: `One of ${builtInCommandTypes.join(", ")}, or a custom type the plugin accepts.`, example: "config" }),
    params: z.record(z.string(), z.unknown()).default({}),
    expires_at: dateTime.optional().openapi({ description: "After this the command must not start. Default: 24 h from now; at most 30 days." }),
  })
  .openapi("CreatePluginCommandRequest");

const listPluginsQuery = z.strictObject({
  ...paginationQuery,
  app_id: z.string().max(64).optional(),
  platform: z.string().max(64).optional(),
  version: z.string().max(100).optional(),
  health: z.enum(["healthy", "unhealthy", "unknown"]).optional(),
  status: z.enum(["active", "offline", "revoked"]).optional(),
  last_seen_gte: dateTime.optional(),
  last_seen_lt: dateTime.optional(),
});

const listCommandsQuery = z.strictObject({ ...paginationQuery, status: z.enum(commandStatuses).optional() });
const listIncidentsQuery = z.strictObject({
  ...paginationQuery,
  status: z.enum(INCIDENT_STATUSES).optional(),
  type: z.string().max(64).optional(),
  plugin_id: z.string().max(64).optional(),
});

const optionalDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** Enrolment tokens under `/v1/apps/:id`, and `/v1/agent_enrolment_tokens/:id/revoke`. */
export function registerEnrolmentTokenRoutes(api: ApiRouter, enrolment: EnrolmentService): void {
  const tag = "Plugins";
  api.route({
    method: "post",
    path: "/v1/apps/:id/agent_enrolment_tokens",
    operationId: "createAgentEnrolmentToken",
    summary: "Create an enrolment token for plugin agents (the token is shown once)",
    tag,
    scope: "plugins:write",
    params: appParams,
    body: createTokenBody,
    status: 201,
    response: createdEnrolmentTokenSchema,
    async handler({ params, body, auth, request }) {
      const created = await enrolment.createToken({ auth, request }, params.id, {
        expiresAt: optionalDate(body.expires_at),
        maxUses: body.max_uses ?? null,
      });
      return { ...presentEnrolmentToken(created.row), token: created.token };
    },
  });
  api.route({
    method: "get",
    path: "/v1/apps/:id/agent_enrolment_tokens",
    operationId: "listAgentEnrolmentTokens",
    summary: "List an app's enrolment tokens, newest first",
    tag,
    scope: "plugins:read",
    params: appParams,
    query: z.strictObject(paginationQuery),
    response: listOf(enrolmentTokenSchema, "AgentEnrolmentTokenList"),
    async handler({ params, query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await enrolment.listTokens(auth, params.id, page), page, presentEnrolmentToken);
    },
  });
  api.route({
    method: "post",
    path: "/v1/agent_enrolment_tokens/:id/revoke",
    operationId: "revokeAgentEnrolmentToken",
    summary: "Revoke an enrolment token (instances already enrolled keep working)",
    tag,
    scope: "plugins:write",
    params: idParams,
    response: enrolmentTokenSchema,
    handler: async ({ params, auth, request }) => presentEnrolmentToken(await enrolment.revokeToken({ auth, request }, params.id)),
  });
}

/** `/v1/plugins…` and `/v1/incidents…`. */
export function registerPluginRoutes(api: ApiRouter, plugins: PluginService): void {
  const tag = "Plugins";
  api.route({
    method: "get",
    path: "/v1/plugins",
    operationId: "listPlugins",
    summary: "List plugin instances, newest first",
    tag,
    scope: "plugins:read",
    query: listPluginsQuery,
    response: listOf(pluginSchema, "PluginList"),
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const rows = await plugins.list(
        auth,
        {
          appId: query.app_id,
          platform: query.platform,
          version: query.version,
          health: query.health,
          status: query.status,
          lastSeenGte: optionalDate(query.last_seen_gte),
          lastSeenLt: optionalDate(query.last_seen_lt),
        },
        page,
      );
      return toListResponse(rows, page, presentPlugin);
    },
  });
  api.route({
    method: "get",
    path: "/v1/plugins/:id",
    operationId: "getPlugin",
    summary: "Get a plugin instance with its recent telemetry and commands",
    tag,
    scope: "plugins:read",
    params: idParams,
    response: pluginDetailSchema,
    async handler({ params, auth }) {
      const detail = await plugins.get(auth, params.id);
      return {
        ...presentPlugin(detail.instance),
        recent_telemetry: detail.telemetry.map(presentTelemetrySample),
        recent_commands: detail.commands.map(presentCommand),
      };
    },
  });
  api.route({
    method: "post",
    path: "/v1/plugins/:id/revoke",
    operationId: "revokePlugin",
    summary: "Revoke a plugin instance's agent credentials (its next call gets 401)",
    tag,
    scope: "plugins:write",
    params: idParams,
    response: pluginSchema,
    handler: async ({ params, auth, request }) => presentPlugin(await plugins.revoke({ auth, request }, params.id)),
  });
  api.route({
    method: "post",
    path: "/v1/plugins/:id/commands",
    operationId: "createPluginCommand",
    summary: "Send a signed command to a plugin instance (delivered with its next heartbeat)",
    tag,
    scope: "plugins:write",
    params: idParams,
    body: createCommandBody,
    status: 201,
    response: pluginCommandSchema,
    handler: async ({ params, body, auth, request }) =>
      presentCommand(await plugins.createCommand({ auth, request }, params.id, { type: body.type, params: body.params, expiresAt: optionalDate(body.expires_at) })),
  });
  api.route({
    method: "get",
    path: "/v1/plugins/:id/commands",
    operationId: "listPluginCommands",
    summary: "List a plugin instance's commands, newest first",
    tag,
    scope: "plugins:read",
    params: idParams,
    query: listCommandsQuery,
    response: listOf(pluginCommandSchema, "PluginCommandList"),
    async handler({ params, query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await plugins.listCommands(auth, params.id, query.status, page), page, presentCommand);
    },
  });
  api.route({
    method: "get",
    path: "/v1/incidents",
    operationId: "listIncidents",
    summary: "List incidents, newest first",
    tag: "Incidents",
    scope: "plugins:read",
    query: listIncidentsQuery,
    response: listOf(incidentSchema, "IncidentList"),
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const rows = await plugins.listIncidents(auth, { status: query.status, type: query.type, pluginId: query.plugin_id }, page);
      return toListResponse(rows, page, presentIncident);
    },
  });
  api.route({
    method: "get",
    path: "/v1/incidents/:id",
    operationId: "getIncident",
    summary: "Get an incident",
    tag: "Incidents",
    scope: "plugins:read",
    params: idParams,
    response: incidentSchema,
    handler: async ({ params, auth }) => presentIncident(await plugins.getIncident(auth, params.id)),
  });
}
