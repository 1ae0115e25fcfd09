import { beginVerification, completeVerification, signatureMismatch } from "./pipeline.js";
import { signedMessage } from "./payload.js";
import type { VerifiedWebhook, VerifyOptions, WebhookScheme } from "./types.js";
import { webSignatureMatches } from "./webcrypto.js";

/**
 * Verifies a webhook delivery with Web Crypto: runs on Node >= 20, browsers, workers and edge
 * runtimes. On Node, `verifySync` from `@relais/webhook-verify/node` is several times faster.
 *
 * Resolves to the verified delivery, typed by scheme; rejects with a
 * {@link WebhookVerificationError} whose `code` says why. The signature is checked before the
 * timestamp, so `timestamp_too_old` / `timestamp_in_future` only ever describe authentic deliveries.
 *
 * @example
 * ```ts
 * import { verify } from "@relais/webhook-verify";
 *
 * export default {
 *   async fetch(request: Request, env: { RELAIS_WEBHOOK_SECRET: string }) {
 *     const webhook = await verify({
 *       scheme: "standard",
 *       payload: await request.text(),
 *       headers: request.headers,
 *       secret: env.RELAIS_WEBHOOK_SECRET, // "whsec_…"
 *     });
 *     const event = webhook.json<{ type: string }>();
 *     return new Response(null, { status: 204 });
 *   },
 * };
 * ```
 */
export async function verify<S extends WebhookScheme>(options: VerifyOptions<S>): Promise<VerifiedWebhook<S>> {
  const pending = beginVerification(options);
  if (pending.kind === "unsigned") return pending.result;
  const message = signedMessage(pending.envelope.signedPrefix, options.payload);
  if (!(await webSignatureMatches(pending.keys, pending.envelope, message))) throw signatureMismatch();
  return completeVerification(pending, options);
}
