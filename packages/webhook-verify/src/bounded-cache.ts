/**
 * A Map that forgets its oldest entry once full. Decoded secrets and imported keys are cached
 * per secret; the bound keeps a multi-tenant receiver (one secret per merchant) from growing
 * without limit.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.#entries.size >= this.#capacity) {
      // Maps iterate in insertion order, so the first key is the oldest.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }
}
