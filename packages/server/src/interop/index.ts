import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import type { Router } from "express";
import type { InteropConfig } from "../config.js";
import type { Database } from "../db/database.js";
import type { ApiRouter } from "../http/api-router.js";
import type { Logger } from "../logger.js";
import { registerConnectorRoutes } from "./connectors/routes.js";
import { ConnectorService } from "./connectors/service.js";
import { registerInboundEventRoutes } from "./events/routes.js";
import { InboundEventService } from "./events/service.js";
import { ConnectorCache } from "./ingest/connector-cache.js";
import { createIngestRouter } from "./ingest/router.js";
import { IngestService } from "./ingest/service.js";
import { registerMappingRoutes } from "./mappings/routes.js";
import { MappingService } from "./mappings/service.js";

/**
 * Interop: registers the operator routes (connectors, mappings, inbound events, stats) on `api`
 * and returns the router of the ingest URL, which the HTTP app mounts before API-key authentication.
 */
export function registerInterop(
  api: ApiRouter,
  registry: OpenAPIRegistry,
  deps: { db: Database; secretKey: Uint8Array; config: InteropConfig; logger: Logger },
): Router {
  const cache = new ConnectorCache(deps.db, deps.secretKey, deps.config.connectorCacheMs);
  registerMappingRoutes(api, new MappingService(deps.db, () => cache.clear()));
  registerConnectorRoutes(api, new ConnectorService(deps.db, deps.secretKey, (id) => cache.evict(id)), deps.config.publicUrl);
  registerInboundEventRoutes(api, new InboundEventService(deps.db, cache));
  return createIngestRouter(new IngestService(deps.db, cache, deps.logger), registry, deps.config.bodyLimitBytes);
}
