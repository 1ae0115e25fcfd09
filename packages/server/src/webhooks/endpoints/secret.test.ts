import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, sealSigningSecret, signingSecrets } from "./secret.js";

describe("signingSecrets", () => {
  const key = randomBytes(32);
  const current = generateSigningSecret();
  const previous = generateSigningSecret();
  const endpoint = {
    secret_sealed: sealSigningSecret(key, current, "we_1"),
    previous_secret_sealed: sealSigningSecret(key, previous, "we_1"),
    previous_secret_expires_at: new Date("2026-12-02T12:00:00Z"),
  };

  it("signs with the previous secret during its grace period only, asked again and again", () => {
    for (let round = 0; round < 3; round += 1) {
      expect(signingSecrets(key, "we_1", endpoint, new Date("2026-12-02T11:59:59Z"))).toEqual([current, previous]);
      expect(signingSecrets(key, "we_1", endpoint, new Date("2026-12-02T12:00:00Z"))).toEqual([current]);
    }
  });

  it("follows a rotation (a new sealed value) and refuses a secret sealed for another endpoint", () => {
    const next = generateSigningSecret();
    expect(signingSecrets(key, "we_1", { ...endpoint, secret_sealed: sealSigningSecret(key, next, "we_1"), previous_secret_sealed: null })).toEqual([next]);
    expect(() => signingSecrets(key, "we_2", { ...endpoint, previous_secret_sealed: null })).toThrow();
    expect(() => signingSecrets(randomBytes(32), "we_1", { ...endpoint, previous_secret_sealed: null })).toThrow();
  });
});
