import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestServer, type TestServer } from "@relais/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, NotFoundError, Relais, type AuditLog, type WebhookEvent, type WebhookMessage } from "../src/index.js";

// The SDK against a real @relais/server (PGlite, or PostgreSQL when DATABASE_URL is set).
describe("SDK against a real server", () => {
  let server: TestServer;
  let relais: Relais;
  beforeAll(async () => {
    server = await startTestServer();
    relais = new Relais({ apiKey: server.adminKey, baseUrl: server.url });
  });
  afterAll(() => server.close());

  it("creates an app and an API key, and the new key works", async () => {
    const account = await relais.account.retrieve();
    expect(account).toMatchObject({ object: "account", livemode: false });

    const app = await relais.apps.create({ name: "Storefront", metadata: { team: "checkout" } });
    expect(app).toMatchObject({ object: "app", name: "Storefront", livemode: false });
    const key = await relais.apiKeys.create(app.id, { name: "ci", scopes: ["apps:read"] });
    expect(key.secret).toMatch(/^rk_test_/);

    const scoped = new Relais({ apiKey: key.secret, baseUrl: server.url });
    expect((await scoped.apps.retrieve(app.id)).id).toBe(app.id);

    await relais.apiKeys.revoke(key.id);
    await expect(scoped.apps.retrieve(app.id)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("walks every page of a list lazily", async () => {
    const created: string[] = [];
    for (const name of ["a", "b", "c", "d", "e"]) created.push((await relais.apps.create({ name })).id);
    const firstPage = await relais.apps.list({ limit: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.has_more).toBe(true);

    const seen: string[] = [];
    for await (const app of relais.apps.list({ limit: 2 })) seen.push(app.id);
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("maps a missing object to NotFoundError with the request id", async () => {
    const failure = await relais.apps.retrieve("app_does_not_exist").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect((failure as NotFoundError).requestId).toMatch(/^req_/);
    expect((failure as NotFoundError).code).toBe("not_found");
  });

  it("replays a POST sent twice with one idempotency key", async () => {
    const first = await relais.apps.create({ name: "once" }, { idempotencyKey: "sdk-integration-once" });
    const again = await relais.apps.create({ name: "once" }, { idempotencyKey: "sdk-integration-once" }).withResponse();
    expect(again.data.id).toBe(first.id);
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
  });

  it("lists the audit trail of what it did", async () => {
    const app = await relais.apps.create({ name: "audited" });
    const entries: AuditLog[] = [];
    for await (const entry of relais.auditLogs.list({ target_id: app.id })) entries.push(entry);
    expect(entries.map((entry) => entry.action)).toContain("app.created");
  });

  it("publishes an event that a subscribed endpoint receives, and verifies it", async () => {
    const deliveries: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        deliveries.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const endpoint = await relais.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/hook`, event_types: ["payment.*"] });
      expect(endpoint.secret).toMatch(/^whsec_/);
      const event = await relais.events.create({ type: "payment.succeeded", data: { amount: 2935, currency: "EUR" } });

      await expect.poll(() => deliveries.length, { timeout: 20_000 }).toBe(1);
      const delivery = deliveries[0]!;
      const received = await relais.webhooks.constructEvent<WebhookEvent<"payment.succeeded", { amount: number; currency: string }>>(
        delivery.body,
        delivery.headers,
        endpoint.secret,
      );
      expect(received).toMatchObject({ id: event.id, object: "event", type: "payment.succeeded", livemode: false, data: { amount: 2935 } });
      await expect(relais.webhooks.verify(delivery.body, delivery.headers, "whsec_" + Buffer.alloc(32).toString("base64"))).rejects.toThrow();

      const messages: WebhookMessage[] = [];
      for await (const message of relais.webhookMessages.list({ endpoint_id: endpoint.id })) messages.push(message);
      expect(messages).toHaveLength(1);
      await expect.poll(async () => (await relais.webhookMessages.retrieve(messages[0]!.id)).status, { timeout: 10_000 }).toBe("succeeded");
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
  it("creates an interop connector and mapping, and reads what the platform sent", async () => {
    const connector = await relais.interop.connectors.create({ platform: "prestashop", shop: "boutique-lyon" });
    expect(connector.secret).toMatch(/^whsec_/);
    expect(connector.ingest_url).toBe(`${server.url}/v1/interop/ingest/${connector.id}`);
    const { signSync } = await import("@relais/webhook-verify/node");
    const body = "not an order";
    const delivered = await fetch(connector.ingest_url, { method: "POST", body, headers: signSync({ scheme: "standard", payload: body, secret: connector.secret ?? "" }) });
    expect(delivered.status).toBe(200);

    const [failed] = (await relais.interop.events.list({ connector_id: connector.id, status: "failed" })).data;
    expect(failed).toMatchObject({ platform: "prestashop", status: "failed", error: { code: "invalid_json" } });
    const detail = await relais.interop.events.retrieve(failed?.id ?? "");
    expect(detail).toMatchObject({ body, body_encoding: "utf8" });
    expect((await relais.interop.stats()).by_platform.prestashop?.failed).toBe(1);

    const mapping = await relais.interop.mappings.create({
      mapping: { version: 1, platform: "custom", topic: "$.kind", topics: { paid: { type: { const: "payment.succeeded" }, external_id: "$.id", occurred_at: "$.at" } } },
    });
    expect(mapping.version).toBe(1);
    const replaced = await relais.interop.mappings.replace(mapping.id, { mapping: { ...mapping.mapping, name: "renamed" } });
    expect(replaced).toMatchObject({ version: 2, name: "renamed" });
    expect((await relais.interop.mappings.retrieve(mapping.id, { version: 1 })).version).toBe(1);
    expect((await relais.interop.connectors.update(connector.id, { enabled: false })).enabled).toBe(false);
    expect(await relais.interop.connectors.del(connector.id)).toMatchObject({ deleted: true });
  });
  it("manages healing rules and the ops policy", async () => {
    const rule = await relais.healingRules.create({
      name: "Reconnect the database",
      match: { error_codes: ["db.connection"], message_pattern: "SQLSTATE\\[HY000\\]" },
      action: { type: "config", params: { database: { retries: 3 } } },
      confidence: 0.9,
    });
    expect(rule).toMatchObject({ object: "healing_rule", auto_apply: false, enabled: true });
    expect((await relais.healingRules.update(rule.id, { auto_apply: true })).auto_apply).toBe(true);
    expect((await relais.healingRules.list()).data.map((item) => item.id)).toContain(rule.id);
    const refused = relais.healingRules.create({ name: "backreference", match: { message_pattern: "(a)\\1" }, action: { type: "notify" }, confidence: 0.5 });
    await expect(refused).rejects.toMatchObject({ status: 400, errors: [expect.objectContaining({ path: "body.match.message_pattern", code: "invalid_pattern" })] });

    expect((await relais.opsPolicy.retrieve()).policy.min_confidence).toBe(0.85);
    const replaced = await relais.opsPolicy.replace({ policy: { kill_switch: true } });
    expect(replaced.policy).toMatchObject({ kill_switch: true, min_confidence: 0.85, approvals: { update: 2 } });
    await expect(relais.incidents.decisions("inc_00000000000000000000000000")).rejects.toBeInstanceOf(NotFoundError);
    expect(await relais.healing.stats()).toMatchObject({ object: "healing_stats", opened: 0, decisions: { total: 0 } });
  });
});
