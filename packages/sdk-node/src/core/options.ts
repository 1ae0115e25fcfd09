import { RelaisError } from "./errors.js";

/** Validates the base URL up front, so a typo fails at construction, not on the first call. */
export function validBaseUrl(baseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new RelaisError(`Invalid baseUrl ${JSON.stringify(baseUrl)}: expected an absolute http(s) URL.`);
  }
  return baseUrl.replace(/\/+$/, "");
}

/** Checks a count option (retries, milliseconds) is an integer no smaller than `minimum`. */
export function validCount(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RelaisError(`${name} must be an integer >= ${minimum}, got ${String(value)}.`);
  }
  return value;
}

/** Header names are case-insensitive; lower-casing them lets later sources override earlier ones. */
export function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
