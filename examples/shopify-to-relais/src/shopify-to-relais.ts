// `npm start -w @relais/example-shopify-to-relais`: a Relais server, a receiver and a simulated
// Shopify store in one process. The store sends a signed `orders/paid` webhook to an interop
// connector (twice, as Shopify does when it retries); the receiver gets one normalized
// `payment.succeeded`, verified.
import { randomUUID } from "node:crypto";
import { startReceiver } from "@relais/example-quickstart/src/receiver.js";
import { connectRelais } from "@relais/example-quickstart/src/relais-server.js";
import { Relais } from "@relais/sdk-node";
import { signSync } from "@relais/webhook-verify/node";
import { shopifyPaidOrder } from "./shopify-order.js";

const SHOP = "relais-demo.myshopify.com";
// In a real store: the secret Shopify shows under Settings → Notifications → Webhooks (or your app's client secret).
const SHOPIFY_SECRET = process.env.SHOPIFY_WEBHOOK_SECRET ?? "shpss_demo_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const DEADLINE_MS = 30_000;

const print = (line: string): void => console.log(line);

/** What Shopify does: POST the body with its topic, shop, ids and HMAC headers. */
async function shopifySends(url: string, body: string, eventId: string): Promise<{ status: number; receipt: { status: string; event_id?: string | null } }> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2024-01",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": eventId,
      "x-shopify-triggered-at": new Date().toISOString(),
      ...signSync({ scheme: "shopify", payload: body, secret: SHOPIFY_SECRET }),
    },
  });
  return { status: response.status, receipt: (await response.json()) as { status: string; event_id?: string | null } };
}

const relaisServer = await connectRelais(process.env);
const receiver = await startReceiver(print);
try {
  print(`Relais server at ${relaisServer.baseUrl}; receiver at ${receiver.url}`);
  const relais = new Relais({ baseUrl: relaisServer.baseUrl, apiKey: relaisServer.adminKey });

  const connector = await relais.interop.connectors.create({ platform: "shopify", shop: SHOP, secret: SHOPIFY_SECRET });
  print(`created Shopify connector ${connector.id}: point the store's webhooks at ${connector.ingest_url}`);
  const endpoint = await relais.webhookEndpoints.create({ url: receiver.url, event_types: ["payment.*"] });
  receiver.useSecret(endpoint.secret);
  print(`created webhook endpoint ${endpoint.id} for payment.* → ${endpoint.url}`);

  const body = shopifyPaidOrder(1042);
  const shopifyEventId = randomUUID();
  const first = await shopifySends(connector.ingest_url, body, shopifyEventId);
  print(`Shopify sent orders/paid #1042: HTTP ${first.status}, ${first.receipt.status} as ${first.receipt.event_id}`);
  const retry = await shopifySends(connector.ingest_url, body, shopifyEventId);
  print(`Shopify retried it: HTTP ${retry.status}, ${retry.receipt.status}`);

  const eventId = first.receipt.event_id ?? "";
  await Promise.race([
    receiver.waitForLine(new RegExp(`^received ${eventId} payment\\.succeeded `)),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no verified delivery of ${eventId} within ${DEADLINE_MS / 1000} s`)), DEADLINE_MS).unref()),
  ]);
  const event = await relais.events.retrieve(eventId);
  const data = event.data as { order?: { id: string; number?: string }; amount?: { value: number; currency: string }; source: { shop: string } };
  print(`normalized: order ${data.order?.id} (${data.order?.number}) from ${data.source.shop}, amount ${data.amount?.value} ${data.amount?.currency} in minor units`);
  const stats = await relais.interop.stats();
  print(`interop stats: ${stats.totals.normalized} normalized, ${stats.totals.duplicate} duplicate, ${stats.totals.failed} failed`);
  print("done: one Shopify order, one normalized payment.succeeded delivered and verified");
} catch (error) {
  console.error(`shopify-to-relais failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await receiver.close();
  await relaisServer.close();
}
