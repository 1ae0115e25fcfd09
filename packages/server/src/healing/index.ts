import type { Database } from "../db/database.js";
import type { ApiRouter } from "../http/api-router.js";
import { registerAutopatchRoutes } from "./autopatch/routes.js";
import { AutopatchService } from "./autopatch/service.js";
import { registerDecisionRoutes } from "./decisions/routes.js";
import { registerPolicyRoutes } from "./policy/routes.js";
import { registerRuleRoutes } from "./rules/routes.js";
import { RuleService } from "./rules/service.js";
import { registerStatsRoutes } from "./stats/routes.js";

export { DecisionEngine } from "./decisions/engine.js";
export { runDetection, startDetection } from "./detection/job.js";
export { AutopatchService } from "./autopatch/service.js";
export { runRollouts, startRollouts, type RolloutReport } from "./autopatch/rollout.js";

/** Self-healing's operator routes: healing rules, the ops policy, incident decisions, autopatches and the KPIs. */
export function registerHealing(api: ApiRouter, db: Database): void {
  registerRuleRoutes(api, new RuleService(db));
  registerPolicyRoutes(api, db);
  registerDecisionRoutes(api, db);
  registerAutopatchRoutes(api, new AutopatchService(db));
  registerStatsRoutes(api, db);
}
