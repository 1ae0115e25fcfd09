import { RE2JS } from "re2js";

/** A message pattern that cannot be compiled; `reason` says why, for the API's field error. */
export class InvalidPatternError extends Error {
  override readonly name = "InvalidPatternError";
}

/** Longest accepted pattern: RE2 is linear in the input, but a huge program is still work per match. */
export const MAX_PATTERN_LENGTH = 500;

/**
 * Compiles an operator's message pattern with RE2 (the `re2js` port): matching takes time linear
 * in the message whatever the pattern, so a catastrophic pattern such as `(a+)+$` cannot stall
 * the server (no backtracking; backreferences and lookaround are refused as RE2 does).
 *
 * @throws {InvalidPatternError} for a pattern that is too long or not valid RE2 syntax.
 */
export function compilePattern(pattern: string): (text: string) => boolean {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new InvalidPatternError(`longer than ${MAX_PATTERN_LENGTH} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw new InvalidPatternError(error instanceof Error ? error.message : "not a valid RE2 pattern");
  }
  return (text) => compiled.matcher(text).find();
}
