import type { RequestHandler } from "express";
import helmet from "helmet";

/** Security headers for a JSON API: nothing may be framed, scripted or sniffed. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: "same-site" },
  });
}

const ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Request-Id";
const EXPOSED_HEADERS = "Request-Id, Idempotent-Replayed, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After";

/**
 * CORS for an allow-list of origins (`RELAIS_CORS_ORIGINS`); an empty list turns CORS off, so
 * browsers on other origins cannot read responses. Preflights from allowed origins get 204.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get("origin");
    if (allowed.size === 0 || !origin) {
      next();
      return;
    }
    res.vary("Origin");
    if (!allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    if (req.method === "OPTIONS" && req.get("access-control-request-method")) {
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
      res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      res.setHeader("Access-Control-Max-Age", "600");
      res.status(204).end();
      return;
    }
    next();
  };
}
