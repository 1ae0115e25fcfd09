import { beginSigning } from "../pipeline.js";
import type { SignedHeaders, SignOptions, WebhookScheme } from "../types.js";
import { nodeSign } from "./node-crypto.js";

/**
 * Signs an outgoing delivery synchronously with `node:crypto` and returns the headers to send.
 * Same options and output as `sign`.
 *
 * @example
 * ```ts
 * import { signSync } from "@relais/webhook-verify/node";
 *
 * const body = JSON.stringify({ id: "evt_1", type: "payment_intent.succeeded" });
 * const headers = signSync({ scheme: "stripe", payload: body, secret: "whsec_test" });
 * // { "stripe-signature": "t=1700000000,v1=5f…" }
 * ```
 */
export function signSync<S extends WebhookScheme>(options: SignOptions<S>): SignedHeaders<S> {
  const { keys, plan } = beginSigning(options);
  const hmac: Uint8Array[] = [];
  const ed25519: Uint8Array[] = [];
  for (const key of keys) {
    (key.kind === "hmac" ? hmac : ed25519).push(nodeSign(key, plan.signedPrefix, options.payload));
  }
  return plan.headers({ hmac, ed25519 });
}
