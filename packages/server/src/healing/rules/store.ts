import type { Queryable } from "../../db/database.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { AccountScope } from "../../http/auth/account-scope.js";
import type { HealingAction, RuleMatch } from "./rule.js";

/** A healing rule as stored. */
export type RuleRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  name: string;
  match: RuleMatch;
  action: HealingAction;
  confidence: number;
  auto_apply: boolean;
  enabled: boolean;
  successes: number;
  failures: number;
  created_at: Date;
  updated_at: Date;
};

/** The fields a create or an update writes. */
export type RuleFields = Pick<RuleRow, "name" | "match" | "action" | "confidence" | "auto_apply" | "enabled">;

const COLUMNS = "id, account_id, livemode, name, match, action, confidence, auto_apply, enabled, successes, failures, created_at, updated_at";

/** Inserts a rule. */
export async function insertRule(tx: Queryable, rule: RuleFields & Pick<RuleRow, "id" | "account_id" | "livemode">): Promise<RuleRow> {
  const { rows } = await tx.query<RuleRow>(
    `insert into healing_rules (id, account_id, livemode, name, match, action, confidence, auto_apply, enabled)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [rule.id, rule.account_id, rule.livemode, rule.name, JSON.stringify(rule.match), JSON.stringify(rule.action), rule.confidence, rule.auto_apply, rule.enabled],
  );
  return rows[0] as RuleRow;
}

/** Writes `fields` over a rule. */
export async function updateRule(tx: Queryable, id: string, fields: RuleFields): Promise<RuleRow> {
  const { rows } = await tx.query<RuleRow>(
    `update healing_rules set name = $2, match = $3, action = $4, confidence = $5, auto_apply = $6, enabled = $7, updated_at = now()
      where id = $1 returning ${COLUMNS}`,
    [id, fields.name, JSON.stringify(fields.match), JSON.stringify(fields.action), fields.confidence, fields.auto_apply, fields.enabled],
  );
  return rows[0] as RuleRow;
}

/** One rule of the scope; `forUpdate` locks it. */
export async function findRule(db: Queryable, scope: AccountScope, id: string, forUpdate = false): Promise<RuleRow | undefined> {
  const { rows } = await db.query<RuleRow>(
    `select ${COLUMNS} from healing_rules where id = $1 and account_id = $2 and livemode = $3 ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode],
  );
  return rows[0];
}

/** One page of the scope's rules, newest first. */
export async function listRules(db: Queryable, scope: AccountScope, page: PageRequest): Promise<RuleRow[]> {
  const tail = pageSql(page, "id", 3);
  const { rows } = await db.query<RuleRow>(`select ${COLUMNS} from healing_rules where account_id = $1 and livemode = $2 ${tail.sql}`, [
    scope.accountId,
    scope.livemode,
    ...tail.params,
  ]);
  return rows;
}

/** Every enabled rule of an account and mode, for the decision engine. */
export async function enabledRules(db: Queryable, scope: AccountScope): Promise<RuleRow[]> {
  const { rows } = await db.query<RuleRow>(`select ${COLUMNS} from healing_rules where account_id = $1 and livemode = $2 and enabled order by id`, [
    scope.accountId,
    scope.livemode,
  ]);
  return rows;
}
