import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { signSync } from "@relais/webhook-verify/node";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListResponse } from "../http/pagination.js";
import type { ProblemDocument } from "../http/problem.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";
import { startScriptedReceiver, type ScriptedReceiver } from "../webhooks/testing/receiver.js";

// The package's own platform fixtures: real-shaped payloads with their delivery headers.
const fixtures = path.join(path.dirname(createRequire(import.meta.url).resolve("@relais/interop-mappings/package.json")), "test", "fixtures");
const fixture = (name: string) => readFileSync(path.join(fixtures, name), "utf8");
/** A fixture's delivery headers, without its placeholder signature (tests sign for real). */
const fixtureHeaders = (name: string) =>
  Object.fromEntries(
    Object.entries((JSON.parse(fixture(`${name}.input.json`)) as { headers?: Record<string, string> }).headers ?? {}).filter(
      ([header]) => !/hmac|signature/i.test(header),
    ),
  );

type Connector = ApiObject & { ingest_url: string; secret?: string; platform: string };
type Receipt = { received: true; status: string; interop_event_id?: string; event_id?: string | null; duplicate_of?: string | null; error?: { code: string } | null };
type InteropEvent = ApiObject & { status: string; type: string | null; event_id: string | null; duplicate_of: string | null; error: { code: string; path: string | null } | null; attempts: number };

const SHOPIFY_SECRET = "shpss_0123456789abcdef0123456789abcdef";
const WOO_SECRET = "woo secret with spaces";

describe("interop ingest, end to end", () => {
  let server: TestServer;
  let receiver: ScriptedReceiver;
  let endpointSecret: string;
  let shopify: Connector;
  let woo: Connector;

  beforeAll(async () => {
    [server, receiver] = await Promise.all([
      startTestServer({ RELAIS_WORKER_POLL_MS: "200", RELAIS_INTEROP_BODY_LIMIT_BYTES: "65536" }),
      startScriptedReceiver(),
    ]);
    const endpoint = await server.request<ApiObject & { secret: string }>("POST", "/v1/webhook_endpoints", { body: { url: receiver.url("/hooks") } });
    expect(endpoint.status).toBe(201);
    endpointSecret = endpoint.body.secret;
    shopify = await connector({ platform: "shopify", shop: "relais-demo.myshopify.com", secret: SHOPIFY_SECRET });
    woo = await connector({ platform: "woocommerce", shop: "https://Boutique.example/", secret: WOO_SECRET });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  async function connector(body: Record<string, unknown>): Promise<Connector> {
    const created = await server.request<Connector>("POST", "/v1/interop/connectors", { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  /** POSTs `body` to a connector's ingest URL as the platform would, with no API key. */
  async function deliver(target: Connector, body: string, headers: Record<string, string>) {
    const response = await fetch(target.ingest_url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Receipt & ProblemDocument };
  }

  // Each call is another delivery (its own delivery id) unless the test says otherwise.
  let deliveries = 0;
  function shopifyDelivery(name: string, overrides: Record<string, string> = {}, secret = SHOPIFY_SECRET) {
    const body = fixture(`shopify/${name}.json`);
    const headers = { ...fixtureHeaders(`shopify/${name}`), "X-Shopify-Event-Id": `delivery-${(deliveries += 1)}`, ...overrides };
    return { body, headers: { ...headers, ...signSync({ scheme: "shopify", payload: body, secret }) } };
  }

  function wooDelivery(name: string, overrides: Record<string, string> = {}) {
    const body = fixture(`woocommerce/${name}.json`);
    const id = { "X-WC-Webhook-Delivery-ID": `delivery-${(deliveries += 1)}` };
    return { body, headers: { ...fixtureHeaders(`woocommerce/${name}`), ...id, ...overrides, ...signSync({ scheme: "woocommerce", payload: body, secret: WOO_SECRET }) } };
  }

  const hooks = () => receiver.received("/hooks").map((request) => new Webhook(endpointSecret).verify(request.body.toString(), Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]))) as { type: string; data: Record<string, unknown> });
  const hooksFor = (externalId: string) => hooks().filter((hook) => (hook.data.source as { external_id: string }).external_id === externalId);
  const inbound = async (query: string) => (await server.request<ListResponse<InteropEvent>>("GET", `/v1/interop/events?limit=100&${query}`)).body.data;

  it("hands out an ingest URL and never shows the platform secret", async () => {
    expect(shopify.ingest_url).toBe(`${server.url}/v1/interop/ingest/${shopify.id}`);
    expect(shopify).toMatchObject({ object: "interop_connector", platform: "shopify", signature_scheme: "shopify", enabled: true });
    expect(shopify.secret).toBeUndefined();
    expect(woo.shop).toBe("boutique.example");
    const read = await server.request<Connector>("GET", `/v1/interop/connectors/${shopify.id}`);
    expect(JSON.stringify(read.body)).not.toContain(SHOPIFY_SECRET);
    const rows = await server.db.query<{ secret_sealed: string }>("select secret_sealed from interop_connectors where id = $1", [shopify.id]);
    expect(rows.rows[0]?.secret_sealed).not.toContain(SHOPIFY_SECRET);
  });

  it("publishes one normalized event per source event, however often the platform sends it", async () => {
    const first = shopifyDelivery("orders-paid", { "X-Shopify-Event-Id": "evt-paid-1" });
    const accepted = await deliver(shopify, first.body, first.headers);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: true, status: "normalized", event_id: expect.stringMatching(/^evt_/) });

    // The platform retries the same delivery, then a second subscription sends the same event.
    const retried = await deliver(shopify, first.body, first.headers);
    const otherSubscription = shopifyDelivery("orders-paid", { "X-Shopify-Event-Id": "evt-paid-2", "X-Shopify-Webhook-Id": "another" });
    const again = await deliver(shopify, otherSubscription.body, otherSubscription.headers);
    for (const duplicate of [retried, again]) {
      expect(duplicate.status).toBe(200);
      expect(duplicate.body).toMatchObject({ status: "duplicate", duplicate_of: accepted.body.interop_event_id, event_id: null });
    }

    await expect.poll(() => hooks().filter((hook) => hook.type === "payment.succeeded").length, { timeout: 10_000 }).toBe(1);
    const [hook] = hooks().filter((hook) => hook.type === "payment.succeeded");
    expect(hook?.data).toMatchObject({ type: "payment.succeeded", source: { platform: "shopify", shop: "relais-demo.myshopify.com", topic: "orders/paid" } });
    // The delivered event is the NormalizedEvent, raw payload included.
    expect((hook?.data.raw as { id: unknown }).id).toBeDefined();
    const event = await server.request<ApiObject & { type: string }>("GET", `/v1/events/${accepted.body.event_id}`);
    expect(event.body.type).toBe("payment.succeeded");
    // Give a late duplicate delivery time to show up: there must be none.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks().filter((hook) => hook.type === "payment.succeeded")).toHaveLength(1);

    const stored = await inbound(`connector_id=${shopify.id}`);
    expect(stored.map((row) => row.status).sort()).toEqual(["duplicate", "duplicate", "normalized"]);
  });

  it("normalizes every real-shaped Shopify and WooCommerce topic into its type", async () => {
    const cases: Array<[Connector, { body: string; headers: Record<string, string> }, string]> = [
      [shopify, shopifyDelivery("orders-create"), "order.created"],
      [shopify, shopifyDelivery("refunds-create"), "refund.issued"],
      [shopify, shopifyDelivery("checkouts-create"), "checkout.created"],
      [shopify, shopifyDelivery("subscription-contracts-create"), "subscription.created"],
      [woo, wooDelivery("order-updated-processing"), "payment.succeeded"],
      [woo, wooDelivery("order-updated-refunded"), "refund.issued"],
      [woo, wooDelivery("subscription-created"), "subscription.created"],
    ];
    for (const [target, delivery, type] of cases) {
      const response = await deliver(target, delivery.body, delivery.headers);
      expect(response.status).toBe(200);
      expect(response.body.status, `${type}: ${JSON.stringify(response.body)}`).toBe("normalized");
      const event = await server.request<ApiObject & { type: string }>("GET", `/v1/events/${response.body.event_id}`);
      expect(event.body.type).toBe(type);
    }
    const payments = await inbound(`platform=woocommerce&type=payment.succeeded`);
    expect(payments).toHaveLength(1);
  });

  it("answers WooCommerce's unsigned creation ping with 200 and stores nothing", async () => {
    const before = (await inbound(`connector_id=${woo.id}`)).length;
    const ping = await fetch(woo.ingest_url, { method: "POST", body: "webhook_id=12", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ received: true, status: "ping" });
    expect(await inbound(`connector_id=${woo.id}`)).toHaveLength(before);
  });

  it("rejects a delivery that is not authentic with 401 and stores nothing", async () => {
    const before = (await inbound(`connector_id=${shopify.id}`)).length;
    const forged = shopifyDelivery("orders-cancelled", {}, "not the shop's secret");
    const rejected = await deliver(shopify, forged.body, forged.headers);
    expect(rejected.status).toBe(401);
    expect(rejected.body).toMatchObject({ code: "invalid_signature", type: expect.stringContaining("invalid_signature") });

    const { "x-shopify-hmac-sha256": _signature, ...unsigned } = shopifyDelivery("orders-cancelled").headers;
    const missing = await deliver(shopify, forged.body, unsigned);
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe("missing_header");

    // A genuine body, altered by one byte after signing.
    const genuine = shopifyDelivery("orders-cancelled");
    const tampered = await deliver(shopify, genuine.body.replace("cancel", "Cancel"), genuine.headers);
    expect(tampered.status).toBe(401);
    expect(await inbound(`connector_id=${shopify.id}`)).toHaveLength(before);
  });

  it("stores an authentic payload that cannot be normalized as failed, answers 200, and never 5xx", async () => {
    const garbage = "this is not json";
    const failed = await deliver(woo, garbage, { "x-wc-webhook-topic": "order.updated", ...signSync({ scheme: "woocommerce", payload: garbage, secret: WOO_SECRET }) });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: "failed", error: { code: "invalid_json" }, event_id: null });

    const unknownTopic = wooDelivery("order-created", { "X-WC-Webhook-Topic": "coupon.created", "X-WC-Webhook-Delivery-ID": "coupon-1" });
    const unknown = await deliver(woo, unknownTopic.body, unknownTopic.headers);
    expect(unknown.body).toMatchObject({ status: "failed", error: { code: "unknown_topic" } });

    const otherShop = shopifyDelivery("orders-create", { "X-Shopify-Shop-Domain": "someone-else.myshopify.com", "X-Shopify-Event-Id": "other-shop-1" });
    const mismatch = await deliver(shopify, otherShop.body, otherShop.headers);
    expect(mismatch.body).toMatchObject({ status: "failed", error: { code: "shop_mismatch" } });

    // JSON that parses, normalizes, but that PostgreSQL cannot store (a NUL character).
    const nul = wooDelivery("order-created");
    const withNul = nul.body.replace("{", '{"note":"a\\u0000b",');
    const unstorable = await deliver(woo, withNul, { ...nul.headers, ...signSync({ scheme: "woocommerce", payload: withNul, secret: WOO_SECRET }) });
    expect(unstorable.status).toBe(200);
    expect(unstorable.body).toMatchObject({ status: "failed", error: { code: "unstorable_json" } });

    const stored = await server.request<InteropEvent & { body: string; headers: Record<string, string> }>("GET", `/v1/interop/events/${failed.body.interop_event_id}`);
    expect(stored.body).toMatchObject({ status: "failed", body: garbage, body_encoding: "utf8", event_id: null, error: { code: "invalid_json" } });
    expect(stored.body.headers["x-wc-webhook-signature"]).toBeDefined();
  });

  it("retries a failed delivery after a mapping fix and publishes it exactly once", async () => {
    const mapping = JSON.parse(fixture("custom/acme-pos.mapping.json")) as { topics: Record<string, { amount: { currency: unknown } }> };
    const broken = structuredClone(mapping);
    (broken.topics["sale.paid"] as { amount: { currency: unknown } }).amount.currency = { upper: "$.sale.money" };
    const saved = await server.request<ApiObject & { version: number }>("POST", "/v1/interop/mappings", { body: { mapping: broken } });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ object: "interop_mapping", version: 1, platform: "custom", name: "Acme point of sale" });

    const pos = await connector({ platform: "custom", shop: "acme-lyon", mapping_id: saved.body.id });
    expect(pos.secret).toMatch(/^whsec_/);
    expect(pos.signature_scheme).toBe("standard");
    const body = fixture("custom/sale-paid.json");
    const headers = signSync({ scheme: "standard", payload: body, secret: pos.secret ?? "", id: "pos-delivery-1" });
    const failed = await deliver(pos, body, headers);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: "failed", error: { code: "missing_field" } });
    const id = failed.body.interop_event_id ?? "";

    // Still broken: the retry records another failed attempt and publishes nothing.
    const stillFailing = await server.request<InteropEvent>("POST", `/v1/interop/events/${id}/retry`);
    expect(stillFailing.body).toMatchObject({ status: "failed", attempts: 2, mapping_version: 1 });

    const fixed = await server.request<ApiObject & { version: number }>("PUT", `/v1/interop/mappings/${saved.body.id}`, { body: { mapping } });
    expect(fixed.body.version).toBe(2);
    const retried = await server.request<InteropEvent>("POST", `/v1/interop/events/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: "normalized", type: "payment.succeeded", error: null, attempts: 3, mapping_version: 2 });
    expect(retried.body.event_id).toMatch(/^evt_/);
    await expect.poll(() => hooksFor("S-2024-000931").length, { timeout: 10_000 }).toBe(1);
    expect(hooksFor("S-2024-000931")[0]?.data).toMatchObject({ amount: { value: 2920, currency: "EUR" }, source: { platform: "custom", shop: "acme-lyon" } });

    const twice = await server.request<ProblemDocument>("POST", `/v1/interop/events/${id}/retry`);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("interop_event_not_failed");
    // The same sale sent again is now a duplicate of the retried event.
    const resent = await deliver(pos, body, signSync({ scheme: "standard", payload: body, secret: pos.secret ?? "", id: "pos-delivery-2" }));
    expect(resent.body).toMatchObject({ status: "duplicate", duplicate_of: id });
    const first = await server.request<ApiObject & { mapping: unknown; version: number }>("GET", `/v1/interop/mappings/${saved.body.id}?version=1`);
    expect(first.body).toMatchObject({ version: 1, mapping: broken });
  });

  it("keeps verifying with the previous secret after a rotation", async () => {
    const rotated = await server.request<Connector>("PATCH", `/v1/interop/connectors/${shopify.id}`, { body: { secret: "shpss_the_new_one" } });
    expect(rotated.status).toBe(200);
    const withNew = shopifyDelivery("orders-create", { "X-Shopify-Event-Id": "rotation-new", "X-Shopify-Topic": "orders/updated" }, "shpss_the_new_one");
    expect((await deliver(shopify, withNew.body, withNew.headers)).status).toBe(200);
    const withOld = shopifyDelivery("orders-create", { "X-Shopify-Event-Id": "rotation-old" });
    expect((await deliver(shopify, withOld.body, withOld.headers)).status).toBe(200);
  });

  it("counts deliveries by platform, type and status", async () => {
    const stats = await server.request<{ totals: Record<string, number>; by_platform: Record<string, Record<string, number>>; by_type: Record<string, Record<string, number>> }>(
      "GET",
      "/v1/interop/stats",
    );
    expect(stats.status).toBe(200);
    const all = await inbound("");
    expect(stats.body.totals.total).toBe(all.length);
    for (const status of ["normalized", "failed", "duplicate"]) {
      expect(stats.body.totals[status]).toBe(all.filter((row) => row.status === status).length);
    }
    for (const platform of ["shopify", "woocommerce", "custom"]) {
      const rows = all.filter((row) => row.platform === platform);
      expect(stats.body.by_platform[platform]).toEqual({
        normalized: rows.filter((row) => row.status === "normalized").length,
        failed: rows.filter((row) => row.status === "failed").length,
        duplicate: rows.filter((row) => row.status === "duplicate").length,
        total: rows.length,
      });
    }
    // Shopify orders/paid, WooCommerce processing, the retried custom sale.
    expect(stats.body.by_type["payment.succeeded"]?.normalized).toBe(3);
    expect(stats.body.by_type.unknown?.failed).toBe(all.filter((row) => row.status === "failed").length);
    const empty = await server.request<{ totals: Record<string, number> }>("GET", "/v1/interop/stats?since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z");
    expect(empty.body.totals.total).toBe(0);
  });

  describe("bad input", () => {
    it.each([
      ["a Shopify connector without its secret", { platform: "shopify", shop: "x.myshopify.com" }, "body.secret"],
      ["an unknown platform", { platform: "bigcommerce", shop: "x", secret: "s" }, "body.platform"],
      ["a custom connector without a mapping", { platform: "custom", shop: "x" }, "body.mapping_id"],
      ["a Standard Webhooks secret that is not one", { platform: "prestashop", shop: "x", secret: "whsec_%%%" }, "body.secret"],
      ["a mapping of another account or none", { platform: "shopify", shop: "x", secret: "s", mapping_id: "map_nope" }, "body.mapping_id"],
      ["an unknown field", { platform: "shopify", shop: "x", secret: "s", colour: "red" }, "body.colour"],
    ])("refuses %s with 400 and the field", async (_name, body, field) => {
      const response = await server.request<ProblemDocument>("POST", "/v1/interop/connectors", { body });
      expect(response.status).toBe(400);
      expect(response.body.errors?.map((error) => error.path)).toContain(field);
    });

    it("refuses an invalid mapping with every problem located, saving nothing", async () => {
      const before = (await server.request<ListResponse<ApiObject>>("GET", "/v1/interop/mappings?limit=100")).body.data.length;
      const response = await server.request<ProblemDocument>("POST", "/v1/interop/mappings", {
        body: { mapping: { version: 1, platform: "custom", topics: { "x.y": { type: { const: "not.a.type" }, external_id: "$.id", occurred_at: "nope" } } } },
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("invalid_mapping");
      expect(response.body.errors?.length).toBeGreaterThan(0);
      expect(response.body.errors?.every((error) => error.path.startsWith("body.mapping"))).toBe(true);
      expect((await server.request<ListResponse<ApiObject>>("GET", "/v1/interop/mappings?limit=100")).body.data).toHaveLength(before);
    });

    it("answers 404 for an unknown connector, 403 for a disabled one, 413 for an oversized body", async () => {
      const unknown = await deliver({ ...shopify, ingest_url: `${server.url}/v1/interop/ingest/con_00000000000000000000000000` }, "{}", {});
      expect(unknown.status).toBe(404);
      const garbageId = await deliver({ ...shopify, ingest_url: `${server.url}/v1/interop/ingest/..%2F..%2Fv1%2Fapps` }, "{}", {});
      expect(garbageId.status).toBe(404);

      const paused = await connector({ platform: "woocommerce", shop: "paused.example", secret: "s", enabled: false });
      const delivery = wooDelivery("order-created");
      const disabled = await deliver(paused, delivery.body, delivery.headers);
      expect(disabled.status).toBe(403);
      expect(disabled.body.code).toBe("connector_disabled");

      const huge = `{"pad":"${"x".repeat(70_000)}"}`;
      const tooLarge = await deliver(woo, huge, signSync({ scheme: "woocommerce", payload: huge, secret: WOO_SECRET }));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.code).toBe("payload_too_large");

      const deleted = await server.request("DELETE", `/v1/interop/connectors/${paused.id}`);
      expect(deleted.body).toMatchObject({ id: paused.id, deleted: true });
      expect((await deliver(paused, delivery.body, delivery.headers)).status).toBe(404);
    });

    it("answers 409 to a retry of an event that did not fail, and 404 to another account's", async () => {
      const [normalized] = await inbound("status=normalized");
      const retry = await server.request<ProblemDocument>("POST", `/v1/interop/events/${normalized?.id}/retry`);
      expect(retry.status).toBe(409);
      expect((await server.request("POST", "/v1/interop/events/iev_00000000000000000000000000/retry")).status).toBe(404);
    });

    it("needs the interop scopes", async () => {
      const key = await server.request<ApiObject & { secret: string }>("POST", "/v1/apps", { body: { name: "Reader" } }).then(async (app) =>
        server.request<ApiObject & { secret: string }>("POST", `/v1/apps/${app.body.id}/keys`, { body: { name: "read", scopes: ["interop:read"] } }),
      );
      expect(key.status).toBe(201);
      const list = await server.request("GET", "/v1/interop/connectors", { key: key.body.secret });
      expect(list.status).toBe(200);
      const write = await server.request<ProblemDocument>("POST", "/v1/interop/mappings", { key: key.body.secret, body: { mapping: {} } });
      expect(write.status).toBe(403);
      expect(write.body.code).toBe("permission_denied");
    });
  });
});
