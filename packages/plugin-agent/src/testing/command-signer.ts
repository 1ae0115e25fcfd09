import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { CommandSignaturePayload, CommandSigningKey } from "../protocol.js";

// Test-side signing with node:crypto, written independently of the agent's Web Crypto verifier so
// that each checks the other against the protocol document.

/** An Ed25519 key pair plus its public JWK, as a control plane holds it. */
export interface SigningKeyPair {
  privateKey: KeyObject;
  publicJwk: CommandSigningKey;
}

/** Generates a fresh Ed25519 key pair. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new Error("Ed25519 JWK without x");
  return { privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x } };
}

/** Signs a command payload as a compact JWS (`alg: EdDSA`), the way docs/agent-protocol.md says. */
export function signCommandPayload(payload: CommandSignaturePayload, privateKey: KeyObject, kid?: string): string {
  const header = Buffer.from(JSON.stringify(kid === undefined ? { alg: "EdDSA" } : { alg: "EdDSA", kid })).toString("base64url");
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  const signature = sign(null, Buffer.from(`${header}.${body}`, "ascii"), privateKey).toString("base64url");
  return `${header}.${body}.${signature}`;
}
