import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import type { Router } from "express";
import type { ServerKeys } from "../crypto/keys.js";
import type { Database } from "../db/database.js";
import type { ApiRouter } from "../http/api-router.js";
import { createAgentRouter } from "./agent-routes.js";
import { EnrolmentService } from "./enrolment-service.js";
import { HeartbeatService } from "./heartbeat-service.js";
import { PluginService } from "./plugin-service.js";
import { registerEnrolmentTokenRoutes, registerPluginRoutes } from "./routes.js";
import { AgentCredentialHasher } from "./secrets.js";
import { CommandSigner } from "./signing.js";

/** Settings of the plugin control plane (`RELAIS_AGENT_*`). */
export interface AgentSettings {
  heartbeatIntervalS: number;
  bodyLimitBytes: number;
}

/**
 * The plugin control plane: registers the operator routes on `api` and returns the router of
 * the agent-credential routes, which the HTTP app mounts at `/v1/agent`.
 */
export function registerAgents(
  api: ApiRouter,
  registry: OpenAPIRegistry,
  deps: { db: Database; keys: ServerKeys; settings: AgentSettings },
): Router {
  const hasher = new AgentCredentialHasher(deps.keys.apiKeyHashing);
  const signer = new CommandSigner(deps.keys.secretEncryption);
  const enrolment = new EnrolmentService(deps.db, hasher, signer, deps.keys.secretEncryption, deps.settings.heartbeatIntervalS);
  registerEnrolmentTokenRoutes(api, enrolment);
  registerPluginRoutes(api, new PluginService(deps.db, signer));
  return createAgentRouter({
    db: deps.db,
    registry,
    enrolment,
    heartbeats: new HeartbeatService(deps.db, hasher, deps.settings.heartbeatIntervalS),
    hasher,
    bodyLimitBytes: deps.settings.bodyLimitBytes,
  });
}
