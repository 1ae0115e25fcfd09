import { APIConnectionError, APITimeoutError, APIUserAbortError } from "./errors.js";
import type { Transport, TransportRequest, TransportResponse } from "./transport.js";

/** What one attempt needs besides the request. */
export interface AttemptLimits {
  /** Milliseconds before the attempt is abandoned as an `APITimeoutError`. */
  timeout: number;
  /** The caller's signal; it also aborts the attempt in flight. */
  signal: AbortSignal | undefined;
  /** Redacted from any transport error that echoes it. */
  secret: string;
}

/**
 * Sends one attempt and classifies its failure: caller abort, timeout, or connection error.
 * Anything the transport throws becomes one of those three, so the retry loop needs no guesswork.
 */
export async function sendAttempt(
  transport: Transport,
  request: Omit<TransportRequest, "signal">,
  { timeout, signal, secret }: AttemptLimits,
): Promise<TransportResponse> {
  if (signal?.aborted) throw new APIUserAbortError();
  const controller = new AbortController();
  const forwardAbort = () => controller.abort();
  signal?.addEventListener("abort", forwardAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  try {
    return await transport.send({ ...request, signal: controller.signal });
  } catch (cause) {
    if (signal?.aborted) throw new APIUserAbortError();
    if (timedOut) throw new APITimeoutError(timeout);
    // A cause that mentions the key (a custom fetch echoing headers) is dropped, not attached.
    const leaks = describeError(cause).includes(secret);
    const message = messageOf(cause).split(secret).join("[redacted]");
    throw new APIConnectionError(`Connection error: ${message}`, leaks ? undefined : { cause });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forwardAbort);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Message, stack and nested causes: everything `util.inspect` would print of an error. */
function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 4) return String(error);
  const cause = error.cause === undefined ? "" : describeError(error.cause, depth + 1);
  return `${error.message}\n${error.stack ?? ""}\n${cause}`;
}
