import type { AgentError } from "./errors.js";
import type { AgentEvents, AgentPhase } from "./types.js";

/** What one turn of the agent loop (an enrolment or a heartbeat) decided. */
export type LoopStep =
  /** Enrolled: heartbeat right away. */
  | { kind: "enrolled" }
  /** Heartbeat answered: emit `event`, then wait `event.nextHeartbeatInMs`. */
  | { kind: "heartbeat"; event: AgentEvents["heartbeat"] }
  /** Failed: back off (at least `retryAfterMs`) and try again. */
  | { kind: "retry"; phase: AgentPhase; error: AgentError; retryAfterMs?: number }
  /** The agent cannot go on (revoked, or the enrolment token was refused). */
  | { kind: "stop" };
