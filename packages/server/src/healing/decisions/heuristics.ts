import type { HealingAction } from "../rules/rule.js";

/** A built-in proposal for an incident type when neither the service nor a rule has one. */
export interface Heuristic {
  action: HealingAction;
  confidence: number;
  explanation: string;
}

/**
 * The last resort: proposals that change nothing on the plugin (notify an operator), with a
 * confidence saying how sure it is that a person is needed. Patching without a rule or the
 * service would be a guess; these say so.
 */
export function heuristicFor(incidentType: string): Heuristic {
  const notify = { type: "notify", params: {} } as const;
  switch (incidentType) {
    case "missed_heartbeats":
      return { action: notify, confidence: 0.9, explanation: "The instance is silent: nothing can be sent to it; an operator should check the shop." };
    case "webhook_failures":
      return { action: notify, confidence: 0.7, explanation: "Webhooks keep failing: usually the receiving side or credentials, which a plugin patch does not fix." };
    case "plugin_error":
      return { action: notify, confidence: 0.6, explanation: "The plugin reported an error no rule matches: an operator should look, and add a rule if it recurs." };
    default:
      return { action: notify, confidence: 0.5, explanation: `No rule matches this ${incidentType} incident and no decision service answered.` };
  }
}
