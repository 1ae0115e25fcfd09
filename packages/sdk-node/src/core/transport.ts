import type { Dispatcher } from "undici";

/** HTTP methods the API uses. */
export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One HTTP attempt as the retry loop hands it to a transport. */
export interface TransportRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Fires on timeout or caller abort; the transport must stop sending and reading. */
  signal: AbortSignal;
}

/** A complete response: the body is read inside the attempt so the timeout covers it. */
export interface TransportResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Sends one attempt; rejects only when no complete response was received. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
}

/**
 * The part of `fetch` the SDK needs, so the global `fetch`, undici's `fetch` or a runtime's own
 * all fit without the SDK depending on DOM typings.
 */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{
  status: number;
  headers: { forEach(callback: (value: string, key: string) => void): void };
  text(): Promise<string>;
}>;

/** A transport over any `fetch`; used when the caller injects one, so undici is never loaded. */
export function fetchTransport(fetch: Fetch): Transport {
  return {
    async send({ method, url, headers, body, signal }) {
      const response = await fetch(url, { method, headers, signal, ...(body === undefined ? {} : { body }) });
      const responseHeaders = new Headers();
      response.headers.forEach((value, key) => responseHeaders.append(key, value));
      return { status: response.status, headers: responseHeaders, body: await response.text() };
    },
  };
}

/**
 * The default transport: `undici.request` over a keep-alive Agent (undici pools and reuses
 * sockets by default). undici is imported on first use so fetch-only runtimes never load it.
 */
export function undiciTransport(dispatcher: Dispatcher | undefined): Transport {
  let ready: Promise<{ request: typeof import("undici").request; dispatcher: Dispatcher }> | undefined;
  const load = () =>
    (ready ??= import("undici").then((undici) => ({
      request: undici.request,
      dispatcher: dispatcher ?? new undici.Agent(),
    })));
  return {
    async send({ method, url, headers, body, signal }) {
      const { request, dispatcher: agent } = await load();
      const response = await request(url, { method, headers, body, signal, dispatcher: agent });
      const responseHeaders = new Headers();
      for (const [key, value] of Object.entries(response.headers)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item !== undefined) responseHeaders.append(key, item);
        }
      }
      return { status: response.statusCode, headers: responseHeaders, body: await response.body.text() };
    },
  };
}
