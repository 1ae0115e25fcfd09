import type { Database } from "./db/database.js";
import { deleteExpiredIdempotencyKeys } from "./http/idempotency-store.js";
import { deleteEndedWindows } from "./http/rate-limit-store.js";
import type { Logger } from "./logger.js";

/**
 * Deletes idempotency keys past their 24 h and rate-limit windows that have ended, every
 * `intervalMs`. Expiry is also checked when a key is used, so this only keeps tables small;
 * several processes running it at once is harmless.
 *
 * @returns a function that stops the job.
 */
export function startMaintenance(db: Database, logger: Logger, intervalMs = 10 * 60_000): () => void {
  const run = async () => {
    try {
      const keys = await deleteExpiredIdempotencyKeys(db);
      const windows = await deleteEndedWindows(db);
      if (keys + windows > 0) logger.debug({ idempotency_keys: keys, rate_limit_windows: windows }, "expired rows deleted");
    } catch (error) {
      logger.warn({ err: error }, "maintenance failed; will retry");
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
