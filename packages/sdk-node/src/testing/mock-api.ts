// Test support: one scripted fake of the Relais API behind each transport (undici MockAgent,
// injected fetch), so every behaviour test runs against both.
import { MockAgent, type Dispatcher } from "undici";
import { Relais, type ClientOptions } from "../client.js";
import type { Fetch } from "../core/transport.js";

/** A key that must never leak; tests search outputs for it. */
export const API_KEY = "rk_test_51sEcReTkEyThatMustNeverLeak";
export const BASE_URL = "http://relais.test";

/** A request as the fake API received it; header names are lower-case. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/apps?limit=2`. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

type Reply =
  | { status: number; body: string; headers: Record<string, string>; delayMs: number }
  | { error: Error };

/** A scripted API: queue replies in order, make a client, then inspect what was sent. */
export interface MockApi {
  readonly transport: "undici" | "fetch";
  readonly requests: RecordedRequest[];
  /** Queues a response; objects are sent as JSON, strings as they are. */
  reply(status: number, body?: unknown, headers?: Record<string, string>): MockApi;
  /** Queues a response that arrives only after `delayMs` (fake timers advance it). */
  replyAfter(delayMs: number, status: number, body?: unknown): MockApi;
  /** Queues a failure before any response (refused connection, reset socket). */
  replyWithError(error?: Error): MockApi;
  /** A client wired to this fake; options override the test defaults. */
  client(options?: ClientOptions): Relais;
  /** Queued replies no request has consumed yet. */
  pendingReplies(): number;
}

let requestCounter = 0;

function toReply(status: number, body: unknown, headers: Record<string, string>, delayMs: number): Reply {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const contentType = status >= 400 ? "application/problem+json" : "application/json";
  requestCounter += 1;
  return {
    status,
    body: text,
    headers: { "content-type": contentType, "request-id": `req_${requestCounter}`, ...headers },
    delayMs,
  };
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Builds the fake on undici's MockAgent, passed to the client as `dispatcher`. */
export function undiciMockApi(): MockApi {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(BASE_URL);
  const requests: RecordedRequest[] = [];
  let queued = 0;
  // Records each dispatch before the MockAgent answers it, including ones that fail.
  const recording: Dispatcher = agent.compose((dispatch) => (options, handler) => {
    queued -= 1;
    const headers = options.headers as Record<string, string> | undefined;
    requests.push({
      method: options.method,
      path: options.path,
      headers: lowerCase(headers ?? {}),
      body: typeof options.body === "string" ? options.body : undefined,
    });
    return dispatch(options, handler);
  });
  const enqueue = (reply: Reply): MockApi => {
    queued += 1;
    const scope = pool.intercept({ path: () => true, method: () => true });
    if ("error" in reply) {
      scope.replyWithError(reply.error);
    } else {
      const replied = scope.reply(reply.status, reply.body, { headers: reply.headers });
      if (reply.delayMs > 0) replied.delay(reply.delayMs);
    }
    return api;
  };
  const api: MockApi = {
    transport: "undici",
    requests,
    reply: (status, body, headers = {}) => enqueue(toReply(status, body, headers, 0)),
    replyAfter: (delayMs, status, body) => enqueue(toReply(status, body, {}, delayMs)),
    replyWithError: (error = new Error("socket hang up")) => enqueue({ error }),
    client: (options) => new Relais({ apiKey: API_KEY, baseUrl: BASE_URL, dispatcher: recording, ...options }),
    pendingReplies: () => queued,
  };
  return api;
}

/** Builds the fake as a `fetch` function, so undici is never used. */
export function fetchMockApi(): MockApi {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const fetch: Fetch = async (url, init) => {
    const { pathname, search } = new URL(url);
    requests.push({ method: init.method, path: `${pathname}${search}`, headers: lowerCase(init.headers), body: init.body });
    const reply = queue.shift();
    if (reply === undefined) throw new Error(`no reply queued for ${init.method} ${pathname}`);
    // Like fetch: network failures surface as TypeError("fetch failed").
    if ("error" in reply) throw new TypeError("fetch failed", { cause: reply.error });
    if (reply.delayMs > 0) await abortableDelay(reply.delayMs, init.signal);
    return new Response(reply.body === "" ? null : reply.body, { status: reply.status, headers: reply.headers });
  };
  const enqueue = (reply: Reply): MockApi => {
    queue.push(reply);
    return api;
  };
  const api: MockApi = {
    transport: "fetch",
    requests,
    reply: (status, body, headers = {}) => enqueue(toReply(status, body, headers, 0)),
    replyAfter: (delayMs, status, body) => enqueue(toReply(status, body, {}, delayMs)),
    replyWithError: (error = new Error("ECONNRESET")) => enqueue({ error }),
    client: (options) => new Relais({ apiKey: API_KEY, baseUrl: BASE_URL, fetch, ...options }),
    pendingReplies: () => queue.length,
  };
  return api;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("This operation was aborted", "AbortError"));
    });
  });
}

/** Both fakes, for `describe.each`. */
export const mockApis = [
  { transport: "undici", create: undiciMockApi },
  { transport: "fetch", create: fetchMockApi },
] as const;

/**
 * Lets real I/O callbacks and microtasks run (setImmediate stays real under the fake timers
 * the tests install) until `condition` holds; fails after a bounded number of turns.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 500; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** Lets pending I/O callbacks run, so a test can check that nothing more happened. */
export async function idle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Collects every logger call so tests can assert on retries and search for secrets. */
export function recordingLogger() {
  const entries: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown>): void => {
      entries.push({ level, message, fields });
    };
  return { entries, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}
