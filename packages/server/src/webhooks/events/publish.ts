import { isDataException, type Queryable } from "../../db/database.js";
import { ApiError, conflict } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { findEventType } from "../event-types/store.js";
import { type EventRow, findEventByIdempotencyKey, insertEventWithMessages, type NewEvent } from "./store.js";

/** What to publish, for whom. */
export interface EventToPublish {
  accountId: string;
  livemode: boolean;
  appId: string | null;
  type: string;
  data: Record<string, unknown>;
  idempotencyKey: string | null;
}

/** The row to insert for `input`, under `id`. */
export function eventRow(id: string, input: EventToPublish): NewEvent {
  return {
    id,
    account_id: input.accountId,
    livemode: input.livemode,
    app_id: input.appId,
    type: input.type,
    data: input.data,
    idempotency_key: input.idempotencyKey,
  };
}

/** The event, and whether this call created it (false: an earlier publish with the same key). */
export interface PublishResult {
  event: EventRow;
  created: boolean;
  messages: number;
}

/**
 * Publishes an event with `tx` (a transaction, or the database: the write is one statement): the
 * event row and one outbox message per matching enabled endpoint. A repeated idempotency key returns the first event and fans out nothing. The caller
 * wakes the workers after the commit when `messages` > 0 (see `WorkerWakeup`).
 */
export async function publishEvent(tx: Queryable, input: EventToPublish): Promise<PublishResult> {
  const inserted = await insertEventWithMessages(tx, eventRow(newId("evt"), input)).catch((error: unknown) => {
    // JSON that PostgreSQL cannot store (a \u0000 in a string, say) is the caller's to fix.
    if (!isDataException(error)) throw error;
    throw new ApiError(400, "invalid_request", "Invalid request", "The event data cannot be stored", [
      { path: "body.data", code: "invalid_value", message: error.message },
    ]);
  });
  if (!inserted) {
    if (!(await findEventType(tx, input.accountId, input.livemode, input.type))) {
      throw new ApiError(400, "unknown_event_type", "Unknown event type", `Event type ${input.type} is not registered; see GET /v1/event_types`, [
        { path: "body.type", code: "unknown_event_type", message: "is not a registered event type" },
      ]);
    }
    const earlier = await findEventByIdempotencyKey(tx, input.accountId, input.livemode, input.idempotencyKey ?? "");
    if (!earlier) throw conflict("An event with this idempotency_key is being published; retry");
    if (earlier.type !== input.type) throw conflict(`idempotency_key was already used for an event of type ${earlier.type}`);
    return { event: earlier, created: false, messages: 0 };
  }
  const { messages, ...event } = inserted;
  return { event, created: true, messages };
}
