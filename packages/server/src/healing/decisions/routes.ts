import { findIncident } from "../../agents/incident-store.js";
import type { Database } from "../../db/database.js";
import type { ApiRouter } from "../../http/api-router.js";
import { notFound } from "../../http/problem.js";
import { z } from "../../http/zod.js";
import { actionSchema } from "../rules/rule.js";
import { type DecisionRow, decisionsOf } from "./store.js";

/** The API representation of a decision. */
export const decisionSchema = z
  .object({
    id: z.string().openapi({ example: "dec_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("healing_decision"),
    livemode: z.boolean(),
    incident_id: z.string(),
    source: z.enum(["remote", "rules", "heuristic"]),
    action: actionSchema,
    confidence: z.number(),
    explanation: z.string(),
    rule_id: z.string().nullable(),
    inputs: z.record(z.string(), z.unknown()),
    remote_error: z.string().nullable().openapi({ description: "Why the decision service's answer was not used (null when it was)." }),
    verdict: z.object({ auto_apply: z.boolean(), approvals_required: z.number().int(), reasons: z.array(z.string()) }),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("HealingDecision");

function present(row: DecisionRow): z.input<typeof decisionSchema> {
  return {
    id: row.id,
    object: "healing_decision",
    livemode: row.livemode,
    incident_id: row.incident_id,
    source: row.source,
    action: row.action,
    confidence: row.confidence,
    explanation: row.explanation,
    rule_id: row.rule_id,
    inputs: row.inputs,
    remote_error: row.remote_error,
    verdict: row.verdict,
    created_at: row.created_at.toISOString(),
  };
}

/** `GET /v1/incidents/:id/decisions`: every decision taken about an incident, oldest first. */
export function registerDecisionRoutes(api: ApiRouter, db: Database): void {
  api.route({
    method: "get",
    path: "/v1/incidents/:id/decisions",
    operationId: "listIncidentDecisions",
    summary: "List the decisions taken about an incident (source, action, confidence, explanation, policy verdict)",
    tag: "Self-healing",
    scope: "healing:read",
    params: z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The incident id." } }) }),
    response: z.object({ object: z.literal("list"), data: z.array(decisionSchema), has_more: z.literal(false) }).openapi("HealingDecisionList"),
    async handler({ params: { id }, auth }) {
      const incident = await findIncident(db, { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId }, id);
      if (!incident) throw notFound("incident", id);
      return { object: "list", data: (await decisionsOf(db, id)).map(present), has_more: false } as const;
    },
  });
}
