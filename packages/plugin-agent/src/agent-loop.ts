import type { AckSender } from "./acks.js";
import { backoffDelay } from "./backoff.js";
import type { CommandPipeline } from "./command-pipeline.js";
import { createEnroller } from "./enrolment.js";
import { heartbeat } from "./heartbeat.js";
import type { AgentRuntime } from "./runtime.js";
import type { Sleeper } from "./sleeper.js";

/**
 * The agent's one loop: enrol until it has credentials, then heartbeat on the server's interval,
 * backing off after failures. Ends when the agent stops, is revoked, or its token is refused.
 */
export async function runAgentLoop(
  runtime: AgentRuntime,
  commands: CommandPipeline,
  acks: AckSender,
  sleeper: Sleeper,
): Promise<void> {
  const enrol = createEnroller(runtime);
  let failures = 0;
  while (!runtime.stopped) {
    const step = runtime.state.credentials === undefined ? await enrol() : await heartbeat(runtime, commands, acks);
    if (runtime.stopped || step.kind === "stop") break;
    if (step.kind === "enrolled") {
      failures = 0;
    } else if (step.kind === "heartbeat") {
      failures = 0;
      // Emitted right before waiting, so a listener sees the wait already scheduled.
      runtime.events.emit("heartbeat", step.event);
      await sleeper.sleep(step.event.nextHeartbeatInMs);
    } else {
      const delay = backoffDelay(failures, step.retryAfterMs === undefined ? {} : { retryAfterMs: step.retryAfterMs });
      failures += 1;
      runtime.fail(step.phase, step.error, delay);
      await sleeper.sleep(delay);
    }
  }
  runtime.stopped = true;
}
