/** The `User-Agent` deliveries send unless the endpoint's headers set one. */
export const DELIVERY_USER_AGENT = "Relais-Webhooks/1";

// Framing and hop-by-hop headers belong to the HTTP client; an endpoint header naming one of
// them would make undici reject the request or corrupt its framing.
const CLIENT_OWNED_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "expect",
  "te",
  "trailer",
  "proxy-connection",
]);

// Credentials meant for one origin are not forwarded to another (as fetch does on redirects).
const ORIGIN_BOUND_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);

/** Response headers worth keeping on an attempt record. */
const KEPT_RESPONSE_HEADERS = [
  "content-type",
  "content-length",
  "retry-after",
  "location",
  "server",
  "date",
  "request-id",
  "x-request-id",
] as const;

const MAX_HEADER_VALUE_LENGTH = 256;

/**
 * The headers of a delivery request: names lower-cased, client-owned headers dropped,
 * `content-type: application/json` and the Relais user agent added when absent.
 */
export function buildRequestHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!CLIENT_OWNED_HEADERS.has(lower)) result[lower] = value;
  }
  result["content-type"] ??= "application/json";
  result["user-agent"] ??= DELIVERY_USER_AGENT;
  return result;
}

/** The headers for the next hop of a redirect: origin-bound credentials stay behind on a cross-origin hop. */
export function headersForRedirect(
  headers: Readonly<Record<string, string>>,
  crossOrigin: boolean,
): Record<string, string> {
  if (!crossOrigin) return { ...headers };
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.has(name)));
}

/** The subset of response headers an attempt record keeps, each value cut to 256 characters. */
export function pickResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(", ") : value;
    kept[name] = joined.slice(0, MAX_HEADER_VALUE_LENGTH);
  }
  return kept;
}
