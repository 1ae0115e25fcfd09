import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import type { Router } from "express";
import { registerAgents } from "./agents/index.js";
import { accountLookup } from "./accounts/account-lookup.js";
import { registerAccountRoutes } from "./accounts/routes.js";
import { registerApiKeyRoutes } from "./api-keys/routes.js";
import { ApiKeyService } from "./api-keys/service.js";
import { ApiKeyVerifier } from "./api-keys/verifier.js";
import { registerAppRoutes } from "./apps/routes.js";
import { AppService } from "./apps/service.js";
import { registerAuditRoutes } from "./audit/routes.js";
import type { ServerConfig } from "./config.js";
import type { ServerKeys } from "./crypto/keys.js";
import type { Database } from "./db/database.js";
import { ApiRouter } from "./http/api-router.js";
import { registerHealing } from "./healing/index.js";
import { registerInterop } from "./interop/index.js";
import { createJwtVerifier, type JwtVerifier } from "./http/auth/jwt.js";
import { createOpenApiRegistry } from "./http/openapi.js";
import type { Logger } from "./logger.js";
import { registerWebhookRoutes } from "./webhooks/routes.js";
import type { Deliverer } from "./webhooks/worker/deliver.js";

/** What the `/v1` API needs from the process. */
export interface ApiDependencies {
  db: Database;
  config: ServerConfig;
  keys: ServerKeys;
  logger: Logger;
  /** Sends webhook test deliveries through the process's one guarded dispatcher (default: a dispatcher of its own). */
  webhookDeliverer?: Deliverer;
}

/** The `/v1` operations, the credential checkers they rely on, and their OpenAPI registry. */
export interface Api {
  api: ApiRouter;
  registry: OpenAPIRegistry;
  keyVerifier: ApiKeyVerifier;
  jwtVerifier: JwtVerifier | undefined;
  /** `/v1/agent/*`, authenticated with agent credentials: mounted before API-key authentication. */
  agentRouter: Router;
  /** `/v1/interop/ingest/:connector_id`, authenticated by platform signatures: mounted before API-key authentication. */
  ingestRouter: Router;
}

/** Builds every domain of the API; a new domain registers its routes here. */
export function buildApi(deps: ApiDependencies): Api {
  const registry = createOpenApiRegistry();
  const api = new ApiRouter(registry);
  const keyVerifier = new ApiKeyVerifier(deps.db, deps.keys.apiKeyHashing, deps.config.keyCacheTtlMs, deps.logger);
  const jwtVerifier = deps.config.jwt ? createJwtVerifier(deps.config.jwt, accountLookup(deps.db)) : undefined;

  registerAccountRoutes(api, deps.db);
  registerAppRoutes(api, new AppService(deps.db, (keyIds) => keyVerifier.evict(keyIds)));
  registerApiKeyRoutes(api, new ApiKeyService(deps.db, deps.keys.apiKeyHashing, keyVerifier));
  registerAuditRoutes(api, deps.db);
  registerWebhookRoutes(api, {
    db: deps.db,
    config: deps.config.webhooks,
    secretKey: deps.keys.secretEncryption,
    logger: deps.logger,
    deliverer: deps.webhookDeliverer,
  });
  const agentRouter = registerAgents(api, registry, { db: deps.db, keys: deps.keys, settings: deps.config.agents });
  registerHealing(api, deps.db);
  const ingestRouter = registerInterop(api, registry, {
    db: deps.db,
    secretKey: deps.keys.secretEncryption,
    config: deps.config.interop,
    logger: deps.logger,
  });
  return { api, registry, keyVerifier, jwtVerifier, agentRouter, ingestRouter };
}
