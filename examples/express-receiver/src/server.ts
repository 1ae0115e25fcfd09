import express, { type Express } from "express";
import type { StandardWebhook } from "@relais/webhook-verify";
import { webhookMiddleware } from "@relais/webhook-verify/express";

/** The fields of a Relais event this receiver reads. */
interface RelaisEvent {
  id: string;
  type: string;
}

/** What {@link createReceiver} needs: the endpoint's `whsec_…` secret and where to write log lines. */
export interface ReceiverOptions {
  secret: string;
  log: (line: string) => void;
}

// Relais retries until it sees a 2xx, so the same delivery can arrive twice. A real app records
// webhook ids in its database (a unique key, in the same transaction as the work); memory is enough here.
const REMEMBERED_DELIVERIES = 10_000;

/**
 * An Express app that verifies Relais deliveries on `POST /webhooks/relais` and drops duplicates.
 *
 * @example
 * ```ts
 * createReceiver({ secret: process.env.RELAIS_WEBHOOK_SECRET!, log: console.log }).listen(3000);
 * ```
 */
export function createReceiver({ secret, log }: ReceiverOptions): Express {
  const seenWebhookIds = new Set<string>();
  const app = express();
  // No express.json() before the middleware: the signature covers the raw bytes.
  app.post("/webhooks/relais", webhookMiddleware({ scheme: "standard", secret }), (req, res) => {
    const webhook = req.webhook as StandardWebhook; // set by the middleware, which only passes verified deliveries
    if (seenWebhookIds.has(webhook.id)) {
      log(`duplicate ${webhook.id} ignored`);
    } else {
      seenWebhookIds.add(webhook.id);
      // A Set iterates in insertion order, so its first id is the oldest one.
      if (seenWebhookIds.size > REMEMBERED_DELIVERIES) seenWebhookIds.delete(seenWebhookIds.values().next().value!);
      const event = webhook.json<RelaisEvent>();
      log(`received ${event.id} ${event.type} (webhook-id ${webhook.id})`);
    }
    res.sendStatus(204); // answer at once; slow work belongs in a queue, not in the request
  });
  return app;
}

/** Reads `PORT` (default 3000) and `RELAIS_WEBHOOK_SECRET` (required) from the environment. */
export function readConfig(env: NodeJS.ProcessEnv): { port: number; secret: string } {
  const secret = env.RELAIS_WEBHOOK_SECRET;
  if (!secret) throw new Error("RELAIS_WEBHOOK_SECRET is not set: use the endpoint's signing secret (whsec_…)");
  return { port: Number(env.PORT ?? 3000), secret };
}
