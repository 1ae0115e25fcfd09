const DELAY_SECONDS = /^\d+$/;
const HTTP_DATE = /^[A-Za-z]{3,9}, .+ GMT$/;

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns milliseconds from `now` (0 for a date in the past), or undefined when the value is
 * missing or malformed. The result is not capped here; the retry schedule applies its cap.
 *
 * @example
 * parseRetryAfter("7");                              // 7000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT")); // 60000
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (DELAY_SECONDS.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  // IMF-fixdate and the obsolete RFC 850 form; both name the weekday and GMT, which keeps
  // Date.parse from reading a bare number or a zone-less string as local time.
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
