import type { Database } from "../../db/database.js";
import { GroupCommit, type ItemOutcome, outcomeOf } from "../../db/group-commit.js";
import { newId } from "../../ids.js";
import { type EventToPublish, eventRow, publishEvent, type PublishResult } from "./publish.js";
import { insertEventsWithMessages } from "./store.js";

type Pending = { id: string; input: EventToPublish };

/** The most events one statement carries. */
const MAX_BATCH = 200;

/**
 * Publishes concurrent events together (group commit, see `GroupCommit`): a burst of N publishes
 * costs a few round trips and commits instead of N, and a lone publish goes at once. Each caller
 * gets its own result: an event the batch did not insert (unknown type, reused idempotency key)
 * and every event of a batch whose statement failed (a value PostgreSQL refuses fails the whole
 * statement) are published again one by one, which gives each its own answer or error.
 */
export class PublishBatch {
  private readonly batches: GroupCommit<Pending, PublishResult>;

  constructor(private readonly db: Database) {
    this.batches = new GroupCommit((pending) => this.write(pending), MAX_BATCH);
  }

  publish(input: EventToPublish): Promise<PublishResult> {
    return this.batches.submit({ id: newId("evt"), input });
  }

  private async write(batch: Pending[]): Promise<Array<ItemOutcome<PublishResult>>> {
    let inserted = new Map<string, PublishResult>();
    if (batch.length > 1) {
      try {
        const rows = await insertEventsWithMessages(this.db, batch.map(({ id, input }) => eventRow(id, input)));
        inserted = new Map(rows.map(({ messages, ...event }) => [event.id, { event, created: true, messages }]));
      } catch {
        // Each goes alone below.
      }
    }
    // The rest one by one, concurrently: each gets the single-event path's exact answer.
    return Promise.all(
      batch.map(({ id, input }) => {
        const result = inserted.get(id);
        return result ? { ok: true as const, value: result } : outcomeOf(publishEvent(this.db, input));
      }),
    );
  }
}
