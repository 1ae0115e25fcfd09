import type { Database } from "../../db/database.js";
import { type AttemptRecord, recordSuccesses } from "./store.js";

type Waiting = { attempt: AttemptRecord & { workerId: string }; done: (error?: unknown) => void };

/**
 * Records successful worker attempts in batches: one statement appends every attempt that
 * finished while the previous batch was being written and settles their messages. `record`
 * resolves once its attempt is committed, so a worker still counts the message in flight until
 * then; if the batch fails, the lease expires and the message is sent again (at-least-once).
 *
 * @example
 * await successes.record({ id: newId("att"), message, attemptNumber, trigger: "scheduled", startedAt, result, workerId });
 */
export class SuccessBatch {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Database) {}

  /** Appends a successful attempt and settles its message `succeeded` under `workerId`'s lease. */
  record(attempt: AttemptRecord & { workerId: string }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ attempt, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await recordSuccesses(this.db, batch.map((entry) => entry.attempt));
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.done(error);
      }
    }
    this.writing = false;
  }
}
