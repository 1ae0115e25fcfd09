import type { Database } from "../../db/database.js";
import { GroupCommit } from "../../db/group-commit.js";
import { type AttemptRecord, recordSuccesses } from "./store.js";

/**
 * Records successful worker attempts in batches: one statement appends every attempt that
 * finished while the previous batch was being written and settles their messages (group commit).
 * `record` resolves once its attempt is committed, so a worker still counts the message in flight
 * until then; if the batch fails, the lease expires and the message is sent again (at-least-once).
 *
 * @example
 * await successes.record({ id: newId("att"), message, attemptNumber, trigger: "scheduled", startedAt, result, workerId });
 */
export class SuccessBatch {
  private readonly batches: GroupCommit<AttemptRecord, void>;

  constructor(db: Database) {
    this.batches = new GroupCommit<AttemptRecord, void>(async (attempts) => {
      await recordSuccesses(db, attempts);
      return attempts.map(() => ({ ok: true as const, value: undefined }));
    });
  }

  /** Appends a successful attempt and settles its message `succeeded` under `workerId`'s lease. */
  record(attempt: AttemptRecord & { workerId: string }): Promise<void> {
    return this.batches.submit(attempt);
  }
}
