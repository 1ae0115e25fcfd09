/**
 * Tracks which parts of the state changed since the last heartbeat the server accepted.
 * `take()` moves the changed keys "in flight"; `settle(false)` puts them back when the heartbeat
 * failed, so a change is reported until one heartbeat carrying it gets a 2xx.
 */
export class ChangeTracker<K> {
  private changed = new Set<K>();
  private inFlight = new Set<K>();

  mark(key: K): void {
    this.changed.add(key);
  }

  take(): ReadonlySet<K> {
    this.inFlight = this.changed;
    this.changed = new Set();
    return this.inFlight;
  }

  settle(delivered: boolean): void {
    if (!delivered) for (const key of this.inFlight) this.changed.add(key);
    this.inFlight = new Set();
  }
}
