import type { Queryable } from "../db/database.js";
import { type PageRequest, pageSql } from "../http/pagination.js";

/** Statuses a command can be in; the last four are final except `expired`, which a late ack overrides. */
export type CommandStatus = "pending" | "delivered" | "applied" | "failed" | "rejected" | "expired";

/** A command as stored. */
export type CommandRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  instance_id: string;
  type: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  issued_at: Date;
  expires_at: Date;
  signature: string;
  delivered_at: Date | null;
  delivery_count: number;
  error: { code: string; message: string } | null;
  details: Record<string, unknown> | null;
  completed_at: Date | null;
  acked_at: Date | null;
  created_by_type: string;
  created_by_id: string;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = `id, account_id, livemode, instance_id, type, params, status, issued_at, expires_at, signature, delivered_at,
  delivery_count, error, details, completed_at, acked_at, created_by_type, created_by_id, created_at, updated_at`;

/** The most commands one heartbeat response carries (section 4). */
export const MAX_COMMANDS_PER_HEARTBEAT = 20;

/** Inserts a signed command. */
export async function insertCommand(
  tx: Queryable,
  command: Pick<CommandRow, "id" | "account_id" | "livemode" | "instance_id" | "type" | "params" | "issued_at" | "expires_at" | "signature" | "created_by_type" | "created_by_id">,
): Promise<CommandRow> {
  const { rows } = await tx.query<CommandRow>(
    `insert into plugin_commands
       (id, account_id, livemode, instance_id, type, params, status, issued_at, expires_at, signature, created_by_type, created_by_id)
     values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11)
     returning ${COLUMNS}`,
    [
      command.id,
      command.account_id,
      command.livemode,
      command.instance_id,
      command.type,
      JSON.stringify(command.params),
      command.issued_at,
      command.expires_at,
      command.signature,
      command.created_by_type,
      command.created_by_id,
    ],
  );
  return rows[0] as CommandRow;
}

/** One command of one instance, locked; undefined when the id is unknown or another instance's. */
export async function lockInstanceCommand(tx: Queryable, instanceId: string, id: string): Promise<CommandRow | undefined> {
  const { rows } = await tx.query<CommandRow>(`select ${COLUMNS} from plugin_commands where id = $1 and instance_id = $2 for update`, [
    id,
    instanceId,
  ]);
  return rows[0];
}

/** Writes the final status an agent reported. */
export async function recordCommandResult(
  tx: Queryable,
  id: string,
  result: { status: "applied" | "failed" | "rejected"; error: unknown; details: unknown; completedAt: Date | null },
): Promise<CommandRow> {
  const { rows } = await tx.query<CommandRow>(
    `update plugin_commands set status = $2, error = $3, details = $4, completed_at = $5, acked_at = now(), updated_at = now()
      where id = $1 returning ${COLUMNS}`,
    [
      id,
      result.status,
      result.error === undefined ? null : JSON.stringify(result.error),
      result.details === undefined ? null : JSON.stringify(result.details),
      result.completedAt,
    ],
  );
  return rows[0] as CommandRow;
}

/** One page of an instance's commands, newest first. */
export async function listCommands(
  db: Queryable,
  scope: { accountId: string; livemode: boolean },
  instanceId: string,
  status: CommandStatus | undefined,
  page: PageRequest,
): Promise<CommandRow[]> {
  const tail = pageSql(page, "id", 5);
  const { rows } = await db.query<CommandRow>(
    `select ${COLUMNS} from plugin_commands
      where account_id = $1 and livemode = $2 and instance_id = $3 and ($4::text is null or status = $4)
      ${tail.sql}`,
    [scope.accountId, scope.livemode, instanceId, status ?? null, ...tail.params],
  );
  return rows;
}

/** Marks commands whose deadline passed without an ack `expired`, and returns them. */
export async function expireCommands(tx: Queryable, now: Date): Promise<CommandRow[]> {
  const { rows } = await tx.query<CommandRow>(
    `update plugin_commands set status = 'expired', updated_at = now()
      where id in (
        select id from plugin_commands where status in ('pending', 'delivered') and expires_at <= $1
         order by id for update skip locked)
      returning ${COLUMNS}`,
    [now],
  );
  return rows;
}
