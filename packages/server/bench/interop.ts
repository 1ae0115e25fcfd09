import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { signSync } from "@relais/webhook-verify/node";
import autocannon from "autocannon";
import { parse, stringify } from "lossless-json";
import { benchAdminKey, benchServerEnv, type Child, SERVER_MAIN, startChild, temporaryDatabase } from "./processes.js";

const DURATION_S = 10;
const CONNECTIONS = 32;
const TARGET_PER_S = 1_000;
const SECRET = "shpss_bench_0123456789abcdef0123456789";

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A real Shopify `orders/paid` payload of about 5 KiB (the package's fixture, minified, with
 * one line item and without the shipping and client details), as a template whose order id and
 * `updated_at` change per request, so that every request is a new event.
 */
function orderTemplate(): { render(n: number): string; bytes: number } {
  const fixtures = path.join(path.dirname(createRequire(import.meta.url).resolve("@relais/interop-mappings/package.json")), "test", "fixtures");
  const order = parse(readFileSync(path.join(fixtures, "shopify", "orders-paid.json"), "utf8")) as Record<string, unknown>;
  for (const field of ["shipping_lines", "billing_address", "client_details", "tax_lines", "discount_applications"]) delete order[field];
  order.line_items = (order.line_items as unknown[]).slice(0, 1);
  order.id = "__ID__";
  order.updated_at = "__UPDATED__";
  const text = stringify(order) ?? "";
  const [head, rest] = text.split('"__ID__"') as [string, string];
  const [middle, tail] = rest.split('"__UPDATED__"') as [string, string];
  return {
    render: (n) => `${head}${7_000_000_000_000 + n}${middle}"${new Date(1_750_000_000_000 + n * 1000).toISOString()}"${tail}`,
    bytes: Buffer.byteLength(text),
  };
}

/** A loopback sink for the subscribed endpoint, counting deliveries. */
async function startSink() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received += 1;
      res.end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received: () => received, close: () => server.close() };
}

/**
 * Interop ingest on real PostgreSQL: signed 5 KiB Shopify orders, each a new event, POSTed to a
 * connector's ingest URL by autocannon (signature check, normalization, store, publish), beside
 * a bare authenticated POST /v1/events in the same run. Then again with one endpoint subscribed,
 * its deliveries going to a loopback sink from the same process's worker.
 */
export async function runInteropBench(): Promise<void> {
  const database = await temporaryDatabase();
  const adminKey = benchAdminKey();
  const children: Child[] = [];
  const sink = await startSink();
  try {
    const api = await startChild(SERVER_MAIN, { ...benchServerEnv(database.url, adminKey), RELAIS_WEBHOOK_ALLOW_PRIVATE: "true" });
    children.push(api);
    const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
    const post = async <T>(route: string, body: unknown): Promise<T> => {
      const response = await fetch(`${api.url}${route}`, { method: "POST", headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    };
    const connector = await post<{ id: string; ingest_url: string }>("/v1/interop/connectors", {
      platform: "shopify",
      shop: "relais-demo.myshopify.com",
      secret: SECRET,
    });
    const template = orderTemplate();
    let next = 0;
    const ingest: autocannon.Options = {
      url: connector.ingest_url,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            next += 1;
            const body = template.render(next);
            return {
              ...request,
              body,
              headers: {
                "content-type": "application/json",
                "x-shopify-topic": "orders/paid",
                "x-shopify-shop-domain": "relais-demo.myshopify.com",
                "x-shopify-event-id": `bench-${next}`,
                ...signSync({ scheme: "shopify", payload: body, secret: SECRET }),
              },
            };
          },
        },
      ],
    };
    let published = 0;
    const publish: autocannon.Options = {
      url: `${api.url}/v1/events`,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            published += 1;
            // A copy: autocannon writes content-length into the headers object it is given.
            return { ...request, headers: { ...headers }, body: JSON.stringify({ type: "order.created", data: { order: { id: `o_${published}` } } }) };
          },
        },
      ],
    };

    console.log(`payload: Shopify orders/paid, ${template.bytes} bytes; warming up (3 s)…`);
    await run({ ...ingest, connections: CONNECTIONS, duration: 3 });
    console.log(`measuring (${DURATION_S} s each, ${CONNECTIONS} connections)…`);
    const rows: Array<[string, autocannon.Result]> = [];
    rows.push(["POST /v1/events (API key auth, no endpoint)", await run({ ...publish, connections: CONNECTIONS, duration: DURATION_S })]);
    rows.push(["POST /v1/interop/ingest/:id (Shopify HMAC, normalize, store, publish; no endpoint)", await run({ ...ingest, connections: CONNECTIONS, duration: DURATION_S })]);
    await post("/v1/webhook_endpoints", { url: sink.url, event_types: ["payment.*"] });
    const before = sink.received();
    rows.push(["same, with 1 subscribed endpoint delivering to a loopback sink", await run({ ...ingest, connections: CONNECTIONS, duration: DURATION_S })]);
    const delivered = sink.received() - before;

    console.log("\n| scenario | req/s | p50 ms | p99 ms | non-2xx | errors |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const [name, result] of rows) {
      console.log(`| ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${result.errors + result.timeouts} |`);
    }
    const rate = Math.round(rows[1]?.[1].requests.average ?? 0);
    const ratio = rate / Math.max(1, rows[0]?.[1].requests.average ?? 1);
    console.log(`\ningests/s: ${rate} (${ratio.toFixed(2)}× a bare authenticated POST /v1/events); target ≥ ${TARGET_PER_S} ${rate >= TARGET_PER_S ? "met" : "NOT met"}`);
    console.log(`deliveries to the sink during the third run: ${delivered} (${Math.round(delivered / DURATION_S)}/s)`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    sink.close();
    await database.drop();
  }
}
