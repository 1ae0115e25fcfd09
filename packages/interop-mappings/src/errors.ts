/**
 * Stable machine-readable reasons an input cannot be normalized. Receivers can branch on
 * them (for example answer 200 to a `webhook_ping`, 422 to the rest) and log them safely.
 */
export type InteropErrorCode =
  | "unknown_platform"
  | "unknown_topic"
  | "invalid_json"
  | "invalid_body"
  | "webhook_ping"
  | "missing_field"
  | "invalid_field"
  | "unknown_currency"
  | "currency_mismatch"
  | "invalid_amount"
  | "negative_amount"
  | "excess_precision"
  | "amount_out_of_range"
  | "unsafe_number"
  | "invalid_date"
  | "invalid_mapping"
  | "unsupported_signature";

/** One problem found in a mapping document, located by a path inside that document. */
export interface MappingIssue {
  /** Where in the mapping, e.g. `$.topics["orders/paid"].amount.currency`. */
  path: string;
  message: string;
}

/**
 * The only error this package throws on bad input: a stable `code`, a message for humans
 * and, when the problem sits at one place, its `path` (in the payload, e.g.
 * `$.line_items[0].price`, or in the mapping for `invalid_mapping`).
 *
 * @example
 * try { normalize(input) } catch (e) {
 *   if (e instanceof InteropError && e.code === "webhook_ping") return res.sendStatus(200);
 *   throw e;
 * }
 */
export class InteropError extends Error {
  override readonly name = "InteropError";
  readonly code: InteropErrorCode;
  readonly path: string | undefined;
  /** Every problem found, for `invalid_mapping`; empty otherwise. */
  readonly issues: readonly MappingIssue[];

  constructor(code: InteropErrorCode, message: string, path?: string, issues: readonly MappingIssue[] = []) {
    super(path === undefined ? message : `${message} (at ${path})`);
    this.code = code;
    this.path = path;
    this.issues = issues;
  }
}
