import { z } from "../http/zod.js";

// The agent protocol's messages (docs/agent-protocol.md). Per its section 2, unknown members
// are ignored (z.object strips them) so that newer agents keep working; known members are
// checked strictly, with sizes capped so one heartbeat cannot flood the telemetry tables.

const timestamp = z.iso.datetime({ offset: true }).openapi({ format: "date-time" });
const jsonObject = z.record(z.string(), z.unknown());

/** Built-in command types; anything else must match {@link customCommandType}. */
export const builtInCommandTypes = ["config", "update", "rollback", "restart"] as const;
/** Custom command type names (section 6). */
export const customCommandType = /^[a-z][a-z0-9_.:-]{0,63}$/;
const commandType = z.string().regex(customCommandType);

/** `plugin` in enrolment and heartbeats. */
export const pluginInfo = z.object({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(100),
  platform: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, { error: "must be a lower-case slug" }),
});

/** `POST /v1/agent/enrol`. */
export const enrolRequest = z
  .object({
    token: z.string().min(1).max(200),
    plugin: pluginInfo,
    instance_uid: z.string().min(1).max(64).optional(),
  })
  .openapi("AgentEnrolRequest");

/** The pinned Ed25519 public key (RFC 8037). */
export const commandSigningKey = z
  .object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string() })
  .openapi("CommandSigningKey");

/** 201 of `POST /v1/agent/enrol`. */
export const enrolResponse = z
  .object({ instance_uid: z.string(), agent_secret: z.string(), command_signing_key: commandSigningKey })
  .openapi("AgentEnrolResponse");

const commandError = z.object({ code: z.string().min(1).max(100), message: z.string().max(1000) });

const reportedError = z.object({
  message: z.string().max(500),
  code: z.string().max(100).optional(),
  count: z.number().int().min(1),
  last_at: timestamp,
});

const stateMembers = {
  effective_config: jsonObject,
  config_status: z
    .object({ offered_hash: z.string().max(128), status: z.enum(["applied", "failed"]), error: commandError.optional() })
    .nullable(),
  telemetry: z.object({
    // The reference agent sends "" before it has a start time.
    since: z.string().max(64),
    counters: z
      .record(z.string().max(100), z.number())
      .refine((value) => Object.keys(value).length <= 200, { error: "can hold at most 200 counters" }),
  }),
  commands: z
    .array(
      z.object({
        id: z.string().max(64),
        type: commandType,
        status: z.enum(["running", "applied", "failed", "rejected"]),
        error: commandError.optional(),
        details: jsonObject.optional(),
      }),
    )
    .max(100),
};

/** `POST /v1/agent/heartbeat`. */
export const heartbeatRequest = z
  .object({
    instance_uid: z.string().min(1).max(64),
    sequence_num: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    plugin: pluginInfo,
    env: z
      .record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean()]))
      .refine((value) => Object.keys(value).length <= 100, { error: "can hold at most 100 facts" }),
    health: z.object({
      healthy: z.boolean(),
      errors: z.array(reportedError).max(20),
      webhook_fail_rate: z.number().min(0).max(1).nullable(),
      details: jsonObject.optional(),
    }),
    effective_config_hash: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be a lower-case hex SHA-256" }),
    capabilities: z.object({ commands: z.array(commandType).max(64), local_rollback: z.boolean(), health_check: z.boolean() }),
    full_state: z.object(stateMembers).optional(),
    changes: z.object(stateMembers).partial().optional(),
  })
  .refine((value) => !(value.full_state && value.changes), { error: "full_state and changes cannot be sent together", path: ["changes"] })
  .openapi("AgentHeartbeatRequest");

/** One command as delivered in a heartbeat response. */
export const signedCommand = z
  .object({
    id: z.string(),
    type: z.string(),
    params: jsonObject,
    issued_at: z.string(),
    expires_at: z.string(),
    signature: z.string().openapi({ description: "Compact JWS (EdDSA) over {id, type, params, instance_uid, issued_at, expires_at}." }),
  })
  .openapi("SignedCommand");

/** 200 of `POST /v1/agent/heartbeat`. */
export const heartbeatResponse = z
  .object({ next_heartbeat_in_s: z.number().int(), report_full_state: z.boolean(), commands: z.array(signedCommand) })
  .openapi("AgentHeartbeatResponse");

/** `POST /v1/agent/commands/:id/ack`. */
export const ackRequest = z
  .object({
    status: z.enum(["applied", "failed", "rejected"]),
    error: commandError.optional(),
    details: jsonObject.optional(),
    completed_at: timestamp,
  })
  .refine((value) => value.status === "applied" || value.error !== undefined, { error: "is required with failed and rejected", path: ["error"] })
  .openapi("AgentAckRequest");

/** 200 of an ack. */
export const ackResponse = z.object({ id: z.string(), status: z.string() }).openapi("AgentAckResponse");

/** Path of the ack route. */
export const ackParams = z.object({ id: z.string().min(1).max(64) });

export type EnrolRequest = z.output<typeof enrolRequest>;
export type HeartbeatRequest = z.output<typeof heartbeatRequest>;
export type StateReport = z.output<typeof heartbeatRequest>["changes"] & {};
export type AckRequest = z.output<typeof ackRequest>;
export type SignedCommand = z.output<typeof signedCommand>;
