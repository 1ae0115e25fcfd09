import type { Queryable } from "../db/database.js";

/** One counter to bump: `limit` requests per `periodSeconds` window for `bucket`. */
export interface RateLimitRule {
  bucket: string;
  limit: number;
  periodSeconds: number;
}

/** Hits to add to one fixed window of one bucket (times in epoch seconds). */
export interface WindowHits {
  bucket: string;
  windowStart: number;
  windowEnd: number;
  hits: number;
}

/**
 * Adds hits to several windows in one statement and returns each window's total across every
 * process. Rows are locked in (bucket, window) order, so concurrent calls cannot deadlock.
 */
export async function addWindowHits(db: Queryable, windows: readonly WindowHits[]): Promise<Array<Omit<WindowHits, "windowEnd">>> {
  const { rows } = await db.query<{ bucket: string; window_start: number; hits: number }>(
    `insert into rate_limit_counters as c (bucket, window_start, window_end, hits)
     select * from unnest($1::text[], $2::int8[], $3::int8[], $4::int4[])
      order by 1, 2
     on conflict (bucket, window_start) do update set hits = c.hits + excluded.hits
     returning bucket, window_start, hits`,
    [
      windows.map((window) => window.bucket),
      windows.map((window) => window.windowStart),
      windows.map((window) => window.windowEnd),
      windows.map((window) => window.hits),
    ],
  );
  return rows.map((row) => ({ bucket: row.bucket, windowStart: row.window_start, hits: row.hits }));
}

/** Drops counters whose window has ended. */
export async function deleteEndedWindows(db: Queryable): Promise<number> {
  const { rowCount } = await db.query("delete from rate_limit_counters where window_end < extract(epoch from now())");
  return rowCount;
}
