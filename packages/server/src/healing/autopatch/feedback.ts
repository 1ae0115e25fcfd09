import type { Queryable } from "../../db/database.js";
import { type DecisionServiceSettings, postSigned } from "../decisions/remote.js";

/**
 * A rule's confidence after an outcome: a success closes 5 % of the gap to 1, a rollback takes
 * 20 % off. Asymmetric on purpose: a bad fix costs a fleet more than a good one gains it, so a
 * rule that rolls back twice falls under the default 0.85 floor from 0.95 and stops auto-applying,
 * while it takes many successes to earn that back.
 */
export function adjustedConfidence(confidence: number, outcome: "succeeded" | "rolled_back"): number {
  const next = outcome === "succeeded" ? confidence + 0.05 * (1 - confidence) : confidence * 0.8;
  return Math.round(Math.min(1, Math.max(0, next)) * 10_000) / 10_000;
}

/** Records an autopatch's outcome on the rule it came from: counts and confidence. */
export async function recordRuleOutcome(tx: Queryable, ruleId: string, outcome: "succeeded" | "rolled_back"): Promise<void> {
  const { rows } = await tx.query<{ confidence: number }>("select confidence from healing_rules where id = $1 for update", [ruleId]);
  const rule = rows[0];
  if (!rule) return;
  await tx.query(
    `update healing_rules set confidence = $2, successes = successes + $3, failures = failures + $4, updated_at = now() where id = $1`,
    [ruleId, adjustedConfidence(rule.confidence, outcome), outcome === "succeeded" ? 1 : 0, outcome === "rolled_back" ? 1 : 0],
  );
}

/** What the decision service is told when an autopatch ends: `type` tells it from a decision request. */
export interface OutcomeReport {
  type: "autopatch.outcome";
  autopatch_id: string;
  decision_id: string | null;
  incident_id: string | null;
  rule_id: string | null;
  action: unknown;
  outcome: "completed" | "rolled_back";
  reason: string | null;
  attempts: { succeeded: number; failed: number; rolled_back: number };
}

/**
 * Sends an outcome to the decision service (same URL and Standard Webhooks signature as the
 * decision requests), so a learning service can weigh its next answers. Best effort: the answer
 * is ignored and a failure only returns its reason.
 */
export async function reportOutcome(settings: DecisionServiceSettings, report: OutcomeReport): Promise<string | null> {
  const body = JSON.stringify(report);
  try {
    const response = await postSigned(settings, body);
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 300 ? null : `HTTP ${response.statusCode}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
