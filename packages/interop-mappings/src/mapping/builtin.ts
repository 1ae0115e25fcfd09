import type { Platform } from "../event.js";
import { ADAPTERS } from "../platforms/index.js";
import type { Mapping } from "./types.js";

/**
 * A copy of the built-in mapping of a platform: a starting point for an override edited
 * in a UI, or documentation of exactly what `normalize` does for that platform.
 *
 * @example
 * const mine = builtInMapping("woocommerce");
 * mine.topics["order.updated"].type = { lookup: "$.status", table: { ... } };
 */
export function builtInMapping(platform: Platform): Mapping {
  return structuredClone(ADAPTERS[platform].mapping);
}
