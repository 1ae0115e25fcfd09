import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListResponse } from "../http/pagination.js";
import type { ProblemDocument } from "../http/problem.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";

describe("API keys API", () => {
  let server: TestServer;
  let appId: string;
  beforeAll(async () => {
    server = await startTestServer();
    appId = (await server.request("POST", "/v1/apps", { body: { name: "Keys" } })).body.id;
  });
  afterAll(() => server.close());

  const createKey = (body: Record<string, unknown>, key?: string) =>
    server.request("POST", `/v1/apps/${appId}/keys`, { body: { name: "k", ...body }, ...(key ? { key } : {}) });

  it("shows the secret once, stores only its hash and a visible prefix", async () => {
    const created = await createKey({ scopes: ["apps:read"], quota: { per_minute: 100 } });
    expect(created.status).toBe(201);
    const secret = String(created.body.secret);
    expect(secret).toMatch(/^rk_test_[0-9A-Za-z]{43}$/);
    expect(created.body).toMatchObject({
      object: "api_key",
      app_id: appId,
      livemode: false,
      prefix: secret.slice(0, 12),
      scopes: ["apps:read"],
      status: "active",
      quota: { per_minute: 100, per_day: null },
      last_used_at: null,
    });
    const listed = await server.request<ListResponse<ApiObject>>("GET", `/v1/apps/${appId}/keys`);
    const row = listed.body.data.find((key) => key.id === created.body.id);
    expect(row).toBeDefined();
    expect(row).not.toHaveProperty("secret");
    const stored = await server.db.query("select * from api_key_secrets where key_id = $1", [created.body.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(secret);
    expect(stored.rows[0]?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lets a key do what its scopes allow and nothing else", async () => {
    const { body } = await createKey({ scopes: ["apps:read"] });
    const key = String(body.secret);
    expect((await server.request("GET", `/v1/apps/${appId}`, { key })).status).toBe(200);
    const denied = await server.request<ProblemDocument>("PATCH", `/v1/apps/${appId}`, { key, body: { name: "x" } });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("permission_denied");

    const writer = String((await createKey({ scopes: ["apps:write"] })).body.secret);
    expect((await server.request("GET", `/v1/apps/${appId}`, { key: writer })).status).toBe(200);
  });

  it("confines a key created under an app to that app", async () => {
    const key = String((await createKey({ scopes: ["apps:write", "keys:write"] })).body.secret);
    const other = await server.request("POST", "/v1/apps", { body: { name: "Other" } });
    expect((await server.request("GET", `/v1/apps/${other.body.id}`, { key })).status).toBe(404);
    const list = await server.request<ListResponse<ApiObject>>("GET", "/v1/apps", { key });
    expect(list.body.data.map((app) => app.id)).toEqual([appId]);
    expect((await server.request("POST", "/v1/apps", { key, body: { name: "nope" } })).status).toBe(403);
    expect((await server.request("POST", `/v1/apps/${other.body.id}/keys`, { key, body: { name: "x", scopes: ["apps:read"] } })).status).toBe(404);
  });

  it("refuses to mint a key with more scopes than its creator", async () => {
    const creator = String((await createKey({ scopes: ["keys:write"] })).body.secret);
    const escalated = await createKey({ scopes: ["*"] }, creator);
    expect(escalated.status).toBe(403);
    expect((await createKey({ scopes: ["apps:write"] }, creator)).status).toBe(403);
    expect((await createKey({ scopes: ["keys:read"] }, creator)).status).toBe(201);
  });

  it("rejects an expired key and an expires_at in the past", async () => {
    const past = await createKey({ scopes: ["apps:read"], expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    const soon = await createKey({ scopes: ["apps:read"], expires_at: new Date(Date.now() + 60_000).toISOString() });
    expect(soon.status).toBe(201);
    await server.db.query("update api_keys set expires_at = now() - interval '1 second' where id = $1", [soon.body.id]);
    // The cache may hold the key, but expiry is checked against the clock on every request.
    await server.request("GET", `/v1/apps/${appId}`, { key: String(soon.body.secret) });
    const rejected = await server.request<ProblemDocument>("GET", `/v1/apps/${appId}`, { key: String(soon.body.secret) });
    expect(rejected.status).toBe(401);
    expect(rejected.body.detail).toMatch(/expired/);
  });

  it("rotates with a grace period: both secrets work until it ends, then only the new one", async () => {
    const { body } = await createKey({ scopes: ["apps:read"] });
    const oldSecret = String(body.secret);
    const rotated = await server.request("POST", `/v1/keys/${body.id}/rotate`, { body: { grace_period_seconds: 1 } });
    expect(rotated.status).toBe(200);
    const newSecret = String(rotated.body.secret);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body).toMatchObject({ id: body.id, prefix: newSecret.slice(0, 12) });
    expect(Date.parse(String(rotated.body.previous_secret_expires_at)) - Date.now()).toBeLessThanOrEqual(1000);
    expect((await server.request("GET", `/v1/apps/${appId}`, { key: oldSecret })).status).toBe(200);
    expect((await server.request("GET", `/v1/apps/${appId}`, { key: newSecret })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await server.request<ProblemDocument>("GET", `/v1/apps/${appId}`, { key: oldSecret });
    expect(late.status).toBe(401);
    expect(late.body.detail).toMatch(/grace period has ended/);
    expect((await server.request("GET", `/v1/apps/${appId}`, { key: newSecret })).status).toBe(200);
  });

  it("defaults to a 24 h grace period and allows 0 to cut the old secret at once", async () => {
    const first = await createKey({ scopes: ["apps:read"] });
    const kept = await server.request("POST", `/v1/keys/${first.body.id}/rotate`);
    const hours = (Date.parse(String(kept.body.previous_secret_expires_at)) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    const second = await createKey({ scopes: ["apps:read"] });
    await server.request("GET", `/v1/apps/${appId}`, { key: String(second.body.secret) });
    await server.request("POST", `/v1/keys/${second.body.id}/rotate`, { body: { grace_period_seconds: 0 } });
    expect((await server.request("GET", `/v1/apps/${appId}`, { key: String(second.body.secret) })).status).toBe(401);
  });

  it("revokes at once, even a key this process had just verified", async () => {
    const { body } = await createKey({ scopes: ["apps:read"] });
    const key = String(body.secret);
    expect((await server.request("GET", `/v1/apps/${appId}`, { key })).status).toBe(200);
    const revoked = await server.request("POST", `/v1/keys/${body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: "revoked" });
    const rejected = await server.request<ProblemDocument>("GET", `/v1/apps/${appId}`, { key });
    expect(rejected.status).toBe(401);
    expect(rejected.body).toMatchObject({ code: "invalid_credentials", detail: "The API key has been revoked" });
    expect((await server.request("POST", `/v1/keys/${body.id}/rotate`)).status).toBe(409);
    expect((await server.request("POST", `/v1/keys/${body.id}/revoke`)).status).toBe(200);
  });

  it("records last use at most once a minute", async () => {
    const { body } = await createKey({ scopes: ["apps:read"] });
    await server.request("GET", `/v1/apps/${appId}`, { key: String(body.secret) });
    const read = async () =>
      (await server.db.query<{ last_used_at: Date | null }>("select last_used_at from api_keys where id = $1", [body.id])).rows[0]?.last_used_at;
    await expect.poll(read).toBeInstanceOf(Date);
    const first = await read();
    await server.request("GET", `/v1/apps/${appId}`, { key: String(body.secret) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await read()).toEqual(first);
  });

  it("enforces a per-key quota", async () => {
    const { body } = await createKey({ scopes: ["apps:read"], quota: { per_minute: 2 } });
    const key = String(body.secret);
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await server.request("GET", `/v1/apps/${appId}`, { key })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await server.request<ProblemDocument>("GET", `/v1/apps/${appId}`, { key });
    expect(limited.body.detail).toMatch(/quota/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
