import { parseRetryAfter } from "./backoff.js";
import { AgentError, ControlPlaneError } from "./errors.js";
import { parseProblem } from "./wire-parse.js";

/** How one call to the control plane ended. */
export type CallResult =
  | { ok: true; status: number; body: unknown }
  | {
      ok: false;
      error: AgentError;
      /** `true` for network errors, timeouts, 408, 429 and 5xx: the same call may succeed later. */
      retryable: boolean;
      /** `true` for 401: the credentials (or the enrolment token) are not valid any more. */
      unauthorised: boolean;
      retryAfterMs?: number;
    };

/** Posts JSON to the control plane. */
export interface Transport {
  post(
    path: string,
    body: unknown,
    options: { secret?: string; idempotencyKey?: string; signal?: AbortSignal },
  ): Promise<CallResult>;
}

/** Creates the transport; `userAgent` identifies the plugin in server logs. */
export function createTransport(options: {
  serverUrl: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  userAgent: string;
}): Transport {
  const base = options.serverUrl.replace(/\/+$/, "");
  return {
    async post(path, body, { secret, idempotencyKey, signal }) {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json, application/problem+json",
        "user-agent": options.userAgent,
      };
      if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
      if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
      const call = linkedAbort(signal, options.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(`${base}${path}`, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          signal: call.signal,
        });
        text = await response.text();
      } catch (cause) {
        // The message names the path only: URLs and headers may carry secrets in some setups.
        return networkFailure(new AgentError("network_error", `POST ${path} failed: ${describeCause(cause)}`, { cause }));
      } finally {
        call.release();
      }
      const parsed = parseJson(text);
      if (response.ok) return { ok: true, status: response.status, body: parsed };

      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      const error = new ControlPlaneError(
        response.status,
        parseProblem(parsed),
        response.headers.get("request-id") ?? undefined,
        retryAfterMs,
      );
      return {
        ok: false,
        error,
        retryable: response.status === 408 || response.status === 429 || response.status >= 500,
        unauthorised: response.status === 401,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    },
  };
}

/** An abort signal fired by `outer` or after `timeoutMs` (AbortSignal.any needs Node 20.3). */
function linkedAbort(outer: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const timeout = AbortSignal.timeout(timeoutMs);
  const abort = (): void => controller.abort();
  for (const source of [outer, timeout]) {
    if (source?.aborted) abort();
    source?.addEventListener("abort", abort, { once: true });
  }
  return {
    signal: controller.signal,
    release: () => {
      outer?.removeEventListener("abort", abort);
      timeout.removeEventListener("abort", abort);
    },
  };
}

function networkFailure(error: AgentError): CallResult {
  return { ok: false, error, retryable: true, unauthorised: false };
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
  return `${cause.message}${inner}`;
}
