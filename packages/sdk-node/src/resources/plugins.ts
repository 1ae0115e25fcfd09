import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** Where a command stands: `pending` → `delivered` → `applied` | `failed` | `rejected`, or `expired`. */
export type PluginCommandStatus = "pending" | "delivered" | "applied" | "failed" | "rejected" | "expired";

/** A plugin instance: one enrolled `@relais/plugin-agent` (`plg_…`). */
export interface Plugin {
  /** `plg_…` */
  id: string;
  object: "plugin";
  livemode: boolean;
  app_id: string;
  status: "active" | "offline" | "revoked";
  plugin: { name: string; version: string; platform: string };
  /** Facts about the host (runtime, versions, OS). */
  env: Record<string, string | number | boolean>;
  /** Command types the agent accepts; `null` before its first heartbeat. */
  capabilities: { commands: string[]; local_rollback: boolean; health_check: boolean } | null;
  /** The last reported health; `healthy` is `null` before the first heartbeat. */
  health: { healthy: boolean | null; details: Record<string, unknown> | null };
  effective_config_hash: string | null;
  effective_config: Record<string, unknown> | null;
  /** Outcome of the last `config` command as the agent reports it. */
  config_status: Record<string, unknown> | null;
  telemetry: { since: string | null; counters: Record<string, number> };
  last_sequence_num: number | null;
  report_full_state: boolean;
  heartbeat_interval_s: number;
  last_seen_at: string | null;
  enrolled_at: string;
  revoked_at: string | null;
  created_at: string;
}

/** One heartbeat's telemetry. */
export interface PluginTelemetrySample {
  sequence_num: number;
  healthy: boolean;
  error_count: number;
  errors: unknown[];
  webhook_fail_rate: number | null;
  counters: Record<string, number>;
  recorded_at: string;
}

/** `GET /v1/plugins/:id`: the plugin with its latest telemetry and commands. */
export interface PluginDetail extends Plugin {
  recent_telemetry: PluginTelemetrySample[];
  recent_commands: PluginCommand[];
}

/** A signed command for a plugin instance (`cmd_…`). */
export interface PluginCommand {
  id: string;
  object: "plugin_command";
  livemode: boolean;
  plugin_id: string;
  type: string;
  params: Record<string, unknown>;
  status: PluginCommandStatus;
  issued_at: string;
  expires_at: string;
  delivered_at: string | null;
  delivery_count: number;
  completed_at: string | null;
  acked_at: string | null;
  error: { code: string; message: string } | null;
  details: Record<string, unknown> | null;
  created_at: string;
}

/** Query of `GET /v1/plugins`. */
export interface PluginListParams extends ListParams {
  app_id?: string;
  platform?: string;
  version?: string;
  health?: "healthy" | "unhealthy" | "unknown";
  status?: Plugin["status"];
  /** ISO 8601 timestamps bounding `last_seen_at`. */
  last_seen_gte?: string;
  last_seen_lt?: string;
}

/** Body of `POST /v1/plugins/:id/commands`. */
export interface PluginCommandCreateParams {
  /** `config`, `update`, `rollback`, `restart`, or a custom type the plugin accepts. */
  type: string;
  /** `config` needs `{ config: { … } }`. */
  params?: Record<string, unknown>;
  /** ISO 8601; default 24 h from now, at most 30 days. */
  expires_at?: string;
}

/** Query of `GET /v1/plugins/:id/commands`. */
export interface PluginCommandListParams extends ListParams {
  status?: PluginCommandStatus;
}

/** A token a plugin agent exchanges for credentials once (`enr_…`). */
export interface AgentEnrolmentToken {
  id: string;
  object: "agent_enrolment_token";
  livemode: boolean;
  app_id: string;
  prefix: string;
  expires_at: string | null;
  max_uses: number | null;
  uses: number;
  created_at: string;
  revoked_at: string | null;
}

/** A token just created: the only time `token` (`aet_…`) is shown. */
export interface AgentEnrolmentTokenWithToken extends AgentEnrolmentToken {
  token: string;
}

/** Body of `POST /v1/apps/:id/agent_enrolment_tokens`. */
export interface AgentEnrolmentTokenCreateParams {
  /** ISO 8601; default 7 days from now. */
  expires_at?: string;
  /** Enrolments allowed; `null` or absent: unlimited. */
  max_uses?: number | null;
}

/** `client.plugins.commands`: signed commands for one plugin instance. */
export class PluginCommands extends APIResource {
  /** Queues a command; the agent receives it with its next heartbeat. */
  create(pluginId: string, params: PluginCommandCreateParams, options?: RequestOptions): APIPromise<PluginCommand> {
    return this.client.post(path`/v1/plugins/${pluginId}/commands`, { ...options, body: params });
  }

  /** Lists a plugin's commands, newest first. */
  list(pluginId: string, params?: PluginCommandListParams, options?: RequestOptions): PagePromise<PluginCommand> {
    return this.client.getList(path`/v1/plugins/${pluginId}/commands`, { ...options, query: params });
  }
}

/** `client.plugins.enrolmentTokens`: tokens that let plugin agents enrol into an app. */
export class AgentEnrolmentTokens extends APIResource {
  /** Creates a token; store `token` now, it is never shown again. */
  create(appId: string, params?: AgentEnrolmentTokenCreateParams, options?: RequestOptions): APIPromise<AgentEnrolmentTokenWithToken> {
    return this.client.post(path`/v1/apps/${appId}/agent_enrolment_tokens`, { ...options, body: params ?? {} });
  }

  /** Lists an app's tokens (without the token values). */
  list(appId: string, params?: ListParams, options?: RequestOptions): PagePromise<AgentEnrolmentToken> {
    return this.client.getList(path`/v1/apps/${appId}/agent_enrolment_tokens`, { ...options, query: params });
  }

  /** Revokes a token; instances already enrolled keep working. */
  revoke(tokenId: string, options?: RequestOptions): APIPromise<AgentEnrolmentToken> {
    return this.client.post(path`/v1/agent_enrolment_tokens/${tokenId}/revoke`, options);
  }
}

/**
 * `client.plugins`: the plugin control plane (operator side). The agent endpoints
 * (`/v1/agent/*`) belong to `@relais/plugin-agent`, not to this client.
 */
export class Plugins extends APIResource {
  readonly commands: PluginCommands = new PluginCommands(this.client);
  readonly enrolmentTokens: AgentEnrolmentTokens = new AgentEnrolmentTokens(this.client);

  /** Lists plugin instances, newest first, with optional filters. */
  list(params?: PluginListParams, options?: RequestOptions): PagePromise<Plugin> {
    return this.client.getList("/v1/plugins", { ...options, query: params });
  }

  /** Retrieves a plugin with its recent telemetry and commands. */
  retrieve(id: string, options?: RequestOptions): APIPromise<PluginDetail> {
    return this.client.get(path`/v1/plugins/${id}`, options);
  }

  /** Revokes the instance's agent credentials; its next heartbeat gets 401. */
  revoke(id: string, options?: RequestOptions): APIPromise<Plugin> {
    return this.client.post(path`/v1/plugins/${id}/revoke`, options);
  }
}
