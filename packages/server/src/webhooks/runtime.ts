import type { Registry } from "prom-client";
import type { Agent } from "undici";
import type { ServerConfig } from "../config.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../logger.js";
import { type AddressPolicy, createDeliveryAgent, type ResolveHost } from "./delivery/index.js";
import { startEventRetention } from "./events/retention.js";
import { Deliverer } from "./worker/deliver.js";
import { createDeliveryMetrics } from "./worker/metrics.js";
import { DeliveryWorker } from "./worker/worker.js";

/** Test hooks for the delivery agent: resolve names and judge addresses differently. */
export interface DeliveryOverrides {
  lookup?: ResolveHost;
  addressPolicy?: AddressPolicy;
}

/** The delivery machinery of one process: one guarded agent, the deliverer, and (for workers) the worker. */
export interface WebhookRuntime {
  deliverer: Deliverer;
  /** Starts the worker and the retention job when the role runs background work. */
  start(): Promise<void>;
  /** Stops the worker (bounded) and closes the agent. */
  close(): Promise<void>;
}

/** Builds the delivery machinery; nothing runs until `start`. */
export function createWebhookRuntime(
  db: Database,
  config: ServerConfig,
  secretKey: Uint8Array,
  registry: Registry,
  logger: Logger,
  overrides: DeliveryOverrides = {},
): WebhookRuntime {
  const settings = config.webhooks;
  if (settings.allowPrivate) {
    logger.warn("RELAIS_WEBHOOK_ALLOW_PRIVATE is on: webhooks may target http and internal addresses (never in production)");
  }
  // One pooled, SSRF-guarded dispatcher for every delivery of the process.
  const agent: Agent = createDeliveryAgent({ allowPrivate: settings.allowPrivate, connections: 64, ...overrides });
  const deliverer = new Deliverer(db, secretKey, agent, settings, createDeliveryMetrics(registry, db), logger);
  const runsWorker = config.role === "all" || config.role === "worker";
  const worker = runsWorker ? new DeliveryWorker(db, deliverer, settings, logger) : undefined;
  let stopRetention: (() => void) | undefined;
  return {
    deliverer,
    async start() {
      if (!worker) return;
      await worker.start();
      stopRetention = startEventRetention(db, logger, settings.eventRetentionDays);
    },
    async close() {
      stopRetention?.();
      await worker?.stop(Math.min(config.shutdownTimeoutMs, settings.timeoutMs + 5_000));
      await agent.close().catch(() => undefined);
    },
  };
}
