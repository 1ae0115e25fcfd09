import type { WebhookHeaders } from "./types.js";

/**
 * One header's value from any of the header shapes callers hold: a Fetch `Headers`, Node's
 * `IncomingHttpHeaders` (lower-case keys, `string[]` for repeats) or a plain object in any case.
 * Repeated values are joined with ", ", the way `Headers.get()` and proxies combine them, so
 * every shape yields the same string.
 *
 * @param name the header name in lower case
 */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (isHeaderGetter(headers)) return headers.get(name) ?? undefined;
  // Node and most frameworks already lower-case keys, so the direct lookup usually hits.
  let value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) value = findIgnoringCase(headers, name);
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(", ");
}

/** The first of several equivalent header names that is present (e.g. `webhook-id`, `svix-id`). */
export function readFirstHeader(headers: WebhookHeaders, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = readHeader(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function findIgnoringCase(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | readonly string[] | undefined {
  for (const key in headers) {
    if (key.length !== name.length || !Object.hasOwn(headers, key) || key.toLowerCase() !== name) continue;
    const value = headers[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

function isHeaderGetter(headers: WebhookHeaders): headers is { get(name: string): string | null } {
  return typeof headers.get === "function";
}
