import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";
import type { HealingDecisionList } from "./healing.js";

/** Something wrong with a plugin instance, e.g. `missed_heartbeats` (`inc_…`). */
export interface Incident {
  id: string;
  object: "incident";
  livemode: boolean;
  app_id: string;
  plugin_id: string;
  type: string;
  severity: "low" | "medium" | "high" | "critical";
  /** `open` → `mitigating` (a fix under way) → `resolved`, or `escalated` to people. */
  status: "open" | "mitigating" | "resolved" | "escalated";
  summary: string;
  /** What the detection saw (last heartbeat, interval, missed intervals, …). */
  evidence: Record<string, unknown>;
  opened_at: string;
  resolved_at: string | null;
  created_at: string;
}

/** Query of `GET /v1/incidents`. */
export interface IncidentListParams extends ListParams {
  status?: Incident["status"];
  type?: string;
  plugin_id?: string;
}

/** `client.incidents`: read incidents the control plane opened. */
export class Incidents extends APIResource {
  /** Lists incidents, newest first. */
  list(params?: IncidentListParams, options?: RequestOptions): PagePromise<Incident> {
    return this.client.getList("/v1/incidents", { ...options, query: params });
  }

  /** The decisions taken about an incident, oldest first (`GET /v1/incidents/:id/decisions`). */
  decisions(id: string, options?: RequestOptions): APIPromise<HealingDecisionList> {
    return this.client.get(path`/v1/incidents/${id}/decisions`, options);
  }

  /** Retrieves an incident. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Incident> {
    return this.client.get(path`/v1/incidents/${id}`, options);
  }
}
