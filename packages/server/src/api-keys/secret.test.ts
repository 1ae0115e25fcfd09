import { describe, expect, it } from "vitest";
import { generateApiKeySecret, hashApiKeySecret, parseApiKeySecret } from "./secret.js";

describe("API key secrets", () => {
  it("carry 256 random bits in base62 after a mode prefix", () => {
    const secrets = Array.from({ length: 200 }, () => generateApiKeySecret(false).secret);
    for (const secret of secrets) expect(secret).toMatch(/^rk_test_[0-9A-Za-z]{43}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(generateApiKeySecret(true).secret).toMatch(/^rk_live_/);
    // Every base62 character shows up: the alphabet is used in full.
    expect(new Set(secrets.map((secret) => secret.slice(8)).join("")).size).toBe(62);
  });

  it("parse back into mode and visible prefix, and refuse anything else", () => {
    const { secret } = generateApiKeySecret(true);
    expect(parseApiKeySecret(secret)).toEqual({ livemode: true, secret, prefix: secret.slice(0, 12) });
    for (const bad of ["", "rk_test_", "rk_prod_" + "a".repeat(43), "rk_test_" + "a".repeat(32), "rk_test_" + "a".repeat(42) + "-", `Bearer ${secret}`]) {
      expect(parseApiKeySecret(bad)).toBeUndefined();
    }
  });

  it("hash with HMAC-SHA256 under the derived key: stable, and different per key", () => {
    const keyA = Buffer.alloc(32, 1);
    const keyB = Buffer.alloc(32, 2);
    expect(hashApiKeySecret(keyA, "rk_test_x")).toBe(hashApiKeySecret(keyA, "rk_test_x"));
    expect(hashApiKeySecret(keyA, "rk_test_x")).not.toBe(hashApiKeySecret(keyB, "rk_test_x"));
    expect(hashApiKeySecret(keyA, "rk_test_x")).toMatch(/^[0-9a-f]{64}$/);
  });
});
