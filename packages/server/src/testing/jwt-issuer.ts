import { exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload, SignJWT } from "jose";

/** A test identity provider: RS256 and ES256 keys, their JWKS, and a signer. */
export interface TestIssuer {
  issuer: string;
  audience: string;
  /** The public JWKS (both keys), as `RELAIS_JWT_JWKS` wants it. */
  jwks: { keys: JWK[] };
  /** The environment variables that make a server trust this issuer. */
  env: Record<string, string>;
  /** Signs `claims` (plus iss, aud, sub, iat, exp unless overridden) with RS256 or ES256. */
  sign(claims: JWTPayload, options?: { alg?: "RS256" | "ES256"; expiresIn?: string | number }): Promise<string>;
  /** The RS256 public key in SPKI PEM, for algorithm-confusion attempts. */
  publicKeyPem: string;
}

/** Creates a fresh {@link TestIssuer} with new key pairs. */
export async function createTestIssuer(issuer = "https://id.relais.test", audience = "relais-api"): Promise<TestIssuer> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const jwk = async (key: CryptoKey, kid: string, alg: string) => ({ ...(await exportJWK(key)), kid, alg, use: "sig" });
  const jwks = { keys: [await jwk(rsa.publicKey, "rsa-1", "RS256"), await jwk(ec.publicKey, "ec-1", "ES256")] };
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", rsa.publicKey)).toString("base64");
  return {
    issuer,
    audience,
    jwks,
    env: { RELAIS_JWT_JWKS: JSON.stringify(jwks), RELAIS_JWT_ISSUER: issuer, RELAIS_JWT_AUDIENCE: audience },
    publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)?.join("\n")}\n-----END PUBLIC KEY-----\n`,
    sign(claims, options = {}) {
      const alg = options.alg ?? "RS256";
      return new SignJWT({ iss: issuer, aud: audience, sub: "user_1", ...claims })
        .setProtectedHeader({ alg, kid: alg === "RS256" ? "rsa-1" : "ec-1" })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "5m")
        .sign(alg === "RS256" ? rsa.privateKey : ec.privateKey);
    },
  };
}
