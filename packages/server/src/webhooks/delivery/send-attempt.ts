import { request, type Dispatcher } from "undici";
import { classifyAttemptError, type AttemptErrorClass } from "./attempt-error.js";
import { decideRedirect } from "./redirect-policy.js";
import { buildRequestHeaders, headersForRedirect, pickResponseHeaders } from "./request-headers.js";
import { readExcerpt } from "./response-excerpt.js";
import { parseRetryAfter } from "./retry-after.js";

/** How one delivery attempt ended: `gone` (410) tells the caller to disable the endpoint. */
export type AttemptOutcome = "succeeded" | "failed" | "gone";

/** Everything a worker needs to record, count and schedule after one attempt. */
export interface AttemptResult {
  outcome: AttemptOutcome;
  /** Status of the last response received; absent when no response arrived. */
  statusCode?: number;
  /** Wall time of the whole attempt, redirects included. */
  durationMs: number;
  /** Set on `failed`. */
  errorClass?: AttemptErrorClass;
  /** A storable description of the failure; never contains request headers or the secret. */
  error?: string;
  /** The first bytes of the last response body, decoded as UTF-8. */
  responseExcerpt: string;
  /** True when the body was longer than the excerpt, or its reading was cut by the timeout. */
  responseTruncated: boolean;
  /** A small allow-listed subset of the last response's headers. */
  responseHeaders: Record<string, string>;
  /** Parsed `Retry-After` of a 429 or 503, uncapped; the retry schedule caps it. */
  retryAfterMs?: number;
  /** The URL of the last request made (differs from the endpoint URL after redirects). */
  finalUrl: string;
  /** Redirects followed. */
  redirects: number;
}

/** Input of {@link sendAttempt}. */
export interface SendAttemptOptions {
  /** Normally the agent from `createDeliveryAgent`, which enforces the SSRF policy on every hop. */
  dispatcher: Dispatcher;
  url: string | URL;
  /** The exact bytes that were signed. */
  body: string | Uint8Array;
  /** Signing headers plus the endpoint's custom headers. */
  headers: Readonly<Record<string, string>>;
  /** Budget for the whole attempt: connects, redirects, headers and the excerpt read. */
  timeoutMs?: number;
  maxRedirects?: number;
  responseExcerptBytes?: number;
  /** Clock for HTTP-date `Retry-After` values; injectable for tests. */
  now?: () => number;
}

const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * POSTs one delivery and reports how it went. Never throws for a network or HTTP outcome; only
 * a malformed `url` (a programming error: endpoint URLs are validated when saved) throws.
 *
 * 2xx → `succeeded`; 410 → `gone`; 307/308 are followed (same method and body, each hop through
 * the same guarded dispatcher) up to `maxRedirects`; other 3xx, 4xx and 5xx → `failed`.
 * Once a status line has arrived it decides the outcome; a body that is slow or endless is cut
 * at `responseExcerptBytes` or at the deadline, and the rest is discarded.
 *
 * @example
 * const result = await sendAttempt({ dispatcher: agent, url: endpoint.url, body, headers });
 * if (result.outcome === "gone") await disableEndpoint(endpoint.id);
 */
export async function sendAttempt(options: SendAttemptOptions): Promise<AttemptResult> {
  const { dispatcher, body } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const excerptBytes = options.responseExcerptBytes ?? 4096;
  let target = new URL(options.url);
  let headers = buildRequestHeaders(options.headers);
  const started = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`attempt timed out after ${timeoutMs} ms`));
  }, timeoutMs);

  let redirects = 0;
  const finish = (fields: Omit<AttemptResult, "durationMs" | "finalUrl" | "redirects">): AttemptResult => ({
    ...fields,
    durationMs: Math.round(performance.now() - started),
    finalUrl: target.href,
    redirects,
  });

  try {
    for (;;) {
      const response = await request(target, { dispatcher, method: "POST", headers, body, signal: controller.signal });
      const { statusCode } = response;
      const responseHeaders = pickResponseHeaders(response.headers);

      if (statusCode >= 300 && statusCode < 400) {
        const location = responseHeaders.location;
        const decision = decideRedirect({ from: target, statusCode, location, followed: redirects, maxRedirects });
        if (decision.follow) {
          await response.body.dump().catch(() => undefined);
          target = decision.url;
          headers = headersForRedirect(headers, decision.crossOrigin);
          redirects += 1;
          continue;
        }
        const excerpt = await readExcerpt(response.body, excerptBytes);
        return finish({
          outcome: "failed",
          statusCode,
          errorClass: decision.errorClass,
          error: decision.message,
          responseHeaders,
          ...excerpt,
        });
      }

      const excerpt = await readExcerpt(response.body, excerptBytes);
      if (statusCode >= 200 && statusCode < 300) {
        return finish({ outcome: "succeeded", statusCode, responseHeaders, ...excerpt });
      }
      if (statusCode === 410) {
        return finish({ outcome: "gone", statusCode, responseHeaders, ...excerpt });
      }
      const retryAfterMs = RETRY_AFTER_STATUSES.has(statusCode)
        ? parseRetryAfter(responseHeaders["retry-after"], options.now?.())
        : undefined;
      return finish({
        outcome: "failed",
        statusCode,
        errorClass: "http_error",
        error: `endpoint answered ${statusCode}`,
        responseHeaders,
        ...excerpt,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
  } catch (error) {
    const classified = timedOut
      ? { errorClass: "timeout" as const, message: `no response within ${timeoutMs} ms` }
      : classifyAttemptError(error);
    return finish({
      outcome: "failed",
      errorClass: classified.errorClass,
      error: classified.message,
      responseExcerpt: "",
      responseTruncated: false,
      responseHeaders: {},
    });
  } finally {
    clearTimeout(timer);
  }
}
