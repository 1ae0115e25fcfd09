import { decodeBase64url } from "./base64url.js";
import { canonicalJson } from "./canonical-json.js";
import { isJsonObject, type JsonObject } from "./json.js";
import type { CommandSigningKey, SignedCommand } from "./protocol.js";

/** Why an agent refuses a command without running it. */
export type RejectionReason = "invalid_signature" | "expired" | "wrong_instance";

/** Result of {@link verifyCommand}. */
export type CommandVerdict =
  | { ok: true; command: SignedCommand }
  | { ok: false; reason: RejectionReason; message: string };

/** Imports the pinned command signing key for Web Crypto verification. */
export async function importCommandSigningKey(jwk: CommandSigningKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, { name: "Ed25519" }, false, [
    "verify",
  ]);
}

/**
 * Decides whether a delivered command may run: its `signature` must be a compact JWS with
 * `alg: "EdDSA"` made by `key`, whose payload repeats the command's `id`, `type`, `params`,
 * `issued_at` and `expires_at` and names this agent's `instance_uid`, and `expires_at` must be
 * later than `now`. Checks run in that order, so a forgery is always `invalid_signature`.
 *
 * @example
 * const verdict = await verifyCommand(command, key, { instanceUid: "plg_01H…" });
 * if (!verdict.ok) console.warn(verdict.reason, verdict.message);
 */
export async function verifyCommand(
  command: unknown,
  key: CryptoKey,
  expected: { instanceUid: string; now?: number },
): Promise<CommandVerdict> {
  const shaped = asSignedCommand(command);
  if (typeof shaped === "string") return reject("invalid_signature", `malformed command: ${shaped}`);

  const payload = await verifiedPayload(shaped.signature, key);
  if (typeof payload === "string") return reject("invalid_signature", payload);

  const mismatch = firstMismatch(shaped, payload);
  if (mismatch !== undefined) return reject("invalid_signature", `signed payload does not match command ${mismatch}`);

  if (payload.instance_uid !== expected.instanceUid) {
    return reject("wrong_instance", "command was signed for another instance");
  }
  const expiresAt = Date.parse(shaped.expires_at);
  if (Number.isNaN(expiresAt)) return reject("invalid_signature", "expires_at is not an RFC 3339 timestamp");
  if (expiresAt <= (expected.now ?? Date.now())) return reject("expired", `command expired at ${shaped.expires_at}`);
  return { ok: true, command: shaped };
}

function reject(reason: RejectionReason, message: string): CommandVerdict {
  return { ok: false, reason, message };
}

/** Returns the typed command, or the name of the first member that is missing or mistyped. */
function asSignedCommand(value: unknown): SignedCommand | string {
  if (!isJsonObject(value)) return "not an object";
  for (const member of ["id", "type", "issued_at", "expires_at", "signature"] as const) {
    if (typeof value[member] !== "string") return member;
  }
  if (!isJsonObject(value.params)) return "params";
  return value as unknown as SignedCommand;
}

/** Verifies the JWS and returns its decoded payload object, or why it is not acceptable. */
async function verifiedPayload(jws: string, key: CryptoKey): Promise<JsonObject | string> {
  const parts = jws.split(".");
  if (parts.length !== 3) return "signature is not a compact JWS";
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJsonSegment(headerPart);
  if (!isJsonObject(header) || header.alg !== "EdDSA") return "JWS header alg must be EdDSA";
  // A critical extension we do not understand must make us refuse (RFC 7515 section 4.1.11).
  if (header.crit !== undefined) return "JWS header has unsupported crit extensions";
  const signature = decodeBase64url(signaturePart);
  if (signature === undefined || signature.length !== 64) return "JWS signature is not 64 base64url bytes";
  const signingInput = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  const valid = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, signingInput);
  if (!valid) return "signature does not verify with the pinned key";
  const payload = parseJsonSegment(payloadPart);
  return isJsonObject(payload) ? payload : "JWS payload is not a JSON object";
}

function parseJsonSegment(segment: string): unknown {
  const bytes = decodeBase64url(segment);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** Names the first command member whose signed value differs; params compare as canonical JSON. */
function firstMismatch(command: SignedCommand, payload: JsonObject): string | undefined {
  for (const member of ["id", "type", "issued_at", "expires_at"] as const) {
    if (payload[member] !== command[member]) return member;
  }
  const params = payload.params;
  if (!isJsonObject(params) || canonicalJson(params) !== canonicalJson(command.params)) return "params";
  if (typeof payload.instance_uid !== "string") return "instance_uid";
  return undefined;
}
