import type { CommandRecord } from "./agent-state.js";
import { ControlPlaneError } from "./errors.js";
import type { AckRequest } from "./protocol.js";
import type { AgentRuntime } from "./runtime.js";

/** Sends acks; an ack that cannot be delivered stays in the state and is sent again later. */
export interface AckSender {
  /** Sends one ack now unless the server asked for quiet; `false` when it must be tried again. */
  send(record: CommandRecord): Promise<boolean>;
  /** Sends every pending ack, oldest first, stopping at the first one that must wait. */
  flush(): Promise<void>;
}

/** Creates the ack sender for `runtime`. */
export function createAckSender(runtime: AgentRuntime): AckSender {
  const sending = new Set<string>();

  const send = async (record: CommandRecord): Promise<boolean> => {
    if (record.acked || record.status === "running") return true;
    if (sending.has(record.id) || runtime.stopped || Date.now() < runtime.quietUntil) return false;
    const secret = runtime.state.credentials?.agentSecret;
    if (secret === undefined) return false;
    sending.add(record.id);
    try {
      const result = await runtime.transport.post(`/v1/agent/commands/${encodeURIComponent(record.id)}/ack`, ackBody(record), {
        secret,
        signal: runtime.abort.signal,
      });
      if (result.ok) return await markAcked(runtime, record);
      if (result.unauthorised && result.error instanceof ControlPlaneError) {
        await runtime.revoke(result.error);
        return false;
      }
      if (result.retryable) {
        if (result.retryAfterMs !== undefined) runtime.quietUntil = Date.now() + result.retryAfterMs;
        runtime.fail("ack", result.error);
        return false;
      }
      // 404 or 409: the server does not know the command or already holds a final status for
      // it. Sending again would never succeed, so the ack is dropped.
      runtime.fail("ack", result.error);
      return await markAcked(runtime, record);
    } finally {
      sending.delete(record.id);
    }
  };

  return {
    send,
    async flush() {
      for (const record of runtime.state.commands.filter((r) => !r.acked && r.status !== "running")) {
        if (!(await send(record))) return;
      }
    },
  };
}

async function markAcked(runtime: AgentRuntime, record: CommandRecord): Promise<boolean> {
  record.acked = true;
  runtime.changes.mark("commands");
  // A failed write only means the ack may be sent twice, which the server accepts.
  await runtime.persist().catch(() => undefined);
  return true;
}

function ackBody(record: CommandRecord): AckRequest {
  return {
    status: record.status as AckRequest["status"],
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.details !== undefined ? { details: record.details } : {}),
    completed_at: record.completedAt ?? new Date().toISOString(),
  };
}
