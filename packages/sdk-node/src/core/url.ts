import { RelaisError } from "./errors.js";

/**
 * Tagged template for resource paths: encodes each id and rejects empty ones, so
 * `del("")` cannot turn `DELETE /v1/apps/:id` into `DELETE /v1/apps/`.
 *
 * @example
 * path`/v1/apps/${appId}/keys`
 */
export function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((result, segment, index) => {
    if (index === 0) return segment;
    const id = ids[index - 1];
    if (typeof id !== "string" || id.trim() === "") {
      throw new RelaisError(`Expected a non-empty id in ${strings.join(":id")}, got ${JSON.stringify(id)}.`);
    }
    return `${result}${encodeURIComponent(id)}${segment}`;
  }, "");
}

/**
 * Joins the base URL (which may carry its own path prefix), the path and the query. Query
 * values may be strings, numbers or booleans; `undefined` and `null` are left out.
 */
export function buildUrl(baseUrl: string, path: string, query: object | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new RelaisError(`Query parameter ${key} must be a string, number or boolean.`);
    }
    search.append(key, String(value));
  }
  const encoded = search.toString();
  return `${baseUrl}${path}${encoded ? `?${encoded}` : ""}`;
}
