import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { startServer, type RunningServer } from "./server.js";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.js";
import { TEST_MASTER_KEY } from "./testing/test-server.js";

describe("startServer", () => {
  let test: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    test = await createTestDatabase();
    server = await startServer(loadConfig({ PORT: "0", RELAIS_MASTER_KEY: TEST_MASTER_KEY }), {
      db: test.db,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await server.close();
    await test.dispose();
  });

  it("serves GET /health over real HTTP", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("applies migrations before it listens, so /ready is 200", async () => {
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("answers an unknown route with a 404 problem document", async () => {
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: "not_found", type: expect.stringMatching(/not_found$/) });
  });

  it("reports not ready while a migration is missing", async () => {
    const { rows } = await test.db.query("delete from schema_migrations where version = 1 returning version, name, checksum");
    try {
      const response = await fetch(`${server.url}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "not_ready", reason: "migrations pending" });
    } finally {
      await test.db.query("insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", [
        rows[0]?.version,
        rows[0]?.name,
        rows[0]?.checksum,
      ]);
    }
  });

  it("creates the owner account and admin key on an empty database, once", async () => {
    expect(server.adminKey).toMatch(/^rk_test_[0-9A-Za-z]{43}$/);
    const again = await startServer(loadConfig({ PORT: "0", RELAIS_MASTER_KEY: TEST_MASTER_KEY }), {
      db: test.db,
      logger: pino({ level: "silent" }),
    });
    try {
      expect(again.adminKey).toBeUndefined();
      const response = await fetch(`${again.url}/v1/account`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      expect(response.status).toBe(200);
    } finally {
      await again.close();
    }
    const { rows } = await test.db.query<{ n: number }>("select count(*)::int as n from accounts");
    expect(rows[0]?.n).toBe(1);
  });

  it("refuses to start on a database it did not open without a master key", async () => {
    await expect(startServer(loadConfig({ PORT: "0" }), { db: test.db, logger: pino({ level: "silent" }) })).rejects.toThrow(
      /RELAIS_MASTER_KEY is required/,
    );
  });
});
