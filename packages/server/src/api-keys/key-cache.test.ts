import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server.js";
import { startTestServer, TEST_MASTER_KEY, type TestServer } from "../testing/test-server.js";
import { VerifiedKeyCache } from "./key-cache.js";
import type { KeyBySecret } from "./store.js";

const key = (id: string) => ({ id }) as KeyBySecret;

describe("VerifiedKeyCache", () => {
  it("forgets an entry after its TTL", () => {
    let now = 0;
    const cache = new VerifiedKeyCache(5_000, 10, () => now);
    cache.set("h1", key("key_1"));
    now = 4_999;
    expect(cache.get("h1")?.id).toBe("key_1");
    now = 5_000;
    expect(cache.get("h1")).toBeUndefined();
  });

  it("stays within its size bound, dropping the oldest entry", () => {
    const cache = new VerifiedKeyCache(5_000, 2);
    cache.set("h1", key("key_1"));
    cache.set("h2", key("key_2"));
    cache.set("h3", key("key_3"));
    expect(cache.size).toBe(2);
    expect(cache.get("h1")).toBeUndefined();
    expect(cache.get("h3")?.id).toBe("key_3");
  });

  it("evicts every secret of a key at once", () => {
    const cache = new VerifiedKeyCache(5_000);
    cache.set("old", key("key_1"));
    cache.set("new", key("key_1"));
    cache.set("other", key("key_2"));
    cache.evictKeys(["key_1"]);
    expect(cache.get("old")).toBeUndefined();
    expect(cache.get("new")).toBeUndefined();
    expect(cache.get("other")?.id).toBe("key_2");
  });

  it("caches nothing with a TTL of 0", () => {
    const cache = new VerifiedKeyCache(0);
    cache.set("h1", key("key_1"));
    expect(cache.get("h1")).toBeUndefined();
  });
});

// Two servers on one database stand for two processes, each with its own cache.
describe("revocation across processes", () => {
  let first: TestServer;
  let second: RunningServer;
  beforeAll(async () => {
    first = await startTestServer();
    second = await startServer(loadConfig({ PORT: "0", RELAIS_MASTER_KEY: TEST_MASTER_KEY, RELAIS_KEY_CACHE_TTL_MS: "500" }), {
      db: first.db,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it("takes effect in another process within that process's cache TTL", async () => {
    const { body: app } = await first.request("POST", "/v1/apps", { body: { name: "Shared" } });
    const { body: created } = await first.request("POST", `/v1/apps/${app.id}/keys`, { body: { name: "k", scopes: ["apps:read"] } });
    const get = () => fetch(`${second.url}/v1/apps/${app.id}`, { headers: { authorization: `Bearer ${String(created.secret)}` } });
    expect((await get()).status).toBe(200);

    await first.request("POST", `/v1/keys/${created.id}/revoke`);
    expect((await first.request("GET", `/v1/apps/${app.id}`, { key: String(created.secret) })).status).toBe(401);
    await expect.poll(async () => (await get()).status, { timeout: 5_000, interval: 100 }).toBe(401);
  });
});
