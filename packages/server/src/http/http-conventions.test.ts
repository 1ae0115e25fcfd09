import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server.js";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { TEST_MASTER_KEY } from "../testing/test-server.js";

// One server with a captured log, CORS for one origin, and a configured admin key.
describe("HTTP conventions", () => {
  const adminKey = `rk_test_${"Lg7".repeat(12)}`;
  const lines: Array<Record<string, unknown>> = [];
  let test: TestDatabase;
  let server: RunningServer;
  let other: RunningServer;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    test = await createTestDatabase();
    const config = loadConfig({
      PORT: "0",
      RELAIS_MASTER_KEY: TEST_MASTER_KEY,
      RELAIS_BOOTSTRAP_KEY: adminKey,
      RELAIS_CORS_ORIGINS: "https://console.example.com",
    });
    server = await startServer(config, { db: test.db, logger: pino({ level: "info" }, sink) });
    other = await startServer(config, { db: test.db, logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await other.close();
    await server.close();
    await test.dispose();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${adminKey}`, ...headers } });

  it("gives every response a Request-Id, generated or taken from a sane incoming one", async () => {
    const generated = await get("/v1/account");
    expect(generated.headers.get("request-id")).toMatch(/^req_[0-9a-z]{26}$/);
    expect((await get("/nope")).headers.get("request-id")).toMatch(/^req_/);
    expect((await get("/v1/account", { "request-id": "upstream-trace-42" })).headers.get("request-id")).toBe("upstream-trace-42");
    expect((await get("/v1/account", { "x-request-id": "legacy-trace-0001" })).headers.get("request-id")).toBe("legacy-trace-0001");
    const insane = await get("/v1/account", { "request-id": "bad id\twith <html>" });
    expect(insane.headers.get("request-id")).toMatch(/^req_/);
  });

  it("logs one line per request with id, route pattern, status, latency and key prefix, and no secrets", async () => {
    await get("/v1/account", { "request-id": "log-check-0001" });
    await expect.poll(() => lines.find((entry) => entry.request_id === "log-check-0001")).toBeDefined();
    const entry = lines.find((candidate) => candidate.request_id === "log-check-0001");
    expect(entry).toMatchObject({ method: "GET", route: "/v1/account", status: 200, key_prefix: adminKey.slice(0, 12) });
    expect(typeof entry?.latency_ms).toBe("number");
    expect(JSON.stringify(lines)).not.toContain(adminKey);
    expect(JSON.stringify(lines).toLowerCase()).not.toContain("authorization");
  });

  it("sets security headers", async () => {
    const response = await get("/v1/account");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("allows CORS only for listed origins", async () => {
    const allowed = await get("/v1/account", { origin: "https://console.example.com" });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://console.example.com");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("Request-Id");
    const denied = await get("/v1/account", { origin: "https://evil.example.com" });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${server.url}/v1/apps`, {
      method: "OPTIONS",
      headers: { origin: "https://console.example.com", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
  });

  it("exposes Prometheus metrics by route pattern, per server instance", async () => {
    await get("/v1/apps/app_does_not_exist");
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/relais_http_requests_total\{method="GET",route="\/v1\/apps\/:id",status="404"\} 1/);
    expect(text).toContain("relais_http_request_duration_seconds_bucket");
    expect(text).not.toContain("app_does_not_exist");
    if (test.db.dialect === "postgres") expect(text).toContain('relais_db_pool_connections{state="total"}');
    const otherText = await (await fetch(`${other.url}/metrics`)).text();
    expect(otherText).not.toMatch(/route="\/v1\/apps\/:id"/);
  });
});
