import type { Request } from "express";
import type { AuthContext } from "./auth/context.js";

/** What the middleware learns about one request, read by later middleware and by handlers. */
export interface RequestState {
  requestId: string;
  /** `process.hrtime.bigint()` when the request arrived. */
  startedAt: bigint;
  auth?: AuthContext;
  /** Why authentication failed; answered only after the request was counted against its IP. */
  authFailure?: Error;
  /** The route pattern that matched, e.g. `/v1/apps/:id` (for logs and metrics). */
  route?: string;
}

// Kept off `req` so Express's own types stay untouched and nothing leaks into responses.
const states = new WeakMap<Request, RequestState>();

/** Attaches the state of a new request; called once, by the request-id middleware. */
export function initRequestState(req: Request, requestId: string): RequestState {
  const state: RequestState = { requestId, startedAt: process.hrtime.bigint() };
  states.set(req, state);
  return state;
}

/** The state of `req`; a request that skipped the request-id middleware gets an empty one. */
export function requestState(req: Request): RequestState {
  return states.get(req) ?? initRequestState(req, "req_unknown");
}
