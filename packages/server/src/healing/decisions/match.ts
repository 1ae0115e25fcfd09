import type { IncidentRow } from "../../agents/incident-store.js";
import { compilePattern } from "../rules/pattern.js";
import type { RuleRow } from "../rules/store.js";

/** What rules are matched against. */
export interface IncidentFacts {
  incident: Pick<IncidentRow, "type" | "summary">;
  platform: string;
  plugin: string;
  errors: ReadonlyArray<{ code?: string | undefined; message: string }>;
}

/** Whether every condition the rule sets holds for these facts. */
export function ruleMatches(rule: Pick<RuleRow, "match">, facts: IncidentFacts): boolean {
  const match = rule.match;
  if (match.incident_types && !match.incident_types.some((type) => type === facts.incident.type)) return false;
  if (match.platforms && !match.platforms.includes(facts.platform)) return false;
  if (match.plugins && !match.plugins.includes(facts.plugin)) return false;
  if (match.error_codes && !facts.errors.some((error) => error.code !== undefined && match.error_codes?.includes(error.code))) return false;
  if (match.message_pattern !== undefined) {
    const matches = compilePattern(match.message_pattern);
    if (![facts.incident.summary, ...facts.errors.map((error) => error.message)].some((text) => matches(text))) return false;
  }
  return true;
}

/** The matching rule with the highest confidence (the oldest on a tie), if any. */
export function bestRule<R extends Pick<RuleRow, "match" | "confidence">>(rules: readonly R[], facts: IncidentFacts): R | undefined {
  let best: R | undefined;
  for (const rule of rules) if (ruleMatches(rule, facts) && (best === undefined || rule.confidence > best.confidence)) best = rule;
  return best;
}
