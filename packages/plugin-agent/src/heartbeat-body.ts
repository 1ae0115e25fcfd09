import { configHash } from "./canonical-json.js";
import { runHealthCheck } from "./health-check.js";
import type { CommandStatusReport, HealthReport, HeartbeatRequest, StateReport } from "./protocol.js";
import type { AgentRuntime } from "./runtime.js";

/**
 * Builds the next heartbeat. With `full`, `full_state` carries the whole state; otherwise
 * `changes` carries what changed since the last delivered heartbeat (and is left out when
 * nothing did). Either way the change trackers move their keys in flight: the caller settles them.
 */
export async function buildHeartbeat(runtime: AgentRuntime, sequenceNum: number, full: boolean): Promise<HeartbeatRequest> {
  const { state } = runtime;
  const changed = runtime.changes.take();
  const { errors, telemetry } = runtime.telemetry.take(full);
  const body: HeartbeatRequest = {
    instance_uid: state.instanceUid ?? "",
    sequence_num: sequenceNum,
    plugin: runtime.plugin,
    env: runtime.env,
    health: { ...(await currentHealth(runtime)), errors },
    effective_config_hash: await configHash(state.effectiveConfig),
    capabilities: runtime.capabilities,
  };
  if (full) {
    body.full_state = {
      effective_config: state.effectiveConfig,
      config_status: state.configStatus,
      telemetry: telemetry ?? { since: "", counters: {} },
      commands: unackedCommands(runtime),
    };
    return body;
  }
  const changes: StateReport = {};
  if (changed.has("effective_config")) changes.effective_config = state.effectiveConfig;
  if (changed.has("config_status")) changes.config_status = state.configStatus;
  if (changed.has("commands")) changes.commands = unackedCommands(runtime);
  if (telemetry !== undefined) changes.telemetry = telemetry;
  if (Object.keys(changes).length > 0) body.changes = changes;
  return body;
}

/** Health the plugin set, and-ed with its health check when it has one. */
async function currentHealth(runtime: AgentRuntime): Promise<Omit<HealthReport, "errors">> {
  const manual = runtime.telemetry.health;
  const check = await runHealthCheck(runtime.handlers.healthCheck, runtime.healthCheckTimeoutMs);
  const details = { ...manual.details, ...(check.details !== undefined ? { check: check.details } : {}) };
  return {
    healthy: manual.healthy && check.healthy,
    webhook_fail_rate: manual.webhookFailRate,
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}

function unackedCommands(runtime: AgentRuntime): CommandStatusReport[] {
  return runtime.state.commands
    .filter((record) => !record.acked)
    .map((record) => ({
      id: record.id,
      type: record.type,
      status: record.status,
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.details !== undefined ? { details: record.details } : {}),
    }));
}
