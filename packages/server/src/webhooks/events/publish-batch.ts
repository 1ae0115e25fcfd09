import type { Database } from "../../db/database.js";
import { newId } from "../../ids.js";
import { type EventToPublish, eventRow, publishEvent, type PublishResult } from "./publish.js";
import { insertEventsWithMessages } from "./store.js";

type Waiting = { id: string; input: EventToPublish; done: (result: PublishResult | Error) => void };

/** The most events one statement carries. */
const MAX_BATCH = 200;

/**
 * Publishes concurrent events together (group commit): while one statement is writing, the
 * publishes that arrive wait and then go in the next statement as one batch, so a burst of N
 * publishes costs a few round trips and commits instead of N. A lone publish goes at once: no
 * added latency when the API is quiet. Each caller gets its own result: an event the batch did not
 * insert (unknown type, reused idempotency key) and every event of a batch whose statement failed
 * (a value PostgreSQL refuses fails the whole statement) are published again one by one, which
 * gives each its own answer or error.
 */
export class PublishBatch {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Database) {}

  publish(input: EventToPublish): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: newId("evt"), input, done: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const alone: Waiting[] = [];
      if (batch.length === 1) {
        alone.push(...batch);
      } else {
        try {
          const inserted = new Map(
            (
              await insertEventsWithMessages(
                this.db,
                batch.map(({ id, input }) => eventRow(id, input)),
              )
            ).map((row) => [row.id, row]),
          );
          for (const waiting of batch) {
            const row = inserted.get(waiting.id);
            if (!row) {
              alone.push(waiting);
              continue;
            }
            const { messages, ...event } = row;
            waiting.done({ event, created: true, messages });
          }
        } catch {
          alone.push(...batch);
        }
      }
      // One by one, concurrently: each gets the single-event path's exact answer.
      await Promise.all(
        alone.map((waiting) =>
          publishEvent(this.db, waiting.input).then(waiting.done, (error: unknown) => waiting.done(error instanceof Error ? error : new Error(String(error)))),
        ),
      );
    }
    this.writing = false;
  }
}
