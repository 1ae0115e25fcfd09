import { describe, expect, it } from "vitest";
import { mockApis } from "../testing/mock-api.js";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  IdempotencyError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RelaisError,
  UnprocessableEntityError,
} from "./errors.js";

const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: `https://relais.dev/problems/${code}`, title: `Title ${code}`, status, detail: `Detail ${code}`, code, ...extra });

describe("APIError.generate", () => {
  it.each([
    [400, "invalid_request", BadRequestError],
    [401, "authentication_required", AuthenticationError],
    [403, "permission_denied", PermissionDeniedError],
    [404, "not_found", NotFoundError],
    [409, "conflict", ConflictError],
    [409, "idempotency_key_mismatch", IdempotencyError],
    [409, "idempotency_key_in_use", IdempotencyError],
    [422, "invalid_request", UnprocessableEntityError],
    [429, "rate_limited", RateLimitError],
    [500, "internal_error", InternalServerError],
    [503, "unavailable", InternalServerError],
    [418, "teapot", APIError],
  ] as const)("maps %i %s to %o", (status, code, ErrorClass) => {
    const error = APIError.generate(status, new Headers({ "request-id": "req_abc" }), problem(status, code));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.constructor).toBe(ErrorClass);
    expect(error).toBeInstanceOf(RelaisError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error).toMatchObject({
      status,
      code,
      type: `https://relais.dev/problems/${code}`,
      title: `Title ${code}`,
      detail: `Detail ${code}`,
      requestId: "req_abc",
    });
    expect(error.message).toBe(`${status} ${code}: Detail ${code} (request req_abc)`);
  });

  it("keeps IdempotencyError catchable as a ConflictError", () => {
    const error = APIError.generate(409, new Headers(), problem(409, "idempotency_key_mismatch"));
    expect(error).toBeInstanceOf(ConflictError);
  });

  it("carries the field errors of a validation problem, dropping malformed entries", () => {
    const body = problem(422, "invalid_request", {
      errors: [{ path: "name", code: "too_small", message: "Required" }, { path: 3 }, "nope"],
    });
    expect(APIError.generate(422, new Headers(), body).errors).toEqual([
      { path: "name", code: "too_small", message: "Required" },
    ]);
  });

  it("falls back to the problem's request_id when the header is missing", () => {
    const error = APIError.generate(404, new Headers(), problem(404, "not_found", { request_id: "req_body" }));
    expect(error.requestId).toBe("req_body");
  });

  it("gives a useful error for a non-JSON body", () => {
    const html = "<html>\n  <body>502 Bad Gateway</body>\n</html>";
    const error = APIError.generate(502, new Headers({ "request-id": "req_lb" }), html);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.code).toBeNull();
    expect(error.message).toBe("502 status code: <html> <body>502 Bad Gateway</body> </html> (request req_lb)");
  });

  it("truncates a huge non-JSON body and describes an empty one", () => {
    expect(APIError.generate(500, new Headers(), "x".repeat(10_000)).message).toHaveLength("500 status code: ".length + 200);
    expect(APIError.generate(503, new Headers(), "").message).toBe("503 status code (no body)");
  });

  it("treats JSON that is not a problem document like any other body", () => {
    const error = APIError.generate(400, new Headers(), "[1,2]");
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.code).toBeNull();
    expect(error.message).toBe("400 status code: [1,2]");
  });
});

describe.each(mockApis)("errors over $transport", ({ create }) => {
  it("throws the mapped error with status, code, requestId and response headers", async () => {
    const api = create();
    api.reply(404, JSON.parse(problem(404, "not_found")), { "request-id": "req_404", "ratelimit-remaining": "9" });
    const error = await api.client().apps.retrieve("app_missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "not_found", requestId: "req_404" });
    expect((error as NotFoundError).headers.get("ratelimit-remaining")).toBe("9");
  });

  it("rejects a 2xx body that is not JSON with a RelaisError naming the request", async () => {
    const api = create();
    api.reply(200, "<html>captive portal</html>", { "request-id": "req_html" });
    await expect(api.client().apps.retrieve("app_1")).rejects.toThrow(
      new RelaisError("Expected JSON from GET /v1/apps/app_1 (status 200, request req_html)."),
    );
  });
});
