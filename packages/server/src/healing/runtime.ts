import type { Registry } from "prom-client";
import { CommandSigner } from "../agents/signing.js";
import type { ServerConfig } from "../config.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../logger.js";
import { startRollouts } from "./autopatch/rollout.js";
import { AutopatchService } from "./autopatch/service.js";
import { DecisionEngine } from "./decisions/engine.js";
import { startDetection } from "./detection/job.js";
import { registerHealingMetrics } from "./metrics.js";

/**
 * Self-healing's background work on worker roles: incident detection with decisions and
 * autopatch proposals every monitor interval, and rollouts every autopatch interval. Its metrics
 * go to `registry` on every role. Returns a function that stops the jobs.
 */
export function startHealing(db: Database, config: ServerConfig, secretEncryption: Uint8Array, registry: Registry, logger: Logger): () => void {
  const observe = registerHealingMetrics(registry, db);
  if (config.role === "api") return () => {};
  const stopDetection = startDetection(
    db,
    new DecisionEngine(db, config.decisionService),
    logger,
    config.agents.monitorIntervalS * 1000,
    new AutopatchService(db),
  );
  const stopRollouts = startRollouts(
    db,
    { signer: new CommandSigner(secretEncryption), decisionService: config.decisionService, logger },
    config.agents.autopatchIntervalS * 1000,
    observe,
  );
  return () => {
    stopDetection();
    stopRollouts();
  };
}
