import express, { type Express } from "express";
import type { Api } from "../api.js";
import type { ServerConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { healthRoutes, type ReadinessCheck } from "../health/routes.js";
import type { Logger } from "../logger.js";
import { authenticate, requireAuthentication } from "./auth/authenticate.js";
import { jsonBody } from "./body.js";
import { idempotency } from "./idempotency.js";
import { createHttpMetrics, type HttpMetrics, metricsHandler } from "./metrics.js";
import { openApiHandler } from "./openapi.js";
import { errorHandler, notFoundHandler } from "./problem.js";
import { rateLimit, requestRules } from "./rate-limit.js";
import type { SharedRateCounter } from "./rate-counter.js";
import { requestIdMiddleware } from "./request-id.js";
import { requestLog } from "./request-log.js";
import { cors, securityHeaders } from "./security.js";

/** What the HTTP application needs from the process that hosts it. */
export interface AppDependencies {
  logger: Logger;
  db: Database;
  config: ServerConfig;
  api: Api;
  /** Rate-limit counters; the host flushes them at shutdown. */
  rateCounter: SharedRateCounter;
  version: string;
  checkReadiness: ReadinessCheck;
  /** The process's metrics registry, when other parts (webhook delivery) register metrics too. */
  metrics?: HttpMetrics;
}

/**
 * Builds the Express application. Order matters: request id and logging first (every response
 * has an id and a log line), then headers, ops endpoints, and for `/v1` authentication, the
 * rate limits (IP and caller in one count), the 401 if authentication failed, the JSON body,
 * idempotency, and finally the routes.
 */
export function createApp(deps: AppDependencies): Express {
  const { config, db, logger } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", config.trustProxyHops > 0 ? config.trustProxyHops : false);
  const metrics = deps.metrics ?? createHttpMetrics(db);

  app.use(requestIdMiddleware());
  app.use(requestLog(logger, metrics));
  app.use(securityHeaders());
  app.use(cors(config.corsOrigins));
  app.use(healthRoutes(deps.checkReadiness));
  app.get("/metrics", metricsHandler(metrics));
  app.get("/openapi.json", openApiHandler(deps.api.registry, deps.version));

  // Agents authenticate with their own credentials; only the IP rate limit applies before.
  app.use("/v1/agent", rateLimit(deps.rateCounter, requestRules(config.rateLimits)));
  app.use(deps.api.agentRouter);
  // Platforms authenticate with their signatures. No IP limit: a platform delivers a shop's
  // whole traffic from a few addresses, and a throttled order is an order retried late.
  app.use(deps.api.ingestRouter);
  app.use(
    "/v1",
    authenticate(deps.api.keyVerifier, deps.api.jwtVerifier),
    rateLimit(deps.rateCounter, requestRules(config.rateLimits)),
    requireAuthentication,
    ...jsonBody(config.bodyLimitBytes),
    idempotency(db, logger),
  );
  app.use(deps.api.api.router);
  app.use(notFoundHandler);
  app.use(errorHandler((error) => logger.error({ err: error }, "unhandled error")));
  return app;
}
