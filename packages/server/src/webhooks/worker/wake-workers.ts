import type { Queryable } from "../../db/database.js";
import { MESSAGES_CHANNEL } from "../scope.js";

/**
 * Wakes the delivery workers after a commit that made messages due. A NOTIFY inside the
 * publishing transaction would make every such commit take PostgreSQL's database-wide notify
 * lock (commits queue behind each other's WAL flush), so it is sent after the commit instead, at
 * most one at a time: wake-ups asked for while one is in flight fold into one more. The outbox
 * row is committed first either way; a wake-up lost to a crash only waits for the worker poll.
 *
 * @example
 * const result = await db.transaction((tx) => publishEvent(tx, input));
 * if (result.messages > 0) wakeWorkers.request();
 */
export class WorkerWakeup {
  private sending = false;
  private again = false;

  constructor(private readonly db: Queryable) {}

  /** Asks for one NOTIFY after this point; never throws. */
  request(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      // A failed wake-up is covered by the workers' poll.
      await this.db.query("select pg_notify($1, '')", [MESSAGES_CHANNEL]).catch(() => undefined);
    } while (this.again);
    this.sending = false;
  }
}
