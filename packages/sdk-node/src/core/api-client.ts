import type { Dispatcher } from "undici";
import { VERSION } from "../version.js";
import { APIPromise, type APIResult } from "./api-promise.js";
import { sendAttempt } from "./attempt.js";
import { APIConnectionError, APIError, RelaisError } from "./errors.js";
import { lowerCaseKeys, validBaseUrl, validCount } from "./options.js";
import { Page, PagePromise, type ListResponse } from "./pagination.js";
import { MAX_RETRY_AFTER_MS, backoffDelay, isRetryableStatus, retryAfterDelay, sleep } from "./retry.js";
import {
  fetchTransport,
  undiciTransport,
  type Fetch,
  type HttpMethod,
  type Transport,
  type TransportResponse,
} from "./transport.js";
import { buildUrl } from "./url.js";

/**
 * Where the SDK reports what it does. `console` fits; so does any logger whose methods take a
 * message and a fields object. Fields never hold the API key or request headers.
 */
export interface Logger {
  debug(message: string, fields: Record<string, unknown>): void;
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** Per-call overrides accepted as the last argument of every resource method. */
export interface RequestOptions {
  /** Retries after the first attempt for this call. */
  maxRetries?: number;
  /** Milliseconds each attempt may take, body included. */
  timeout?: number;
  /** Replaces the key generated for POSTs; reuse one to make your own retries safe. */
  idempotencyKey?: string;
  /** Aborts the request and any wait before a retry. */
  signal?: AbortSignal;
  /** Extra headers for this call; they win over the client's. */
  headers?: Record<string, string>;
}

/** A request as resources describe it: options plus the query and JSON body. */
export interface FinalRequestOptions extends RequestOptions {
  /** Query parameters; `undefined` values are left out. */
  query?: object;
  /** Serialized as JSON. */
  body?: unknown;
}

/** Everything `APIClient` needs, already resolved (no environment lookups here). */
export interface APIClientOptions {
  apiKey: string;
  baseUrl: string;
  maxRetries?: number;
  timeout?: number;
  logger?: Logger;
  fetch?: Fetch;
  dispatcher?: Dispatcher;
  defaultHeaders?: Record<string, string>;
}

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Transport, retries, idempotency and error mapping shared by every resource. Its `get`,
 * `post`, `put`, `patch`, `delete` and `getList` also reach endpoints this SDK version does not wrap.
 */
export class APIClient {
  /** Origin (and optional path prefix) requests go to. */
  readonly baseUrl: string;
  /** Default retries after the first attempt. */
  readonly maxRetries: number;
  /** Default per-attempt timeout in milliseconds. */
  readonly timeout: number;
  // Private fields: never enumerable, never printed, never serialized.
  readonly #apiKey: string;
  readonly #transport: Transport;
  readonly #logger: Logger | undefined;
  readonly #defaultHeaders: Record<string, string>;

  constructor(options: APIClientOptions) {
    if (!options.apiKey) {
      throw new RelaisError("Missing API key: pass `apiKey` to new Relais() or set the RELAIS_API_KEY environment variable.");
    }
    // Header-unsafe characters would make the HTTP library throw a message that may echo the key.
    if (/[\s\0-\x1f\x7f]/.test(options.apiKey)) {
      throw new RelaisError("The API key contains whitespace or control characters; check how it is loaded.");
    }
    if (options.fetch && options.dispatcher) {
      throw new RelaisError("Pass either `fetch` or `dispatcher`, not both: a dispatcher only applies to undici.");
    }
    this.#apiKey = options.apiKey;
    this.baseUrl = validBaseUrl(options.baseUrl);
    this.maxRetries = validCount("maxRetries", options.maxRetries ?? DEFAULT_MAX_RETRIES, 0);
    this.timeout = validCount("timeout", options.timeout ?? DEFAULT_TIMEOUT_MS, 1);
    this.#logger = options.logger;
    this.#defaultHeaders = lowerCaseKeys(options.defaultHeaders ?? {});
    this.#transport = options.fetch ? fetchTransport(options.fetch) : undiciTransport(options.dispatcher);
  }

  /** Sends a GET and resolves to the parsed JSON body. */
  get<T>(path: string, options?: FinalRequestOptions): APIPromise<T> {
    return new APIPromise(this.#execute<T>("GET", path, options ?? {}));
  }

  /** Sends a POST with a generated `Idempotency-Key` (reused across its retries). */
  post<T>(path: string, options?: FinalRequestOptions): APIPromise<T> {
    return new APIPromise(this.#execute<T>("POST", path, options ?? {}));
  }

  /** Sends a PATCH. */
  patch<T>(path: string, options?: FinalRequestOptions): APIPromise<T> {
    return new APIPromise(this.#execute<T>("PATCH", path, options ?? {}));
  }

  /** Sends a PUT (a full replacement; safe to retry as is). */
  put<T>(path: string, options?: FinalRequestOptions): APIPromise<T> {
    return new APIPromise(this.#execute<T>("PUT", path, options ?? {}));
  }

  /** Sends a DELETE. */
  delete<T>(path: string, options?: FinalRequestOptions): APIPromise<T> {
    return new APIPromise(this.#execute<T>("DELETE", path, options ?? {}));
  }

  /** GETs a cursor-paginated list; the result is both a page and an async iterable of items. */
  getList<Item extends { id: string }>(path: string, options?: FinalRequestOptions): PagePromise<Item> {
    const fetchPage = (startingAfter: string | undefined): PagePromise<Item> => {
      const query = startingAfter === undefined ? options?.query : { ...options?.query, starting_after: startingAfter };
      const result = this.#execute<ListResponse<Item>>("GET", path, { ...options, query });
      return new PagePromise(result.then((page) => ({ ...page, data: new Page(page.data, fetchPage) })));
    };
    return fetchPage(undefined);
  }

  /** Prints the configuration without the API key (console.log, util.inspect). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.constructor.name} { baseUrl: '${this.baseUrl}', maxRetries: ${this.maxRetries}, timeout: ${this.timeout}, apiKey: '[redacted]' }`;
  }

  /** Serializes the configuration without the API key (JSON.stringify). */
  toJSON(): { baseUrl: string; maxRetries: number; timeout: number } {
    return { baseUrl: this.baseUrl, maxRetries: this.maxRetries, timeout: this.timeout };
  }

  async #execute<T>(method: HttpMethod, path: string, options: FinalRequestOptions): Promise<APIResult<T>> {
    const maxRetries = validCount("maxRetries", options.maxRetries ?? this.maxRetries, 0);
    const timeout = validCount("timeout", options.timeout ?? this.timeout, 1);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const idempotencyKey = options.idempotencyKey ?? (method === "POST" ? newIdempotencyKey() : undefined);
    const request = { method, url: buildUrl(this.baseUrl, path, options.query), body };
    const logPath = path.split("?", 1)[0] ?? path;

    for (let retry = 0; ; retry += 1) {
      const attempt = { method, path: logPath, attempt: retry + 1 };
      const headers = this.#headers(retry, body !== undefined, idempotencyKey, options.headers);
      let response: TransportResponse;
      try {
        response = await sendAttempt(this.#transport, { ...request, headers }, { timeout, signal: options.signal, secret: this.#apiKey });
      } catch (error) {
        if (!(error instanceof APIConnectionError) || retry >= maxRetries) throw error;
        await this.#waitToRetry(backoffDelay(retry), { ...attempt, error: error.name }, options.signal);
        continue;
      }

      const requestId = response.headers.get("request-id");
      this.#logger?.debug("relais response", { ...attempt, status: response.status, requestId });
      if (response.status >= 200 && response.status < 300) {
        return { data: parseBody<T>(response, method, logPath, requestId), ...resultMeta(response, requestId) };
      }

      const error = APIError.generate(response.status, response.headers, response.body);
      if (retry >= maxRetries || !isRetryableStatus(error.status, error.code)) throw error;
      const requested = retryAfterDelay(response.headers);
      if (requested !== undefined && requested > MAX_RETRY_AFTER_MS) {
        this.#logger?.warn("relais not retrying: Retry-After exceeds the cap", {
          ...attempt,
          status: error.status,
          requestId,
          retryAfterMs: requested,
          capMs: MAX_RETRY_AFTER_MS,
        });
        throw error;
      }
      await this.#waitToRetry(requested ?? backoffDelay(retry), { ...attempt, status: error.status, requestId }, options.signal);
    }
  }

  async #waitToRetry(delayMs: number, fields: Record<string, unknown>, signal: AbortSignal | undefined): Promise<void> {
    this.#logger?.info("relais retrying request", { ...fields, delayMs });
    await sleep(delayMs, signal);
  }

  #headers(
    retry: number,
    hasBody: boolean,
    idempotencyKey: string | undefined,
    overrides: Record<string, string> | undefined,
  ): Record<string, string> {
    return {
      accept: "application/json",
      "user-agent": `relais-node/${VERSION}`,
      authorization: `Bearer ${this.#apiKey}`,
      ...(hasBody ? { "content-type": "application/json" } : {}),
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
      ...(retry > 0 ? { "x-relais-retry-count": String(retry) } : {}),
      ...this.#defaultHeaders,
      ...lowerCaseKeys(overrides ?? {}),
    };
  }
}

/** `idk_` + 32 hex characters from the platform's CSPRNG (Node, Deno, Bun, browsers, workers). */
function newIdempotencyKey(): string {
  return `idk_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
}

function resultMeta(response: TransportResponse, requestId: string | null) {
  return { response: { status: response.status, headers: response.headers }, requestId, body: response.body };
}

function parseBody<T>(response: TransportResponse, method: string, path: string, requestId: string | null): T {
  if (response.body === "") return undefined as T;
  try {
    return JSON.parse(response.body) as T;
  } catch {
    const from = requestId ? `, request ${requestId}` : "";
    throw new RelaisError(`Expected JSON from ${method} ${path} (status ${response.status}${from}).`);
  }
}
