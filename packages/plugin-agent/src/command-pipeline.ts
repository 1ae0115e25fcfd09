import type { AckSender } from "./acks.js";
import { pruneCommands, type CommandRecord } from "./agent-state.js";
import { runCommand, supportedCommandTypes, type CommandOutcome } from "./command-runner.js";
import { verifyCommand, type RejectionReason } from "./command-signature.js";
import { AgentError, errorMessage } from "./errors.js";
import { isJsonObject } from "./json.js";
import type { SignedCommand } from "./protocol.js";
import type { AgentRuntime } from "./runtime.js";

/** Used to prune a refused command whose own `expires_at` is unusable. */
const UNPARSABLE_EXPIRY_GRACE_MS = 86_400_000;

/** Runs delivered commands one at a time, each at most once. */
export interface CommandPipeline {
  /** Queues the commands of a heartbeat response; ids already seen or queued are skipped. */
  accept(commands: unknown[]): void;
  /** Resolves when the queue is empty. */
  idle(): Promise<void>;
}

/** Creates the pipeline for `runtime`; results are acked through `acks`. */
export function createCommandPipeline(runtime: AgentRuntime, acks: AckSender): CommandPipeline {
  const queued = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  const supported = new Set(supportedCommandTypes(runtime.handlers));

  const processCommand = async (raw: unknown, id: string): Promise<void> => {
    queued.delete(id);
    const key = runtime.signingKey;
    const instanceUid = runtime.state.instanceUid;
    if (runtime.stopped || key === undefined || instanceUid === undefined) return;

    const type = isJsonObject(raw) && typeof raw.type === "string" ? raw.type : "unknown";
    const verdict = await verifyCommand(raw, key, { instanceUid });
    if (!verdict.ok) return refuse(runtime, acks, raw, id, type, verdict.reason, verdict.message);
    if (!supported.has(type)) {
      return refuse(runtime, acks, raw, id, type, "unsupported_command", `this agent has no handler for "${type}"`);
    }
    // stop() may have come while verifying; a handler must not start after it.
    if (runtime.stopped) return;
    await execute(runtime, acks, verdict.command, instanceUid);
  };

  return {
    accept(commands) {
      for (const raw of commands) {
        const id = isJsonObject(raw) && typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
        if (id === undefined) {
          runtime.fail("command", new AgentError("invalid_response", "the server sent a command without an id"));
          continue;
        }
        if (queued.has(id) || runtime.state.commands.some((record) => record.id === id)) continue;
        queued.add(id);
        chain = chain.then(() => processCommand(raw, id)).catch((error: unknown) => {
          runtime.fail("command", new AgentError("state_error", `command ${id}: ${errorMessage(error)}`, { cause: error }));
        });
      }
    },
    idle: () => chain,
  };
}

async function execute(runtime: AgentRuntime, acks: AckSender, command: SignedCommand, instanceUid: string): Promise<void> {
  const record: CommandRecord = { id: command.id, type: command.type, status: "running", expiresAt: command.expires_at, acked: false };
  runtime.state.commands.push(record);
  runtime.changes.mark("commands");
  try {
    await runtime.persist();
  } catch {
    // Running a command that could not be recorded risks running it twice after a restart.
    // It stays unacked, so the server delivers it again and the next attempt may record it.
    runtime.state.commands = runtime.state.commands.filter((r) => r !== record);
    return;
  }

  runtime.events.emit("command", { id: command.id, type: command.type, params: command.params });
  const outcome = await runCommand(command, {
    handlers: runtime.handlers,
    snapshots: runtime.snapshots,
    effectiveConfig: runtime.state.effectiveConfig,
    pluginVersion: runtime.plugin.version,
    instanceUid,
    signal: runtime.abort.signal,
    healthCheckTimeoutMs: runtime.healthCheckTimeoutMs,
  });
  settle(runtime, record, outcome);
  await runtime.persist().catch(() => undefined);
  announce(runtime, command, outcome);
  await acks.send(record);
}

function settle(runtime: AgentRuntime, record: CommandRecord, outcome: CommandOutcome): void {
  record.status = outcome.status;
  record.details = outcome.details;
  record.completedAt = new Date().toISOString();
  if (outcome.error !== undefined) record.error = outcome.error;
  if (outcome.effectiveConfig !== undefined) {
    runtime.state.effectiveConfig = outcome.effectiveConfig;
    runtime.changes.mark("effective_config");
  }
  if (outcome.pluginVersion !== undefined) runtime.plugin = { ...runtime.plugin, version: outcome.pluginVersion };
  if (outcome.configStatus !== undefined) {
    runtime.state.configStatus = outcome.configStatus;
    runtime.changes.mark("config_status");
  }
  runtime.changes.mark("commands");
  runtime.state.commands = pruneCommands(runtime.state.commands, Date.now());
}

function announce(runtime: AgentRuntime, command: SignedCommand, outcome: CommandOutcome): void {
  const { id, type } = command;
  if (outcome.rolledBack !== undefined) {
    runtime.events.emit("rolled_back", { commandId: id, type, ...outcome.rolledBack });
  }
  if (outcome.status === "applied") {
    runtime.logger.info("command applied", { command_id: id, type });
    runtime.events.emit("command:applied", { id, type, details: outcome.details });
  } else {
    const error = outcome.error ?? { code: "failed", message: "the command failed" };
    runtime.logger.warn("command failed", { command_id: id, type, code: error.code });
    runtime.events.emit("command:failed", { id, type, error, details: outcome.details });
  }
}

async function refuse(
  runtime: AgentRuntime,
  acks: AckSender,
  raw: unknown,
  id: string,
  type: string,
  reason: RejectionReason | "unsupported_command",
  message: string,
): Promise<void> {
  const record: CommandRecord = {
    id,
    type,
    status: "rejected",
    error: { code: reason, message },
    expiresAt: expiryOf(raw),
    completedAt: new Date().toISOString(),
    acked: false,
  };
  runtime.state.commands = pruneCommands([...runtime.state.commands, record], Date.now());
  runtime.changes.mark("commands");
  await runtime.persist().catch(() => undefined);
  runtime.logger.warn("command rejected", { command_id: id, type, reason });
  runtime.events.emit("command:rejected", { id, type, reason, message });
  await acks.send(record);
}

function expiryOf(raw: unknown): string {
  const value = isJsonObject(raw) ? raw.expires_at : undefined;
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return value;
  return new Date(Date.now() + UNPARSABLE_EXPIRY_GRACE_MS).toISOString();
}
