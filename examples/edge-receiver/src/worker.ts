import { webhookHandler } from "@relais/webhook-verify/web";

/** The bindings the runtime passes to `fetch`; on Cloudflare, `wrangler secret put RELAIS_WEBHOOK_SECRET`. */
export interface Env {
  RELAIS_WEBHOOK_SECRET: string;
}

/** The fields of a Relais event this receiver reads. */
interface RelaisEvent {
  id: string;
  type: string;
}

/**
 * A Fetch-style receiver of Relais webhooks (Cloudflare Workers, or Deno and Bun with `env` passed
 * in). Verification uses Web Crypto only; rejected deliveries get `400 application/problem+json`.
 *
 * @example
 * ```ts
 * import worker from "./worker.js";
 * Deno.serve((request) => worker.fetch(request, { RELAIS_WEBHOOK_SECRET: Deno.env.get("RELAIS_WEBHOOK_SECRET")! }));
 * ```
 */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
    // A missing secret is our fault, not the sender's: fail loudly (500) instead of answering 400.
    if (!env.RELAIS_WEBHOOK_SECRET) throw new Error("RELAIS_WEBHOOK_SECRET is not set");
    const receive = webhookHandler({ scheme: "standard", secret: env.RELAIS_WEBHOOK_SECRET }, (webhook) => {
      const event = webhook.json<RelaisEvent>();
      // Isolates come and go, so memory cannot drop duplicates here: record webhook.id in durable
      // storage (KV, D1, your database) before acting on an event.
      console.log(`received ${event.id} ${event.type} (webhook-id ${webhook.id})`);
      return new Response(null, { status: 200 });
    });
    return receive(request);
  },
};
