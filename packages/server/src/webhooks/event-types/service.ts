import { type ChangeContext, recordChange } from "../../audit/change.js";
import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import { conflict } from "../../http/problem.js";
import { type EventTypeRow, findEventType, insertEventType, listEventTypes } from "./store.js";

/** The event-type registry: built-in commerce and system types plus each account's own. */
export class EventTypeService {
  constructor(private readonly db: Database) {}

  list(auth: AuthContext): Promise<EventTypeRow[]> {
    return listEventTypes(this.db, auth.accountId, auth.livemode);
  }

  async register(
    context: ChangeContext,
    input: { name: string; description: string; schema: Record<string, unknown> | null },
  ): Promise<EventTypeRow> {
    const { accountId, livemode } = context.auth;
    return this.db.transaction(async (tx) => {
      if (await findEventType(tx, accountId, livemode, input.name)) throw conflict(`Event type ${input.name} already exists`);
      const created = await insertEventType(tx, { accountId, livemode, ...input });
      await recordChange(tx, context, { action: "event_type.created", targetId: input.name, before: null, after: created });
      return created;
    });
  }
}
