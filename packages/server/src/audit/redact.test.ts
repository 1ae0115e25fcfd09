import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact.js";

describe("redactSecrets", () => {
  it("replaces secret-looking fields at any depth and keeps the rest", () => {
    const at = new Date("2030-01-01T00:00:00Z");
    expect(
      redactSecrets({ name: "k", secret: "rk_test_x", nested: [{ signing_secret: "whsec_y", token: "t", ok: 1 }], secret_hash: "ab", at }),
    ).toEqual({
      name: "k",
      secret: "[redacted]",
      nested: [{ signing_secret: "[redacted]", token: "[redacted]", ok: 1 }],
      secret_hash: "[redacted]",
      at: "2030-01-01T00:00:00.000Z",
    });
  });
});
