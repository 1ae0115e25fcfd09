/** An event type: dot-separated segments of `[a-z0-9_]`, e.g. `payment.refund.issued`. */
export const EVENT_TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

/** An endpoint filter: `*`, an exact event type, or a prefix ending in `.*`. */
export const EVENT_TYPE_FILTER_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

const MAX_LENGTH = 128;

/** Whether `type` is a well-formed event type (at most 128 characters). */
export function isValidEventType(type: string): boolean {
  return type.length <= MAX_LENGTH && EVENT_TYPE_PATTERN.test(type);
}

/** Whether `filter` is a well-formed endpoint filter (at most 128 characters). */
export function isValidEventTypeFilter(filter: string): boolean {
  return filter.length <= MAX_LENGTH && EVENT_TYPE_FILTER_PATTERN.test(filter);
}

function matchesOne(filter: string, type: string): boolean {
  if (filter === "*") return true;
  if (!filter.endsWith(".*")) return filter === type;
  // "payment.*" keeps its trailing dot as the prefix, so it needs at least one more segment.
  const prefix = filter.slice(0, -1);
  return type.startsWith(prefix) && type.length > prefix.length;
}

/**
 * Whether an endpoint subscribed with `filters` receives an event of `type`.
 *
 * `*` alone matches every type. A trailing `.*` matches one or more further segments:
 * `payment.*` matches `payment.succeeded` and `payment.refund.issued`, not `payment` itself
 * nor `payments.succeeded`. Anything else matches exactly. An empty list matches nothing.
 *
 * @example
 * matchesEventType(["payment.*", "order.created"], "payment.refund.issued"); // true
 * matchesEventType(["payment.*"], "order.created");                          // false
 */
export function matchesEventType(filters: readonly string[], type: string): boolean {
  return filters.some((filter) => matchesOne(filter, type));
}
