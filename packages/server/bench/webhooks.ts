import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool, request } from "undici";
import { benchAdminKey, type Child, SERVER_MAIN, startChild, temporaryDatabase } from "./processes.js";

const EVENTS = 5_000;
const RATE = 1_000;
/** Events published before the workers start, in each drain round. */
const BACKLOG = 10_000;
/** Events delivered before the first round, so the workers' code is compiled as the ceiling's is. */
const WARM_UP = 2_000;
/** Drain rounds; the ratio reported is their median (this machine's speed drifts within a minute). */
const ROUNDS = 3;
const ENDPOINTS = 2;
const WORKERS = 2;
const DELIVERY_TIMEOUT_MS = 120_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A loopback receiver answering 200 at once, recording receipt time and latency per `webhook-id`. */
async function startReceiver() {
  let seen = new Set<string>();
  let latencies: number[] = [];
  let first = 0;
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
      if (first === 0) first = now;
      last = now;
      const sentAt = (JSON.parse(Buffer.concat(chunks).toString()) as { data: { sent_at: number } }).data.sent_at;
      latencies.push(now - sentAt);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get seen() {
      return seen.size;
    },
    latencies: () => [...latencies].sort((a, b) => a - b),
    firstAt: () => first,
    lastAt: () => last,
    reset() {
      seen = new Set();
      latencies = [];
      first = 0;
      last = 0;
    },
    close: () => server.close(),
  };
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

/** Publishes `count` events through `pool`, `rate` per second (Infinity: 64 at a time, as fast as it goes). */
async function publish(pool: Pool, headers: Record<string, string>, count: number, rate: number): Promise<{ latencies: number[]; failures: number; seconds: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = Date.now();
  const one = (sentAt: number) =>
    pool
      .request({ method: "POST", path: "/v1/events", headers, body: JSON.stringify({ type: "order.created", data: { sent_at: sentAt } }) })
      .then(async (response) => {
        if (response.statusCode !== 201) failures += 1;
        await response.body.dump();
        latencies.push(Date.now() - sentAt);
      });
  if (rate === Number.POSITIVE_INFINITY) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < count) {
          next += 1;
          await one(Date.now());
        }
      }),
    );
  } else {
    const publishes: Promise<void>[] = [];
    for (let sent = 0; sent < count; ) {
      const due = Math.min(count, Math.floor(((Date.now() - started) * rate) / 1000) + 1);
      for (; sent < due; sent += 1) publishes.push(one(Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(publishes);
  }
  return { latencies: latencies.sort((a, b) => a - b), failures, seconds: (Date.now() - started) / 1000 };
}

/**
 * End-to-end webhook delivery on real PostgreSQL: one API process, two worker processes, a
 * loopback receiver, ENDPOINTS endpoints. Two phases in one run:
 * **drain**, ROUNDS times after a warm-up — BACKLOG events published while the workers are frozen
 * (SIGSTOP), the raw ceiling measured right then (as many `undici.request` POSTs straight to the
 * receiver), then the workers resumed and the backlog delivered as fast as they go (deliveries/s
 * from SIGCONT to the last receipt); the ratio to the ceiling is taken per round and the median
 * reported, since the machine's speed drifts between rounds;
 * **paced** — EVENTS events published at RATE/s while the workers run (publish → receipt latency).
 */
export async function runWebhooksBench(): Promise<void> {
  const database = await temporaryDatabase();
  const adminKey = benchAdminKey();
  const masterKey = randomBytes(32).toString("base64");
  const receiver = await startReceiver();
  const children: Child[] = [];
  // Loopback receiver only: allow-private is on for the API (endpoint URL) and the workers.
  const common = { DATABASE_URL: database.url, RELAIS_MASTER_KEY: masterKey, PORT: "0", LOG_LEVEL: "warn", RELAIS_WEBHOOK_ALLOW_PRIVATE: "true" };
  const waitFor = async (count: number) => {
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (receiver.seen < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  try {
    const api = await startChild(SERVER_MAIN, {
      ...common,
      RELAIS_ROLE: "api",
      RELAIS_BOOTSTRAP_KEY: adminKey,
      RELAIS_RATE_LIMIT_KEY_PER_MINUTE: "10000000",
      RELAIS_RATE_LIMIT_IP_PER_MINUTE: "10000000",
    });
    children.push(api);
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

    const deliveries = BACKLOG * ENDPOINTS;
    // Workers start once and warm up on WARM_UP events (the raw ceiling's client is warm too);
    // between rounds they are frozen (SIGSTOP) while the backlog is published and the ceiling
    // measured, so the drain starts at SIGCONT with a full backlog and warm processes.
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startChild(SERVER_MAIN, { ...common, RELAIS_ROLE: "worker" })));
    children.push(...workers);
    const warmUp = await publish(pool, headers, WARM_UP, Number.POSITIVE_INFINITY);
    await waitFor(WARM_UP * ENDPOINTS);
    if (warmUp.failures > 0 || receiver.seen < WARM_UP * ENDPOINTS) throw new Error("the warm-up was not delivered");
    const signal = (name: NodeJS.Signals) => {
      for (const worker of workers) worker.process.kill(name);
    };
    const rounds: Array<{ raw: number; published: number; failures: number; drained: number; perSecond: number }> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      signal("SIGSTOP");
      receiver.reset();
      const backlog = await publish(pool, headers, BACKLOG, Number.POSITIVE_INFINITY);
      const raw = await rawCeiling(receiver.url.replace("/hook", "/raw"), deliveries);
      const resumedAt = Date.now();
      signal("SIGCONT");
      await waitFor(deliveries);
      const perSecond = receiver.seen / Math.max(0.001, (receiver.lastAt() - resumedAt) / 1000);
      rounds.push({ raw, published: BACKLOG / backlog.seconds, failures: backlog.failures, drained: receiver.seen, perSecond });
    }
    receiver.reset();

    // Paced: publish while the workers run.
    const paced = await publish(pool, headers, EVENTS, RATE);
    const expected = EVENTS * ENDPOINTS;
    await waitFor(expected);
    await pool.close();
    const latencies = receiver.latencies();
    const pacedPerSecond = receiver.seen / Math.max(0.001, (receiver.lastAt() - receiver.firstAt()) / 1000);

    console.log(`\nwebhooks: ${ENDPOINTS} endpoints, ${WORKERS} worker processes, 1 API process, real PostgreSQL, loopback receiver`);
    console.log("\n| drain round | raw ceiling: POSTs/s, 64 in flight | drain: deliveries/s | ratio | delivered | publishing, 64 in flight | failed publishes |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    for (const [index, round] of rounds.entries()) {
      console.log(
        `| ${index + 1} | ${Math.round(round.raw)} | ${Math.round(round.perSecond)} | ${(round.perSecond / round.raw).toFixed(2)}× | ${round.drained}/${deliveries} | ${Math.round(round.published)} events/s | ${round.failures} |`,
      );
    }
    console.log("\n| paced: " + `${EVENTS} events at ${RATE}/s` + " | deliveries/s | p50 ms | p99 ms | delivered | failed publishes |");
    console.log("|---|---:|---:|---:|---:|---:|");
    console.log(`| POST /v1/events (publish latency) | | ${percentile(paced.latencies, 50)} | ${percentile(paced.latencies, 99)} | | ${paced.failures} |`);
    console.log(`| publish → receipt | ${Math.round(pacedPerSecond)} | ${percentile(latencies, 50)} | ${percentile(latencies, 99)} | ${receiver.seen}/${expected} | |`);
    const ratios = rounds.map((round) => round.perSecond / round.raw).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)] ?? Number.NaN;
    const p99 = percentile(latencies, 99);
    console.log(
      `\nthroughput (drain, median of ${ROUNDS} rounds) ${ratio.toFixed(2)}× the raw ceiling (target ≥ 0.5×: ${ratio >= 0.5 ? "met" : "not met"}); paced p99 ${p99} ms at ${RATE} events/s × ${ENDPOINTS} endpoints (target < 100 ms: ${p99 < 100 ? "met" : "not met"})`,
    );
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    receiver.close();
    await database.drop();
  }
}
