import type { DocumentStore } from "./document-store.js";
import { AgentError } from "./errors.js";
import { isJsonObject, type JsonObject } from "./json.js";
import type { AgentCommandStatus, CommandError, CommandSigningKey, ConfigStatus } from "./protocol.js";
import { parseSigningKey } from "./wire-parse.js";

/** What the agent remembers about one command it received, so it never runs it twice. */
export interface CommandRecord {
  id: string;
  type: string;
  status: AgentCommandStatus;
  error?: CommandError;
  details?: JsonObject;
  expiresAt: string;
  completedAt?: string;
  /** `true` once the server accepted the ack (or refused it for good). */
  acked: boolean;
}

/** Credentials issued at enrolment. */
export interface AgentCredentials {
  agentSecret: string;
  commandSigningKey: CommandSigningKey;
}

/** Everything the agent persists in the `state` document. */
export interface AgentState {
  instanceUid: string | undefined;
  credentials: AgentCredentials | undefined;
  /** Last sequence number used; the next heartbeat sends this plus one. */
  sequenceNum: number;
  effectiveConfig: JsonObject;
  configStatus: ConfigStatus | null;
  commands: CommandRecord[];
}

const STATE_DOCUMENT = "state";
const STATE_VERSION = 1;
/** Acked records are kept until their command expired (the server never re-sends it after) ... */
const EXPIRY_GRACE_MS = 3_600_000;
/** ... plus an hour for clock skew between agent and server; this caps the rest. */
const MAX_COMMAND_RECORDS = 1_000;

/** A fresh state for an agent that has never enrolled. */
export function emptyState(effectiveConfig: JsonObject = {}): AgentState {
  return { instanceUid: undefined, credentials: undefined, sequenceNum: 0, effectiveConfig, configStatus: null, commands: [] };
}

/**
 * Reads the persisted state. Commands that were `running` when the previous process died are
 * settled here: a `restart` is `applied` (a new process is what it asked for), anything else
 * `failed` with `interrupted`, because running a handler twice is worse than reporting it.
 *
 * @throws {AgentError} `state_error` when the document exists but is not a state the agent wrote.
 */
export async function loadState(store: DocumentStore, initialConfig: JsonObject): Promise<AgentState> {
  const document = await store.read(STATE_DOCUMENT);
  if (document === undefined) return emptyState(initialConfig);
  const state = parseState(document);
  if (state === undefined) {
    throw new AgentError("state_error", "the state document is not one this agent version wrote; move it away to re-enrol");
  }
  const now = new Date().toISOString();
  for (const record of state.commands) {
    if (record.status !== "running") continue;
    record.completedAt = now;
    if (record.type === "restart") {
      record.status = "applied";
      record.details = { completed_by: "process_restart" };
    } else {
      record.status = "failed";
      record.error = { code: "interrupted", message: "the agent stopped while the command was running" };
    }
  }
  return state;
}

/** Writes the state document (atomically when the store is file-backed). */
export async function saveState(store: DocumentStore, state: AgentState): Promise<void> {
  await store.write(STATE_DOCUMENT, { version: STATE_VERSION, ...state });
}

/** Forgets acked commands that can no longer be delivered, then caps how many are kept. */
export function pruneCommands(records: CommandRecord[], now: number): CommandRecord[] {
  const kept = records.filter((record) => !record.acked || Date.parse(record.expiresAt) + EXPIRY_GRACE_MS > now);
  let excess = kept.length - MAX_COMMAND_RECORDS;
  return kept.filter((record) => {
    if (excess > 0 && record.acked) {
      excess -= 1;
      return false;
    }
    return true;
  });
}

function parseState(document: unknown): AgentState | undefined {
  if (!isJsonObject(document) || document.version !== STATE_VERSION) return undefined;
  const { instanceUid, credentials, sequenceNum, effectiveConfig, configStatus, commands } = document;
  if (typeof sequenceNum !== "number" || !isJsonObject(effectiveConfig) || !Array.isArray(commands)) return undefined;
  if (instanceUid !== undefined && typeof instanceUid !== "string") return undefined;
  const parsedCredentials = credentials === undefined ? undefined : parseCredentials(credentials);
  if (credentials !== undefined && parsedCredentials === undefined) return undefined;
  if (!commands.every(isCommandRecord)) return undefined;
  return {
    instanceUid,
    credentials: parsedCredentials,
    sequenceNum,
    effectiveConfig,
    configStatus: isJsonObject(configStatus) ? (configStatus as unknown as ConfigStatus) : null,
    commands: commands as unknown as CommandRecord[],
  };
}

function parseCredentials(value: unknown): AgentCredentials | undefined {
  if (!isJsonObject(value) || typeof value.agentSecret !== "string") return undefined;
  const key = parseSigningKey(value.commandSigningKey);
  return key === undefined ? undefined : { agentSecret: value.agentSecret, commandSigningKey: key };
}

function isCommandRecord(value: unknown): boolean {
  return (
    isJsonObject(value) &&
    typeof value.id === "string" &&
    typeof value.type === "string" &&
    typeof value.status === "string" &&
    typeof value.expiresAt === "string" &&
    typeof value.acked === "boolean"
  );
}
