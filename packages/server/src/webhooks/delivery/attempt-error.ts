import { SsrfBlockedError } from "./ssrf-guard.js";

/** Why an attempt failed, coarse enough to count and alert on. */
export type AttemptErrorClass =
  | "timeout"
  | "connection_refused"
  | "dns"
  | "tls"
  | "forbidden_address"
  | "redirect_limit"
  | "redirect"
  | "http_error"
  | "network";

/** A classified transport failure; `message` is safe to store and show to the endpoint owner. */
export interface ClassifiedError {
  errorClass: AttemptErrorClass;
  message: string;
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);
const DNS_CODES = new Set([
  "ENOTFOUND",
  "ENODATA",
  "ESERVFAIL",
  "ENONAME",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NODATA",
  "EAI_NONAME",
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
const MAX_MESSAGE_LENGTH = 500;

interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and everything it wraps: `cause` chains and AggregateError members (happy eyeballs). */
function* errorTree(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth > 5 || typeof error !== "object" || error === null) return;
  const node = error as ErrorLike;
  yield node;
  yield* errorTree(node.cause, depth + 1);
  if (Array.isArray(node.errors)) for (const inner of node.errors) yield* errorTree(inner, depth + 1);
}

function classOf(node: ErrorLike): AttemptErrorClass | undefined {
  if (node instanceof SsrfBlockedError || node.code === "forbidden_address") return "forbidden_address";
  const code = typeof node.code === "string" ? node.code : "";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  if (DNS_CODES.has(code) || node.syscall === "getaddrinfo") return "dns";
  if (TLS_CODE.test(code)) return "tls";
  if (code === "ECONNREFUSED") return "connection_refused";
  return undefined;
}

// The most specific cause wins: a refused address explains a connection error better than its code.
const PRECEDENCE: readonly AttemptErrorClass[] = ["forbidden_address", "timeout", "dns", "tls", "connection_refused"];

/**
 * Maps an error thrown while sending a delivery to an {@link AttemptErrorClass}. Recognises
 * {@link SsrfBlockedError}, undici timeouts, resolver, TLS and refused-connection errors,
 * including ones wrapped in `cause` or an AggregateError; anything else is `network`.
 */
export function classifyAttemptError(error: unknown): ClassifiedError {
  const found = new Set<AttemptErrorClass>();
  for (const node of errorTree(error)) {
    const errorClass = classOf(node);
    if (errorClass) found.add(errorClass);
  }
  const errorClass = PRECEDENCE.find((candidate) => found.has(candidate)) ?? "network";
  return { errorClass, message: describe(error) };
}

// Happy-eyeballs AggregateErrors carry an empty message; the first wrapped error that says something is used.
function describe(error: unknown): string {
  for (const node of errorTree(error)) {
    if (typeof node.message === "string" && node.message !== "") {
      const code = typeof node.code === "string" && !node.message.includes(node.code) ? `${node.code}: ` : "";
      return `${code}${node.message}`.slice(0, MAX_MESSAGE_LENGTH);
    }
  }
  return String(error).slice(0, MAX_MESSAGE_LENGTH);
}
