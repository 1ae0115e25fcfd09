import type { Database } from "../db/database.js";
import { type FastHeartbeat, type FastHeartbeatResult, type FastHeartbeatWrite, recordFastHeartbeats } from "./heartbeat-store.js";

type Waiting = FastHeartbeat & { done: (result: FastHeartbeatResult | undefined | Error) => void };

const MAX_BATCH = 100;

/**
 * Records concurrent common-case heartbeats together: while one statement is writing, the
 * heartbeats that arrive wait and go in the next statement as one batch (the same conditions
 * and writes as for one, row by row: `recordFastHeartbeats`). A lone heartbeat goes at once. A
 * heartbeat whose row did not qualify resolves `undefined`, for the caller's full path; if a
 * batch statement fails, each of its heartbeats is tried again alone.
 */
export class HeartbeatBatch {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Database) {}

  record(secretHash: string, write: FastHeartbeatWrite, acceptedTypes: readonly string[]): Promise<FastHeartbeatResult | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ secretHash, write, acceptedTypes, done: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      let results: Map<number, FastHeartbeatResult> | undefined;
      try {
        results = await recordFastHeartbeats(this.db, batch);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.done(error instanceof Error ? error : new Error(String(error)));
          continue;
        }
      }
      if (results) {
        // By position in the batch: of two heartbeats of one agent, only the one written has a result.
        for (const [index, waiting] of batch.entries()) waiting.done(results.get(index));
        continue;
      }
      await Promise.all(
        batch.map((waiting) =>
          recordFastHeartbeats(this.db, [waiting]).then((alone) => waiting.done(alone.get(0)), (error: unknown) =>
            waiting.done(error instanceof Error ? error : new Error(String(error))),
          ),
        ),
      );
    }
    this.writing = false;
  }
}

