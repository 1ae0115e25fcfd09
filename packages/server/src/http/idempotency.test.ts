import express from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server.js";
import { startTestServer, TEST_MASTER_KEY, type TestServer } from "../testing/test-server.js";
import { jsonBody } from "./body.js";
import { idempotency, idempotencyRequestHash } from "./idempotency.js";
import { claimIdempotencyKey } from "./idempotency-store.js";
import { errorHandler } from "./problem.js";
import { requestIdMiddleware } from "./request-id.js";
import { requestState } from "./request-state.js";

describe("Idempotency-Key", () => {
  let server: TestServer;
  let accountId: string;
  beforeAll(async () => {
    server = await startTestServer();
    accountId = (await server.request("GET", "/v1/account")).body.id;
  });
  afterAll(() => server.close());

  const create = (key: string, body: Record<string, unknown>) =>
    server.request("POST", "/v1/apps", { body, headers: { "idempotency-key": key } });

  it("replays the stored response for a retry and creates nothing new", async () => {
    const first = await create("create-shop-1", { name: "Shop", metadata: { a: "1", b: "2" } });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // Same request with its fields in another order.
    const retry = await create("create-shop-1", { metadata: { b: "2", a: "1" }, name: "Shop" });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    const { rows } = await server.db.query("select id from apps where name = 'Shop'");
    expect(rows).toHaveLength(1);
  });

  it("refuses the same key with a different body", async () => {
    await create("create-shop-2", { name: "One" });
    const reused = await create("create-shop-2", { name: "Two" });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: "idempotency_key_mismatch" });
  });

  it("refuses the same key on another path", async () => {
    const { body: app } = await create("shared-key", { name: "Path A" });
    const other = await server.request("POST", `/v1/apps/${app.id}/keys`, {
      body: { name: "Path A" },
      headers: { "idempotency-key": "shared-key" },
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: "idempotency_key_mismatch" });
  });

  it("answers 409 idempotency_key_in_use while the first request is in flight", async () => {
    // Claim the key the way an in-flight request would, then send the duplicate.
    const body = { name: "In flight" };
    const hash = idempotencyRequestHash("POST", "/v1/apps", body);
    const claim = await claimIdempotencyKey(server.db, { accountId, livemode: false, key: "in-flight" }, hash);
    expect(claim.state).toBe("claimed");
    const duplicate = await create("in-flight", body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: "idempotency_key_in_use" });
  });

  it("stores validation failures too, so a retry gets the same answer", async () => {
    const first = await create("bad-body", { name: "" });
    expect(first.status).toBe(400);
    const retry = await create("bad-body", { name: "" });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toMatchObject({ code: "invalid_request" });
    expect(retry.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("scopes keys per account and mode, and treats keys older than 24 h as new", async () => {
    const first = await create("aging", { name: "Old" });
    await server.db.query("update idempotency_keys set created_at = now() - interval '25 hours' where key = 'aging'");
    const again = await create("aging", { name: "Old" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(again.body.id).not.toBe(first.body.id);
  });

  it("holds across processes: another server on the same database replays", async () => {
    const other: RunningServer = await startServer(loadConfig({ PORT: "0", RELAIS_MASTER_KEY: TEST_MASTER_KEY }), {
      db: server.db,
      logger: pino({ level: "silent" }),
    });
    try {
      const first = await create("cross-process", { name: "Shared" });
      const response = await fetch(`${other.url}/v1/apps`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json", "idempotency-key": "cross-process" },
        body: JSON.stringify({ name: "Shared" }),
      });
      expect(response.headers.get("idempotent-replayed")).toBe("true");
      expect(await response.json()).toEqual(first.body);
    } finally {
      await other.close();
    }
  });
});

// 5xx responses are not stored: a handler that fails once, then succeeds, behind the real middleware.
describe("Idempotency-Key after a server error", () => {
  let server: TestServer;
  let http: Server;
  let url: string;
  let calls = 0;
  beforeAll(async () => {
    server = await startTestServer();
    const accountId = (await server.request("GET", "/v1/account")).body.id;
    const app = express();
    app.use(requestIdMiddleware());
    app.use((req, _res, next) => {
      requestState(req).auth = {
        accountId,
        livemode: false,
        actor: { type: "system", id: "test" },
        scopes: ["*"],
        appId: null,
        keyPrefix: null,
        quota: { perMinute: null, perDay: null },
      };
      next();
    });
    app.use(...jsonBody(1024), idempotency(server.db, pino({ level: "silent" })));
    app.post("/flaky", (_req, res) => {
      calls += 1;
      if (calls === 1) throw new Error("transient failure");
      res.status(201).json({ calls });
    });
    app.use(errorHandler(() => {}));
    http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await server.close();
  });

  it("lets the client retry with the same key", async () => {
    const send = () => fetch(`${url}/flaky`, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": "retry-me" }, body: "{}" });
    expect((await send()).status).toBe(500);
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(await retried.json()).toEqual({ calls: 2 });
    const replayed = await send();
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await replayed.json()).toEqual({ calls: 2 });
  });
});
