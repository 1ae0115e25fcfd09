import type { Database } from "../db/database.js";
import { GroupCommit, type ItemOutcome, outcomeOf } from "../db/group-commit.js";
import { type FastHeartbeat, type FastHeartbeatResult, type FastHeartbeatWrite, recordFastHeartbeats } from "./heartbeat-store.js";

const MAX_BATCH = 100;

/**
 * Records concurrent common-case heartbeats together (group commit, see `GroupCommit`): the same
 * conditions and writes as for one, row by row (`recordFastHeartbeats`); a lone heartbeat goes at
 * once. A heartbeat whose row did not qualify resolves `undefined`, for the caller's full path; if
 * a batch statement fails, each of its heartbeats is tried again alone.
 */
export class HeartbeatBatch {
  private readonly batches: GroupCommit<FastHeartbeat, FastHeartbeatResult | undefined>;

  constructor(private readonly db: Database) {
    this.batches = new GroupCommit((heartbeats) => this.write(heartbeats), MAX_BATCH);
  }

  record(secretHash: string, write: FastHeartbeatWrite, acceptedTypes: readonly string[]): Promise<FastHeartbeatResult | undefined> {
    return this.batches.submit({ secretHash, write, acceptedTypes });
  }

  private async write(batch: FastHeartbeat[]): Promise<Array<ItemOutcome<FastHeartbeatResult | undefined>>> {
    try {
      const results = await recordFastHeartbeats(this.db, batch);
      // By position in the batch: of two heartbeats of one agent, only the one written has a result.
      return batch.map((_, index) => ({ ok: true as const, value: results.get(index) }));
    } catch (error) {
      if (batch.length === 1) return [{ ok: false, error }];
      return Promise.all(batch.map((heartbeat) => outcomeOf(recordFastHeartbeats(this.db, [heartbeat]).then((alone) => alone.get(0)))));
    }
  }
}
