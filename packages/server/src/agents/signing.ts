import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { CompactSign } from "jose";
import { decryptSecret, encryptSecret } from "../crypto/secret-box.js";
import type { Queryable } from "../db/database.js";

/** The server's Ed25519 public key as the agent pins it (RFC 8037 JWK). */
export interface CommandSigningKey {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
}

/** The JWS payload of a command signature (docs/agent-protocol.md section 7). */
export interface CommandSignaturePayload {
  id: string;
  type: string;
  params: Record<string, unknown>;
  instance_uid: string;
  issued_at: string;
  expires_at: string;
}

interface LoadedKey {
  publicJwk: CommandSigningKey;
  privateKey: KeyObject;
}

type KeyRow = { kid: string; public_jwk: CommandSigningKey; private_key_sealed: string };

/**
 * One Ed25519 signing key per account, created on the account's first enrolment. Per account
 * rather than per server so one tenant's key can be rotated (re-enrolling its agents) without
 * touching anyone else's fleet. The private key is sealed with the master key in its own table,
 * never beside the commands, so write access to commands does not grant signing.
 */
export class CommandSigner {
  // Keys never change once created, so a process may keep them.
  private readonly cache = new Map<string, LoadedKey>();

  constructor(private readonly secretEncryption: Uint8Array) {}

  /** The account's public key, creating the key pair on first use. */
  async publicKey(tx: Queryable, accountId: string): Promise<CommandSigningKey> {
    return (await this.load(tx, accountId)).publicJwk;
  }

  /** The compact JWS (`alg: EdDSA`) over `payload`, signed with the account's key. */
  async sign(tx: Queryable, accountId: string, payload: CommandSignaturePayload): Promise<string> {
    const key = await this.load(tx, accountId);
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: "EdDSA", kid: key.publicJwk.kid })
      .sign(key.privateKey);
  }

  private async load(tx: Queryable, accountId: string): Promise<LoadedKey> {
    const cached = this.cache.get(accountId);
    if (cached) return cached;
    const row = (await this.read(tx, accountId)) ?? (await this.create(tx, accountId));
    const pem = decryptSecret(this.secretEncryption, row.private_key_sealed, context(accountId));
    const loaded = { publicJwk: row.public_jwk, privateKey: createPrivateKey(pem) };
    this.cache.set(accountId, loaded);
    return loaded;
  }

  private async read(tx: Queryable, accountId: string): Promise<KeyRow | undefined> {
    const { rows } = await tx.query<KeyRow>("select kid, public_jwk, private_key_sealed from agent_signing_keys where account_id = $1", [accountId]);
    return rows[0];
  }

  private async create(tx: Queryable, accountId: string): Promise<KeyRow> {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = publicKey.export({ format: "jwk" });
    const kid = `sk_${randomBytes(8).toString("hex")}`;
    const publicJwk: CommandSigningKey = { kty: "OKP", crv: "Ed25519", x: String(jwk.x), kid };
    const sealed = encryptSecret(this.secretEncryption, privateKey.export({ format: "pem", type: "pkcs8" }).toString(), context(accountId));
    // Two first enrolments racing: one insert wins and both read the winner.
    await tx.query(
      `insert into agent_signing_keys (account_id, kid, public_jwk, private_key_sealed) values ($1, $2, $3, $4)
       on conflict (account_id) do nothing`,
      [accountId, kid, JSON.stringify(publicJwk), sealed],
    );
    return (await this.read(tx, accountId)) as KeyRow;
  }
}

function context(accountId: string): string {
  return `agent_signing_key:${accountId}`;
}
