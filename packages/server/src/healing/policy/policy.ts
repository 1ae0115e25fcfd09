import { INCIDENT_SEVERITIES, type IncidentSeverity } from "../../agents/incident-store.js";
import { z } from "../../http/zod.js";

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "must be HH:MM (UTC)" });

const approvalCount = z.number().int().min(0).max(5);

// Each field as stored and answered; the request schema adds the defaults.
const fields = {
  kill_switch: z.boolean().openapi({ description: "Stops every automatic action at once; decisions are still recorded." }),
  allowed_platforms: z.array(z.string().min(1).max(32)).max(20).openapi({ description: "Platforms where fixes may auto-apply; empty: all." }),
  allowed_plugins: z.array(z.string().min(1).max(100)).max(100).openapi({ description: "Plugin names where fixes may auto-apply; empty: all." }),
  max_auto_severity: z.enum(INCIDENT_SEVERITIES).openapi({ description: "The most severe incident a fix may auto-apply for." }),
  min_confidence: z.number().min(0).max(1),
  canary_percent: z.number().int().min(1).max(100),
  canary_duration_s: z.number().int().min(30).max(86_400),
  maintenance_windows: z
    .array(z.strictObject({ days: z.array(z.number().int().min(0).max(6)).min(1).max(7), start: clock, end: clock }))
    .max(20)
    .openapi({ description: "UTC windows (days 0 = Sunday) in which fixes may auto-apply; empty: any time." }),
};
const approvalsDescription = { description: "Distinct operators who must approve each action type before it runs (0: none)." };

/** The ops policy document as a PUT sends it: what may be applied without a person, and how (absent fields: defaults). */
export const policySchema = z
  .strictObject({
    kill_switch: fields.kill_switch.default(false),
    allowed_platforms: fields.allowed_platforms.default([]),
    allowed_plugins: fields.allowed_plugins.default([]),
    max_auto_severity: fields.max_auto_severity.default("medium"),
    min_confidence: fields.min_confidence.default(0.85),
    canary_percent: fields.canary_percent.default(10),
    canary_duration_s: fields.canary_duration_s.default(90),
    approvals: z
      .strictObject({ config: approvalCount.default(0), update: approvalCount.default(2), rollback: approvalCount.default(0) })
      .default({ config: 0, update: 2, rollback: 0 })
      .openapi(approvalsDescription),
    maintenance_windows: fields.maintenance_windows.default([]),
  })
  .openapi("OpsPolicyInput");

/** The same document as the server answers it: every field present. */
export const policyOutputSchema = z
  .object({ ...fields, approvals: z.object({ config: approvalCount, update: approvalCount, rollback: approvalCount }).openapi(approvalsDescription) })
  .openapi("OpsPolicy");

/** An ops policy with every default filled in. */
export type OpsPolicy = z.output<typeof policySchema>;

/** The policy of an account that never set one. */
export const DEFAULT_POLICY: OpsPolicy = policySchema.parse({});

/** What the policy says of one decision. */
export interface Verdict {
  /** May it run now without a person. */
  auto_apply: boolean;
  /** Distinct operators who must approve it first (0: none). */
  approvals_required: number;
  /** Every reason it may not run on its own (empty when it may). */
  reasons: string[];
}

/** The facts of a decision the policy judges. */
export interface Proposal {
  action: "config" | "update" | "rollback" | "notify";
  confidence: number;
  severity: IncidentSeverity;
  platform: string;
  plugin: string;
  /** For decisions from rules: whether the rule allows auto-apply at all. */
  ruleAllowsAuto: boolean;
}

/** True when `now` is in one of the policy's maintenance windows, or it has none. */
export function inWindow(policy: OpsPolicy, now: Date): boolean {
  if (policy.maintenance_windows.length === 0) return true;
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const toMinutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
  return policy.maintenance_windows.some((window) => {
    if (!window.days.includes(now.getUTCDay())) return false;
    const start = toMinutes(window.start);
    const end = toMinutes(window.end);
    // A window whose end is before its start runs over midnight.
    return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  });
}

/**
 * Judges a proposed action. `notify` changes nothing on the plugin and is always allowed; any
 * other action runs on its own only when no rule below says no: the kill switch, the
 * platform/plugin allow-lists, the severity cap, the confidence floor, the rule's own
 * `auto_apply`, the maintenance windows, and the approvals its type needs.
 */
export function judge(policy: OpsPolicy, proposal: Proposal, now: Date = new Date()): Verdict {
  if (proposal.action === "notify") return { auto_apply: true, approvals_required: 0, reasons: [] };
  const reasons: string[] = [];
  if (policy.kill_switch) reasons.push("the kill switch is on");
  if (policy.allowed_platforms.length > 0 && !policy.allowed_platforms.includes(proposal.platform)) reasons.push(`platform ${proposal.platform} is not allowed`);
  if (policy.allowed_plugins.length > 0 && !policy.allowed_plugins.includes(proposal.plugin)) reasons.push(`plugin ${proposal.plugin} is not allowed`);
  if (INCIDENT_SEVERITIES.indexOf(proposal.severity) > INCIDENT_SEVERITIES.indexOf(policy.max_auto_severity)) {
    reasons.push(`severity ${proposal.severity} is above ${policy.max_auto_severity}`);
  }
  if (proposal.confidence < policy.min_confidence) reasons.push(`confidence ${proposal.confidence} is below ${policy.min_confidence}`);
  if (!proposal.ruleAllowsAuto) reasons.push("the rule does not allow auto-apply");
  if (!inWindow(policy, now)) reasons.push("outside the maintenance windows");
  const approvals = policy.approvals[proposal.action];
  if (approvals > 0) reasons.push(`${proposal.action} needs ${approvals} approval${approvals === 1 ? "" : "s"}`);
  return { auto_apply: reasons.length === 0, approvals_required: approvals, reasons };
}
