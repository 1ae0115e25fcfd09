import { z } from "../http/zod.js";
import type { CommandRow } from "./command-store.js";
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, type IncidentRow } from "./incident-store.js";
import type { InstanceRow, TelemetrySampleRow } from "./instance-store.js";
import type { EnrolmentTokenRow } from "./token-store.js";

const dateTime = z.string().openapi({ format: "date-time" });
const jsonObject = z.record(z.string(), z.unknown());

/** An enrolment token as the API shows it (never the token itself, except once at creation). */
export const enrolmentTokenSchema = z
  .object({
    id: z.string().openapi({ example: "enr_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("agent_enrolment_token"),
    livemode: z.boolean(),
    app_id: z.string(),
    prefix: z.string().openapi({ description: "The token's first characters, to tell tokens apart." }),
    expires_at: dateTime.nullable(),
    max_uses: z.number().int().nullable(),
    uses: z.number().int(),
    created_at: dateTime,
    revoked_at: dateTime.nullable(),
  })
  .openapi("AgentEnrolmentToken");

/** Creation response: the token, shown once. */
export const createdEnrolmentTokenSchema = enrolmentTokenSchema
  .extend({ token: z.string().openapi({ description: "The enrolment token (`aet_…`), shown only in this response." }) })
  .openapi("AgentEnrolmentTokenWithToken");

export function presentEnrolmentToken(row: EnrolmentTokenRow): z.input<typeof enrolmentTokenSchema> {
  return {
    id: row.id,
    object: "agent_enrolment_token",
    livemode: row.livemode,
    app_id: row.app_id,
    prefix: row.prefix,
    expires_at: row.expires_at?.toISOString() ?? null,
    max_uses: row.max_uses,
    uses: row.uses,
    created_at: row.created_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

/** The statuses of a command on the server (section 6). */
export const commandStatuses = ["pending", "delivered", "applied", "failed", "rejected", "expired"] as const;

/** A command as the operator API shows it. */
export const pluginCommandSchema = z
  .object({
    id: z.string().openapi({ example: "cmd_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("plugin_command"),
    livemode: z.boolean(),
    plugin_id: z.string(),
    type: z.string(),
    params: jsonObject,
    status: z.enum(commandStatuses),
    issued_at: dateTime,
    expires_at: dateTime,
    delivered_at: dateTime.nullable(),
    delivery_count: z.number().int(),
    completed_at: dateTime.nullable(),
    acked_at: dateTime.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    details: jsonObject.nullable(),
    created_at: dateTime,
  })
  .openapi("PluginCommand");

export function presentCommand(row: CommandRow): z.input<typeof pluginCommandSchema> {
  return {
    id: row.id,
    object: "plugin_command",
    livemode: row.livemode,
    plugin_id: row.instance_id,
    type: row.type,
    params: row.params,
    status: row.status,
    issued_at: row.issued_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    delivered_at: row.delivered_at?.toISOString() ?? null,
    delivery_count: row.delivery_count,
    completed_at: row.completed_at?.toISOString() ?? null,
    acked_at: row.acked_at?.toISOString() ?? null,
    error: row.error,
    details: row.details,
    created_at: row.created_at.toISOString(),
  };
}

/** One plugin instance as the operator API shows it. */
export const pluginSchema = z
  .object({
    id: z.string().openapi({ example: "plg_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("plugin"),
    livemode: z.boolean(),
    app_id: z.string(),
    status: z.enum(["active", "offline", "revoked"]),
    plugin: z.object({ name: z.string(), version: z.string(), platform: z.string() }),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    capabilities: z.object({ commands: z.array(z.string()), local_rollback: z.boolean(), health_check: z.boolean() }).nullable(),
    health: z.object({ healthy: z.boolean().nullable(), details: jsonObject.nullable() }),
    effective_config_hash: z.string().nullable(),
    effective_config: jsonObject.nullable(),
    config_status: jsonObject.nullable(),
    telemetry: z.object({ since: z.string().nullable(), counters: z.record(z.string(), z.number()) }),
    last_sequence_num: z.number().int().nullable(),
    report_full_state: z.boolean(),
    heartbeat_interval_s: z.number().int(),
    last_seen_at: dateTime.nullable(),
    enrolled_at: dateTime,
    revoked_at: dateTime.nullable(),
    created_at: dateTime,
  })
  .openapi("Plugin");

export function presentPlugin(row: InstanceRow): z.input<typeof pluginSchema> {
  return {
    id: row.id,
    object: "plugin",
    livemode: row.livemode,
    app_id: row.app_id,
    status: row.status,
    plugin: { name: row.plugin_name, version: row.plugin_version, platform: row.platform },
    env: row.env,
    capabilities: row.capabilities,
    health: { healthy: row.healthy, details: row.health },
    effective_config_hash: row.effective_config_hash,
    effective_config: row.effective_config,
    config_status: row.config_status,
    telemetry: { since: row.telemetry_since, counters: row.telemetry_counters },
    last_sequence_num: row.last_sequence_num === null ? null : Number(row.last_sequence_num),
    report_full_state: row.report_full_state,
    heartbeat_interval_s: row.heartbeat_interval_s,
    last_seen_at: row.last_seen_at?.toISOString() ?? null,
    enrolled_at: row.enrolled_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

const telemetrySampleSchema = z.object({
  sequence_num: z.number().int(),
  healthy: z.boolean(),
  error_count: z.number().int(),
  errors: z.array(z.unknown()),
  webhook_fail_rate: z.number().nullable(),
  counters: z.record(z.string(), z.number()),
  recorded_at: dateTime,
});

/** `GET /v1/plugins/:id`: the plugin with its latest telemetry samples and commands. */
export const pluginDetailSchema = pluginSchema
  .extend({ recent_telemetry: z.array(telemetrySampleSchema), recent_commands: z.array(pluginCommandSchema) })
  .openapi("PluginDetail");

export function presentTelemetrySample(row: TelemetrySampleRow): z.input<typeof telemetrySampleSchema> {
  return {
    sequence_num: Number(row.sequence_num),
    healthy: row.healthy,
    error_count: row.error_count,
    errors: row.errors,
    webhook_fail_rate: row.webhook_fail_rate,
    counters: row.counters,
    recorded_at: row.recorded_at.toISOString(),
  };
}

/** An incident as the API shows it. */
export const incidentSchema = z
  .object({
    id: z.string().openapi({ example: "inc_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("incident"),
    livemode: z.boolean(),
    app_id: z.string(),
    plugin_id: z.string(),
    type: z.string(),
    severity: z.enum(INCIDENT_SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    summary: z.string(),
    evidence: jsonObject,
    opened_at: dateTime,
    resolved_at: dateTime.nullable(),
    created_at: dateTime,
  })
  .openapi("Incident");

export function presentIncident(row: IncidentRow): z.input<typeof incidentSchema> {
  return {
    id: row.id,
    object: "incident",
    livemode: row.livemode,
    app_id: row.app_id,
    plugin_id: row.instance_id,
    type: row.type,
    severity: row.severity,
    status: row.status,
    summary: row.summary,
    evidence: row.evidence,
    opened_at: row.opened_at.toISOString(),
    resolved_at: row.resolved_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** A list envelope around `item`. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ object: z.literal("list"), data: z.array(item), has_more: z.boolean() }).openapi(name);
}
