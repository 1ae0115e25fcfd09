import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";
import type { HealingAction } from "./healing.js";

/** Where an autopatch is: `rolling_back` ends in `rolled_back` (a wave failed) or `aborted` (a person stopped it). */
export type AutopatchStatus = "awaiting_approval" | "running" | "paused" | "completed" | "rolling_back" | "rolled_back" | "aborted";

/**
 * A health watch's numbers: `verdict` (`pass`, `fail`, `inconclusive`), `reasons`, `baseline` and
 * `after` (samples, mean errors per heartbeat, webhook failure rate, unhealthy share), `error_limit`;
 * plus `rollback_error`, `local_rollback` or `accepted_by` when they apply.
 */
export type AutopatchHealth = Record<string, unknown>;

/** One target instance's place in a rollout. */
export interface AutopatchTarget {
  plugin_id: string;
  incident_id: string | null;
  /** 0 is the canary cohort. */
  wave: number;
  state: "waiting" | "applying" | "watching" | "passed" | "succeeded" | "failed" | "rolling_back" | "rolled_back" | "skipped";
  command_id: string | null;
  rollback_command_id: string | null;
  before_version: string | null;
  health: AutopatchHealth | null;
  /** ISO 8601 timestamp. */
  applied_at: string | null;
  /** ISO 8601 timestamp. */
  watch_until: string | null;
}

/** An autopatch (`apt_…`): a fix rolled out in watched waves, canary first. */
export interface Autopatch {
  id: string;
  object: "autopatch";
  livemode: boolean;
  status: AutopatchStatus;
  /** Why it waits, holds, paused or stopped. */
  status_reason: string | null;
  action: HealingAction;
  incident_id: string | null;
  decision_id: string | null;
  rule_id: string | null;
  approvals_required: number;
  approvals: Array<{ actor: { type: string; id: string }; approved_at: string }>;
  canary_percent: number;
  /** How long each instance is watched after the fix applied. */
  watch_seconds: number;
  wave_count: number;
  current_wave: number;
  targets: AutopatchTarget[];
  created_by: { type: string; id: string };
  /** ISO 8601 timestamp. */
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Body of `POST /v1/autopatches`: an action for some instances, or a decision (its action, its incident's cohort). */
export interface AutopatchCreateParams {
  /** Defaults to the decision's action; `notify` is refused. */
  action?: HealingAction;
  /** Defaults to the decision's incident cohort. */
  plugin_ids?: string[];
  decision_id?: string;
}

/** Query of `GET /v1/autopatches`. */
export interface AutopatchListParams extends ListParams {
  status?: AutopatchStatus;
}

/** One instance's attempt (`apa_…`), immutable once written. */
export interface AutopatchAttempt {
  id: string;
  object: "autopatch_attempt";
  livemode: boolean;
  autopatch_id: string;
  plugin_id: string;
  wave: number;
  action: HealingAction;
  outcome: "succeeded" | "failed" | "rolled_back";
  before_version: string | null;
  after_version: string | null;
  command_id: string | null;
  rollback_command_id: string | null;
  health: AutopatchHealth;
  /** ISO 8601 timestamp. */
  started_at: string;
  applied_at: string | null;
  finished_at: string;
  duration_seconds: number;
}

/** Query of `GET /v1/autopatch_attempts`. */
export interface AutopatchAttemptListParams extends ListParams {
  autopatch_id?: string;
  plugin_id?: string;
  outcome?: AutopatchAttempt["outcome"];
}

/** `client.autopatches`: fixes rolled out in watched waves, with approvals and abort. */
export class Autopatches extends APIResource {
  /** Creates an autopatch; it starts at once unless the ops policy asks for approvals. */
  create(params: AutopatchCreateParams, options?: RequestOptions): APIPromise<Autopatch> {
    return this.client.post("/v1/autopatches", { ...options, body: params });
  }

  /** Retrieves an autopatch with its targets. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Autopatch> {
    return this.client.get(path`/v1/autopatches/${id}`, options);
  }

  /** Lists autopatches, newest first. */
  list(params?: AutopatchListParams, options?: RequestOptions): PagePromise<Autopatch> {
    return this.client.getList("/v1/autopatches", { ...options, query: params });
  }

  /** Approves (once per operator; a second approval by the same one is a 409 `already_approved`), or resumes a paused one. */
  approve(id: string, options?: RequestOptions): APIPromise<Autopatch> {
    return this.client.post(path`/v1/autopatches/${id}/approve`, options);
  }

  /** Aborts: the current wave's instances are rolled back through their agents. */
  abort(id: string, options?: RequestOptions): APIPromise<Autopatch> {
    return this.client.post(path`/v1/autopatches/${id}/abort`, options);
  }
}

/** `client.autopatchAttempts`: the immutable record of each instance's attempt. */
export class AutopatchAttempts extends APIResource {
  /** Lists attempts, newest first. */
  list(params?: AutopatchAttemptListParams, options?: RequestOptions): PagePromise<AutopatchAttempt> {
    return this.client.getList("/v1/autopatch_attempts", { ...options, query: params });
  }
}
