/** How one item of a batch ended: its result, or the error that failed it alone. */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** The outcome of `work`, never a rejection. */
export function outcomeOf<R>(work: Promise<R>): Promise<ItemOutcome<R>> {
  return work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Group commit for concurrent writes: while one `write` runs, the items submitted meanwhile wait
 * and go together in the next one (at most `maxBatch` at a time), so a burst of N writes costs a
 * few statements and commits instead of N; a lone item goes at once, so a quiet server adds no
 * latency. `write` answers one outcome per item, in order; if it throws, every item of that batch
 * fails with the error.
 *
 * @example
 * const publishes = new GroupCommit((events) => insertAll(db, events), 200);
 * const result = await publishes.submit(event);
 */
export class GroupCommit<I, R> {
  private queue: Array<{ item: I; resolve: (value: R) => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  constructor(
    private readonly write: (items: I[]) => Promise<Array<ItemOutcome<R>>>,
    private readonly maxBatch = Number.POSITIVE_INFINITY,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.write(batch.map((entry) => entry.item));
        for (const [index, entry] of batch.entries()) {
          const outcome = outcomes[index];
          if (outcome?.ok) entry.resolve(outcome.value);
          else entry.reject(outcome ? outcome.error : new Error("the batch write gave no outcome for this item"));
        }
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.writing = false;
  }
}
