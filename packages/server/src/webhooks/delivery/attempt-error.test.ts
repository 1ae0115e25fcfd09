import { errors } from "undici";
import { describe, expect, it } from "vitest";
import { classifyAttemptError } from "./attempt-error.js";
import { SsrfBlockedError } from "./ssrf-guard.js";

const errno = (code: string, message = `${code} happened`, extra: object = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe("classifyAttemptError", () => {
  it("recognises a refused address, also when wrapped", () => {
    const blocked = new SsrfBlockedError("hooks.test", "10.0.0.1", "private");
    expect(classifyAttemptError(blocked)).toEqual({
      errorClass: "forbidden_address",
      message: "forbidden_address: refused to connect to hooks.test (10.0.0.1): address is in a forbidden range (private)",
    });
    expect(classifyAttemptError(new Error("fetch failed", { cause: blocked })).errorClass).toBe("forbidden_address");
  });

  it("recognises undici and socket timeouts", () => {
    expect(classifyAttemptError(new errors.ConnectTimeoutError()).errorClass).toBe("timeout");
    expect(classifyAttemptError(new errors.HeadersTimeoutError()).errorClass).toBe("timeout");
    expect(classifyAttemptError(new errors.BodyTimeoutError()).errorClass).toBe("timeout");
    expect(classifyAttemptError(errno("ETIMEDOUT")).errorClass).toBe("timeout");
  });

  it("recognises resolver failures", () => {
    expect(classifyAttemptError(errno("ENOTFOUND", "getaddrinfo ENOTFOUND hooks.test")).errorClass).toBe("dns");
    expect(classifyAttemptError(errno("EAI_AGAIN")).errorClass).toBe("dns");
    expect(classifyAttemptError(errno("EUNKNOWN", "x", { syscall: "getaddrinfo" })).errorClass).toBe("dns");
  });

  it("recognises TLS and certificate failures", () => {
    const codes = [
      "ERR_SSL_WRONG_VERSION_NUMBER",
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "CERT_HAS_EXPIRED",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    ];
    for (const code of codes) {
      expect(classifyAttemptError(errno(code)).errorClass, code).toBe("tls");
    }
  });

  it("recognises refused connections inside a happy-eyeballs AggregateError", () => {
    const aggregate = new AggregateError(
      [errno("ECONNREFUSED", "connect ECONNREFUSED ::1:9"), errno("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9")],
      "",
    );
    const classified = classifyAttemptError(aggregate);
    expect(classified.errorClass).toBe("connection_refused");
    expect(classified.message).toBe("connect ECONNREFUSED ::1:9");
  });

  it("prefers the most specific class when several are present", () => {
    const aggregate = new AggregateError([errno("ECONNREFUSED"), new SsrfBlockedError("h.test", "::1", "loopback")]);
    expect(classifyAttemptError(aggregate).errorClass).toBe("forbidden_address");
  });

  it("calls everything else a network failure and keeps the code in the message", () => {
    expect(classifyAttemptError(errno("ECONNRESET", "socket hang up"))).toEqual({
      errorClass: "network",
      message: "ECONNRESET: socket hang up",
    });
    expect(classifyAttemptError("weird")).toEqual({ errorClass: "network", message: "weird" });
    expect(classifyAttemptError(new Error("x".repeat(2000))).message).toHaveLength(500);
  });
});
