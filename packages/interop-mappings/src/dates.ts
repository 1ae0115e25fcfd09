import { InteropError } from "./errors.js";

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const MAX_ISO_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Converts a platform timestamp to `YYYY-MM-DDTHH:mm:ss.sssZ`. Accepts ISO 8601 with `Z`
 * or an offset (Shopify), and zone-less `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]]` or `YYYY-MM-DD`
 * (Magento, WooCommerce `*_gmt`, PrestaShop), which are read in `zone` (an IANA name such
 * as `Europe/Paris`, or `+02:00`) when given and as UTC otherwise. Date objects are
 * accepted from in-process callers. Throws `InteropError` `invalid_date` for anything else.
 *
 * @example
 * toUtcIso("2024-01-02T05:04:05-05:00")                // "2024-01-02T10:04:05.000Z"
 * toUtcIso("2024-07-15 10:30:00", "Europe/Paris")     // "2024-07-15T08:30:00.000Z"
 */
export function toUtcIso(value: unknown, zone?: string, path?: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InteropError("invalid_date", "invalid Date object", path);
    return value.toISOString();
  }
  if (typeof value !== "string") {
    throw new InteropError("invalid_date", `expected a date string, got ${value === null ? "null" : typeof value}`, path);
  }
  const m = DATE_TIME.exec(value);
  if (m === null) throw new InteropError("invalid_date", `"${value}" is not an ISO 8601 or YYYY-MM-DD HH:MM:SS date`, path);
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", z, offSign, offH, offM = "0"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (year < 1970 || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    throw new InteropError("invalid_date", `"${value}" is not a valid calendar date and time since 1970`, path);
  }
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, "0")));
  let utcMs: number;
  if (z !== undefined) utcMs = wallMs;
  else if (offSign !== undefined) utcMs = wallMs - signedMinutes(offSign, offH, offM, value, path) * 60_000;
  else utcMs = zone === undefined ? wallMs : wallClockToUtc(wallMs, zone, path);
  if (utcMs < 0 || utcMs > MAX_ISO_MS) throw new InteropError("invalid_date", `"${value}" is out of range`, path);
  return formatUtc(utcMs);
}

/**
 * `Date#toISOString` without the Date: civil date from a day count (proleptic Gregorian,
 * days since 1970-01-01), several times faster on this hot path.
 */
export function formatUtc(utcMs: number): string {
  const days = Math.floor(utcMs / 86_400_000);
  const inDay = utcMs - days * 86_400_000;
  const shifted = days + 719_468; // days since 0000-03-01
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const time = `${pad(Math.floor(inDay / 3_600_000))}:${pad(Math.floor(inDay / 60_000) % 60)}:${pad(Math.floor(inDay / 1000) % 60)}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}.${pad(inDay % 1000, 3)}Z`;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function signedMinutes(sign: string, hours = "0", minutes = "0", shown: string, path: string | undefined): number {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) throw new InteropError("invalid_date", `"${shown}" has an impossible UTC offset`, path);
  return (sign === "-" ? -1 : 1) * (h * 60 + m);
}

/** The UTC instant at which a zone's clocks showed `wallMs` (read as if it were UTC). */
function wallClockToUtc(wallMs: number, zone: string, path: string | undefined): number {
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed !== null) return wallMs - signedMinutes(fixed[1] ?? "+", fixed[2], fixed[3], zone, path) * 60_000;
  const formatter = formatterFor(zone, path);
  // Two passes settle the offset on either side of a daylight-saving change.
  const guess = wallMs - offsetAt(formatter, wallMs);
  return wallMs - offsetAt(formatter, guess);
}

function formatterFor(zone: string, path: string | undefined): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new InteropError("invalid_date", `"${zone}" is not a known time zone`, path);
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Milliseconds the zone's clocks are ahead of UTC at instant `utcMs`. */
function offsetAt(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(utcMs)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const shown = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day, parts.hour, parts.minute, parts.second);
  return shown - Math.floor(utcMs / 1000) * 1000;
}
