import type { ErrorRequestHandler, RequestHandler, Response } from "express";

/** Base URI of the stable problem `type`s; the last path segment is the `code`. */
export const PROBLEM_TYPE_BASE = "https://relais.dev/problems/";

/** One RFC 9457 problem document as the API sends it. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id?: string;
  errors?: Array<{ path: string; code: string; message: string }>;
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
    readonly errors?: ProblemDocument["errors"],
  ) {
    super(detail);
  }
}

/** Writes `problem` as `application/problem+json`. */
export function sendProblem(res: Response, problem: Omit<ProblemDocument, "type">): void {
  res
    .status(problem.status)
    .type("application/problem+json")
    .json({ type: `${PROBLEM_TYPE_BASE}${problem.code}`, ...problem });
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

/** Turns thrown errors into problem documents; unexpected errors are logged, never echoed. */
export function errorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ApiError) {
      sendProblem(res, {
        status: error.status,
        code: error.code,
        title: error.title,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
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
