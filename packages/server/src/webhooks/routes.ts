import type { WebhookConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { Registry } from "prom-client";
import type { ApiRouter } from "../http/api-router.js";
import type { Logger } from "../logger.js";
import { createDeliveryAgent } from "./delivery/index.js";
import { EndpointService } from "./endpoints/service.js";
import { registerEndpointRoutes } from "./endpoints/routes.js";
import { EventTypeService } from "./event-types/service.js";
import { registerEventTypeRoutes } from "./event-types/routes.js";
import { EventService } from "./events/service.js";
import { registerEventRoutes } from "./events/routes.js";
import { MessageService } from "./messages/service.js";
import { registerMessageRoutes } from "./messages/routes.js";
import { Deliverer } from "./worker/deliver.js";
import { createDeliveryMetrics } from "./worker/metrics.js";

/** What the webhook API needs. */
export interface WebhookApiDependencies {
  db: Database;
  config: WebhookConfig;
  secretKey: Uint8Array;
  logger: Logger;
  /** Sends test deliveries (`POST /v1/webhook_endpoints/:id/test`); servers pass the process's own. */
  deliverer?: Deliverer | undefined;
}

/** Registers the event, event type, webhook endpoint and webhook message routes. */
export function registerWebhookRoutes(api: ApiRouter, deps: WebhookApiDependencies): void {
  registerEventTypeRoutes(api, new EventTypeService(deps.db));
  registerEventRoutes(api, new EventService(deps.db));
  registerEndpointRoutes(api, new EndpointService(deps.db, deps.secretKey, deps.config));
  const deliverer =
    deps.deliverer ??
    new Deliverer(
      deps.db,
      deps.secretKey,
      createDeliveryAgent({ allowPrivate: deps.config.allowPrivate }),
      deps.config,
      createDeliveryMetrics(new Registry(), deps.db),
      deps.logger,
    );
  registerMessageRoutes(api, new MessageService(deps.db, deliverer, deps.config), deps.config.replayRatePerSecond);
}
