import { configHash } from "./canonical-json.js";
import { errorMessage } from "./errors.js";
import { runHealthCheck } from "./health-check.js";
import { isJsonObject, type JsonObject } from "./json.js";
import type { CommandError, ConfigStatus, SignedCommand } from "./protocol.js";
import type { SnapshotStore, StoredSnapshot } from "./snapshots.js";
import type { AgentHandlers, CommandContext, CommandHandler, HandlerResult, RollbackReason, SnapshotKind } from "./types.js";

/** Everything a command needs besides the command itself. */
export interface RunEnvironment {
  handlers: AgentHandlers;
  snapshots: SnapshotStore;
  effectiveConfig: JsonObject;
  /** The plugin version the agent reports now. */
  pluginVersion: string;
  instanceUid: string;
  signal: AbortSignal;
  healthCheckTimeoutMs: number;
}

/** What running a command produced; the agent persists it, acks it and emits events from it. */
export interface CommandOutcome {
  status: "applied" | "failed";
  error?: CommandError;
  details: JsonObject;
  /** Set when the effective config changed. */
  effectiveConfig?: JsonObject;
  /** Set for `config` commands. */
  configStatus?: ConfigStatus;
  /** Set when a snapshot was restored. */
  rolledBack?: { snapshotId: string; reason: RollbackReason };
  /** Set when the plugin version changed (an update, or a restore of the state before one). */
  pluginVersion?: string;
}

const BUILT_IN_TYPES = ["config", "update", "rollback", "restart"] as const;

/** Command types a set of handlers can run, sorted: what the agent advertises in `capabilities`. */
export function supportedCommandTypes(handlers: AgentHandlers): string[] {
  const builtIns = BUILT_IN_TYPES.filter((type) =>
    type === "rollback" ? handlers.rollback !== undefined || handlers.restore !== undefined : handlers[type] !== undefined,
  );
  return [...builtIns, ...Object.keys(handlers.custom ?? {})].sort();
}

/** True when `type` is one of the protocol's own command types. */
export function isBuiltInType(type: string): boolean {
  return (BUILT_IN_TYPES as readonly string[]).includes(type);
}

/**
 * Runs a verified command whose type is supported. `update` and `config` are guarded: a snapshot
 * first, the health check after, and a local restore when either the handler or the check fails.
 */
export async function runCommand(command: SignedCommand, env: RunEnvironment): Promise<CommandOutcome> {
  switch (command.type) {
    case "config":
      return runConfig(command, env);
    case "update":
      return runGuarded(command, env, "update", env.handlers.update as CommandHandler);
    case "rollback":
      return runRollback(command, env);
    default: {
      const handler = command.type === "restart" ? env.handlers.restart : env.handlers.custom?.[command.type];
      const result = await invoke(handler as CommandHandler, command.params, context(command, env, null));
      return result.ok ? applied(result.value?.details ?? {}) : failed("handler_failed", result.message);
    }
  }
}

async function runConfig(command: SignedCommand, env: RunEnvironment): Promise<CommandOutcome> {
  const offered = command.params.config;
  const offeredHash = await configHash(offered ?? null);
  const outcome = isJsonObject(offered)
    ? await runGuarded(command, env, "config", env.handlers.config as CommandHandler, offered)
    : failed("invalid_params", "params.config must be a JSON object");
  const configStatus: ConfigStatus =
    outcome.status === "applied"
      ? { offered_hash: offeredHash, status: "applied" }
      : { offered_hash: offeredHash, status: "failed", ...(outcome.error ? { error: outcome.error } : {}) };
  return { ...outcome, configStatus };
}

async function runGuarded(
  command: SignedCommand,
  env: RunEnvironment,
  kind: SnapshotKind,
  handler: CommandHandler,
  offeredConfig?: JsonObject,
): Promise<CommandOutcome> {
  let snapshot: StoredSnapshot | null = null;
  const { snapshot: takeSnapshot, restore } = env.handlers;
  if (takeSnapshot !== undefined && restore !== undefined) {
    try {
      const data = await takeSnapshot(kind);
      snapshot = await env.snapshots.save({
        commandId: command.id,
        kind,
        data,
        previousEffectiveConfig: env.effectiveConfig,
        previousPluginVersion: env.pluginVersion,
      });
    } catch (error) {
      // Without a way back, applying would be a gamble the server did not ask for.
      return failed("snapshot_failed", errorMessage(error));
    }
  }

  const result = await invoke(handler, command.params, context(command, env, snapshot));
  if (!result.ok) return undo(env, snapshot, "handler_failed", failed("handler_failed", result.message));

  const health = await runHealthCheck(env.handlers.healthCheck, env.healthCheckTimeoutMs);
  if (!health.healthy) {
    const failure = failed("health_check_failed", "the health check failed after applying the command");
    return undo(env, snapshot, "health_check_failed", { ...failure, details: { health: health.details ?? {} } });
  }

  const effectiveConfig = result.value?.effectiveConfig ?? offeredConfig;
  const hash = await configHash(effectiveConfig ?? env.effectiveConfig);
  const pluginVersion = result.value?.pluginVersion;
  return {
    ...applied({ ...result.value?.details, effective_config_hash: hash, ...(pluginVersion !== undefined ? { plugin_version: pluginVersion } : {}) }),
    ...(effectiveConfig !== undefined ? { effectiveConfig } : {}),
    ...(pluginVersion !== undefined ? { pluginVersion } : {}),
  };
}

/** Restores `snapshot` after a failed apply; the outcome stays `failed` and says whether it worked. */
async function undo(
  env: RunEnvironment,
  snapshot: StoredSnapshot | null,
  reason: RollbackReason,
  failure: CommandOutcome,
): Promise<CommandOutcome> {
  if (snapshot === null || env.handlers.restore === undefined) {
    return { ...failure, details: { ...failure.details, rolled_back: false } };
  }
  try {
    await env.handlers.restore(snapshot);
  } catch (error) {
    return { ...failure, details: { ...failure.details, rolled_back: false, rollback_error: errorMessage(error) } };
  }
  // The restored state is current again, so this snapshot must not be restored a second time.
  await env.snapshots.remove(snapshot.id);
  return {
    ...failure,
    details: { ...failure.details, rolled_back: true, snapshot_id: snapshot.id },
    rolledBack: { snapshotId: snapshot.id, reason },
    ...restoredVersion(snapshot),
  };
}

async function runRollback(command: SignedCommand, env: RunEnvironment): Promise<CommandOutcome> {
  const snapshot = env.snapshots.latest();
  const { rollback, restore } = env.handlers;
  if (rollback !== undefined) {
    const result = await invoke(rollback, command.params, context(command, env, snapshot));
    if (!result.ok) return failed("handler_failed", result.message);
  } else {
    if (snapshot === null || restore === undefined) return failed("no_snapshot", "there is no snapshot to restore");
    try {
      await restore(snapshot);
    } catch (error) {
      return failed("restore_failed", errorMessage(error));
    }
  }
  if (snapshot === null) return applied({ snapshot_id: null });

  await env.snapshots.remove(snapshot.id);
  const effectiveConfig = snapshot.previousEffectiveConfig;
  return {
    ...applied({
      snapshot_id: snapshot.id,
      restored_command_id: snapshot.commandId,
      effective_config_hash: await configHash(effectiveConfig),
    }),
    effectiveConfig,
    rolledBack: { snapshotId: snapshot.id, reason: "rollback_command" },
    ...restoredVersion(snapshot),
  };
}

function restoredVersion(snapshot: StoredSnapshot): Pick<CommandOutcome, "pluginVersion"> {
  return snapshot.previousPluginVersion === undefined ? {} : { pluginVersion: snapshot.previousPluginVersion };
}

function context(command: SignedCommand, env: RunEnvironment, snapshot: StoredSnapshot | null): CommandContext {
  return {
    command: { id: command.id, type: command.type, issuedAt: command.issued_at, expiresAt: command.expires_at },
    instanceUid: env.instanceUid,
    signal: env.signal,
    snapshot,
  };
}

type Invocation = { ok: true; value: HandlerResult | undefined } | { ok: false; message: string };

async function invoke(handler: CommandHandler, params: JsonObject, ctx: CommandContext): Promise<Invocation> {
  try {
    return { ok: true, value: (await handler(params, ctx)) ?? undefined };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

function applied(details: JsonObject): CommandOutcome {
  return { status: "applied", details };
}

function failed(code: string, message: string): CommandOutcome {
  return { status: "failed", error: { code, message }, details: {} };
}
