import type { ProblemDocument } from "./protocol.js";

/** Stable codes of {@link AgentError}. */
export type AgentErrorCode =
  | "invalid_options"
  | "network_error"
  | "invalid_response"
  | "http_error"
  | "enrolment_failed"
  | "state_error";

/** Error text safe to send to the server or log, bounded so a huge message cannot bloat a request. */
export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
}

/** Base class of every error the agent throws or emits. Never carries secrets. */
export class AgentError extends Error {
  override readonly name: string = "AgentError";
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The control plane answered with a non-2xx status. `problem` holds its RFC 9457 document when
 * the body was one.
 */
export class ControlPlaneError extends AgentError {
  override readonly name = "ControlPlaneError";
  constructor(
    readonly status: number,
    readonly problem: ProblemDocument | undefined,
    readonly requestId: string | undefined,
    /** Parsed `Retry-After`, in ms, when the server sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super("http_error", describe(status, problem));
  }
}

function describe(status: number, problem: ProblemDocument | undefined): string {
  if (problem === undefined) return `control plane answered HTTP ${status}`;
  return `control plane answered HTTP ${status} ${problem.code}: ${problem.detail}`;
}
