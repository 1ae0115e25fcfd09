/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value: what crosses the wire and what the agent persists. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object: command params, effective config, details. */
export type JsonObject = { [key: string]: JsonValue };

/** True when `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
