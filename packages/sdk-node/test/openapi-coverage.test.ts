import { startTestServer, type TestServer } from "@relais/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Relais } from "../src/index.js";

// Every route the server documents must be reachable through an SDK method. Each entry below
// calls one method against a recording fetch; the test fails when /openapi.json gains a route
// that no entry reaches, so the SDK grows with the server.
const ID = "x_123";
const sdkCalls: Record<string, (client: Relais) => Promise<unknown>> = {
  "account.retrieve": (c) => c.account.retrieve(),
  "apps.create": (c) => c.apps.create({ name: "n" }),
  "apps.list": (c) => c.apps.list(),
  "apps.retrieve": (c) => c.apps.retrieve(ID),
  "apps.update": (c) => c.apps.update(ID, { name: "n" }),
  "apps.del": (c) => c.apps.del(ID),
  "apiKeys.create": (c) => c.apiKeys.create(ID, { name: "n", scopes: ["*"] }),
  "apiKeys.list": (c) => c.apiKeys.list(ID),
  "apiKeys.rotate": (c) => c.apiKeys.rotate(ID),
  "apiKeys.revoke": (c) => c.apiKeys.revoke(ID),
  "auditLogs.list": (c) => c.auditLogs.list(),
  "eventTypes.create": (c) => c.eventTypes.create({ name: "shop.thing_happened", description: "d" }),
  "eventTypes.list": (c) => c.eventTypes.list(),
  "events.create": (c) => c.events.create({ type: "order.created", data: {} }),
  "events.list": (c) => c.events.list(),
  "events.retrieve": (c) => c.events.retrieve(ID),
  "webhookEndpoints.create": (c) => c.webhookEndpoints.create({ url: "https://example.com/hook" }),
  "webhookEndpoints.list": (c) => c.webhookEndpoints.list(),
  "webhookEndpoints.retrieve": (c) => c.webhookEndpoints.retrieve(ID),
  "webhookEndpoints.update": (c) => c.webhookEndpoints.update(ID, { description: "d" }),
  "webhookEndpoints.del": (c) => c.webhookEndpoints.del(ID),
  "webhookEndpoints.rotateSecret": (c) => c.webhookEndpoints.rotateSecret(ID),
  "webhookEndpoints.enable": (c) => c.webhookEndpoints.enable(ID),
  "webhookEndpoints.replay": (c) => c.webhookEndpoints.replay(ID, { dry_run: true }),
  "webhookEndpoints.test": (c) => c.webhookEndpoints.test(ID),
  "webhookMessages.list": (c) => c.webhookMessages.list(),
  "webhookMessages.retrieve": (c) => c.webhookMessages.retrieve(ID),
  "webhookMessages.retry": (c) => c.webhookMessages.retry(ID),
  "plugins.list": (c) => c.plugins.list(),
  "plugins.retrieve": (c) => c.plugins.retrieve(ID),
  "plugins.revoke": (c) => c.plugins.revoke(ID),
  "plugins.commands.create": (c) => c.plugins.commands.create(ID, { type: "restart" }),
  "plugins.commands.list": (c) => c.plugins.commands.list(ID),
  "plugins.enrolmentTokens.create": (c) => c.plugins.enrolmentTokens.create(ID),
  "plugins.enrolmentTokens.list": (c) => c.plugins.enrolmentTokens.list(ID),
  "plugins.enrolmentTokens.revoke": (c) => c.plugins.enrolmentTokens.revoke(ID),
  "incidents.list": (c) => c.incidents.list(),
  "incidents.retrieve": (c) => c.incidents.retrieve(ID),
  "interop.connectors.create": (c) => c.interop.connectors.create({ platform: "shopify", shop: "x.myshopify.com", secret: "s" }),
  "interop.connectors.retrieve": (c) => c.interop.connectors.retrieve(ID),
  "interop.connectors.update": (c) => c.interop.connectors.update(ID, { enabled: false }),
  "interop.connectors.list": (c) => c.interop.connectors.list(),
  "interop.connectors.del": (c) => c.interop.connectors.del(ID),
  "interop.mappings.create": (c) => c.interop.mappings.create({ mapping: {} }),
  "interop.mappings.retrieve": (c) => c.interop.mappings.retrieve(ID, { version: 1 }),
  "interop.mappings.replace": (c) => c.interop.mappings.replace(ID, { mapping: {} }),
  "interop.mappings.list": (c) => c.interop.mappings.list(),
  "interop.events.list": (c) => c.interop.events.list({ status: "failed" }),
  "interop.events.retrieve": (c) => c.interop.events.retrieve(ID),
  "interop.events.retry": (c) => c.interop.events.retry(ID),
  "interop.stats": (c) => c.interop.stats(),
  "incidents.decisions": (c) => c.incidents.decisions(ID),
  "healingRules.create": (c) => c.healingRules.create({ name: "r", match: {}, action: { type: "notify" }, confidence: 0.5 }),
  "healingRules.retrieve": (c) => c.healingRules.retrieve(ID),
  "healingRules.update": (c) => c.healingRules.update(ID, { enabled: false }),
  "healingRules.list": (c) => c.healingRules.list(),
  "opsPolicy.retrieve": (c) => c.opsPolicy.retrieve(),
  "healing.stats": (c) => c.healing.stats({ since: "2026-01-01T00:00:00Z" }),
  "opsPolicy.replace": (c) => c.opsPolicy.replace({ policy: { kill_switch: true } }),
  "autopatches.create": (c) => c.autopatches.create({ action: { type: "config", params: { cache: false } }, plugin_ids: [ID] }),
  "autopatches.retrieve": (c) => c.autopatches.retrieve(ID),
  "autopatches.list": (c) => c.autopatches.list({ status: "running" }),
  "autopatches.approve": (c) => c.autopatches.approve(ID),
  "autopatches.abort": (c) => c.autopatches.abort(ID),
  "autopatchAttempts.list": (c) => c.autopatchAttempts.list({ autopatch_id: ID }),
};

// Operational endpoints, the agent protocol (served to @relais/plugin-agent) and the platforms'
// ingest URL are not SDK surface.
const NOT_SDK_PATHS = new Set(["/health", "/ready", "/metrics", "/openapi.json"]);
const NOT_SDK_TAGS = new Set(["agent", "ops", "interop-ingest"]);

interface Operation {
  method: string;
  path: string;
  pattern: RegExp;
}

function operationsOf(document: { paths: Record<string, Record<string, { tags?: string[] }>> }): Operation[] {
  const methods = new Set(["get", "post", "put", "patch", "delete"]);
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method, operation]) => methods.has(method) && !(operation.tags ?? []).some((tag) => NOT_SDK_TAGS.has(tag)))
      .filter(() => !NOT_SDK_PATHS.has(path))
      .map(([method]) => ({
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      })),
  );
}

async function recordRequests(): Promise<Array<{ method: string; path: string }>> {
  const seen: Array<{ method: string; path: string }> = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push({ method: (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase(), path: url.pathname });
    return new Response(JSON.stringify({ object: "list", data: [], has_more: false, id: ID }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  const client = new Relais({ apiKey: "rk_test_coverage", baseUrl: "http://127.0.0.1:9", fetch: recordingFetch, maxRetries: 0 });
  for (const call of Object.values(sdkCalls)) await call(client);
  return seen;
}

describe("SDK coverage of /openapi.json", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("has an SDK method for every documented API route", async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(5);
    const requests = await recordRequests();
    const uncovered = operations
      .filter((operation) => !requests.some((r) => r.method === operation.method && operation.pattern.test(r.path)))
      .map((operation) => `${operation.method} ${operation.path}`);
    expect(uncovered).toEqual([]);
  });

  it("calls only routes the server documents", async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document);
    const undocumented = (await recordRequests())
      .filter((r) => !operations.some((operation) => operation.method === r.method && operation.pattern.test(r.path)))
      .map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
  });
});
