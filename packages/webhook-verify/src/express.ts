/**
 * Express (4 and 5) middleware that verifies webhooks. It needs the raw body: it uses
 * `req.body` when `express.raw()` or `express.text()` already read it, and otherwise reads the
 * request stream itself. Structural types only: this module never imports express.
 *
 * @example
 * ```ts
 * import express from "express";
 * import { webhookMiddleware } from "@relais/webhook-verify/express";
 *
 * const app = express();
 * app.post(
 *   "/webhooks/relais",
 *   webhookMiddleware({ scheme: "standard", secret: process.env.RELAIS_WEBHOOK_SECRET! }),
 *   (req, res) => {
 *     const event = req.webhook!.json<{ type: string }>();
 *     res.sendStatus(204);
 *   },
 * );
 * ```
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { WebhookVerificationError } from "./errors.js";
import { readHeader } from "./headers.js";
import { verifySync } from "./node/verify-sync.js";
import { PROBLEM_CONTENT_TYPE, toWebhookProblem } from "./problem.js";
import type { VerificationSettings, VerifiedWebhook, WebhookHeaders, WebhookScheme } from "./types.js";

declare global {
  // Express merges this into its Request type, so handlers after the middleware see `req.webhook`.
  namespace Express {
    interface Request {
      /** The delivery verified by `webhookMiddleware`. */
      webhook?: VerifiedWebhook;
    }
  }
}

/** The parts of an Express (or plain Node) request the middleware uses. */
export interface WebhookRequest extends AsyncIterable<Uint8Array | string> {
  headers: WebhookHeaders;
  /** Set by a body parser, if one ran. */
  body?: unknown;
  /** Node's flag: the body stream was read to its end already (by a body parser, say). */
  readableEnded?: boolean;
  /** Set by the middleware once the delivery is verified. */
  webhook?: VerifiedWebhook;
}

/** The parts of an Express (or plain Node) response the middleware uses. */
export interface WebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Express's `next`. */
export type NextFunction = (error?: unknown) => void;

/** Options of {@link webhookMiddleware}. */
export interface WebhookMiddlewareOptions<S extends WebhookScheme = WebhookScheme> extends VerificationSettings<S> {
  /** Largest body read from the stream, in bytes; larger requests get 413. Defaults to 1 MiB. */
  limit?: number;
}

const DEFAULT_LIMIT_BYTES = 1024 * 1024;

/**
 * Creates middleware that verifies each request, sets `req.webhook` and calls `next()`. A
 * request that fails verification is answered `400 application/problem+json`
 * (`{ type, title, status, code }`) and goes no further.
 *
 * A body already parsed into an object (by `express.json()` or `express.urlencoded()`) cannot
 * be verified, since the signature covers the original bytes: the middleware then passes a
 * `TypeError` to `next` (Express answers 500) rather than verifying a re-serialization.
 *
 * WooCommerce's unsigned creation ping also reaches the handler: check `req.webhook.ping`.
 */
export function webhookMiddleware<S extends WebhookScheme>(
  options: WebhookMiddlewareOptions<S>,
): (req: WebhookRequest, res: WebhookResponse, next: NextFunction) => void {
  const { scheme, secret, toleranceSeconds, now, limit = DEFAULT_LIMIT_BYTES } = options;
  return (req, res, next) => {
    rawBody(req, limit).then(
      (payload) => {
        if (payload === undefined) {
          sendProblem(res, 413, { type: "about:blank", title: "Content Too Large", status: 413, code: "payload_too_large" });
          return;
        }
        try {
          req.webhook = verifySync({ scheme, secret, toleranceSeconds, now, payload, headers: req.headers });
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error;
          sendProblem(res, 400, toWebhookProblem(error));
          return;
        }
        next();
      },
    ).catch(next);
  };
}

/** The raw body, or `undefined` when it exceeds `limit`. */
async function rawBody(req: WebhookRequest, limit: number): Promise<string | Uint8Array | undefined> {
  const { body } = req;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (req.readableEnded === true) {
    throw new TypeError(
      body === undefined
        ? "webhookMiddleware: an earlier middleware consumed the request body without keeping it raw. " +
            'Use express.raw({ type: "*/*" }) on this route, or mount webhookMiddleware first.'
        : "webhookMiddleware: req.body was already parsed into an object, so its signature cannot be checked. " +
            'Mount webhookMiddleware before express.json()/express.urlencoded(), or use express.raw({ type: "*/*" }) on this route.',
    );
  }
  // The stream is unread (Express 4's parsers leave `{}` behind when the content type does not match).
  // A declared length over the limit is refused unread; Node discards the body after the answer.
  if (Number(readHeader(req.headers, "content-length")) > limit) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    // Past the limit the rest is drained and dropped, so the 413 can still be sent.
    if (size <= limit) chunks.push(bytes);
  }
  return size > limit ? undefined : Buffer.concat(chunks, size);
}

function sendProblem(res: WebhookResponse, status: number, problem: object): void {
  res.statusCode = status;
  res.setHeader("content-type", PROBLEM_CONTENT_TYPE);
  res.end(JSON.stringify(problem));
}
