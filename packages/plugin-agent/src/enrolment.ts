import { randomUUID } from "node:crypto";
import { importCommandSigningKey } from "./command-signature.js";
import { AgentError } from "./errors.js";
import type { LoopStep } from "./loop-step.js";
import type { EnrolRequest } from "./protocol.js";
import type { AgentRuntime } from "./runtime.js";
import { parseEnrolResponse } from "./wire-parse.js";

/**
 * Returns a function that enrols with the token. The idempotency key is fixed for the agent's
 * lifetime, so a retry after a lost response does not spend another use of the token.
 */
export function createEnroller(runtime: AgentRuntime): () => Promise<LoopStep> {
  const idempotencyKey = randomUUID();
  return async () => {
    const token = runtime.enrolmentToken;
    if (token === undefined) return { kind: "stop" };
    const previousUid = runtime.state.instanceUid;
    const request: EnrolRequest = { token, plugin: runtime.plugin, ...(previousUid ? { instance_uid: previousUid } : {}) };
    const result = await runtime.transport.post("/v1/agent/enrol", request, { idempotencyKey, signal: runtime.abort.signal });

    if (!result.ok) {
      if (result.retryable) {
        return { kind: "retry", phase: "enrol", error: result.error, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) };
      }
      // The token is unknown, expired or used up: trying again cannot help.
      runtime.fail("enrol", new AgentError("enrolment_failed", `enrolment refused: ${result.error.message}`, { cause: result.error }));
      return { kind: "stop" };
    }
    const enrolment = parseEnrolResponse(result.body);
    const key = enrolment && (await importCommandSigningKey(enrolment.command_signing_key).catch(() => undefined));
    if (enrolment === undefined || key === undefined) {
      return { kind: "retry", phase: "enrol", error: new AgentError("invalid_response", "enrolment response is not valid") };
    }

    const { state } = runtime;
    if (state.instanceUid !== enrolment.instance_uid) {
      // A new identity: commands and sequence numbers of the old one mean nothing to the server.
      state.sequenceNum = 0;
      state.commands = [];
    }
    state.instanceUid = enrolment.instance_uid;
    state.credentials = { agentSecret: enrolment.agent_secret, commandSigningKey: enrolment.command_signing_key };
    runtime.signingKey = key;
    runtime.needFullState = true;
    await runtime.persist().catch(() => undefined);
    runtime.logger.info("enrolled", { instance_uid: enrolment.instance_uid });
    runtime.events.emit("enrolled", { instanceUid: enrolment.instance_uid });
    return { kind: "enrolled" };
  };
}
