import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListResponse } from "../http/pagination.js";
import type { ProblemDocument } from "../http/problem.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";
import { closedPort } from "./delivery/testing/local-receiver.js";
import { deleteExpiredEvents } from "./events/retention.js";
import { reply, type ScriptedReceiver, startScriptedReceiver } from "./testing/receiver.js";

type Message = ApiObject & { status: string; attempt_count: number; attempts: Array<Record<string, unknown>> };

function headersOf(request: { headers: Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
}

describe("webhook delivery, end to end", () => {
  let server: TestServer;
  let receiver: ScriptedReceiver;
  beforeAll(async () => {
    [server, receiver] = await Promise.all([
      startTestServer({ RELAIS_WEBHOOK_TIMEOUT_MS: "1000", RELAIS_WORKER_POLL_MS: "200", LOG_LEVEL: "error" }),
      startScriptedReceiver(),
    ]);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function endpoint(path: string, body: Record<string, unknown> = {}): Promise<ApiObject & { secret: string }> {
    const created = await server.request<ApiObject & { secret: string }>("POST", "/v1/webhook_endpoints", { body: { url: receiver.url(path), ...body } });
    expect(created.status).toBe(201);
    return created.body;
  }
  const publish = (type: string, data: Record<string, unknown> = {}, idempotencyKey?: string) =>
    server.request("POST", "/v1/events", { body: { type, data, ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}) } });
  const messagesOf = async (endpointId: string) =>
    (await server.request<ListResponse<Message>>("GET", `/v1/webhook_messages?endpoint_id=${endpointId}&limit=100`)).body.data;
  const message = async (id: string) => (await server.request<Message>("GET", `/v1/webhook_messages/${id}`)).body;
  const onlyMessage = async (endpointId: string) => {
    await expect.poll(async () => (await messagesOf(endpointId)).length).toBe(1);
    return (await messagesOf(endpointId))[0] as Message;
  };

  it("delivers a published event once, signed, to every matching endpoint and to no other", async () => {
    const all = await endpoint("/all");
    const orders = await endpoint("/orders", { event_types: ["order.*"] });
    const payments = await endpoint("/payments", { event_types: ["payment.succeeded"] });
    expect(all.secret).toMatch(/^whsec_/);

    const published = await publish("order.created", { order: { id: "o_1" } }, "order-o_1");
    expect(published.status).toBe(201);
    await expect.poll(() => receiver.received("/all").length + receiver.received("/orders").length).toBe(2);

    for (const [path, created] of [["/all", all], ["/orders", orders]] as const) {
      const [delivery] = receiver.received(path);
      expect(delivery).toBeDefined();
      const verified = new Webhook(created.secret).verify(delivery!.body.toString(), headersOf(delivery!)) as Record<string, unknown>;
      expect(verified).toMatchObject({ id: published.body.id, object: "event", type: "order.created", data: { order: { id: "o_1" } } });
      expect(delivery!.headers["webhook-id"]).toMatch(/^msg_/);
    }
    const delivered = await onlyMessage(all.id);
    await expect.poll(async () => (await message(delivered.id)).status).toBe("succeeded");
    const detail = await message(delivered.id);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ outcome: "succeeded", status_code: 200, attempt_number: 1, trigger: "scheduled" });
    expect(detail.attempts[0]?.id).toMatch(/^att_/);

    const again = await publish("order.created", { order: { id: "o_1" } }, "order-o_1");
    expect(again.body.id).toBe(published.body.id);
    expect((await server.request("GET", `/v1/events/${published.body.id}`)).body).toEqual(published.body);
    // A later event proves the worker has moved on; the repeated key delivered nothing new.
    await publish("order.updated", {});
    await expect.poll(() => receiver.received("/orders").length).toBe(2);
    expect(receiver.received("/all").filter((request) => request.body.toString().includes(String(published.body.id)))).toHaveLength(1);
    expect(receiver.received("/payments")).toHaveLength(0);
    expect(await messagesOf(payments.id)).toHaveLength(0);
  });

  it("retries a 500 on the endpoint's schedule and succeeds", async () => {
    receiver.script("/flaky", (_request, index, response) => reply(response, index === 0 ? 500 : 200));
    const flaky = await endpoint("/flaky", { retry_schedule: [1000], event_types: ["refund.issued"] });
    await publish("refund.issued", { refund: { id: "r_1" } });
    const sent = await onlyMessage(flaky.id);
    await expect.poll(async () => (await message(sent.id)).status, { timeout: 10_000 }).toBe("succeeded");
    const detail = await message(sent.id);
    expect(detail.attempts.map((attempt) => [attempt.outcome, attempt.status_code])).toEqual([["failed", 500], ["succeeded", 200]]);
    expect(detail.attempts[0]).toMatchObject({ error_class: "http_error" });
    const [first, second] = receiver.received("/flaky");
    expect(first?.headers["webhook-id"]).toBe(second?.headers["webhook-id"]);
  });

  it("records a timeout, a refused connection, and honours Retry-After on a 429", async () => {
    receiver.script("/slow", () => undefined);
    receiver.script("/busy", (_request, index, response) => reply(response, index === 0 ? 429 : 200, index === 0 ? { "retry-after": "3" } : {}));
    const slow = await endpoint("/slow", { event_types: ["checkout.created"], retry_schedule: [60_000] });
    const busy = await endpoint("/busy", { event_types: ["checkout.created"], retry_schedule: [1000] });
    const refusedCreated = await server.request("POST", "/v1/webhook_endpoints", {
      body: { url: `http://127.0.0.1:${await closedPort()}/`, event_types: ["checkout.created"], retry_schedule: [60_000] },
    });
    await publish("checkout.created", {});

    const slowMessage = await onlyMessage(slow.id);
    await expect.poll(async () => (await message(slowMessage.id)).attempts.length, { timeout: 10_000 }).toBe(1);
    expect((await message(slowMessage.id)).attempts[0]).toMatchObject({ outcome: "failed", error_class: "timeout", status_code: null });
    expect((await message(slowMessage.id)).status).toBe("failed");

    const refusedMessage = await onlyMessage(refusedCreated.body.id);
    await expect.poll(async () => (await message(refusedMessage.id)).attempts.length, { timeout: 10_000 }).toBe(1);
    expect((await message(refusedMessage.id)).attempts[0]).toMatchObject({ outcome: "failed", error_class: "connection_refused" });

    const busyMessage = await onlyMessage(busy.id);
    await expect.poll(async () => (await message(busyMessage.id)).status, { timeout: 15_000 }).toBe("succeeded");
    const [limited, retried] = (await message(busyMessage.id)).attempts;
    expect(limited).toMatchObject({ status_code: 429 });
    const gap = Date.parse(String(retried?.started_at)) - Date.parse(String(limited?.started_at));
    expect(gap).toBeGreaterThanOrEqual(3000);
  });

  it("disables an endpoint that answers 410 and publishes webhook_endpoint.disabled", async () => {
    receiver.script("/gone", (_request, _index, response) => reply(response, 410));
    const watcher = await endpoint("/watcher", { event_types: ["webhook_endpoint.disabled"] });
    const gone = await endpoint("/gone", { event_types: ["subscription.cancelled"] });
    await publish("subscription.cancelled", {});
    await expect.poll(async () => (await server.request("GET", `/v1/webhook_endpoints/${gone.id}`)).body.enabled).toBe(false);
    const disabled = await server.request("GET", `/v1/webhook_endpoints/${gone.id}`);
    expect(disabled.body).toMatchObject({ disabled_reason: "gone" });
    expect(disabled.body).not.toHaveProperty("secret");
    await expect.poll(() => receiver.received("/watcher").length).toBe(1);
    const notice = new Webhook(watcher.secret).verify(receiver.received("/watcher")[0]!.body.toString(), headersOf(receiver.received("/watcher")[0]!));
    expect(notice).toMatchObject({ type: "webhook_endpoint.disabled", data: { endpoint_id: gone.id, reason: "gone" } });

    const enabled = await server.request("POST", `/v1/webhook_endpoints/${gone.id}/enable`);
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("marks an exhausted message dead; retry and a paced replay deliver it", async () => {
    let healthy = false;
    receiver.script("/dlq", (_request, _index, response) => reply(response, healthy ? 200 : 503));
    const dlq = await endpoint("/dlq", { retry_schedule: [1000], event_types: ["payment.failed"] });
    await publish("payment.failed", { n: 1 });
    await publish("payment.failed", { n: 2 });
    await expect.poll(async () => (await messagesOf(dlq.id)).map((item) => item.status), { timeout: 15_000 }).toEqual(["dead", "dead"]);
    const [second, first] = await messagesOf(dlq.id);
    expect((await message(first!.id)).attempts).toHaveLength(2);

    healthy = true;
    const retried = await server.request("POST", `/v1/webhook_messages/${first!.id}/retry`);
    expect(retried.body).toMatchObject({ status: "pending" });
    await expect.poll(async () => (await message(first!.id)).status).toBe("succeeded");
    expect((await message(first!.id)).attempts).toHaveLength(3);

    const dry = await server.request("POST", `/v1/webhook_endpoints/${dlq.id}/replay`, { body: { dry_run: true } });
    expect(dry.body).toMatchObject({ object: "webhook_replay", dry_run: true, count: 1 });
    expect((await message(second!.id)).status).toBe("dead");
    const replayed = await server.request("POST", `/v1/webhook_endpoints/${dlq.id}/replay`, { body: { status: "dead", event_types: ["payment.*"] } });
    expect(replayed.body).toMatchObject({ dry_run: false, count: 1, rate_per_second: 10 });
    await expect.poll(async () => (await message(second!.id)).status).toBe("succeeded");
    const audit = await server.request<ListResponse<ApiObject>>("GET", `/v1/audit_logs?target_id=${dlq.id}`);
    expect(audit.body.data.map((entry) => entry.action)).toContain("webhook_endpoint.replayed");
  });

  it("signs with both secrets during a rotation and sends test deliveries on demand", async () => {
    const rotating = await endpoint("/rotating", { event_types: ["plugin.error"] });
    const rotated = await server.request<ApiObject & { secret: string }>("POST", `/v1/webhook_endpoints/${rotating.id}/rotate_secret`, { body: {} });
    expect(rotated.body.secret).not.toBe(rotating.secret);
    const attempt = await server.request("POST", `/v1/webhook_endpoints/${rotating.id}/test`);
    expect(attempt.status).toBe(200);
    expect(attempt.body).toMatchObject({ object: "webhook_attempt", outcome: "succeeded", status_code: 200, trigger: "test" });
    const [delivery] = receiver.received("/rotating");
    expect(String(delivery?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [rotating.secret, rotated.body.secret]) {
      expect(new Webhook(secret).verify(delivery!.body.toString(), headersOf(delivery!))).toMatchObject({ type: "webhook_endpoint.test" });
    }
    const audit = await server.request<ListResponse<ApiObject & { after: unknown }>>("GET", `/v1/audit_logs?target_id=${rotating.id}`);
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.secret);
    expect(JSON.stringify(audit.body)).not.toContain(rotating.secret);
  });

  it("validates endpoint fields with clear problems", async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ url: "ftp://example.com/" }, "invalid_url", "body.url"],
      [{ url: "https://example.com/", headers: { "Webhook-Id": "x" } }, "reserved_header", "body.headers.Webhook-Id"],
      [{ url: "https://example.com/", headers: { Connection: "close" } }, "reserved_header", "body.headers.Connection"],
      [{ url: "https://example.com/", headers: { Host: "evil" } }, "reserved_header", "body.headers.Host"],
      [{ url: "https://example.com/", retry_schedule: [10] }, "invalid_retry_schedule", "body.retry_schedule"],
      [{ url: "https://example.com/", event_types: ["Order created"] }, "invalid_request", "body.event_types.0"],
    ];
    for (const [body, code, path] of cases) {
      const refused = await server.request<ProblemDocument>("POST", "/v1/webhook_endpoints", { body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe(code);
      expect(refused.body.errors?.[0]?.path).toBe(path);
    }
    const unknownType = await server.request<ProblemDocument>("POST", "/v1/events", { body: { type: "invoice.paid", data: {} } });
    expect(unknownType.body.code).toBe("unknown_event_type");
    const registered = await server.request("POST", "/v1/event_types", { body: { name: "invoice.paid", description: "An invoice was paid." } });
    expect(registered.status).toBe(201);
    expect((await server.request("POST", "/v1/events", { body: { type: "invoice.paid", data: {} } })).status).toBe(201);
    const types = await server.request<ListResponse<ApiObject & { name: string; builtin: boolean }>>("GET", "/v1/event_types");
    expect(types.body.data.map((type) => type.name)).toEqual(expect.arrayContaining(["order.created", "refund.issued", "webhook_endpoint.disabled", "invoice.paid"]));
  });

  it("keeps attempts immutable, and the retention job removes old events with their deliveries", async () => {
    await expect(server.db.query("update webhook_attempts set outcome = 'failed'")).rejects.toThrow(/append-only/);
    await expect(server.db.query("delete from webhook_attempts")).rejects.toThrow(/append-only/);
    const before = await server.db.query<{ count: number }>("select count(*)::int as count from webhook_attempts");
    expect(before.rows[0]?.count).toBeGreaterThan(0);
    expect(await deleteExpiredEvents(server.db, 90)).toBe(0);
    const later = new Date(Date.now() + 91 * 86_400_000);
    expect(await deleteExpiredEvents(server.db, 90, later)).toBeGreaterThan(0);
    for (const table of ["events", "webhook_messages", "webhook_attempts"]) {
      const { rows } = await server.db.query<{ count: number }>(`select count(*)::int as count from ${table}`);
      expect(rows[0]?.count, table).toBe(0);
    }
  });
});
