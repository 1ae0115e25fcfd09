import type { Queryable } from "../../db/database.js";
import type { Verdict } from "../policy/policy.js";
import type { HealingAction } from "../rules/rule.js";

/** Where a decision came from. */
export type DecisionSource = "remote" | "rules" | "heuristic";

/** A decision as stored (append-only). */
export type DecisionRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  incident_id: string;
  source: DecisionSource;
  action: HealingAction;
  confidence: number;
  explanation: string;
  rule_id: string | null;
  inputs: Record<string, unknown>;
  remote_error: string | null;
  verdict: Verdict;
  created_at: Date;
};

const COLUMNS = "id, account_id, livemode, incident_id, source, action, confidence, explanation, rule_id, inputs, remote_error, verdict, created_at";

/** Records a decision. */
export async function insertDecision(db: Queryable, decision: Omit<DecisionRow, "created_at">): Promise<DecisionRow> {
  const { rows } = await db.query<DecisionRow>(
    `insert into healing_decisions (id, account_id, livemode, incident_id, source, action, confidence, explanation, rule_id, inputs, remote_error, verdict)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning ${COLUMNS}`,
    [
      decision.id,
      decision.account_id,
      decision.livemode,
      decision.incident_id,
      decision.source,
      JSON.stringify(decision.action),
      decision.confidence,
      decision.explanation,
      decision.rule_id,
      JSON.stringify(decision.inputs),
      decision.remote_error,
      JSON.stringify(decision.verdict),
    ],
  );
  return rows[0] as DecisionRow;
}

/** An incident's decisions, oldest first. */
export async function decisionsOf(db: Queryable, incidentId: string): Promise<DecisionRow[]> {
  const { rows } = await db.query<DecisionRow>(`select ${COLUMNS} from healing_decisions where incident_id = $1 order by id`, [incidentId]);
  return rows;
}
