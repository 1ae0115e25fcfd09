import { type ChangeContext, recordChange } from "../../audit/change.js";
import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { ApiError, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { accountScope } from "../../http/auth/account-scope.js";
import { compilePattern, InvalidPatternError } from "./pattern.js";
import { findRule, insertRule, listRules, type RuleFields, type RuleRow, updateRule } from "./store.js";

/** 400 unless the rule's message pattern compiles (RE2: linear time, so no ReDoS). */
function checkPattern(fields: RuleFields): RuleFields {
  const pattern = fields.match.message_pattern;
  if (pattern === undefined) return fields;
  try {
    compilePattern(pattern);
  } catch (error) {
    if (!(error instanceof InvalidPatternError)) throw error;
    throw new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [
      { path: "body.match.message_pattern", code: "invalid_pattern", message: `is not a usable RE2 pattern: ${error.message}` },
    ]);
  }
  return fields;
}

/** Healing rules per account and mode, audited. */
export class RuleService {
  constructor(private readonly db: Database) {}

  create(context: ChangeContext, fields: RuleFields): Promise<RuleRow> {
    const scope = accountScope(context.auth);
    const checked = checkPattern(fields);
    return this.db.transaction(async (tx) => {
      const rule = await insertRule(tx, { id: newId("hr"), account_id: scope.accountId, livemode: scope.livemode, ...checked });
      await recordChange(tx, context, { action: "healing_rule.created", targetId: rule.id, before: null, after: rule });
      return rule;
    });
  }

  update(context: ChangeContext, id: string, patch: Partial<RuleFields>): Promise<RuleRow> {
    const scope = accountScope(context.auth);
    return this.db.transaction(async (tx) => {
      const before = await findRule(tx, scope, id, true);
      if (!before) throw notFound("healing rule", id);
      const fields = checkPattern({
        name: patch.name ?? before.name,
        match: patch.match ?? before.match,
        action: patch.action ?? before.action,
        confidence: patch.confidence ?? before.confidence,
        auto_apply: patch.auto_apply ?? before.auto_apply,
        enabled: patch.enabled ?? before.enabled,
      });
      const after = await updateRule(tx, id, fields);
      await recordChange(tx, context, { action: "healing_rule.updated", targetId: id, before, after });
      return after;
    });
  }

  async get(auth: AuthContext, id: string): Promise<RuleRow> {
    const rule = await findRule(this.db, accountScope(auth), id);
    if (!rule) throw notFound("healing rule", id);
    return rule;
  }

  list(auth: AuthContext, page: PageRequest): Promise<RuleRow[]> {
    return listRules(this.db, accountScope(auth), page);
  }
}
