import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { startServer, type RunningServer } from "./server.js";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.js";

describe("startServer", () => {
  let test: TestDatabase;
  let server: RunningServer;
  let migrationsDir: string;
  beforeAll(async () => {
    test = await createTestDatabase();
    migrationsDir = await mkdtemp(path.join(tmpdir(), "relais-server-migrations-"));
    await writeFile(path.join(migrationsDir, "0001_things.sql"), "create table things (id int);");
    server = await startServer(loadConfig({ PORT: "0" }), { db: test.db, logger: pino({ level: "silent" }), migrationsDir });
  });
  afterAll(async () => {
    await server.close();
    await test.dispose();
    await rm(migrationsDir, { recursive: true, force: true });
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
    await test.db.query("delete from schema_migrations where version = 1");
    try {
      const response = await fetch(`${server.url}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "not_ready", reason: "migrations pending" });
    } finally {
      await test.db.query("insert into schema_migrations (version, name, checksum) values (1, 'things', 'x')");
    }
  });
});
