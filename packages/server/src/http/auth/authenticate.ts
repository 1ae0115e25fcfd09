import type { RequestHandler } from "express";
import { VISIBLE_PREFIX_CHARS } from "../../api-keys/secret.js";
import type { ApiKeyVerifier, KeyRejection } from "../../api-keys/verifier.js";
import { ApiError } from "../problem.js";
import { requestState } from "../request-state.js";
import type { AuthContext } from "./context.js";
import type { JwtVerifier } from "./jwt.js";

const keyRejections: Record<KeyRejection, string> = {
  malformed: "The API key is malformed",
  unknown: "No such API key",
  revoked: "The API key has been revoked",
  expired: "The API key has expired",
  secret_expired: "This secret was replaced by a rotation and its grace period has ended",
};

function invalid(detail: string): ApiError {
  return new ApiError(401, "invalid_credentials", "Invalid credentials", detail, undefined, { "WWW-Authenticate": 'Bearer realm="relais"' });
}

/** Resolves `Authorization: Bearer <credential>` into an auth context, or throws a 401 problem. */
async function resolveCredential(
  header: string | undefined,
  keys: ApiKeyVerifier,
  jwt: JwtVerifier | undefined,
): Promise<AuthContext> {
  if (!header) {
    throw new ApiError(401, "authentication_required", "Authentication required", "Send an API key or a JWT as a Bearer token", undefined, {
      "WWW-Authenticate": 'Bearer realm="relais"',
    });
  }
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match?.[1]) throw invalid("Use the Bearer scheme: Authorization: Bearer <credential>");
  const credential = match[1];
  if (credential.startsWith("rk_")) {
    const result = await keys.verify(credential);
    if (!result.ok) throw invalid(keyRejections[result.reason]);
    const key = result.key;
    return {
      accountId: key.account_id,
      livemode: key.livemode,
      actor: { type: "api_key", id: key.id },
      scopes: key.scopes,
      appId: key.app_id,
      keyPrefix: credential.slice(0, VISIBLE_PREFIX_CHARS),
      quota: { perMinute: key.quota_per_minute, perDay: key.quota_per_day },
    };
  }
  if (jwt && credential.split(".").length === 3) return jwt(credential);
  throw invalid(jwt ? "The credential is neither an API key nor a JWT" : "The credential is not an API key");
}

/**
 * Reads `Authorization: Bearer <credential>`: an API key (`rk_…`) or, when configured, a JWT.
 * Sets the request's {@link AuthContext}, or remembers why it failed: the rate limiter counts the
 * request against its IP first, then {@link requireAuthentication} answers the 401, so guessing
 * credentials is rate limited without a second database round trip per request.
 */
export function authenticate(keys: ApiKeyVerifier, jwt: JwtVerifier | undefined): RequestHandler {
  return async (req, _res, next) => {
    const state = requestState(req);
    try {
      state.auth = await resolveCredential(req.get("authorization"), keys, jwt);
    } catch (error) {
      state.authFailure = error instanceof Error ? error : new Error(String(error));
    }
    next();
  };
}

/** Answers the failure {@link authenticate} remembered, if any. */
export const requireAuthentication: RequestHandler = (req, _res, next) => {
  const failure = requestState(req).authFailure;
  if (failure) throw failure;
  next();
};
