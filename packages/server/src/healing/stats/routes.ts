import type { Database } from "../../db/database.js";
import type { ApiRouter } from "../../http/api-router.js";
import { accountScope } from "../../http/auth/account-scope.js";
import { ApiError } from "../../http/problem.js";
import { z } from "../../http/zod.js";
import { healingStats } from "./store.js";

const MAX_WINDOW_MS = 366 * 86_400_000;

const duration = z.object({ count: z.number().int(), mean_seconds: z.number().nullable(), p50_seconds: z.number().nullable() });
const statsSchema = z
  .object({
    object: z.literal("healing_stats"),
    since: z.string().openapi({ format: "date-time" }),
    until: z.string().openapi({ format: "date-time" }),
    opened: z.number().int().openapi({ description: "Incidents opened in the window." }),
    resolved: z.number().int(),
    escalated: z.number().int(),
    active: z.number().int().openapi({ description: "Of those, still open or mitigating." }),
    by_type: z.record(z.string(), z.number().int()),
    time_to_detect: duration.openapi({ description: "From the first anomalous sample to the incident (MTTD)." }),
    time_to_resolve: duration.openapi({ description: "From opening to resolution, for those resolved (MTTR)." }),
    decisions: z.object({ total: z.number().int(), auto_apply: z.number().int(), by_source: z.record(z.string(), z.number().int()) }),
    autopatches: z
      .object({
        finished: z.object({ completed: z.number().int(), rolled_back: z.number().int(), aborted: z.number().int() }),
        attempts: z.object({ total: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), rolled_back: z.number().int() }),
        success_rate: z.number().nullable().openapi({ description: "Succeeded attempts over all attempts that ended in the window." }),
        rollback_rate: z.number().nullable().openapi({ description: "Rolled-back attempts over all attempts that ended in the window." }),
        time_to_repair: duration.openapi({ description: "From an incident's opening to the successful attempt on its instance." }),
      })
      .openapi({ description: "Rollouts and instance attempts that ended in the window." }),
  })
  .openapi("HealingStats");

/** `GET /v1/healing/stats`: what detection and decisions did over a window (default: the last 7 days). */
export function registerStatsRoutes(api: ApiRouter, db: Database): void {
  api.route({
    method: "get",
    path: "/v1/healing/stats",
    operationId: "getHealingStats",
    summary: "Self-healing KPIs over a window: incidents, time to detect, time to resolve, decisions, autopatch success and rollback rates, time to repair",
    tag: "Self-healing",
    scope: "healing:read",
    query: z.strictObject({
      since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Start (default: 7 days before until)." }),
      until: z.iso.datetime({ offset: true }).optional().openapi({ description: "End, exclusive (default: now)." }),
    }),
    response: statsSchema,
    async handler({ query, auth }) {
      const until = query.until ? new Date(query.until) : new Date();
      const since = query.since ? new Date(query.since) : new Date(until.getTime() - 7 * 86_400_000);
      if (until <= since || until.getTime() - since.getTime() > MAX_WINDOW_MS) {
        throw new ApiError(400, "invalid_request", "Invalid request", "The request query is invalid", [
          { path: "query.since", code: "invalid_window", message: "must be before until, at most 366 days apart" },
        ]);
      }
      return { object: "healing_stats", since: since.toISOString(), until: until.toISOString(), ...(await healingStats(db, accountScope(auth), since, until)) } as const;
    },
  });
}
