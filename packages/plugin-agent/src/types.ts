import type { AgentError, ControlPlaneError } from "./errors.js";
import type { JsonObject, JsonValue } from "./json.js";
import type { CommandError, CommandSigningKey, PluginInfo } from "./protocol.js";
import type { RejectionReason } from "./command-signature.js";

/** What the agent passes to every command handler. */
export interface CommandContext {
  command: { id: string; type: string; issuedAt: string; expiresAt: string };
  instanceUid: string;
  /** Aborted when `agent.stop()` is called; long handlers should give up when it fires. */
  signal: AbortSignal;
  /**
   * For `update` and `config`: the snapshot taken just before this command. For `rollback`: the
   * snapshot it restores. `null` when there is none.
   */
  snapshot: Snapshot | null;
}

/** What a handler may return. */
export interface HandlerResult {
  /** Reported to the server in the ack's `details`. */
  details?: JsonObject;
  /**
   * The config now in effect, when it differs from what was offered (a `config` handler that
   * merges local defaults, say). Defaults to the offered `params.config` for `config` commands.
   */
  effectiveConfig?: JsonObject;
  /**
   * The plugin's version now running, when the command changed it (an `update` handler returns
   * the version it installed). Later heartbeats report it, and a rollback of this command goes
   * back to the version before it.
   */
  pluginVersion?: string;
}

/** Runs one command. Throwing (or rejecting) fails the command with the error's message. */
export type CommandHandler<P extends JsonObject = JsonObject> = (
  params: P,
  context: CommandContext,
) => HandlerResult | void | Promise<HandlerResult | void>;

/** `params` of a `config` command: the config the server offers. */
export interface ConfigCommandParams {
  config: JsonObject;
  [member: string]: JsonValue;
}

/** What a snapshot preserves: the plugin before an `update`, or before a `config`. */
export type SnapshotKind = "update" | "config";

/** A snapshot the agent stored before an `update` or `config`. */
export interface Snapshot {
  id: string;
  /** The command it was taken for. */
  commandId: string;
  kind: SnapshotKind;
  takenAt: string;
  /** Whatever the `snapshot` handler returned. */
  data: JsonValue;
}

/** A health verdict with optional details for the server. */
export interface HealthCheckResult {
  healthy: boolean;
  details?: JsonObject;
}

/**
 * The plugin's side of the agent. Every member is optional; the agent advertises the command
 * types it has handlers for and rejects the others with `unsupported_command`.
 */
export interface AgentHandlers {
  /** Applies `params.config`. */
  config?: CommandHandler<ConfigCommandParams>;
  /** Installs another plugin version; `params` are whatever the server sent (version, URL, checksum...). */
  update?: CommandHandler;
  /** Overrides the default `rollback`, which calls `restore` with the latest snapshot. */
  rollback?: CommandHandler;
  /** Restarts the plugin. Return before the process goes away, and do not await `agent.stop()` here. */
  restart?: CommandHandler;
  /** Captures what an `update` or `config` is about to replace. Needs `restore` too. */
  snapshot?: (kind: SnapshotKind) => JsonValue | Promise<JsonValue>;
  /** Puts back what a snapshot captured. */
  restore?: (snapshot: Snapshot) => void | Promise<void>;
  /** Runs after every `update` and `config` (a failure rolls back) and before every heartbeat. */
  healthCheck?: () => boolean | HealthCheckResult | Promise<boolean | HealthCheckResult>;
  /** Handlers for custom command types, keyed by type (`"cache.flush"`). */
  custom?: Record<string, CommandHandler>;
}

/** Credentials obtained elsewhere (the plugin stored them in its own database, say). */
export interface AgentCredentialsInput {
  instanceUid: string;
  agentSecret: string;
  commandSigningKey: CommandSigningKey;
}

/** What goes into the heartbeat's `env`. */
export interface TelemetryOptions {
  /** Extra facts about the host: `{ woocommerce_version: "9.1.0", php_version: "8.3" }`. */
  env?: Record<string, string | number | boolean>;
  /** Adds `runtime`, `runtime_version`, `os` and `arch` (default `true`). */
  includeRuntime?: boolean;
}

/** Where the agent writes its logs. `console` and pino loggers fit. Secrets are never logged. */
export interface AgentLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of `createAgent`. */
export interface AgentOptions {
  /** Base URL of the control plane, e.g. `"https://relais.example.com"`. */
  serverUrl: string;
  /** One-time enrolment token; used only when no credentials are known yet. */
  enrolmentToken?: string;
  /** Credentials to use instead of enrolling. */
  credentials?: AgentCredentialsInput;
  plugin: PluginInfo;
  /** Directory for the agent's state (created 0700, files 0600). Without it nothing survives a restart. */
  stateDir?: string;
  handlers?: AgentHandlers;
  telemetry?: TelemetryOptions;
  /** Effective config to report before any `config` command ran. Default `{}`. */
  initialConfig?: JsonObject;
  logger?: AgentLogger;
  /** Replaces the global `fetch` (to add a proxy, say). */
  fetch?: typeof globalThis.fetch;
  /** Time a health check may take before it counts as failed. Default 30 000. */
  healthCheckTimeoutMs?: number;
  /** Time one HTTP call may take. Default 30 000. */
  requestTimeoutMs?: number;
}

/** Health the plugin sets itself, merged into every heartbeat. */
export interface HealthUpdate {
  healthy?: boolean;
  /** Share of failed webhook deliveries, 0..1; `null` when unknown. */
  webhookFailRate?: number | null;
  details?: JsonObject;
}

/** Which part of the agent's work an `error` event comes from. */
export type AgentPhase = "enrol" | "heartbeat" | "ack" | "command" | "state";

/** Why a local rollback happened. */
export type RollbackReason = "health_check_failed" | "handler_failed" | "rollback_command";

/** Events the agent emits, with their payloads. */
export interface AgentEvents {
  /** Enrolment succeeded; credentials are persisted. */
  enrolled: { instanceUid: string };
  /** A heartbeat was answered; the next one is due in `nextHeartbeatInMs`. */
  heartbeat: {
    sequenceNum: number;
    fullState: boolean;
    commandCount: number;
    nextHeartbeatInS: number;
    nextHeartbeatInMs: number;
  };
  /** A verified command is about to run. */
  command: { id: string; type: string; params: JsonObject };
  "command:applied": { id: string; type: string; details: JsonObject };
  "command:failed": { id: string; type: string; error: CommandError; details: JsonObject };
  /** A command was refused without running its handler. */
  "command:rejected": { id: string; type: string; reason: RejectionReason | "unsupported_command"; message: string };
  /** A snapshot was restored. */
  rolled_back: { commandId: string; type: string; snapshotId: string; reason: RollbackReason };
  /** The server answered 401: the credentials are gone and the agent has stopped. */
  revoked: { error: ControlPlaneError };
  /** Something failed; `retryInMs` says when the agent tries again, if it does. */
  error: { error: AgentError; phase: AgentPhase; retryInMs?: number };
}

/** A running agent. */
export interface PluginAgent {
  /** Loads state and starts enrolling or heartbeating in the background. */
  start(): Promise<void>;
  /** Stops heartbeats, aborts HTTP calls, waits for the running command and the last state write. */
  stop(): Promise<void>;
  /** Records an error for the next heartbeat's `health.errors` (same messages are counted, not repeated). */
  reportError(error: unknown, code?: string): void;
  /** Sets health the plugin knows about; omitted members keep their value. */
  setHealth(update: HealthUpdate): void;
  /** Adds `value` (default 1) to the counter `name`, reported in telemetry. */
  recordMetric(name: string, value?: number): void;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<E extends keyof AgentEvents>(event: E, listener: (payload: AgentEvents[E]) => void): () => void;
  /** The instance id once known (after start with stored credentials, or after enrolment). */
  readonly instanceUid: string | undefined;
}
