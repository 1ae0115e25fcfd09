import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "./errors.js";
import { resolveSecrets, type KeyMaterial } from "./secrets.js";

function hmacKey(material: KeyMaterial | undefined): Uint8Array {
  if (material?.kind !== "hmac") throw new Error(`expected an HMAC key, got ${material?.kind}`);
  return material.key;
}

function resolveFailure(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error("expected the secret to be refused");
}

describe("resolveSecrets", () => {
  it("decodes whsec_ secrets from base64 for Standard Webhooks, with or without the prefix", () => {
    const expected = new Uint8Array(Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64"));
    expect(hmacKey(resolveSecrets("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "standard")[0])).toEqual(expected);
    expect(hmacKey(resolveSecrets("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "standard")[0])).toEqual(expected);
  });

  it("uses the whole string, prefix included, as the key for the other platforms", () => {
    expect(hmacKey(resolveSecrets("whsec_abc", "text")[0])).toEqual(new TextEncoder().encode("whsec_abc"));
  });

  it("uses bytes as the raw key, copied so later changes to the buffer do not leak in", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const key = hmacKey(resolveSecrets(bytes, "standard")[0]);
    bytes[0] = 9;
    expect(key).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("decodes each secret of a rotation, in order", () => {
    const keys = resolveSecrets(["first", "second"], "text").map(hmacKey);
    expect(keys.map((key) => new TextDecoder().decode(key))).toEqual(["first", "second"]);
  });

  it("returns the same cached material for the same secret, so imported keys can be reused", () => {
    expect(resolveSecrets("cache me", "text")[0]).toBe(resolveSecrets("cache me", "text")[0]);
    expect(resolveSecrets(new Uint8Array([7, 7]), "text")[0]).toBe(resolveSecrets(new Uint8Array([7, 7]), "text")[0]);
    expect(resolveSecrets("whsec_YWJj", "standard")[0]).not.toBe(resolveSecrets("whsec_YWJj", "text")[0]);
  });

  it("recognises Ed25519 keys by their prefix", () => {
    const key = Buffer.alloc(32, 1).toString("base64");
    const pair = Buffer.alloc(64, 1).toString("base64");
    expect(resolveSecrets(`whpk_${key}`, "standard")[0]?.kind).toBe("ed25519-public");
    expect(resolveSecrets(`whsk_${key}`, "standard")[0]?.kind).toBe("ed25519-private");
    expect(resolveSecrets(`whsk_${pair}`, "standard")[0]?.kind).toBe("ed25519-private");
  });

  it.each([
    ["an empty string", "", "text"],
    ["whsec_ with nothing after it", "whsec_", "standard"],
    ["whsec_ followed by something that is not base64", "whsec_s3cr3t!!", "standard"],
    ["a whpk_ key of the wrong length", `whpk_${Buffer.alloc(16).toString("base64")}`, "standard"],
    ["a whsk_ key of the wrong length", `whsk_${Buffer.alloc(48).toString("base64")}`, "standard"],
  ] as const)("refuses %s as invalid_secret, without quoting it", (_reason, secret, format) => {
    const error = resolveFailure(() => resolveSecrets(secret, format));
    expect(error.code).toBe("invalid_secret");
    if (secret.length > 6) expect(error.message).not.toContain(secret.slice(6));
  });

  it("refuses an empty rotation list, an empty byte key and values of other types", () => {
    expect(resolveFailure(() => resolveSecrets([], "text")).code).toBe("invalid_secret");
    expect(resolveFailure(() => resolveSecrets(new Uint8Array(0), "text")).code).toBe("invalid_secret");
    expect(resolveFailure(() => resolveSecrets(42 as unknown as string, "text")).code).toBe("invalid_secret");
  });
});
