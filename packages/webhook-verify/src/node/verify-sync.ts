import { beginVerification, completeVerification, signatureMismatch } from "../pipeline.js";
import type { VerifiedWebhook, VerifyOptions, WebhookScheme } from "../types.js";
import { nodeSignatureMatches } from "./node-crypto.js";

/**
 * Verifies a webhook delivery synchronously with `node:crypto`: the fast path on Node. Same
 * options, rules and results as `verify`; throws {@link WebhookVerificationError} instead of
 * rejecting.
 *
 * @example
 * ```ts
 * import { verifySync } from "@relais/webhook-verify/node";
 *
 * app.post("/webhooks/stripe", express.raw({ type: "application/json" }), (req, res) => {
 *   const webhook = verifySync({
 *     scheme: "stripe",
 *     payload: req.body, // a Buffer, thanks to express.raw()
 *     headers: req.headers,
 *     secret: process.env.STRIPE_WEBHOOK_SECRET!,
 *   });
 *   const event = webhook.json<{ id: string; type: string }>();
 *   res.sendStatus(204);
 * });
 * ```
 */
export function verifySync<S extends WebhookScheme>(options: VerifyOptions<S>): VerifiedWebhook<S> {
  const pending = beginVerification(options);
  if (pending.kind === "unsigned") return pending.result;
  if (!nodeSignatureMatches(pending.keys, pending.envelope, options.payload)) throw signatureMismatch();
  return completeVerification(pending, options);
}
