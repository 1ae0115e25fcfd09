import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Pool, request } from "undici";
import { benchAdminKey, type Child, startChild, temporaryDatabase } from "./processes.js";

const EVENTS = 3_000;
const RATE = 1_000;
const ENDPOINTS = 2;
const WORKERS = 2;
const DELIVERY_TIMEOUT_MS = 120_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A loopback receiver answering 200 at once, recording receipt latency per `webhook-id`. */
async function startReceiver() {
  const seen = new Set<string>();
  const latencies: number[] = [];
  let last = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.end("ok");
      const id = req.headers["webhook-id"];
      if (typeof id !== "string") return;
      if (seen.has(id)) return;
      seen.add(id);
      const now = Date.now();
      last = now;
      const sentAt = (JSON.parse(Buffer.concat(chunks).toString()) as { data: { sent_at: number } }).data.sent_at;
      latencies.push(now - sentAt);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, seen, latencies, lastAt: () => last, close: () => server.close() };
}

/** The ceiling: the same number of POSTs sent straight to the receiver with undici, 64 at a time. */
async function rawCeiling(url: string, count: number): Promise<number> {
  const body = JSON.stringify({ data: { sent_at: Date.now() } });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) {
        next += 1;
        const response = await request(url, { method: "POST", body, headers: { "content-type": "application/json" } });
        await response.body.dump();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * End-to-end webhook delivery on real PostgreSQL: one API process, two worker processes, a
 * loopback receiver; EVENTS events published at RATE/s to ENDPOINTS endpoints.
 */
export async function runWebhooksBench(): Promise<void> {
  const database = await temporaryDatabase();
  const adminKey = benchAdminKey();
  const masterKey = randomBytes(32).toString("base64");
  const receiver = await startReceiver();
  const children: Child[] = [];
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  // Loopback receiver only: allow-private is on for the API (endpoint URL) and the workers.
  const common = { DATABASE_URL: database.url, RELAIS_MASTER_KEY: masterKey, PORT: "0", LOG_LEVEL: "warn", RELAIS_WEBHOOK_ALLOW_PRIVATE: "true" };
  try {
    const raw = await rawCeiling(receiver.url.replace("/hook", "/raw"), EVENTS * ENDPOINTS);
    const api = await startChild(main, {
      ...common,
      RELAIS_ROLE: "api",
      RELAIS_BOOTSTRAP_KEY: adminKey,
      RELAIS_RATE_LIMIT_KEY_PER_MINUTE: "10000000",
      RELAIS_RATE_LIMIT_IP_PER_MINUTE: "10000000",
    });
    children.push(api);
    for (let index = 0; index < WORKERS; index += 1) {
      children.push(await startChild(main, { ...common, RELAIS_ROLE: "worker" }));
    }
    const pool = new Pool(api.url, { connections: 32 });
    const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
    for (let index = 0; index < ENDPOINTS; index += 1) {
      const created = await pool.request({
        method: "POST",
        path: "/v1/webhook_endpoints",
        headers,
        body: JSON.stringify({ url: receiver.url, max_concurrency: 100 }),
      });
      if (created.statusCode !== 201) throw new Error(`endpoint creation failed: ${created.statusCode} ${await created.body.text()}`);
      await created.body.dump();
    }

    const publishLatencies: number[] = [];
    let failures = 0;
    const started = Date.now();
    const publishes: Promise<void>[] = [];
    for (let sent = 0; sent < EVENTS; ) {
      const due = Math.min(EVENTS, Math.floor(((Date.now() - started) * RATE) / 1000) + 1);
      for (; sent < due; sent += 1) {
        const sentAt = Date.now();
        publishes.push(
          pool
            .request({ method: "POST", path: "/v1/events", headers, body: JSON.stringify({ type: "order.created", data: { sent_at: sentAt } }) })
            .then(async (response) => {
              if (response.statusCode !== 201) failures += 1;
              await response.body.dump();
              publishLatencies.push(Date.now() - sentAt);
            }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(publishes);
    const publishedIn = (Date.now() - started) / 1000;
    const expected = EVENTS * ENDPOINTS;
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (receiver.seen.size < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();

    const deliveredIn = (receiver.lastAt() - started) / 1000;
    const latencies = [...receiver.latencies].sort((a, b) => a - b);
    const publishSorted = publishLatencies.sort((a, b) => a - b);
    const deliveriesPerSecond = receiver.seen.size / deliveredIn;
    console.log(`\nwebhooks: ${EVENTS} events at ${RATE}/s to ${ENDPOINTS} endpoints, ${WORKERS} worker processes, published in ${publishedIn.toFixed(1)} s`);
    console.log("\n| measure | deliveries/s | p50 ms | p99 ms | delivered | failed publishes |");
    console.log("|---|---:|---:|---:|---:|---:|");
    console.log(`| raw ceiling: ${expected} undici.request POSTs, 64 in flight | ${Math.round(raw)} | | | ${expected} | |`);
    console.log(`| POST /v1/events (publish latency) | | ${percentile(publishSorted, 50)} | ${percentile(publishSorted, 99)} | | ${failures} |`);
    console.log(
      `| end to end, publish → receipt | ${Math.round(deliveriesPerSecond)} | ${percentile(latencies, 50)} | ${percentile(latencies, 99)} | ${receiver.seen.size}/${expected} | |`,
    );
    const ratio = deliveriesPerSecond / raw;
    const p99 = percentile(latencies, 99);
    console.log(
      `\nthroughput ${ratio.toFixed(2)}× the raw ceiling (target ≥ 0.5×: ${ratio >= 0.5 ? "met" : "not met"}); p99 ${p99} ms (target < 100 ms: ${p99 < 100 ? "met" : "not met"})`,
    );
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    receiver.close();
    await database.drop();
  }
}
