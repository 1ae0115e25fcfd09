import type { RequestHandler } from "express";
import type { Logger } from "../logger.js";
import { type HttpMetrics, routeLabel } from "./metrics.js";
import { requestState } from "./request-state.js";

/**
 * One log line and one metrics sample per finished request: request id, method, route pattern,
 * status, latency and the key's visible prefix. Never headers, bodies or secrets.
 */
export function requestLog(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    res.on("finish", () => {
      const state = requestState(req);
      const seconds = Number(process.hrtime.bigint() - state.startedAt) / 1e9;
      const route = routeLabel(req);
      metrics.observe(req.method, route, res.statusCode, seconds);
      const level = res.statusCode >= 500 ? "error" : "info";
      logger[level](
        {
          request_id: state.requestId,
          method: req.method,
          route,
          status: res.statusCode,
          latency_ms: Math.round(seconds * 1e6) / 1e3,
          key_prefix: state.auth?.keyPrefix ?? undefined,
          actor: state.auth ? `${state.auth.actor.type}:${state.auth.actor.id}` : undefined,
        },
        "request",
      );
    });
    next();
  };
}
