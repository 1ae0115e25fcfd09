import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../db/database.js";
import { requestState } from "./request-state.js";

/** One server instance's metrics, in its own registry so several servers can share a process. */
export interface HttpMetrics {
  registry: Registry;
  /** Records one finished request under its route pattern. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** Creates the registry with request counters, latency histograms, process and pool gauges. */
export function createHttpMetrics(db: Database): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "relais_" });
  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({ name: "relais_http_requests_total", help: "HTTP requests by route pattern and status", labelNames, registers: [registry] });
  const latency = new Histogram({
    name: "relais_http_request_duration_seconds",
    help: "HTTP request latency by route pattern and status",
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  if (db.poolStats) {
    const stats = db.poolStats.bind(db);
    new Gauge({
      name: "relais_db_pool_connections",
      help: "Database pool connections by state",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const current = stats();
        this.set({ state: "total" }, current.total);
        this.set({ state: "idle" }, current.idle);
        this.set({ state: "waiting" }, current.waiting);
      },
    });
  }
  return {
    registry,
    observe(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
  };
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsHandler(metrics: HttpMetrics): RequestHandler {
  return async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

/** The route pattern a finished request matched (`unmatched` for 404s), never the raw path. */
export function routeLabel(req: Parameters<RequestHandler>[0]): string {
  const state = requestState(req);
  if (state.route) return state.route;
  const pattern: unknown = req.route?.path;
  return typeof pattern === "string" ? `${req.baseUrl}${pattern}` : "unmatched";
}
