import { createHmac, hkdfSync, randomBytes } from "node:crypto";

/** Visible characters kept in clear so operators can tell enrolment tokens apart: `aet_AbCd1234`. */
export const TOKEN_PREFIX_CHARS = 12;

/** A fresh bearer credential: `prefix_` and 256 random bits in base64url. */
function generate(prefix: "aet" | "ags"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** A new enrolment token (`aet_…`), shown once to the operator. */
export function generateEnrolmentToken(): string {
  return generate("aet");
}

/** A new agent secret (`ags_…`), shown once to the agent. */
export function generateAgentSecret(): string {
  return generate("ags");
}

/**
 * Keyed hashing for agent credentials. The key is derived from the API-key hashing key with its
 * own HKDF label, so an enrolment token hash can never be confused with an API key hash. The
 * credentials are random, so a fast HMAC is enough; the key means a stolen table alone cannot be
 * checked against guesses.
 */
export class AgentCredentialHasher {
  private readonly key: Buffer;

  constructor(apiKeyHashing: Uint8Array) {
    this.key = Buffer.from(hkdfSync("sha256", apiKeyHashing, new Uint8Array(0), "relais/agent-credential-hash/v1", 32));
  }

  hash(credential: string): string {
    return createHmac("sha256", this.key).update(credential, "utf8").digest("hex");
  }
}
