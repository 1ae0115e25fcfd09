import type { HeaderReader } from "../headers.js";

/**
 * A value a built-in platform computes in code, readable in mappings as `@name`. Returns
 * `undefined` when absent; may add warnings (they are de-duplicated per event).
 */
export type PlatformVar = (payload: unknown, warnings: string[]) => unknown;

/** Everything an expression can read while one delivery is being mapped. */
export interface EvalContext {
  /** What `$` paths read: the body, or the entity inside an envelope. */
  payload: unknown;
  topic: string;
  shop: string | null;
  header: HeaderReader;
  vars: Readonly<Record<string, PlatformVar>>;
  warnings: string[];
}
