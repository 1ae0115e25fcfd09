import type { IncidentRow } from "../../agents/incident-store.js";
import type { Queryable } from "../../db/database.js";
import { newId } from "../../ids.js";
import { judge } from "../policy/policy.js";
import { readPolicy } from "../policy/store.js";
import { enabledRules } from "../rules/store.js";
import { heuristicFor } from "./heuristics.js";
import { bestRule, type IncidentFacts } from "./match.js";
import { askDecisionService, type DecisionServiceSettings } from "./remote.js";
import { type DecisionRow, insertDecision } from "./store.js";

/** What a decision is made from: the incident, the plugin it is about, and its latest errors. */
export interface DecisionInput {
  incident: IncidentRow;
  plugin: { name: string; version: string; platform: string };
  errors: Array<{ code?: string | undefined; message: string; count: number }>;
}

/**
 * Decides what to do about an incident and records it: the decision service at
 * `RELAIS_DECISION_URL` first (signed request, time-boxed, answer schema-checked); when it is not
 * configured, slow, failing or talking nonsense, the account's healing rules (best confidence
 * among those that match); when none matches, a built-in heuristic. The ops policy then judges
 * whether the action may run on its own. Every decision records its inputs, source, confidence,
 * explanation, the service's failure if there was one, and the verdict.
 */
export class DecisionEngine {
  constructor(
    private readonly db: Queryable,
    private readonly service: DecisionServiceSettings | undefined,
  ) {}

  async decide(input: DecisionInput, now: Date = new Date()): Promise<DecisionRow> {
    const { incident, plugin } = input;
    const scope = { accountId: incident.account_id, livemode: incident.livemode };
    const inputs = {
      incident: { id: incident.id, type: incident.type, severity: incident.severity, summary: incident.summary, evidence: incident.evidence },
      plugin,
      errors: input.errors,
    };
    const remote = this.service ? await askDecisionService(this.service, inputs) : { ok: false as const, error: "no decision service configured" };
    let proposal: Pick<DecisionRow, "source" | "action" | "confidence" | "explanation" | "rule_id"> & { ruleAllowsAuto: boolean };
    if (remote.ok) {
      proposal = { source: "remote", action: remote.action, confidence: remote.confidence, explanation: remote.explanation, rule_id: null, ruleAllowsAuto: true };
    } else {
      const facts: IncidentFacts = { incident, platform: plugin.platform, plugin: plugin.name, errors: input.errors };
      const rule = bestRule(await enabledRules(this.db, scope), facts);
      if (rule) {
        proposal = {
          source: "rules",
          action: rule.action,
          confidence: rule.confidence,
          explanation: `Rule "${rule.name}" matches this ${incident.type} incident.`,
          rule_id: rule.id,
          ruleAllowsAuto: rule.auto_apply,
        };
      } else {
        const heuristic = heuristicFor(incident.type);
        proposal = { source: "heuristic", ...heuristic, rule_id: null, ruleAllowsAuto: true };
      }
    }
    const { policy } = await readPolicy(this.db, scope);
    const verdict = judge(
      policy,
      {
        action: proposal.action.type,
        confidence: proposal.confidence,
        severity: incident.severity,
        platform: plugin.platform,
        plugin: plugin.name,
        ruleAllowsAuto: proposal.ruleAllowsAuto,
      },
      now,
    );
    return insertDecision(this.db, {
      id: newId("dec"),
      account_id: incident.account_id,
      livemode: incident.livemode,
      incident_id: incident.id,
      source: proposal.source,
      action: proposal.action,
      confidence: proposal.confidence,
      explanation: proposal.explanation,
      rule_id: proposal.rule_id,
      inputs,
      remote_error: remote.ok ? null : remote.error,
      verdict,
    });
  }
}
