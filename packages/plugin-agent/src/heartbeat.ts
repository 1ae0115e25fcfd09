import type { AckSender } from "./acks.js";
import { jitterInterval } from "./backoff.js";
import type { CommandPipeline } from "./command-pipeline.js";
import { AgentError, ControlPlaneError } from "./errors.js";
import { buildHeartbeat } from "./heartbeat-body.js";
import type { LoopStep } from "./loop-step.js";
import type { AgentRuntime } from "./runtime.js";
import { parseHeartbeatResponse } from "./wire-parse.js";

/** The server may not make a fleet heartbeat more often than this, nor less often than daily. */
const MIN_INTERVAL_S = 1;
const MAX_INTERVAL_S = 86_400;

/**
 * Sends one heartbeat, queues the commands it brings back and flushes pending acks.
 * Every attempt uses a new sequence number, so an attempt the server never saw shows up as a gap
 * and the server asks for full state.
 */
export async function heartbeat(runtime: AgentRuntime, pipeline: CommandPipeline, acks: AckSender): Promise<LoopStep> {
  const secret = runtime.state.credentials?.agentSecret;
  if (secret === undefined) return { kind: "stop" };
  runtime.state.sequenceNum += 1;
  const sequenceNum = runtime.state.sequenceNum;
  // A lost write only risks a reused number after a crash, which the server answers with a resync.
  await runtime.persist().catch(() => undefined);

  const full = runtime.needFullState;
  const body = await buildHeartbeat(runtime, sequenceNum, full);
  const result = await runtime.transport.post("/v1/agent/heartbeat", body, { secret, signal: runtime.abort.signal });
  const parsed = result.ok ? parseHeartbeatResponse(result.body) : undefined;
  const delivered = parsed !== undefined;
  runtime.changes.settle(delivered);
  runtime.telemetry.settle(delivered);

  if (!result.ok) {
    if (result.unauthorised && result.error instanceof ControlPlaneError) {
      await runtime.revoke(result.error);
      return { kind: "stop" };
    }
    if (result.retryAfterMs !== undefined) runtime.quietUntil = Date.now() + result.retryAfterMs;
    return { kind: "retry", phase: "heartbeat", error: result.error, ...retryAfter(result.retryAfterMs) };
  }
  if (parsed === undefined) {
    return { kind: "retry", phase: "heartbeat", error: new AgentError("invalid_response", "heartbeat response is not valid") };
  }

  // Full state was delivered; the server may still ask for it again (it saw a gap, say).
  runtime.needFullState = parsed.reportFullState;
  if (parsed.nextHeartbeatInS !== undefined) {
    runtime.heartbeatIntervalS = Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, parsed.nextHeartbeatInS));
  }
  pipeline.accept(parsed.commands);
  await acks.flush();
  return {
    kind: "heartbeat",
    event: {
      sequenceNum,
      fullState: full,
      commandCount: parsed.commands.length,
      nextHeartbeatInS: runtime.heartbeatIntervalS,
      nextHeartbeatInMs: jitterInterval(runtime.heartbeatIntervalS * 1_000),
    },
  };
}

function retryAfter(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}
