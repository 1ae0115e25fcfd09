import { beginSigning } from "./pipeline.js";
import { signedMessage } from "./payload.js";
import type { SignedHeaders, SignOptions, WebhookScheme } from "./types.js";
import { webSign } from "./webcrypto.js";

/**
 * Signs an outgoing delivery with Web Crypto and returns the headers to send with it.
 * Useful for senders and for testing receivers; `signSync` in `@relais/webhook-verify/node`
 * does the same synchronously.
 *
 * @example
 * ```ts
 * import { sign } from "@relais/webhook-verify";
 *
 * const body = JSON.stringify({ type: "order.created", data: { id: "ord_1" } });
 * const headers = await sign({ scheme: "standard", payload: body, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
 * await fetch("https://example.com/webhooks", { method: "POST", body, headers });
 * ```
 */
export async function sign<S extends WebhookScheme>(options: SignOptions<S>): Promise<SignedHeaders<S>> {
  const { keys, plan } = beginSigning(options);
  const message = signedMessage(plan.signedPrefix, options.payload);
  const hmac: Uint8Array[] = [];
  const ed25519: Uint8Array[] = [];
  for (const key of keys) (key.kind === "hmac" ? hmac : ed25519).push(await webSign(key, message));
  return plan.headers({ hmac, ed25519 });
}
