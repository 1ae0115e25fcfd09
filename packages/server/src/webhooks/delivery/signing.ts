import { signSync } from "@relais/webhook-verify/node";

/** The Standard Webhooks headers of one delivery attempt (a type alias, so it is a `Record<string, string>`). */
export type SigningHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/** Input of {@link signDelivery}. */
export interface SignDeliveryOptions {
  /** The message id (`msg_…`), stable across the attempts of one message so receivers can dedupe. */
  messageId: string;
  /** The exact body that will be sent. */
  payload: string | Uint8Array;
  /**
   * The endpoint's `whsec_…` secrets: the current one, then, during a rotation, the previous
   * one. Each yields its own `v1,` signature, so receivers holding either secret verify.
   */
  secrets: readonly string[];
  /** Signing time; default now. Sign every attempt anew: verifiers reject old timestamps. */
  timestamp?: Date;
}

/**
 * Signs a delivery with Standard Webhooks through `@relais/webhook-verify` (its synchronous
 * `node:crypto` path) and returns the `webhook-id`, `webhook-timestamp` and `webhook-signature`
 * headers to send with it.
 *
 * @example
 * const headers = signDelivery({ messageId: message.id, payload: body, secrets: [endpoint.secret] });
 * await sendAttempt({ dispatcher: agent, url: endpoint.url, body, headers: { ...endpoint.headers, ...headers } });
 */
export function signDelivery(options: SignDeliveryOptions): SigningHeaders {
  if (options.secrets.length === 0) throw new TypeError("signDelivery needs at least one secret");
  return signSync({
    scheme: "standard",
    payload: options.payload,
    secret: options.secrets,
    id: options.messageId,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
}
