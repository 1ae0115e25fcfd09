import type { AgentState } from "./agent-state.js";
import type { ChangeTracker } from "./change-tracker.js";
import type { DocumentStore } from "./document-store.js";
import type { AgentError, ControlPlaneError } from "./errors.js";
import type { Emitter } from "./events.js";
import type { Capabilities, PluginInfo } from "./protocol.js";
import type { SnapshotStore } from "./snapshots.js";
import type { TelemetryCollector } from "./telemetry.js";
import type { Transport } from "./transport.js";
import type { AgentEvents, AgentHandlers, AgentLogger, AgentPhase } from "./types.js";

/** Parts of the state a heartbeat reports only when they changed. */
export type StateKey = "effective_config" | "config_status" | "commands";

/** Server default until the first heartbeat response says otherwise (ARCHITECTURE: 120 s). */
export const DEFAULT_HEARTBEAT_S = 120;

/**
 * The running agent's shared state, handed to the modules that enrol, heartbeat, run commands
 * and ack. One object, so each module stays a plain function of it.
 */
export interface AgentRuntime {
  /** The version changes when an update or a rollback reports one (`HandlerResult.pluginVersion`). */
  plugin: PluginInfo;
  readonly handlers: AgentHandlers;
  readonly env: Record<string, string | number | boolean>;
  readonly capabilities: Capabilities;
  readonly enrolmentToken: string | undefined;
  readonly healthCheckTimeoutMs: number;
  readonly store: DocumentStore;
  readonly snapshots: SnapshotStore;
  readonly transport: Transport;
  readonly events: Emitter<AgentEvents>;
  readonly logger: AgentLogger;
  readonly changes: ChangeTracker<StateKey>;
  readonly telemetry: TelemetryCollector;
  /** Aborted by `stop()` and on revocation: cancels HTTP calls and tells handlers to give up. */
  readonly abort: AbortController;
  state: AgentState;
  signingKey: CryptoKey | undefined;
  heartbeatIntervalS: number;
  needFullState: boolean;
  /** No call is made before this time (ms since epoch): the server's `Retry-After`. */
  quietUntil: number;
  stopped: boolean;
  /** Writes the state; on failure emits an `error` event and rejects. */
  persist(): Promise<void>;
  /** Forgets the credentials, stops the agent and emits `revoked`. */
  revoke(error: ControlPlaneError): Promise<void>;
  /** Logs and emits an `error` event. */
  fail(phase: AgentPhase, error: AgentError, retryInMs?: number): void;
}
