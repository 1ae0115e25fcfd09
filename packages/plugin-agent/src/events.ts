/** A typed event emitter: a listener that throws is reported, never breaks the agent. */
export interface Emitter<M extends object> {
  on<E extends keyof M>(event: E, listener: (payload: M[E]) => void): () => void;
  emit<E extends keyof M>(event: E, payload: M[E]): void;
}

/** Creates an emitter; `onListenerError` receives what a listener threw. */
export function createEmitter<M extends object>(onListenerError: (error: unknown, event: keyof M) => void): Emitter<M> {
  const listeners = new Map<keyof M, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as (payload: M[typeof event]) => void)(payload);
        } catch (error) {
          onListenerError(error, event);
        }
      }
    },
  };
}
