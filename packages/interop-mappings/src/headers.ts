/**
 * Request headers as a Fetch `Headers` or a plain object in any letter case (Node's
 * `req.headers`, Express, a test literal). Repeated headers may be arrays; the first is used.
 */
export type HeadersInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Case-insensitive reader over {@link HeadersInput}. */
export type HeaderReader = (name: string) => string | undefined;

/** Builds a case-insensitive reader; `name` must be passed in lower case. */
export function headerReader(headers: HeadersInput | undefined): HeaderReader {
  if (headers === undefined) return () => undefined;
  if (typeof Headers !== "undefined" && headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  return (name) => {
    // Node already lower-cases `req.headers`: look there first, scan only on a miss.
    let value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (value === undefined) {
      for (const key of Object.keys(record)) if (key.toLowerCase() === name) value = record[key];
    }
    return typeof value === "string" ? value : value?.[0];
  };
}
