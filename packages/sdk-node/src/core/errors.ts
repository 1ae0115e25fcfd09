/** One field-level problem inside a 400/422 problem document (`errors[]`). */
export interface ProblemFieldError {
  /** Where the problem is, e.g. `"name"` or `"metadata.plan"`. */
  path: string;
  code: string;
  message: string;
}

/** The RFC 9457 problem document fields the API sends; every field is optional on the wire. */
interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  code?: string;
  request_id?: string;
  errors: ProblemFieldError[];
}

/** Problem `code`s that mean the `Idempotency-Key` itself is the issue. */
const IDEMPOTENCY_CODES: ReadonlySet<string> = new Set(["idempotency_key_mismatch", "idempotency_key_in_use"]);

/** Longest slice of a non-JSON error body kept in a message (an HTML error page can be huge). */
const BODY_SNIPPET_LENGTH = 200;

/**
 * Base class of every error this SDK throws, so `catch (e) { if (e instanceof RelaisError) … }`
 * separates SDK failures from bugs in the caller's own code.
 */
export class RelaisError extends Error {
  override readonly name: string = "RelaisError";
}

/**
 * The API answered with a non-2xx status. Subclasses narrow it by status; read `code` for the
 * stable machine-readable reason and `requestId` when contacting support.
 */
export class APIError extends RelaisError {
  override readonly name: string = "APIError";
  /** HTTP status of the response. */
  readonly status: number;
  /** Stable problem code such as `not_found`; `null` when the body was not a problem document. */
  readonly code: string | null;
  /** Problem type URI. */
  readonly type: string | null;
  /** Short human summary of the problem type. */
  readonly title: string | null;
  /** Human explanation of this occurrence. */
  readonly detail: string | null;
  /** The `Request-Id` response header (or the problem's `request_id`). */
  readonly requestId: string | null;
  /** Response headers, e.g. `RateLimit-Reset`. */
  readonly headers: Headers;
  /** Field-level problems for validation errors; empty otherwise. */
  readonly errors: ProblemFieldError[];

  constructor(status: number, headers: Headers, body: string) {
    const problem = parseProblem(body);
    const requestId = headers.get("request-id") ?? problem?.request_id ?? null;
    super(describe(status, problem, body, requestId));
    this.status = status;
    this.headers = headers;
    this.requestId = requestId;
    this.code = problem?.code ?? null;
    this.type = problem?.type ?? null;
    this.title = problem?.title ?? null;
    this.detail = problem?.detail ?? null;
    this.errors = problem?.errors ?? [];
  }

  /** Builds the most specific subclass for a response's status and problem code. */
  static generate(status: number, headers: Headers, body: string): APIError {
    const ErrorClass = errorClassFor(status, parseProblem(body)?.code);
    return new ErrorClass(status, headers, body);
  }
}

/** 400: the request was malformed. */
export class BadRequestError extends APIError {
  override readonly name: string = "BadRequestError";
}
/** 401: the API key is missing, wrong, expired or revoked. */
export class AuthenticationError extends APIError {
  override readonly name: string = "AuthenticationError";
}
/** 403: the key is valid but lacks the scope or role for this call. */
export class PermissionDeniedError extends APIError {
  override readonly name: string = "PermissionDeniedError";
}
/** 404: no such resource (or not visible to this key's mode). */
export class NotFoundError extends APIError {
  override readonly name: string = "NotFoundError";
}
/** 409: the request conflicts with the resource's current state. */
export class ConflictError extends APIError {
  override readonly name: string = "ConflictError";
}
/**
 * 409 about the `Idempotency-Key`: `idempotency_key_mismatch` (same key, different body) or
 * `idempotency_key_in_use` (the first request with that key is still running).
 */
export class IdempotencyError extends ConflictError {
  override readonly name: string = "IdempotencyError";
}
/** 422: well-formed but semantically invalid; see `errors`. */
export class UnprocessableEntityError extends APIError {
  override readonly name: string = "UnprocessableEntityError";
}
/** 429: rate limited; `headers.get("retry-after")` says when to try again. */
export class RateLimitError extends APIError {
  override readonly name: string = "RateLimitError";
}
/** 5xx: the server failed. */
export class InternalServerError extends APIError {
  override readonly name: string = "InternalServerError";
}

/** No HTTP response was received (DNS, refused, reset, TLS…); the cause is attached. */
export class APIConnectionError extends RelaisError {
  override readonly name: string = "APIConnectionError";
  constructor(message = "Connection error.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No response arrived within `timeout` milliseconds. */
export class APITimeoutError extends APIConnectionError {
  override readonly name: string = "APITimeoutError";
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms.`);
  }
}

/** The caller's `AbortSignal` fired, during a request or while waiting to retry. */
export class APIUserAbortError extends RelaisError {
  override readonly name: string = "APIUserAbortError";
  constructor() {
    super("Request was aborted.");
  }
}

type APIErrorClass = new (status: number, headers: Headers, body: string) => APIError;

function errorClassFor(status: number, code: string | undefined): APIErrorClass {
  if (status === 409 && code !== undefined && IDEMPOTENCY_CODES.has(code)) return IdempotencyError;
  if (status >= 500) return InternalServerError;
  const byStatus: Record<number, APIErrorClass> = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
  };
  return byStatus[status] ?? APIError;
}

/** Reads a problem document defensively: proxies and load balancers answer with anything. */
function parseProblem(body: string): Problem | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const text = (key: string): string | undefined => {
    const value = parsed[key];
    return typeof value === "string" ? value : undefined;
  };
  const errors = Array.isArray(parsed.errors) ? parsed.errors.filter(isFieldError) : [];
  return {
    type: text("type"),
    title: text("title"),
    detail: text("detail"),
    code: text("code"),
    request_id: text("request_id"),
    errors,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFieldError(value: unknown): value is ProblemFieldError {
  return (
    isRecord(value) &&
    typeof value.path === "string" &&
    typeof value.code === "string" &&
    typeof value.message === "string"
  );
}

function describe(status: number, problem: Problem | null, body: string, requestId: string | null): string {
  const suffix = requestId ? ` (request ${requestId})` : "";
  const reason = problem?.detail ?? problem?.title;
  if (problem && (reason || problem.code)) {
    return `${status} ${problem.code ?? "error"}${reason ? `: ${reason}` : ""}${suffix}`;
  }
  const snippet = body.replace(/\s+/g, " ").trim().slice(0, BODY_SNIPPET_LENGTH);
  return `${status} status code${snippet ? `: ${snippet}` : " (no body)"}${suffix}`;
}
