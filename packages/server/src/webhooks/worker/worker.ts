import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { WebhookConfig } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { Logger } from "../../logger.js";
import { MESSAGES_CHANNEL } from "../scope.js";
import type { Deliverer } from "./deliver.js";
import { type ClaimedMessage, claimDueMessages, reclaimExpiredLeases, releaseLeases } from "./store.js";

const CLAIM_BATCH = 100;
const REAP_EVERY_MS = 1_000;
// Wake-ups (NOTIFY, finished attempts) come hundreds of times a second under load; claiming on
// each would run the claim query back to back. One claim per this interval gathers a batch.
const CLAIM_INTERVAL_MS = 5;

/**
 * A delivery worker: claims due messages under a lease, delivers them concurrently (up to
 * `workerConcurrency` in flight), and wakes on NOTIFY, on a finished attempt, or every `pollMs`;
 * after a claim that found less than it had room for, the next one waits at least 5 ms.
 * Leases outlive the attempt timeout, so a worker killed mid-attempt loses nothing: its leases
 * expire and any worker hands the messages out again.
 *
 * @example
 * const worker = new DeliveryWorker(db, deliverer, config.webhooks, logger);
 * await worker.start();
 * await worker.stop(10_000);
 */
export class DeliveryWorker {
  /** Recorded with every attempt this worker makes. */
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly unstarted = new Set<string>();
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly deliverer: Deliverer,
    private readonly config: Pick<WebhookConfig, "workerConcurrency" | "pollMs" | "timeoutMs">,
    private readonly logger: Logger,
  ) {}

  /** A lease covers the attempt's whole budget plus time to record it. */
  private get leaseMs(): number {
    return this.config.timeoutMs + 10_000;
  }

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(MESSAGES_CHANNEL, () => this.wake());
    this.loop = this.run();
    this.logger.info({ worker: this.id, concurrency: this.config.workerConcurrency }, "webhook delivery worker started");
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async sleep(): Promise<void> {
    if (this.woken || this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.config.pollMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }

  private async run(): Promise<void> {
    let lastReap = 0;
    let lastClaim = 0;
    while (!this.stopping) {
      const pause = lastClaim + CLAIM_INTERVAL_MS - Date.now();
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      if (this.stopping) break;
      this.woken = false;
      try {
        if (Date.now() - lastReap >= REAP_EVERY_MS) {
          lastReap = Date.now();
          const reclaimed = await reclaimExpiredLeases(this.db);
          if (reclaimed > 0) this.logger.warn({ reclaimed }, "expired webhook leases reclaimed");
        }
        const free = Math.min(this.config.workerConcurrency - this.inFlight.size, CLAIM_BATCH);
        if (free > 0) {
          lastClaim = Date.now();
          const claimed = await claimDueMessages(this.db, this.id, free, this.leaseMs);
          for (const message of claimed) this.launch(message);
          if (claimed.length === free) {
            lastClaim = 0;
            continue;
          }
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.error({ err: error }, "claiming webhook messages failed; will retry");
      }
      await this.sleep();
    }
  }

  private launch(message: ClaimedMessage): void {
    this.unstarted.add(message.id);
    const task = (async () => {
      await Promise.resolve();
      if (this.stopping) return;
      this.unstarted.delete(message.id);
      try {
        await this.deliverer.deliver(message, this.id);
      } catch (error) {
        // Not settled: the lease expires and the message is handed out again.
        this.logger.error({ err: error, message: message.id }, "recording a webhook attempt failed");
      }
    })().finally(() => {
      this.inFlight.delete(task);
      this.wake();
    });
    this.inFlight.add(task);
  }

  /**
   * Stops claiming, waits up to `timeoutMs` for attempts in flight, and gives back the leases of
   * messages it never started. Attempts still running after that keep their lease until it expires.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await releaseLeases(this.db, this.id, [...this.unstarted]).catch((error: unknown) =>
      this.logger.warn({ err: error }, "releasing webhook leases failed; they will expire"),
    );
    await this.unlisten?.().catch(() => undefined);
    this.logger.info({ worker: this.id, still_running: this.inFlight.size }, "webhook delivery worker stopped");
  }
}
