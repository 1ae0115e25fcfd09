import type { Database } from "../../db/database.js";
import type { Logger } from "../../logger.js";
import { deleteEventsBefore } from "./store.js";

const BATCH = 1_000;

/** Deletes events older than `retentionDays` (with their messages and attempts) in batches; returns how many. */
export async function deleteExpiredEvents(db: Database, retentionDays: number, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await db.transaction((tx) => deleteEventsBefore(tx, cutoff, BATCH));
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/**
 * Runs {@link deleteExpiredEvents} now and every `intervalMs` (default 10 min) in worker
 * processes; several at once are harmless (rows are taken with SKIP LOCKED).
 *
 * @returns a function that stops the job.
 */
export function startEventRetention(db: Database, logger: Logger, retentionDays: number, intervalMs = 10 * 60_000): () => void {
  const run = async () => {
    try {
      const deleted = await deleteExpiredEvents(db, retentionDays);
      if (deleted > 0) logger.info({ events: deleted, retention_days: retentionDays }, "expired events deleted");
    } catch (error) {
      logger.warn({ err: error }, "event retention failed; will retry");
    }
  };
  const first = setTimeout(() => void run(), 5_000);
  const timer = setInterval(() => void run(), intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
