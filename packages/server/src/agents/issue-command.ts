import type { Queryable } from "../db/database.js";
import { newId } from "../ids.js";
import { type CommandRow, insertCommand } from "./command-store.js";
import type { InstanceRow } from "./instance-store.js";
import type { CommandSigner } from "./signing.js";

/** A command to sign and store for one instance. */
export interface CommandToIssue {
  type: string;
  params: Record<string, unknown>;
  issuedAt: Date;
  expiresAt: Date;
  /** Who asked for it: an operator's key or user, or the system (an autopatch). */
  createdBy: { type: string; id: string };
}

/**
 * Signs a command over exactly the values it will be delivered with (so a later edit of the
 * row breaks the signature and the agent refuses it) and stores it as `pending`.
 */
export async function issueCommand(
  tx: Queryable,
  signer: CommandSigner,
  instance: Pick<InstanceRow, "id" | "account_id" | "livemode">,
  command: CommandToIssue,
): Promise<CommandRow> {
  const id = newId("cmd");
  const signature = await signer.sign(tx, instance.account_id, {
    id,
    type: command.type,
    params: command.params,
    instance_uid: instance.id,
    issued_at: command.issuedAt.toISOString(),
    expires_at: command.expiresAt.toISOString(),
  });
  return insertCommand(tx, {
    id,
    account_id: instance.account_id,
    livemode: instance.livemode,
    instance_id: instance.id,
    type: command.type,
    params: command.params,
    issued_at: command.issuedAt,
    expires_at: command.expiresAt,
    signature,
    created_by_type: command.createdBy.type,
    created_by_id: command.createdBy.id,
  });
}
