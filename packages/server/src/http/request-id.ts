import type { RequestHandler } from "express";
import { newId } from "../ids.js";
import { initRequestState } from "./request-state.js";

// Accept a caller's id only when it cannot smuggle anything into headers or logs.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id: a sane incoming `Request-Id` / `X-Request-Id` (so a trace spans
 * services) or a new `req_…`, echoed in the `Request-Id` response header.
 */
export function requestIdMiddleware(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("request-id") ?? req.get("x-request-id");
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : newId("req");
    initRequestState(req, requestId);
    res.setHeader("Request-Id", requestId);
    next();
  };
}
