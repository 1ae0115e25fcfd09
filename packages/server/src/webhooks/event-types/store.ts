import type { Queryable } from "../../db/database.js";

/** An event type as stored; built-in types have no account. */
export type EventTypeRow = {
  name: string;
  account_id: string | null;
  description: string;
  schema: Record<string, unknown> | null;
  created_at: Date;
};

const COLUMNS = "name, account_id, description, schema, created_at";

/** The built-in types and the account's own (in this mode), by name. */
export async function listEventTypes(db: Queryable, accountId: string, livemode: boolean): Promise<EventTypeRow[]> {
  const { rows } = await db.query<EventTypeRow>(
    `select ${COLUMNS} from event_types
      where account_id is null or (account_id = $1 and livemode = $2)
      order by name, account_id nulls first`,
    [accountId, livemode],
  );
  return rows;
}

/** One type the account may publish, built-in or its own. */
export async function findEventType(db: Queryable, accountId: string, livemode: boolean, name: string): Promise<EventTypeRow | undefined> {
  const { rows } = await db.query<EventTypeRow>(
    `select ${COLUMNS} from event_types
      where name = $3 and (account_id is null or (account_id = $1 and livemode = $2))
      limit 1`,
    [accountId, livemode, name],
  );
  return rows[0];
}

/** Registers an account's own type. */
export async function insertEventType(
  tx: Queryable,
  type: { accountId: string; livemode: boolean; name: string; description: string; schema: Record<string, unknown> | null },
): Promise<EventTypeRow> {
  const { rows } = await tx.query<EventTypeRow>(
    `insert into event_types (name, account_id, livemode, description, schema)
     values ($1, $2, $3, $4, $5)
     returning ${COLUMNS}`,
    [type.name, type.accountId, type.livemode, type.description, type.schema === null ? null : JSON.stringify(type.schema)],
  );
  return rows[0] as EventTypeRow;
}
