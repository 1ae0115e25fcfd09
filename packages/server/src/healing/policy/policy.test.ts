import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, judge, type OpsPolicy, policySchema, type Proposal } from "./policy.js";

const proposal: Proposal = { action: "config", confidence: 0.9, severity: "medium", platform: "woocommerce", plugin: "relais-woocommerce", ruleAllowsAuto: true };
const policy = (changes: Partial<OpsPolicy> = {}): OpsPolicy => ({ ...DEFAULT_POLICY, ...changes });

describe("the ops policy", () => {
  it("has safe defaults: 0.85 confidence, medium severity cap, two approvals for updates, 10 % canary for 90 s", () => {
    expect(DEFAULT_POLICY).toEqual({
      kill_switch: false,
      allowed_platforms: [],
      allowed_plugins: [],
      max_auto_severity: "medium",
      min_confidence: 0.85,
      canary_percent: 10,
      canary_duration_s: 90,
      approvals: { config: 0, update: 2, rollback: 0 },
      maintenance_windows: [],
    });
  });

  it("lets a confident, allowed, capped action run on its own", () => {
    expect(judge(policy(), proposal)).toEqual({ auto_apply: true, approvals_required: 0, reasons: [] });
  });

  it.each<[string, Partial<OpsPolicy>, Partial<Proposal>, string]>([
    ["the kill switch", { kill_switch: true }, {}, "the kill switch is on"],
    ["a severity above the cap", {}, { severity: "high" }, "severity high is above medium"],
    ["a confidence below the floor", {}, { confidence: 0.84 }, "confidence 0.84 is below 0.85"],
    ["a platform off the allow-list", { allowed_platforms: ["shopify"] }, {}, "platform woocommerce is not allowed"],
    ["a plugin off the allow-list", { allowed_plugins: ["other"] }, {}, "plugin relais-woocommerce is not allowed"],
    ["a rule without auto_apply", {}, { ruleAllowsAuto: false }, "the rule does not allow auto-apply"],
    ["an action needing approvals", {}, { action: "update" }, "update needs 2 approvals"],
  ])("stops %s, saying why", (_name, changes, proposed, reason) => {
    const verdict = judge(policy(changes), { ...proposal, ...proposed });
    expect(verdict.auto_apply).toBe(false);
    expect(verdict.reasons).toEqual([reason]);
  });

  it("always allows a notice, even with the kill switch on", () => {
    expect(judge(policy({ kill_switch: true }), { ...proposal, action: "notify", severity: "critical", confidence: 0 }).auto_apply).toBe(true);
  });

  it("applies maintenance windows in UTC, including one over midnight", () => {
    const windows = policy({ maintenance_windows: [{ days: [2], start: "22:00", end: "02:00" }] });
    expect(judge(windows, proposal, new Date("2026-12-01T23:30:00Z")).auto_apply).toBe(true); // a Tuesday
    expect(judge(windows, proposal, new Date("2026-12-01T12:00:00Z")).reasons).toEqual(["outside the maintenance windows"]);
    expect(judge(windows, proposal, new Date("2026-12-02T23:30:00Z")).auto_apply).toBe(false); // Wednesday
  });

  it("refuses malformed documents field by field", () => {
    const result = policySchema.safeParse({ min_confidence: 2, maintenance_windows: [{ days: [7], start: "25:00", end: "1:00" }], surprise: true });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")).sort();
    expect(paths).toEqual(["", "maintenance_windows.0.days.0", "maintenance_windows.0.end", "maintenance_windows.0.start", "min_confidence"]);
  });
});
