import { describe, expect, it } from "vitest";
import { signApis, verifyApis } from "../test/apis.js";
import { generateStandardKeyPair, generateStandardSecret } from "./keys.js";

describe("generateStandardSecret", () => {
  it("makes distinct whsec_ secrets of 32 random bytes", () => {
    const secrets = new Set(Array.from({ length: 20 }, generateStandardSecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    }
  });
});

describe("generateStandardKeyPair", () => {
  it("makes a whsk_ secret key (seed then public key) and the matching whpk_ public key", async () => {
    const { secretKey, publicKey } = await generateStandardKeyPair();
    const secretBytes = Buffer.from(secretKey.replace(/^whsk_/, ""), "base64");
    const publicBytes = Buffer.from(publicKey.replace(/^whpk_/, ""), "base64");
    expect(secretBytes).toHaveLength(64);
    expect(publicBytes).toHaveLength(32);
    expect(secretBytes.subarray(32)).toEqual(publicBytes);
  });

  it.each(signApis)("signs v1a with $name, verifiable by both APIs with the public key only", async (signer) => {
    const { secretKey, publicKey } = await generateStandardKeyPair();
    const payload = JSON.stringify({ type: "payment.succeeded" });
    const headers = await signer.sign({ scheme: "standard", payload, secret: secretKey });
    expect(headers["webhook-signature"]).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const seedOnly = `whsk_${Buffer.from(secretKey.slice(5), "base64").subarray(0, 32).toString("base64")}`;
    const again = await signer.sign({
      scheme: "standard",
      payload,
      secret: seedOnly,
      id: headers["webhook-id"],
      timestamp: new Date(Number(headers["webhook-timestamp"]) * 1000),
    });
    // Ed25519 is deterministic: the 32-byte seed form signs exactly like the 64-byte form.
    expect(again).toEqual(headers);
    for (const api of verifyApis) {
      await expect(api.verify({ scheme: "standard", payload, headers, secret: publicKey })).resolves.toMatchObject({
        id: headers["webhook-id"],
      });
      const other = await generateStandardKeyPair();
      await expect(api.verify({ scheme: "standard", payload, headers, secret: other.publicKey })).rejects.toMatchObject({
        code: "invalid_signature",
      });
    }
  });
});
