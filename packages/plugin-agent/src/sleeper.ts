/** A cancellable wait: `stop()` must not sit out a two-minute heartbeat interval. */
export interface Sleeper {
  /** Resolves after `ms`, or at once when woken or when `cancelled()` already holds. */
  sleep(ms: number): Promise<void>;
  wake(): void;
}

/** Creates a sleeper; `cancelled` is checked before every wait. */
export function createSleeper(cancelled: () => boolean): Sleeper {
  let wake: (() => void) | undefined;
  return {
    sleep(ms) {
      if (cancelled()) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
    },
    wake() {
      wake?.();
    },
  };
}
