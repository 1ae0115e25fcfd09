import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** What a healing action does: a config patch, an update or a rollback through the agent, or only a notice. */
export type HealingAction =
  | { type: "config"; params: Record<string, unknown> }
  | { type: "update"; params: { version: string } }
  | { type: "rollback"; params?: Record<string, never> }
  | { type: "notify"; params?: Record<string, never> };

/** Which incidents a rule answers; every condition given must hold. */
export interface HealingRuleMatch {
  incident_types?: Array<"error_spike" | "webhook_failures" | "plugin_error" | "missed_heartbeats">;
  /** At least one reported error has one of these codes. */
  error_codes?: string[];
  /** RE2 syntax (linear time: no backreferences or lookaround), searched in error messages and the incident summary. */
  message_pattern?: string;
  platforms?: string[];
  plugins?: string[];
}

/** A healing rule (`hr_…`). */
export interface HealingRule {
  id: string;
  object: "healing_rule";
  livemode: boolean;
  name: string;
  match: HealingRuleMatch;
  action: HealingAction;
  /** 0 to 1. */
  confidence: number;
  auto_apply: boolean;
  enabled: boolean;
  successes: number;
  failures: number;
  /** ISO 8601 timestamp. */
  created_at: string;
  /** ISO 8601 timestamp. */
  updated_at: string;
}

/** Body of `POST /v1/healing_rules`. */
export interface HealingRuleCreateParams {
  name: string;
  match: HealingRuleMatch;
  action: HealingAction;
  confidence: number;
  /** May a decision from this rule apply without a person, within the ops policy (default false). */
  auto_apply?: boolean;
  enabled?: boolean;
}

/** Body of `PATCH /v1/healing_rules/:id`; only the fields sent change. */
export type HealingRuleUpdateParams = Partial<HealingRuleCreateParams>;

/** The ops policy: what may be applied without a person, and how. */
export interface OpsPolicy {
  kill_switch: boolean;
  /** Empty: all platforms. */
  allowed_platforms: string[];
  /** Empty: all plugins. */
  allowed_plugins: string[];
  max_auto_severity: "low" | "medium" | "high" | "critical";
  min_confidence: number;
  canary_percent: number;
  canary_duration_s: number;
  /** Distinct operators who must approve each action type (0: none). */
  approvals: { config: number; update: number; rollback: number };
  /** UTC windows (days 0 = Sunday, times HH:MM) in which fixes may auto-apply; empty: any time. */
  maintenance_windows: Array<{ days: number[]; start: string; end: string }>;
}

/** `GET/PUT /v1/ops_policy`. */
export interface OpsPolicyDocument {
  object: "ops_policy";
  livemode: boolean;
  policy: OpsPolicy;
  /** null: never set, these are the defaults. */
  updated_at: string | null;
}

/** Body of `PUT /v1/ops_policy`: absent fields take their defaults. */
export interface OpsPolicyReplaceParams {
  policy: Partial<OpsPolicy>;
}

/** A decision about an incident (`dec_…`): where it came from, what and why, and the policy's verdict. */
export interface HealingDecision {
  id: string;
  object: "healing_decision";
  livemode: boolean;
  incident_id: string;
  source: "remote" | "rules" | "heuristic";
  action: HealingAction;
  confidence: number;
  explanation: string;
  rule_id: string | null;
  /** What the decision was made from. */
  inputs: Record<string, unknown>;
  /** Why the decision service's answer was not used (null when it was). */
  remote_error: string | null;
  verdict: { auto_apply: boolean; approvals_required: number; reasons: string[] };
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** The decisions about one incident. */
export interface HealingDecisionList {
  object: "list";
  data: HealingDecision[];
  has_more: false;
}

/** `client.healingRules`: which incidents get which fix. */
export class HealingRules extends APIResource {
  /** Creates a rule; a message pattern that RE2 cannot run is a 400. */
  create(params: HealingRuleCreateParams, options?: RequestOptions): APIPromise<HealingRule> {
    return this.client.post("/v1/healing_rules", { ...options, body: params });
  }

  /** Retrieves a rule. */
  retrieve(id: string, options?: RequestOptions): APIPromise<HealingRule> {
    return this.client.get(path`/v1/healing_rules/${id}`, options);
  }

  /** Updates a rule. */
  update(id: string, params: HealingRuleUpdateParams, options?: RequestOptions): APIPromise<HealingRule> {
    return this.client.patch(path`/v1/healing_rules/${id}`, { ...options, body: params });
  }

  /** Lists rules, newest first. */
  list(params?: ListParams, options?: RequestOptions): PagePromise<HealingRule> {
    return this.client.getList("/v1/healing_rules", { ...options, query: params });
  }
}

/** `client.opsPolicy`: the account's ops policy for this mode. */
export class OpsPolicies extends APIResource {
  /** The policy (the defaults until one is set). */
  retrieve(options?: RequestOptions): APIPromise<OpsPolicyDocument> {
    return this.client.get("/v1/ops_policy", options);
  }

  /** Replaces the policy whole; absent fields take their defaults. */
  replace(params: OpsPolicyReplaceParams, options?: RequestOptions): APIPromise<OpsPolicyDocument> {
    return this.client.put("/v1/ops_policy", { ...options, body: params });
  }
}

/** Counts and durations: mean and median in seconds, null when nothing was measured. */
export interface HealingDurationStats {
  count: number;
  mean_seconds: number | null;
  p50_seconds: number | null;
}

/** `GET /v1/healing/stats`: what detection and decisions did over a window. */
export interface HealingStats {
  object: "healing_stats";
  since: string;
  until: string;
  /** Incidents opened in the window. */
  opened: number;
  resolved: number;
  escalated: number;
  /** Of those, still open or mitigating. */
  active: number;
  by_type: Record<string, number>;
  /** From the first anomalous sample to the incident (MTTD). */
  time_to_detect: HealingDurationStats;
  /** From opening to resolution, for those resolved (MTTR). */
  time_to_resolve: HealingDurationStats;
  decisions: { total: number; auto_apply: number; by_source: Record<string, number> };
  /** Rollouts and instance attempts that ended in the window. */
  autopatches: {
    finished: { completed: number; rolled_back: number; aborted: number };
    attempts: { total: number; succeeded: number; failed: number; rolled_back: number };
    /** Succeeded attempts over all attempts; null without attempts. */
    success_rate: number | null;
    /** Rolled-back attempts over all attempts; null without attempts. */
    rollback_rate: number | null;
    /** From an incident's opening to the successful attempt on its instance. */
    time_to_repair: HealingDurationStats;
  };
}

/** Query of `GET /v1/healing/stats` (default: the last 7 days). */
export interface HealingStatsParams {
  /** ISO 8601 start. */
  since?: string;
  /** ISO 8601 end, exclusive. */
  until?: string;
}

/** `client.healing`: self-healing KPIs. */
export class Healing extends APIResource {
  /** Incidents, time to detect, time to resolve, decisions and autopatch outcomes over a window. */
  stats(params?: HealingStatsParams, options?: RequestOptions): APIPromise<HealingStats> {
    return this.client.get("/v1/healing/stats", { ...options, query: params });
  }
}
