import type { Request, RequestHandler, Response } from "express";
import type { AuthContext } from "./auth/context.js";
import { ApiError } from "./problem.js";
import type { RateLimitRule } from "./rate-limit-store.js";
import type { SharedRateCounter } from "./rate-counter.js";
import { requestState } from "./request-state.js";

const MINUTE = 60;
const DAY = 86_400;

/** Server-wide limits per minute (`RELAIS_RATE_LIMIT_*`). */
export interface RateLimits {
  keyPerMinute: number;
  ipPerMinute: number;
}

/** The rules for an authenticated caller: the server-wide limit plus its key's own quotas. */
export function credentialRules(auth: AuthContext, limits: RateLimits): RateLimitRule[] {
  const who = `${auth.actor.type}:${auth.accountId}:${auth.actor.id}`;
  const rules: RateLimitRule[] = [{ bucket: `cred:${who}`, limit: limits.keyPerMinute, periodSeconds: MINUTE }];
  if (auth.quota.perMinute !== null) rules.push({ bucket: `quota-m:${who}`, limit: auth.quota.perMinute, periodSeconds: MINUTE });
  if (auth.quota.perDay !== null) rules.push({ bucket: `quota-d:${who}`, limit: auth.quota.perDay, periodSeconds: DAY });
  return rules;
}

// The advertised limit is the tightest one this request has met so far (IP, key, quota).
function advertise(res: Response, limit: number, remaining: number, resetSeconds: number): void {
  const current = Number(res.getHeader("RateLimit-Remaining") ?? Number.POSITIVE_INFINITY);
  if (remaining > current) return;
  res.setHeader("RateLimit-Limit", String(limit));
  res.setHeader("RateLimit-Remaining", String(remaining));
  res.setHeader("RateLimit-Reset", String(resetSeconds));
}

/**
 * Counts the request against `rulesFor(req)` with counters shared by every process, sets the
 * `RateLimit-*` headers, and answers 429 `rate_limited` with `Retry-After` once any rule is
 * exceeded. When the database cannot be written the counter keeps counting locally: an
 * unavailable limiter should not take the API down with it.
 */
export function rateLimit(counter: SharedRateCounter, rulesFor: (req: Request) => RateLimitRule[]): RequestHandler {
  return async (req, res, next) => {
    const rules = rulesFor(req);
    const counts = await counter.count(rules);
    let exceeded: { resetSeconds: number; bucket: string } | undefined;
    for (const count of counts) {
      const rule = rules.find((candidate) => candidate.bucket === count.bucket);
      if (!rule) continue;
      advertise(res, rule.limit, Math.max(0, rule.limit - count.hits), count.resetSeconds);
      if (count.hits > rule.limit && (!exceeded || count.resetSeconds > exceeded.resetSeconds)) exceeded = count;
    }
    if (exceeded) {
      const quota = exceeded.bucket.startsWith("quota-");
      throw new ApiError(
        429,
        "rate_limited",
        "Too many requests",
        quota ? "This API key's quota is used up; retry after the reset" : "Rate limit exceeded; retry after the reset",
        undefined,
        { "Retry-After": String(exceeded.resetSeconds) },
      );
    }
    next();
  };
}

/**
 * The rules for a request: its client IP always (failed authentications included), plus its
 * caller's when it authenticated. One statement counts them all.
 */
export function requestRules(limits: RateLimits): (req: Request) => RateLimitRule[] {
  return (req) => {
    const ip: RateLimitRule = { bucket: `ip:${req.ip ?? "unknown"}`, limit: limits.ipPerMinute, periodSeconds: MINUTE };
    const auth = requestState(req).auth;
    return auth ? [ip, ...credentialRules(auth, limits)] : [ip];
  };
}
