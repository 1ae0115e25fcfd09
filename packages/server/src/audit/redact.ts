/** Field names whose values never reach the audit log, at any depth. */
const SECRET_FIELD = /secret|password|token|hash|authorization|private/i;

/** A copy of `value` with secret-looking fields replaced by `"[redacted]"`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([field, inner]) => [field, SECRET_FIELD.test(field) ? "[redacted]" : redactSecrets(inner)]),
  );
}
