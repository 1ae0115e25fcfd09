import type { JsonObject, JsonValue } from "./json.js";

// Wire types of the agent protocol, exactly as docs/agent-protocol.md specifies them. Field names
// are snake_case because they are JSON on the wire; the TypeScript API of the agent is camelCase.

/** Identity of the plugin the agent is embedded in. */
export interface PluginInfo {
  /** Plugin slug, e.g. `"relais-woocommerce"`. */
  name: string;
  /** The plugin's own version (semver recommended). */
  version: string;
  /** Host platform: `"woocommerce"`, `"prestashop"`, `"magento"`, `"shopify"`, or another slug. */
  platform: string;
}

/** The server's Ed25519 public key, as a JWK (RFC 8037), pinned at enrolment. */
export interface CommandSigningKey {
  kty: "OKP";
  crv: "Ed25519";
  /** base64url of the 32-byte public key. */
  x: string;
  /** Optional key id, informational. */
  kid?: string;
}

/** Body of `POST /v1/agent/enrol`. */
export interface EnrolRequest {
  token: string;
  plugin: PluginInfo;
  /** Sent when the agent re-enrols an instance it already had, so the server can keep its history. */
  instance_uid?: string;
}

/** 201 response of `POST /v1/agent/enrol`. */
export interface EnrolResponse {
  instance_uid: string;
  agent_secret: string;
  command_signing_key: CommandSigningKey;
}

/** One error the plugin reported, coalesced by message since the last delivered heartbeat. */
export interface ReportedError {
  message: string;
  code?: string;
  count: number;
  last_at: string;
}

/** `health` member of a heartbeat. */
export interface HealthReport {
  healthy: boolean;
  errors: ReportedError[];
  /** Share of failed webhook deliveries seen by the plugin (0..1), `null` when unknown. */
  webhook_fail_rate: number | null;
  details?: JsonObject;
}

/** What the agent can do; the server must not send command types missing from `commands`. */
export interface Capabilities {
  commands: string[];
  /** `true` when `snapshot` and `restore` handlers exist: failed updates are undone locally. */
  local_rollback: boolean;
  /** `true` when a `healthCheck` handler exists. */
  health_check: boolean;
}

/** Status of one command as the agent knows it. `running` only appears in heartbeats. */
export type AgentCommandStatus = "running" | "applied" | "failed" | "rejected";

/** A machine-readable reason plus a human message, sent with `failed` and `rejected`. */
export interface CommandError {
  code: string;
  message: string;
}

/** A command status not yet acknowledged by the server. */
export interface CommandStatusReport {
  id: string;
  type: string;
  status: AgentCommandStatus;
  error?: CommandError;
  details?: JsonObject;
}

/** Outcome of the last `config` command: what was offered against what took effect. */
export interface ConfigStatus {
  /** `configHash` of the `params.config` the server offered. */
  offered_hash: string;
  status: "applied" | "failed";
  error?: CommandError;
}

/** Cumulative counters since `since` (the agent's start); a new `since` means they restarted at 0. */
export interface TelemetryReport {
  since: string;
  counters: Record<string, number>;
}

/**
 * The large parts of an agent's state. In `full_state` every member is present; in `changes` only
 * the members that changed since the last heartbeat the server answered with 2xx.
 */
export interface StateReport {
  effective_config?: JsonObject;
  config_status?: ConfigStatus | null;
  telemetry?: TelemetryReport;
  commands?: CommandStatusReport[];
}

/** Body of `POST /v1/agent/heartbeat`. */
export interface HeartbeatRequest {
  instance_uid: string;
  sequence_num: number;
  plugin: PluginInfo;
  env: Record<string, string | number | boolean>;
  health: HealthReport;
  effective_config_hash: string;
  capabilities: Capabilities;
  full_state?: Required<StateReport>;
  changes?: StateReport;
}

/** A command as the server delivers it in a heartbeat response. */
export interface SignedCommand {
  id: string;
  type: string;
  params: JsonObject;
  issued_at: string;
  expires_at: string;
  /** Compact JWS (EdDSA) over the command, see {@link CommandSignaturePayload}. */
  signature: string;
}

/** The JWS payload of a command signature: binds the command to one instance and a deadline. */
export interface CommandSignaturePayload {
  id: string;
  type: string;
  params: JsonObject;
  instance_uid: string;
  issued_at: string;
  expires_at: string;
}

/** 200 response of `POST /v1/agent/heartbeat`. */
export interface HeartbeatResponse {
  next_heartbeat_in_s: number;
  report_full_state: boolean;
  commands: SignedCommand[];
}

/** Final statuses an agent acknowledges. */
export type AckStatus = "applied" | "failed" | "rejected";

/** Body of `POST /v1/agent/commands/:id/ack`. */
export interface AckRequest {
  status: AckStatus;
  error?: CommandError;
  details?: JsonObject;
  /** When the agent finished with the command; acks may arrive late after an outage. */
  completed_at: string;
}

/** RFC 9457 problem document the server answers errors with. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id?: string;
  errors?: JsonValue;
}
