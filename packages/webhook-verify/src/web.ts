/**
 * Helpers for Fetch-style handlers (Cloudflare Workers, Deno, Bun, Next.js route handlers,
 * Hono, …): verify a Web `Request`, and answer a rejected one with a 400 problem `Response`.
 * Web Crypto only, like the main entry.
 *
 * @example
 * ```ts
 * import { webhookHandler } from "@relais/webhook-verify/web";
 *
 * export const POST = webhookHandler({ scheme: "shopify", secret: process.env.SHOPIFY_CLIENT_SECRET! }, async (webhook) => {
 *   console.log(webhook.topic, webhook.json());
 *   return new Response(null, { status: 204 });
 * });
 * ```
 *
 * @module
 */
import { WebhookVerificationError } from "./errors.js";
import { PROBLEM_CONTENT_TYPE, toWebhookProblem } from "./problem.js";
import type { HeaderGetter, VerificationSettings, VerifiedWebhook, WebhookScheme } from "./types.js";
import { verify } from "./verify.js";

/** The parts of a Web `Request` the helpers use. */
export interface WebhookWebRequest {
  readonly headers: HeaderGetter;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Reads the request's raw body and verifies it. Rejects with a {@link WebhookVerificationError}
 * as `verify` does. The body can be read only once: use the returned `payload` / `json()`.
 *
 * @example
 * ```ts
 * const webhook = await verifyRequest(request, { scheme: "github", secret: env.GITHUB_WEBHOOK_SECRET });
 * ```
 */
export async function verifyRequest<S extends WebhookScheme>(
  request: WebhookWebRequest,
  settings: VerificationSettings<S>,
): Promise<VerifiedWebhook<S>> {
  const payload = await request.arrayBuffer();
  return verify({ ...settings, payload, headers: request.headers });
}

/** A `400 application/problem+json` response naming the error's code. */
export function webhookErrorResponse(error: WebhookVerificationError): Response {
  return new Response(JSON.stringify(toWebhookProblem(error)), {
    status: 400,
    headers: { "content-type": PROBLEM_CONTENT_TYPE },
  });
}

/**
 * Wraps a handler so it only ever sees verified deliveries: requests that fail verification
 * are answered with {@link webhookErrorResponse}; any other error propagates.
 */
export function webhookHandler<S extends WebhookScheme, R extends WebhookWebRequest = Request>(
  settings: VerificationSettings<S>,
  handle: (webhook: VerifiedWebhook<S>, request: R) => Response | Promise<Response>,
): (request: R) => Promise<Response> {
  return async (request) => {
    let webhook: VerifiedWebhook<S>;
    try {
      webhook = await verifyRequest(request, settings);
    } catch (error) {
      if (error instanceof WebhookVerificationError) return webhookErrorResponse(error);
      throw error;
    }
    return handle(webhook, request);
  };
}
