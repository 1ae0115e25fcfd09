import { insertAuditEntry } from "../audit/store.js";
import type { Database, Queryable } from "../db/database.js";
import type { RequestMeta } from "../http/api-router.js";
import { conflict, notFound } from "../http/problem.js";
import { type CommandRow, lockInstanceCommand, recordCommandResult } from "./command-store.js";
import type { InstanceRow } from "./instance-store.js";
import type { AckRequest } from "./wire.js";

/** A final status an agent reports, by ack or in a heartbeat's `commands`. */
export interface AgentResult {
  status: "applied" | "failed" | "rejected";
  error?: { code: string; message: string } | undefined;
  details?: Record<string, unknown> | undefined;
  completedAt: Date | null;
}

/** What recording a result did (section 8's idempotency table). */
export type ResultOutcome =
  | { kind: "recorded"; command: CommandRow }
  | { kind: "unchanged"; command: CommandRow }
  | { kind: "conflict"; command: CommandRow }
  | { kind: "not_found" };

const FINAL = new Set(["applied", "failed", "rejected"]);

/**
 * Records an agent's final status for one of its own commands: `pending`, `delivered` and
 * `expired` take it (a late ack wins over `expired`); the same final status again changes
 * nothing; a different one is a conflict. Another instance's command is not found.
 */
export async function recordAgentResult(
  tx: Queryable,
  instance: Pick<InstanceRow, "id" | "account_id" | "livemode">,
  commandId: string,
  result: AgentResult,
  request: RequestMeta,
): Promise<ResultOutcome> {
  const before = await lockInstanceCommand(tx, instance.id, commandId);
  if (!before) return { kind: "not_found" };
  if (FINAL.has(before.status)) return { kind: before.status === result.status ? "unchanged" : "conflict", command: before };
  const after = await recordCommandResult(tx, commandId, { status: result.status, error: result.error, details: result.details, completedAt: result.completedAt });
  await insertAuditEntry(tx, {
    accountId: instance.account_id,
    livemode: instance.livemode,
    actor: { type: "agent", id: instance.id },
    action: `plugin_command.${result.status}`,
    targetId: commandId,
    before: { status: before.status },
    after: { status: after.status, error: after.error, details: after.details },
    requestId: request.requestId,
    ip: request.ip,
  });
  return { kind: "recorded", command: after };
}

/**
 * `POST /v1/agent/commands/:id/ack` (section 8): 200 when recorded or already recorded with the
 * same status, 409 for a different final status, 404 for an unknown id or another instance's.
 */
export async function ackCommand(
  db: Database,
  instance: Pick<InstanceRow, "id" | "account_id" | "livemode">,
  commandId: string,
  ack: AckRequest,
  request: RequestMeta,
): Promise<{ id: string; status: string }> {
  const outcome = await db.transaction((tx) =>
    recordAgentResult(tx, instance, commandId, { status: ack.status, error: ack.error, details: ack.details, completedAt: new Date(ack.completed_at) }, request),
  );
  if (outcome.kind === "not_found") throw notFound("command", commandId);
  if (outcome.kind === "conflict") {
    throw conflict(`Command ${commandId} is already ${outcome.command.status}; it cannot become ${ack.status}`);
  }
  return { id: outcome.command.id, status: outcome.command.status };
}
