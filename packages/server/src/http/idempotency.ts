import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import type { Database } from "../db/database.js";
import type { Logger } from "../logger.js";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyScope,
  releaseIdempotencyKey,
} from "./idempotency-store.js";
import { ApiError } from "./problem.js";
import { requestState } from "./request-state.js";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

// Key order must not matter: {"a":1,"b":2} and {"b":2,"a":1} are the same request.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What makes two requests "the same": method, path with query, and the body with sorted keys. */
export function idempotencyRequestHash(method: string, url: string, body: unknown): string {
  return createHash("sha256").update(`${method} ${url}\n${canonicalJson(body)}`).digest("hex");
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response (unless 5xx)
 * is stored in Postgres for 24 h; a retry with the same request gets that response again with
 * `Idempotent-Replayed: true`. Reusing the key for another request is a 409
 * `idempotency_key_mismatch`; a retry while the first still runs, 409 `idempotency_key_in_use`.
 */
export function idempotency(db: Database, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    const auth = requestState(req).auth;
    if (req.method !== "POST" || key === undefined || !auth) {
      next();
      return;
    }
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError(400, "invalid_request", "Invalid request", "The Idempotency-Key header is invalid", [
        { path: "header.idempotency-key", code: "invalid_format", message: "must be 1 to 255 printable ASCII characters" },
      ]);
    }
    const scope: IdempotencyScope = { accountId: auth.accountId, livemode: auth.livemode, key };
    const hash = idempotencyRequestHash(req.method, req.originalUrl, req.body);
    const claim = await claimIdempotencyKey(db, scope, hash);
    if (claim.state === "in_use") {
      throw new ApiError(409, "idempotency_key_in_use", "Idempotency key in use", "A request with this Idempotency-Key is still in progress; retry shortly");
    }
    if (claim.state === "mismatch") {
      throw new ApiError(409, "idempotency_key_mismatch", "Idempotency key mismatch", "This Idempotency-Key was used with a different request");
    }
    if (claim.state === "replay") {
      res.setHeader("Idempotent-Replayed", "true");
      res.status(claim.status).type(claim.contentType).send(claim.body);
      return;
    }
    let settled = false;
    const sendJson = res.json.bind(res);
    // Store before sending, so a client that retries right after the response finds it stored.
    res.json = (body: unknown) => {
      settled = true;
      const status = res.statusCode;
      const stored =
        status >= 500
          ? releaseIdempotencyKey(db, scope)
          : completeIdempotencyKey(db, scope, { status, contentType: String(res.getHeader("Content-Type") ?? "application/json"), body: JSON.stringify(body) });
      stored
        .catch((error: unknown) => logger.error({ err: error, request_id: requestState(req).requestId }, "could not store the idempotent response"))
        .finally(() => sendJson(body));
      return res;
    };
    res.on("close", () => {
      if (!settled) releaseIdempotencyKey(db, scope).catch(() => {});
    });
    next();
  };
}
