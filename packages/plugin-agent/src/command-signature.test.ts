import { beforeAll, describe, expect, it } from "vitest";
import { importCommandSigningKey, verifyCommand } from "./command-signature.js";
import type { CommandSignaturePayload, SignedCommand } from "./protocol.js";
import { generateSigningKeyPair, signCommandPayload, type SigningKeyPair } from "./testing/command-signer.js";

const INSTANCE = "plg_agent_under_test";
const NOW = Date.parse("2025-06-01T12:30:00Z");

function signed(keys: SigningKeyPair, overrides: Partial<CommandSignaturePayload> = {}): SignedCommand {
  const payload: CommandSignaturePayload = {
    id: "cmd_1",
    type: "config",
    params: { config: { log_level: "info", retries: 3 } },
    instance_uid: INSTANCE,
    issued_at: "2025-06-01T12:00:00Z",
    expires_at: "2025-06-01T13:00:00Z",
    ...overrides,
  };
  const { instance_uid: _signedFor, ...command } = payload;
  return { ...command, signature: signCommandPayload(payload, keys.privateKey) };
}

describe("verifyCommand", () => {
  let server: SigningKeyPair;
  let key: CryptoKey;
  beforeAll(async () => {
    server = generateSigningKeyPair();
    key = await importCommandSigningKey(server.publicJwk);
  });

  it("accepts a command signed by the pinned key for this instance", async () => {
    const command = signed(server);
    expect(await verifyCommand(command, key, { instanceUid: INSTANCE, now: NOW })).toEqual({ ok: true, command });
  });

  it("compares params by value, not by member order", async () => {
    const command = { ...signed(server), params: { config: { retries: 3, log_level: "info" } } };
    expect((await verifyCommand(command, key, { instanceUid: INSTANCE, now: NOW })).ok).toBe(true);
  });

  it("rejects a command signed by another key", async () => {
    const forged = signed(generateSigningKeyPair());
    expect(await verifyCommand(forged, key, { instanceUid: INSTANCE, now: NOW })).toMatchObject({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it.each([
    ["params", (c: SignedCommand) => ({ ...c, params: { config: { log_level: "debug", retries: 3 } } })],
    ["id", (c: SignedCommand) => ({ ...c, id: "cmd_2" })],
    ["type", (c: SignedCommand) => ({ ...c, type: "update" })],
    ["expires_at", (c: SignedCommand) => ({ ...c, expires_at: "2030-01-01T00:00:00Z" })],
    ["issued_at", (c: SignedCommand) => ({ ...c, issued_at: "2025-06-01T12:00:01Z" })],
  ])("rejects a command whose %s was changed after signing", async (member, tamper) => {
    const verdict = await verifyCommand(tamper(signed(server)), key, { instanceUid: INSTANCE, now: NOW });
    expect(verdict).toMatchObject({ ok: false, reason: "invalid_signature" });
    expect(verdict.ok === false && verdict.message).toContain(member);
  });

  it("rejects a command signed for another instance", async () => {
    const other = signed(server, { instance_uid: "plg_someone_else" });
    expect(await verifyCommand(other, key, { instanceUid: INSTANCE, now: NOW })).toMatchObject({
      ok: false,
      reason: "wrong_instance",
    });
  });

  it("rejects a command at or after its expiry", async () => {
    const command = signed(server);
    const atExpiry = Date.parse(command.expires_at);
    expect(await verifyCommand(command, key, { instanceUid: INSTANCE, now: atExpiry })).toMatchObject({ reason: "expired" });
    expect((await verifyCommand(command, key, { instanceUid: INSTANCE, now: atExpiry - 1 })).ok).toBe(true);
  });

  it("checks the signature before anything else, so a forgery never reads as expired", async () => {
    const forged = signed(generateSigningKeyPair(), { instance_uid: "plg_other", expires_at: "2000-01-01T00:00:00Z" });
    expect(await verifyCommand(forged, key, { instanceUid: INSTANCE, now: NOW })).toMatchObject({ reason: "invalid_signature" });
  });

  it("refuses other algorithms and critical extensions in the header", async () => {
    const command = signed(server);
    const [, payload, signature] = command.signature.split(".");
    for (const header of [{ alg: "none" }, { alg: "HS256" }, { alg: "EdDSA", crit: ["b64"], b64: false }]) {
      const encoded = Buffer.from(JSON.stringify(header)).toString("base64url");
      const altered = { ...command, signature: `${encoded}.${payload}.${signature}` };
      expect(await verifyCommand(altered, key, { instanceUid: INSTANCE, now: NOW })).toMatchObject({ reason: "invalid_signature" });
    }
  });

  it.each([
    ["a JWS without three parts", (c: SignedCommand) => ({ ...c, signature: "abc.def" })],
    ["a signature that is not base64url", (c: SignedCommand) => ({ ...c, signature: `${c.signature}+/=` })],
    ["a command without params", ({ params: _params, ...c }: SignedCommand) => c],
  ])("rejects %s as invalid_signature", async (_label, mangle) => {
    expect(await verifyCommand(mangle(signed(server)), key, { instanceUid: INSTANCE, now: NOW })).toMatchObject({
      reason: "invalid_signature",
    });
  });

  it("rejects a signed but unparsable expires_at as invalid_signature", async () => {
    const command = signed(server, { expires_at: "tomorrow" });
    expect(await verifyCommand(command, key, { instanceUid: INSTANCE, now: NOW })).toMatchObject({
      reason: "invalid_signature",
    });
  });
});

describe("the worked example of docs/agent-protocol.md", () => {
  // Keep these values in sync with the document: a PHP author checks an implementation against them.
  const publicJwk = { kty: "OKP", crv: "Ed25519", x: "JwWccAhSd0EOejunEvdUDGRFbTGLRfQNhFv0tvY8M-E" } as const;
  const command: SignedCommand = {
    id: "cmd_01JD8Z5N4W2V9QK3T6R7Y0XABC",
    type: "config",
    params: { config: { webhook_timeout_s: 15, log_level: "info" } },
    issued_at: "2025-06-01T12:00:00Z",
    expires_at: "2025-06-01T13:00:00Z",
    signature:
      "eyJhbGciOiJFZERTQSJ9." +
      "eyJpZCI6ImNtZF8wMUpEOFo1TjRXMlY5UUszVDZSN1kwWEFCQyIsInR5cGUiOiJjb25maWciLCJwYXJhbXMiOnsiY29uZmlnIjp7IndlYmhvb2tfdGltZW91dF9zIjoxNSwibG9nX2xldmVsIjoiaW5mbyJ9fSwiaW5zdGFuY2VfdWlkIjoicGxnXzAxSkQ4WTNNMks4UDdINkc1RjRFM0QyQzFCIiwiaXNzdWVkX2F0IjoiMjAyNS0wNi0wMVQxMjowMDowMFoiLCJleHBpcmVzX2F0IjoiMjAyNS0wNi0wMVQxMzowMDowMFoifQ." +
      "UtpO0AZ_eEsXasDwjZhZTo1rSB_lOdzvIpokqgfImXm_AvSwVnQjmaCvSEKWa8LFe39_sSpBtF47zEQzdyMVAw",
  };

  it("verifies for its instance before expiry", async () => {
    const key = await importCommandSigningKey(publicJwk);
    const verdict = await verifyCommand(command, key, {
      instanceUid: "plg_01JD8Y3M2K8P7H6G5F4E3D2C1B",
      now: Date.parse("2025-06-01T12:30:00Z"),
    });
    expect(verdict.ok).toBe(true);
  });

  it("is rejected once expired", async () => {
    const key = await importCommandSigningKey(publicJwk);
    const verdict = await verifyCommand(command, key, {
      instanceUid: "plg_01JD8Y3M2K8P7H6G5F4E3D2C1B",
      now: Date.parse("2025-06-01T13:00:00Z"),
    });
    expect(verdict).toMatchObject({ ok: false, reason: "expired" });
  });
});
