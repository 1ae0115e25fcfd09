import type { SourcePlatform } from "../event.js";

/** A JSON scalar, as stored in lookup tables. */
export type JsonScalar = string | number | boolean | null;

/** Any JSON value, as allowed in `const`. */
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where a value comes from: `$` is the payload (`$.line_items[0].price`, `$["odd key"]`);
 * `@topic`, `@shop` and `@header.<name>` read the delivery; other `@names` are values a
 * built-in platform computes in code (see the README's table).
 */
export type MappingPath = string;

/** How one normalized field is computed: a path, or one transform over other expressions. */
export type MappingExpr =
  | MappingPath
  | { const: JsonValue }
  | { upper: MappingExpr }
  | { date: MappingExpr; zone?: MappingExpr }
  | { lookup: MappingExpr; table: Record<string, JsonScalar>; default?: JsonScalar }
  | { coalesce: MappingExpr[]; warn?: string };

/**
 * How an amount is computed: decimal amount(s) plus a currency code. A list of amounts is
 * summed exactly; `negate` reads a source that writes the amount as a negative number.
 */
export type MoneyExpr =
  | { money: MappingExpr | MappingExpr[]; currency: MappingExpr; negate?: boolean }
  | { coalesce: MoneyExpr[]; warn?: string };

/** How one topic of a source becomes a `NormalizedEvent`. */
export interface MappingRule {
  type: MappingExpr;
  external_id: MappingExpr;
  occurred_at: MappingExpr;
  /** Values that change with each update of the source object; part of the dedupe id. */
  revision?: MappingExpr[];
  order?: { id: MappingExpr; number?: MappingExpr; status?: MappingExpr; customer_email?: MappingExpr };
  amount?: MoneyExpr;
  /** Applied only when the resulting type is `refund.issued`. */
  refund?: { id: MappingExpr; order_id: MappingExpr; amount: MoneyExpr; reason?: MappingExpr };
  /** Applied only when the resulting type is `subscription.*`. */
  subscription?: { id: MappingExpr; status: MappingExpr; interval?: MappingExpr; interval_count?: MappingExpr };
}

/**
 * A declarative mapping document: JSON that can be stored in a database and edited in a UI.
 * For a built-in platform it overrides the listed topics and inherits the others.
 */
export interface Mapping {
  version: 1;
  platform: SourcePlatform;
  name?: string;
  /** Where the topic is in the body, when the caller and the headers give none. */
  topic?: MappingExpr;
  /** Where the shop is in the body, when the caller and the headers give none. */
  shop?: MappingExpr;
  topics: Record<string, MappingRule>;
}
