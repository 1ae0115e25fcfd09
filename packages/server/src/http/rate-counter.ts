import type { Database } from "../db/database.js";
import type { Logger } from "../logger.js";
import { addWindowHits, type RateLimitRule, type WindowHits } from "./rate-limit-store.js";

/** A counter after counting one request. */
export interface RateLimitCount {
  bucket: string;
  /** Requests in the current window, this one included. */
  hits: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

interface Window {
  bucket: string;
  windowStart: number;
  windowEnd: number;
  /** The total across all processes as of the last write. */
  total: number;
  /** Hits counted here and not yet written. */
  pending: number;
  known: boolean;
}

// Below this share of a limit, hits are written in batches; from it on, with every request.
const SYNC_ABOVE = 0.5;

/**
 * Fixed-window counters shared by every process through Postgres. A request far below its
 * limits is decided locally and written with the next batch (every `flushIntervalMs`, one
 * statement for all buckets); the first request of a window, and every request once a counter
 * passes half its limit, writes synchronously and reads the shared total. So counting is exact
 * near a limit, and other processes' traffic is seen within one flush interval.
 */
export class SharedRateCounter {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    flushIntervalMs = 100,
  ) {
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Counts one request against every rule; a failed write counts locally and is retried. */
  async count(rules: readonly RateLimitRule[], nowMs = Date.now()): Promise<RateLimitCount[]> {
    const now = nowMs / 1000;
    const windows = rules.map((rule) => this.window(rule, now));
    const mustSync = windows.some((window, index) => {
      const limit = rules[index]?.limit ?? 0;
      return !window.known || window.total + window.pending + 1 >= limit * SYNC_ABOVE;
    });
    for (const window of windows) window.pending += 1;
    if (mustSync) await this.write(windows);
    return windows.map((window) => ({
      bucket: window.bucket,
      hits: window.total + window.pending,
      resetSeconds: Math.max(1, Math.ceil(window.windowEnd - now)),
    }));
  }

  /** Writes every pending hit now (also run on a timer, and at shutdown). */
  async flush(): Promise<void> {
    const now = Date.now() / 1000;
    for (const [key, window] of this.windows) if (window.windowEnd < now && window.pending === 0) this.windows.delete(key);
    await this.write([...this.windows.values()].filter((window) => window.pending > 0));
  }

  /** Stops the timer after writing what is pending. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private window(rule: RateLimitRule, now: number): Window {
    const windowStart = Math.floor(now / rule.periodSeconds) * rule.periodSeconds;
    const key = `${rule.bucket}|${windowStart}`;
    let window = this.windows.get(key);
    if (!window) {
      window = { bucket: rule.bucket, windowStart, windowEnd: windowStart + rule.periodSeconds, total: 0, pending: 0, known: false };
      this.windows.set(key, window);
    }
    return window;
  }

  // Hits in flight are taken out of `pending` first, so concurrent writes never send them twice.
  private async write(windows: readonly Window[]): Promise<void> {
    const batch: Array<{ window: Window; hits: WindowHits }> = [];
    for (const window of windows) {
      if (window.pending === 0) continue;
      batch.push({ window, hits: { bucket: window.bucket, windowStart: window.windowStart, windowEnd: window.windowEnd, hits: window.pending } });
      window.pending = 0;
    }
    if (batch.length === 0) return;
    try {
      const totals = await addWindowHits(this.db, batch.map((entry) => entry.hits));
      for (const { window } of batch) {
        const written = totals.find((row) => row.bucket === window.bucket && row.windowStart === window.windowStart);
        // Writes may finish out of order; the larger total is the newer one.
        if (written) window.total = Math.max(window.total, written.hits);
        window.known = true;
      }
    } catch (error) {
      for (const { window, hits } of batch) window.pending += hits.hits;
      this.logger.warn({ err: error }, "rate-limit counters not written; counting locally until the database answers");
    }
  }
}
