import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import type { JwtConfig } from "../../config.js";
import { ApiError } from "../problem.js";
import type { AuthContext } from "./context.js";
import { scopesForRoles } from "./scopes.js";

/** Turns a bearer JWT into an auth context, or throws a 401 problem. */
export type JwtVerifier = (token: string) => Promise<AuthContext>;

// Asymmetric only: with HS256 allowed, a public key could be misused as an HMAC secret.
const ALGORITHMS = ["RS256", "ES256"];

function invalidToken(detail: string): ApiError {
  return new ApiError(401, "invalid_credentials", "Invalid credentials", detail, undefined, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
}

function rejection(error: unknown): ApiError {
  if (error instanceof errors.JWTExpired) return invalidToken("The token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) return invalidToken(`The token's ${error.claim} claim is not accepted`);
  if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && !(error instanceof errors.JOSEError))) {
    return new ApiError(503, "jwks_unavailable", "Service unavailable", "The keys that verify tokens could not be fetched; retry later");
  }
  return invalidToken("The token's signature or algorithm is not accepted");
}

function rolesOf(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * Verifies JWTs against the configured JWKS (a URL, fetched and cached by jose, or a static
 * set): RS256/ES256 only, `iss`, `aud` and `exp` required. The account comes from the account
 * claim and must exist; the mode from the livemode claim (absent: test); scopes from the roles.
 */
export function createJwtVerifier(config: JwtConfig, accountExists: (id: string) => Promise<boolean>): JwtVerifier {
  const keySet = "url" in config.keys ? createRemoteJWKSet(new URL(config.keys.url)) : createLocalJWKSet(config.keys.jwks);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: ALGORITHMS,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (error) {
      throw rejection(error);
    }
    const accountId = payload[config.accountClaim];
    if (typeof accountId !== "string" || !(await accountExists(accountId))) {
      throw invalidToken(`The token's ${config.accountClaim} claim does not name an account`);
    }
    return {
      accountId,
      livemode: payload[config.livemodeClaim] === true,
      actor: { type: "user", id: String(payload.sub) },
      scopes: scopesForRoles(rolesOf(payload, config.roleClaim)),
      appId: null,
      keyPrefix: null,
      quota: { perMinute: null, perDay: null },
    };
  };
}
