import express, { type Express } from "express";
import type { Logger } from "../logger.js";
import { healthRoutes, type ReadinessCheck } from "../health/routes.js";
import { errorHandler, notFoundHandler } from "./problem.js";

/** What the HTTP application needs from the process that hosts it. */
export interface AppDependencies {
  logger: Logger;
  checkReadiness: ReadinessCheck;
}

/** Builds the Express application: ops endpoints, then the API, then problem+json fallbacks. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(healthRoutes(deps.checkReadiness));
  app.use(notFoundHandler);
  app.use(errorHandler((error) => deps.logger.error({ err: error }, "unhandled error")));
  return app;
}
