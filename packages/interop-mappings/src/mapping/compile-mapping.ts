import { InteropError } from "../errors.js";
import type { SourcePlatform } from "../event.js";
import { type CompiledRule, compileRule } from "./apply.js";
import { type Compiled, compileExpr } from "./compile.js";
import type { Mapping } from "./types.js";
import { validateMapping } from "./validate.js";

/** A validated mapping with its expressions compiled, ready to run many times. */
export interface CompiledMapping {
  platform: SourcePlatform;
  topic: Compiled | undefined;
  shop: Compiled | undefined;
  rules: ReadonlyMap<string, CompiledRule>;
}

// Mapping documents are treated as immutable once used: validated and compiled once.
const cache = new WeakMap<object, CompiledMapping>();

/** Validates (zod + platform checks) and compiles a mapping; throws `invalid_mapping`. */
export function compileMapping(mapping: Mapping): CompiledMapping {
  const cached = cache.get(mapping);
  if (cached !== undefined) return cached;
  const result = validateMapping(mapping);
  if (!result.ok) {
    const [first] = result.issues;
    const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more)` : "";
    throw new InteropError("invalid_mapping", `invalid mapping: ${first?.message}${more}`, first?.path, result.issues);
  }
  const valid = result.mapping;
  const compiled: CompiledMapping = {
    platform: valid.platform,
    topic: valid.topic === undefined ? undefined : compileExpr(valid.topic),
    shop: valid.shop === undefined ? undefined : compileExpr(valid.shop),
    rules: new Map(Object.entries(valid.topics).map(([topic, rule]) => [topic, compileRule(rule)])),
  };
  cache.set(mapping, compiled);
  return compiled;
}
