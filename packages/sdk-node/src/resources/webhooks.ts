import {
  verify,
  type StandardWebhook,
  type VerificationSettings,
  type WebhookHeaders,
  type WebhookPayload,
  type WebhookSecrets,
} from "@relais/webhook-verify";
import { RelaisError } from "../core/errors.js";

/** An event as Relais delivers it to a webhook endpoint. Narrow `Type`/`Data` per event type. */
export interface WebhookEvent<Type extends string = string, Data = unknown> {
  /** `evt_…`; the same event may arrive more than once, so deduplicate on it. */
  id: string;
  object: "event";
  type: Type;
  data: Data;
  livemode: boolean;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** Verification knobs: clock skew tolerance (default 300 s) and the current time. */
export type WebhookVerifyOptions = Pick<VerificationSettings, "toleranceSeconds" | "now">;

/**
 * `client.webhooks`: checks that a delivery was signed by Relais (Standard Webhooks) before
 * your code trusts it. Uses Web Crypto, so it runs wherever the client runs.
 */
export class Webhooks {
  /**
   * Verifies the signature and timestamp of a delivery; rejects with a
   * `WebhookVerificationError` whose `code` says why (`invalid_signature`, `timestamp_too_old`…).
   *
   * @param payload The raw request body, byte for byte: not a re-serialized JSON object.
   * @param headers The request headers (`Headers` or Node's `req.headers`).
   * @param secret The endpoint's `whsec_…` secret, or several during a rotation.
   */
  verify(
    payload: WebhookPayload,
    headers: WebhookHeaders,
    secret: WebhookSecrets,
    options?: WebhookVerifyOptions,
  ): Promise<StandardWebhook> {
    return verify({ ...options, scheme: "standard", payload, headers, secret });
  }

  /**
   * Verifies a delivery and returns its event. `Event` is trusted, not checked beyond `id` and
   * `type`: pass a union of the event types your endpoint subscribes to.
   *
   * @example
   * app.post("/webhooks/relais", express.raw({ type: "application/json" }), async (req, res) => {
   *   const event = await relais.webhooks.constructEvent(req.body, req.headers, process.env.RELAIS_WEBHOOK_SECRET!);
   *   if (event.type === "payment.succeeded") fulfil(event.data);
   *   res.sendStatus(204);
   * });
   */
  async constructEvent<Event extends WebhookEvent = WebhookEvent>(
    payload: WebhookPayload,
    headers: WebhookHeaders,
    secret: WebhookSecrets,
    options?: WebhookVerifyOptions,
  ): Promise<Event> {
    const webhook = await this.verify(payload, headers, secret, options);
    let event: unknown;
    try {
      event = webhook.json();
    } catch {
      throw new RelaisError(`Webhook ${webhook.id} is authentic but its payload is not JSON.`);
    }
    if (!isEvent(event)) {
      throw new RelaisError(`Webhook ${webhook.id} is authentic but its payload is not a Relais event.`);
    }
    return event as Event;
  }
}

function isEvent(value: unknown): value is Pick<WebhookEvent, "id" | "type"> {
  if (typeof value !== "object" || value === null) return false;
  const { id, type } = value as Record<string, unknown>;
  return typeof id === "string" && typeof type === "string";
}
