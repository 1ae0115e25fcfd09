import type { JsonValue } from "./json.js";

/**
 * Serialises `value` as canonical JSON (RFC 8785, JCS): object members sorted by UTF-16 code
 * units, no whitespace, ECMAScript number and string formatting. Two parties that hold the same
 * JSON value produce the same bytes, which is what makes config hashes comparable.
 * Members whose value is `undefined` are skipped, as `JSON.stringify` does.
 *
 * @throws {TypeError} on non-finite numbers or values JSON cannot represent.
 * @example
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: JsonValue): string {
  return serialise(value, "$");
}

function serialise(value: unknown, path: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => serialise(item, `${path}[${index}]`)).join(",")}]`;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly what RFC 8785 section 3.2.3 asks for.
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${serialise(record[key], `${path}.${key}`)}`);
    return `{${members.join(",")}}`;
  }
  throw new TypeError(`${path}: ${typeof value} is not a JSON value`);
}

/**
 * SHA-256 (lower-case hex) of the UTF-8 canonical JSON of a config: the `effective_config_hash`
 * an agent reports and the hash a server compares with the config it offered.
 *
 * @example
 * await configHash({}); // "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
 */
export async function configHash(config: JsonValue): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(config));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
