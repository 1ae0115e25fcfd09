import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import type { ListResponse } from "../http/pagination.js";
import type { ProblemDocument } from "../http/problem.js";
import { type RunningServer, startServer } from "../server.js";
import { type ApiObject, startTestServer, TEST_MASTER_KEY, type TestServer } from "../testing/test-server.js";
import { reply, type ScriptedReceiver, startScriptedReceiver } from "./testing/receiver.js";

type Message = ApiObject & { status: string; attempt_count: number };
/** A worker-role server in this process on the test server's database (PostgreSQL only). */
function startWorkerOn(server: TestServer, overrides: Record<string, string> = {}): Promise<RunningServer> {
  return startServer(
    loadConfig({
      DATABASE_URL: server.databaseUrl ?? "",
      RELAIS_MASTER_KEY: TEST_MASTER_KEY,
      RELAIS_ROLE: "worker",
      RELAIS_WEBHOOK_ALLOW_PRIVATE: "true",
      RELAIS_WORKER_POLL_MS: "100",
      PORT: "0",
      LOG_LEVEL: "silent",
      ...overrides,
    }),
  );
}

const onPostgres = Boolean(process.env.DATABASE_URL && process.env.DATABASE_URL !== "memory://");

describe("per-endpoint limits, quota and automatic disabling", () => {
  let server: TestServer;
  let receiver: ScriptedReceiver;
  const extraServers: RunningServer[] = [];
  beforeAll(async () => {
    [server, receiver] = await Promise.all([
      startTestServer({ RELAIS_ENDPOINT_QUOTA: "6", RELAIS_ENDPOINT_MAX_CONSECUTIVE_DEAD: "2", RELAIS_WORKER_POLL_MS: "100" }),
      startScriptedReceiver(),
    ]);
  });
  afterEach(async () => {
    await Promise.all(extraServers.splice(0).map((extra) => extra.close()));
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  /** A second worker process on the same database (PostgreSQL only). */
  async function extraWorker(overrides: Record<string, string> = {}): Promise<RunningServer> {
    const worker = await startWorkerOn(server, overrides);
    extraServers.push(worker);
    return worker;
  }

  const endpoint = async (path: string, body: Record<string, unknown>) => {
    const created = await server.request<ApiObject & { secret: string }>("POST", "/v1/webhook_endpoints", { body: { url: receiver.url(path), ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  };
  const publish = (type: string) => server.request("POST", "/v1/events", { body: { type, data: {} } });
  const messagesOf = async (endpointId: string) =>
    (await server.request<ListResponse<Message>>("GET", `/v1/webhook_messages?endpoint_id=${endpointId}&limit=100`)).body.data;

  /** A path answering after `delayMs`, recording how many requests were in flight at once. */
  function slowPath(path: string, delayMs: number) {
    let inFlight = 0;
    let most = 0;
    const receivedAt: number[] = [];
    receiver.script(path, (_request, _index, response: ServerResponse) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      receivedAt.push(Date.now());
      setTimeout(() => {
        inFlight -= 1;
        reply(response, 200);
      }, delayMs);
    });
    return { most: () => most, receivedAt };
  }

  it("never has more attempts in flight to an endpoint than its max_concurrency, across workers", { timeout: 60_000 }, async () => {
    if (onPostgres) await extraWorker();
    const path = "/concurrency";
    const seen = slowPath(path, 300);
    const limited = await endpoint(path, { event_types: ["order.created"], max_concurrency: 2 });
    for (let index = 0; index < 12; index += 1) expect((await publish("order.created")).status).toBe(201);
    await expect.poll(async () => (await messagesOf(limited.id)).filter((message) => message.status === "succeeded").length, { timeout: 30_000 }).toBe(12);
    expect(seen.most()).toBe(2);
    await server.request("DELETE", `/v1/webhook_endpoints/${limited.id}`);
  });

  it("holds an endpoint's rate_limit: 6 deliveries at 2 a second take at least two seconds", { timeout: 60_000 }, async () => {
    if (onPostgres) await extraWorker();
    const path = "/rate";
    const seen = slowPath(path, 0);
    const limited = await endpoint(path, { event_types: ["order.updated"], rate_limit: 2 });
    for (let index = 0; index < 6; index += 1) expect((await publish("order.updated")).status).toBe(201);
    await expect.poll(() => seen.receivedAt.length, { timeout: 30_000 }).toBe(6);
    const times = [...seen.receivedAt].sort((a, b) => a - b);
    // Claims count against the limit for one second: batches of at most 2, a second apart.
    expect((times[5] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1_800);
    for (let index = 2; index < times.length; index += 1) expect((times[index] ?? 0) - (times[index - 2] ?? 0)).toBeGreaterThanOrEqual(900);
    await server.request("DELETE", `/v1/webhook_endpoints/${limited.id}`);
  });

  it("disables an endpoint after consecutive dead messages and publishes webhook_endpoint.disabled", { timeout: 60_000 }, async () => {
    receiver.script("/always-500", (_request, _index, response) => reply(response, 500));
    const failing = await endpoint("/always-500", { event_types: ["order.cancelled"], retry_schedule: [1_000] });
    const watcher = await endpoint("/watcher", { event_types: ["webhook_endpoint.disabled"] });
    for (let index = 0; index < 2; index += 1) expect((await publish("order.cancelled")).status).toBe(201);

    await expect.poll(async () => (await server.request<ApiObject & { enabled: boolean }>("GET", `/v1/webhook_endpoints/${failing.id}`)).body.enabled, { timeout: 30_000 }).toBe(false);
    const disabled = await server.request<ApiObject & { disabled_reason: string }>("GET", `/v1/webhook_endpoints/${failing.id}`);
    expect(disabled.body.disabled_reason).toMatch(/dead/);
    expect((await messagesOf(failing.id)).map((message) => [message.status, message.attempt_count])).toEqual([
      ["dead", 2],
      ["dead", 2],
    ]);
    const events = await server.request<ListResponse<ApiObject & { data: Record<string, unknown> }>>("GET", "/v1/events?type=webhook_endpoint.disabled");
    expect(events.body.data).toEqual([expect.objectContaining({ data: expect.objectContaining({ endpoint_id: failing.id }) })]);
    await expect.poll(() => receiver.received("/watcher").length, { timeout: 10_000 }).toBe(1);
    await server.request("DELETE", `/v1/webhook_endpoints/${watcher.id}`);
    await server.request("DELETE", `/v1/webhook_endpoints/${failing.id}`);
  });

  it("disables an endpoint that has been failing for longer than the failure window", { timeout: 60_000 }, async () => {
    receiver.script("/failing-for-days", (_request, _index, response) => reply(response, 503));
    const failing = await endpoint("/failing-for-days", { event_types: ["payment.failed"] });
    // As if its attempts had all failed for six days (the default window is five).
    await server.db.query("update webhook_endpoints set failing_since = now() - interval '6 days', failure_streak = 40 where id = $1", [failing.id]);
    expect((await publish("payment.failed")).status).toBe(201);
    await expect.poll(async () => (await server.request<ApiObject & { disabled_reason: string | null }>("GET", `/v1/webhook_endpoints/${failing.id}`)).body.disabled_reason, { timeout: 30_000 }).toBe("failing_too_long");
    await server.request("DELETE", `/v1/webhook_endpoints/${failing.id}`);
  });

  it("refuses an endpoint over the quota with 409, and counts deleted ones out", async () => {
    const live = (await server.request<ListResponse<ApiObject>>("GET", "/v1/webhook_endpoints?limit=100")).body.data.length;
    const created: string[] = [];
    for (let index = live; index < 6; index += 1) created.push((await endpoint(`/quota-${index}`, {})).id);
    const over = await server.request<ProblemDocument>("POST", "/v1/webhook_endpoints", { body: { url: receiver.url("/quota-over") } });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe("endpoint_quota_exceeded");
    await server.request("DELETE", `/v1/webhook_endpoints/${created[0]}`);
    expect((await server.request("POST", "/v1/webhook_endpoints", { body: { url: receiver.url("/quota-again") } })).status).toBe(201);
  });

  it("reports deliveries, latency and queue depth on /metrics", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^relais_webhook_attempts_total\{[^}]*outcome="succeeded"[^}]*\} [1-9]\d*$/m);
    expect(text).toMatch(/^relais_webhook_attempt_duration_seconds_count\{?[^ ]*\}? [1-9]\d*$/m);
    expect(text).toMatch(/^relais_webhook_queue_depth/m);
    expect(text).toMatch(/^relais_webhook_oldest_due_message_age_seconds/m);
  });
});

// Two processes can share a database only on PostgreSQL. Here the API process runs no worker,
// so the worker processes started by the tests are the only ones delivering.
describe.runIf(onPostgres)("worker processes", () => {
  let server: TestServer;
  let receiver: ScriptedReceiver;
  const workers: RunningServer[] = [];
  beforeAll(async () => {
    [server, receiver] = await Promise.all([startTestServer({ RELAIS_ROLE: "api" }), startScriptedReceiver()]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await server.close();
    await receiver.close();
  });

  async function startWorker(overrides: Record<string, string> = {}): Promise<RunningServer> {
    const worker = await startWorkerOn(server, overrides);
    workers.push(worker);
    return worker;
  }

  it("serve no API: /v1 is 404 on a worker, /health and /metrics answer", async () => {
    const worker = await startWorker();
    const api = await fetch(`${worker.url}/v1/apps`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(api.status).toBe(404);
    expect((await fetch(`${worker.url}/health`)).status).toBe(200);
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
    await worker.close();
  });

  it("finish their in-flight attempt on shutdown, release what they had not started, and lose nothing", { timeout: 60_000 }, async () => {
    const receivedAt: number[] = [];
    receiver.script("/shutdown", (_request, _index, response) => {
      receivedAt.push(Date.now());
      setTimeout(() => reply(response, 200), 1_500);
    });
    const created = await server.request<ApiObject>("POST", "/v1/webhook_endpoints", { body: { url: receiver.url("/shutdown") } });
    expect(created.status).toBe(201);
    const worker = await startWorker({ RELAIS_WORKER_CONCURRENCY: "1" });
    for (let index = 0; index < 3; index += 1) {
      expect((await server.request("POST", "/v1/events", { body: { type: "order.created", data: { index } } })).status).toBe(201);
    }
    await expect.poll(() => receivedAt.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await worker.close();

    const statuses = async () =>
      (
        await server.db.query<{ status: string; locked_by: string | null }>("select status, locked_by from webhook_messages where endpoint_id = $1", [created.body.id])
      ).rows;
    // The attempt under way was finished and recorded; nothing stays leased to the stopped worker.
    expect((await statuses()).filter((row) => row.status === "succeeded").length).toBeGreaterThanOrEqual(1);
    expect((await statuses()).filter((row) => row.status === "delivering")).toEqual([]);
    // Another worker delivers the rest, without waiting for a lease to expire.
    await startWorker();
    await expect.poll(async () => (await statuses()).filter((row) => row.status === "succeeded").length, { timeout: 10_000 }).toBe(3);
  });
});
