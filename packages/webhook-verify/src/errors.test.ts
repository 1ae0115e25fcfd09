import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "./errors.js";
import * as main from "./index.js";
import * as node from "./node.js";

describe("WebhookVerificationError", () => {
  it("is an Error with a stable code and name", () => {
    const error = new WebhookVerificationError("invalid_signature", "no match");
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("invalid_signature");
    expect(error.name).toBe("WebhookVerificationError");
    expect(error.message).toBe("no match");
    expect(String(error)).toBe("WebhookVerificationError: no match");
  });

  it("captures no stack frames, and leaves Error.stackTraceLimit as it found it", () => {
    const before = Error.stackTraceLimit;
    const error = new WebhookVerificationError("missing_header", "absent");
    expect(Error.stackTraceLimit).toBe(before);
    expect(error.stack).toBe("WebhookVerificationError: absent");
    expect(new Error("ordinary").stack).toContain("errors.test.ts");
  });

  it("is one class for the main entry and /node, so instanceof works across both", () => {
    expect(node.WebhookVerificationError).toBe(main.WebhookVerificationError);
  });
});
