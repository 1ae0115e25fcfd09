import { ApiError } from "../../http/problem.js";
import { validateRetrySchedule, validateWebhookUrl } from "../delivery/index.js";

function badField(path: string, code: string, message: string, title = "Invalid request"): ApiError {
  return new ApiError(400, code, title, `${path.replace(/^body\./, "")}: ${message}`, [{ path, code, message }]);
}

/** The endpoint URL rules (see `validateWebhookUrl`); refusals are 400s carrying its code. */
export function checkEndpointUrl(url: string, allowPrivate: boolean): string {
  const checked = validateWebhookUrl(url, { allowPrivate });
  if (!checked.ok) throw badField("body.url", checked.code, checked.message, "Invalid webhook URL");
  return checked.url.href;
}

/** A custom retry schedule, or a 400 `invalid_retry_schedule`. */
export function checkRetrySchedule(schedule: number[] | null): number[] | null {
  if (schedule === null) return null;
  const checked = validateRetrySchedule(schedule);
  if (!checked.ok) throw badField("body.retry_schedule", checked.code, checked.message);
  return checked.schedule;
}

// Headers the transport or the signature owns; an endpoint may not set them.
const RESERVED_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "content-type",
  "expect",
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,1000}$/;

/** Custom headers with lower-cased names; refuses hop-by-hop, `host`, `webhook-*` and malformed ones. */
export function checkEndpointHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > 20) throw badField("body.headers", "too_many_headers", "at most 20 headers");
  const checked: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const path = `body.headers.${name}`;
    if (!HEADER_NAME.test(name)) throw badField(path, "invalid_header", "is not a valid header name");
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-")) {
      throw badField(path, "reserved_header", "is set by Relais or the transport and cannot be overridden");
    }
    if (!HEADER_VALUE.test(value)) throw badField(path, "invalid_header", "must be at most 1000 characters without line breaks");
    checked[lower] = value;
  }
  return checked;
}
