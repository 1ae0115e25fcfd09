import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { z } from "zod";
import { requestState } from "./request-state.js";

/** Base URI of the stable problem `type`s; the last path segment is the `code`. */
export const PROBLEM_TYPE_BASE = "https://relais.dev/problems/";

/** One invalid field: where (`body.metadata.plan`), a stable code, and a readable message. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** One RFC 9457 problem document as the API sends it. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id?: string;
  errors?: FieldError[];
}

/**
 * An error a route throws to answer with a problem document. Anything else that reaches the
 * error handler becomes a 500 with no internal detail.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    /** Extra response headers, e.g. `Retry-After` on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

/** 404 `not_found`; also the answer for another account's ids, so they cannot be probed. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "not_found", "Not found", `No ${what} with id ${id}`);
}

/** 409 `conflict` for a request that clashes with the resource's current state. */
export function conflict(detail: string): ApiError {
  return new ApiError(409, "conflict", "Conflict", detail);
}

/** 403 `permission_denied`: the credential is valid but may not do this. */
export function permissionDenied(detail: string): ApiError {
  return new ApiError(403, "permission_denied", "Permission denied", detail);
}

function issueErrors(location: string, issue: z.core.$ZodIssue): FieldError[] {
  const at = [location, ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: `${at}.${key}`, code: "unknown_field", message: "is not a known field" }));
  }
  const missing = issue.code === "invalid_type" && issue.input === undefined;
  return [{ path: at, code: missing ? "required" : issue.code, message: missing ? "is required" : issue.message }];
}

/** 400 `invalid_request` listing every invalid field of `location` (`body`, `query`, `params`, `header`). */
export function invalidRequest(location: string, error: z.ZodError): ApiError {
  const errors = error.issues.flatMap((issue) => issueErrors(location, issue));
  return new ApiError(400, "invalid_request", "Invalid request", `The request ${location} is invalid`, errors);
}

/** Writes `problem` as `application/problem+json`, with the request id. */
export function sendProblem(res: Response, problem: Omit<ProblemDocument, "type" | "request_id">): void {
  const requestId = requestState(res.req).requestId;
  res
    .status(problem.status)
    .type("application/problem+json")
    .json({ type: `${PROBLEM_TYPE_BASE}${problem.code}`, ...problem, request_id: requestId });
}

/** Answers every request no route matched with a 404 problem. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    status: 404,
    code: "not_found",
    title: "Not found",
    detail: `No route for ${req.method} ${req.path}`,
  });
};

// body-parser reports its failures as errors with a `type`; each becomes a typed 4xx.
const bodyParserErrors: Record<string, [number, string, string, string]> = {
  "entity.parse.failed": [400, "invalid_json", "Invalid JSON", "The request body is not valid JSON"],
  "entity.too.large": [413, "payload_too_large", "Payload too large", "The request body is larger than the server accepts"],
  "entity.verify.failed": [400, "invalid_json", "Invalid JSON", "The request body could not be read"],
  "request.aborted": [400, "request_aborted", "Request aborted", "The client closed the request before its body arrived"],
  "request.size.invalid": [400, "invalid_request", "Invalid request", "The request body does not match its Content-Length"],
  "encoding.unsupported": [415, "unsupported_media_type", "Unsupported media type", "Unsupported content encoding"],
  "charset.unsupported": [415, "unsupported_media_type", "Unsupported media type", "Send the JSON body as UTF-8"],
};

function bodyParserProblem(error: unknown): ApiError | undefined {
  const type = typeof error === "object" && error !== null && "type" in error ? String(error.type) : "";
  const known = bodyParserErrors[type];
  return known ? new ApiError(...known) : undefined;
}

/** Turns thrown errors into problem documents; unexpected errors are logged, never echoed. */
export function errorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = error instanceof ApiError ? error : bodyParserProblem(error);
    if (problem) {
      for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
      sendProblem(res, {
        status: problem.status,
        code: problem.code,
        title: problem.title,
        detail: problem.message,
        ...(problem.errors ? { errors: problem.errors } : {}),
      });
      return;
    }
    onUnexpected(error);
    sendProblem(res, {
      status: 500,
      code: "internal_error",
      title: "Internal server error",
      detail: "The server failed to handle this request; it has been logged.",
    });
  };
}
