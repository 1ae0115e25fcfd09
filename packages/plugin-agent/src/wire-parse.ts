import { isJsonObject } from "./json.js";
import type { CommandSigningKey, EnrolResponse, ProblemDocument } from "./protocol.js";

// Responses come from the network, so they are checked before inner code trusts their types.
// Hand-written checks keep the package free of dependencies.

/** Returns the enrolment response when `body` has the documented shape. */
export function parseEnrolResponse(body: unknown): EnrolResponse | undefined {
  if (!isJsonObject(body)) return undefined;
  const { instance_uid, agent_secret, command_signing_key } = body;
  if (!isNonEmptyString(instance_uid) || !isNonEmptyString(agent_secret)) return undefined;
  const key = parseSigningKey(command_signing_key);
  if (key === undefined) return undefined;
  return { instance_uid, agent_secret, command_signing_key: key };
}

/** Returns the key when it is an Ed25519 public JWK; private members are dropped, never kept. */
export function parseSigningKey(value: unknown): CommandSigningKey | undefined {
  if (!isJsonObject(value)) return undefined;
  if (value.kty !== "OKP" || value.crv !== "Ed25519" || !isNonEmptyString(value.x)) return undefined;
  return { kty: "OKP", crv: "Ed25519", x: value.x, ...(isNonEmptyString(value.kid) ? { kid: value.kid } : {}) };
}

/** A heartbeat response with commands left raw: each one is checked when it is about to run. */
export interface ParsedHeartbeatResponse {
  nextHeartbeatInS: number | undefined;
  reportFullState: boolean;
  commands: unknown[];
}

/** Returns the heartbeat response when `body` has the documented shape. */
export function parseHeartbeatResponse(body: unknown): ParsedHeartbeatResponse | undefined {
  if (!isJsonObject(body)) return undefined;
  const { next_heartbeat_in_s, report_full_state, commands } = body;
  if (commands !== undefined && !Array.isArray(commands)) return undefined;
  if (report_full_state !== undefined && typeof report_full_state !== "boolean") return undefined;
  return {
    nextHeartbeatInS:
      typeof next_heartbeat_in_s === "number" && Number.isFinite(next_heartbeat_in_s) ? next_heartbeat_in_s : undefined,
    reportFullState: report_full_state === true,
    commands: commands ?? [],
  };
}

/** Returns the problem document when `body` looks like RFC 9457 with our `code` extension. */
export function parseProblem(body: unknown): ProblemDocument | undefined {
  if (!isJsonObject(body)) return undefined;
  const { type, title, status, detail, code, request_id } = body;
  if (typeof code !== "string" || typeof status !== "number") return undefined;
  return {
    type: typeof type === "string" ? type : "about:blank",
    title: typeof title === "string" ? title : "",
    status,
    detail: typeof detail === "string" ? detail : "",
    code,
    ...(typeof request_id === "string" ? { request_id } : {}),
  };
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
