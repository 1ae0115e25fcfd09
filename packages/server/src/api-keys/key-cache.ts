import type { KeyBySecret } from "./store.js";

interface Entry {
  key: KeyBySecret;
  storedAt: number;
}

/**
 * Keys recently read from the database, by secret hash, so most requests skip the key table.
 * An entry lives `ttlMs`; rotation and revocation in this process evict at once, other
 * processes notice within `ttlMs`. Bounded: the oldest entry goes first when full.
 */
export class VerifiedKeyCache {
  private readonly byHash = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(secretHash: string): KeyBySecret | undefined {
    const entry = this.byHash.get(secretHash);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt >= this.ttlMs) {
      this.byHash.delete(secretHash);
      return undefined;
    }
    return entry.key;
  }

  set(secretHash: string, key: KeyBySecret): void {
    if (this.ttlMs === 0) return;
    this.byHash.delete(secretHash);
    this.byHash.set(secretHash, { key, storedAt: this.now() });
    if (this.byHash.size > this.maxEntries) {
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
  }

  /** Drops every cached secret of these keys. */
  evictKeys(keyIds: readonly string[]): void {
    if (keyIds.length === 0) return;
    const ids = new Set(keyIds);
    for (const [hash, entry] of this.byHash) if (ids.has(entry.key.id)) this.byHash.delete(hash);
  }

  get size(): number {
    return this.byHash.size;
  }
}
