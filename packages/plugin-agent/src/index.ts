/**
 * `@relais/plugin-agent`: the agent an e-commerce plugin embeds to report health to a Relais
 * control plane and obey its signed commands. The wire protocol is in docs/agent-protocol.md.
 *
 * @packageDocumentation
 */

export { createAgent } from "./agent.js";
export { canonicalJson, configHash } from "./canonical-json.js";
export {
  importCommandSigningKey,
  verifyCommand,
  type CommandVerdict,
  type RejectionReason,
} from "./command-signature.js";
export { AgentError, ControlPlaneError, type AgentErrorCode } from "./errors.js";
export type { JsonObject, JsonPrimitive, JsonValue } from "./json.js";
export type {
  AckRequest,
  AckStatus,
  AgentCommandStatus,
  Capabilities,
  CommandError,
  CommandSignaturePayload,
  CommandSigningKey,
  CommandStatusReport,
  ConfigStatus,
  EnrolRequest,
  EnrolResponse,
  HealthReport,
  HeartbeatRequest,
  HeartbeatResponse,
  PluginInfo,
  ProblemDocument,
  ReportedError,
  SignedCommand,
  StateReport,
  TelemetryReport,
} from "./protocol.js";
export type {
  AgentCredentialsInput,
  AgentEvents,
  AgentHandlers,
  AgentLogger,
  AgentOptions,
  AgentPhase,
  CommandContext,
  CommandHandler,
  ConfigCommandParams,
  HandlerResult,
  HealthCheckResult,
  HealthUpdate,
  PluginAgent,
  RollbackReason,
  Snapshot,
  SnapshotKind,
  TelemetryOptions,
} from "./types.js";
