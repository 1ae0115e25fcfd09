import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListResponse } from "../http/pagination.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";

type AuditList = ListResponse<ApiObject>;

describe("audit log", () => {
  let server: TestServer;
  let appId: string;
  let keyId: string;
  let secret: string;
  beforeAll(async () => {
    server = await startTestServer();
    const app = await server.request("POST", "/v1/apps", { body: { name: "Audited" }, headers: { "x-request-id": "trace-abc-123" } });
    appId = app.body.id;
    await server.request("PATCH", `/v1/apps/${appId}`, { body: { name: "Audited 2" } });
    const key = await server.request("POST", `/v1/apps/${appId}/keys`, { body: { name: "k", scopes: ["apps:read"] } });
    keyId = key.body.id;
    secret = String(key.body.secret);
    await server.request("POST", `/v1/keys/${keyId}/rotate`);
    await server.request("POST", `/v1/keys/${keyId}/revoke`);
  });
  afterAll(() => server.close());

  it("records every change with actor, before/after, request id and IP", async () => {
    const { body } = await server.request<AuditList>(`GET`, `/v1/audit_logs?target_id=${appId}`);
    expect(body.data.map((entry) => entry.action)).toEqual(["app.updated", "app.created"]);
    const [updated, created] = body.data;
    expect(created).toMatchObject({
      object: "audit_log",
      livemode: false,
      actor: { type: "api_key", id: expect.stringMatching(/^key_/) },
      before: null,
      after: expect.objectContaining({ id: appId, name: "Audited" }),
      request_id: "trace-abc-123",
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(updated).toMatchObject({ before: expect.objectContaining({ name: "Audited" }), after: expect.objectContaining({ name: "Audited 2" }) });
  });

  it("records the bootstrap and key lifecycle, never a secret", async () => {
    const { body } = await server.request<AuditList>("GET", "/v1/audit_logs?limit=100");
    const actions = body.data.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(["account.created", "api_key.created", "api_key.rotated", "api_key.revoked"]));
    const text = JSON.stringify(body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(server.adminKey);
    const { rows } = await server.db.query("select before, after from audit_logs");
    expect(JSON.stringify(rows)).not.toMatch(/rk_(test|live)_[0-9A-Za-z]{43}/);
  });

  it("filters by action, actor and creation time, and paginates", async () => {
    const revoked = await server.request<AuditList>("GET", "/v1/audit_logs?action=api_key.revoked");
    expect(revoked.body.data.map((entry) => entry.target_id)).toEqual([keyId]);
    const system = await server.request<AuditList>("GET", "/v1/audit_logs?actor_id=bootstrap");
    expect(system.body.data.map((entry) => entry.action).sort()).toEqual(["account.created", "api_key.created"]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await server.request<AuditList>("GET", `/v1/audit_logs?created_gte=${future}`)).body.data).toEqual([]);
    expect((await server.request<AuditList>("GET", `/v1/audit_logs?created_lt=${future}&limit=100`)).body.data.length).toBeGreaterThan(4);

    const page1 = await server.request<AuditList>("GET", "/v1/audit_logs?limit=2");
    const page2 = await server.request<AuditList>("GET", `/v1/audit_logs?limit=2&starting_after=${page1.body.data[1]?.id}`);
    expect(page1.body.has_more).toBe(true);
    expect(String(page2.body.data[0]?.id) < String(page1.body.data[1]?.id)).toBe(true);
  });

  it("writes nothing when the change itself fails", async () => {
    const before = await server.db.query("select count(*)::int as n from audit_logs");
    const tooMany = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, "v"]));
    await server.request("PATCH", `/v1/apps/${appId}`, { body: { metadata: tooMany } });
    expect((await server.request("PATCH", `/v1/apps/${appId}`, { body: { metadata: { one: "more" } } })).status).toBe(400);
    const after = await server.db.query("select count(*)::int as n from audit_logs");
    expect(after.rows[0]?.n).toBe(Number(before.rows[0]?.n) + 1);
  });

  it("refuses UPDATE, DELETE and TRUNCATE on the table", async () => {
    await expect(server.db.query("update audit_logs set action = 'forged'")).rejects.toThrow(/append-only/);
    await expect(server.db.query("delete from audit_logs")).rejects.toThrow(/append-only/);
    await expect(server.db.query("truncate audit_logs")).rejects.toThrow(/append-only/);
    const { rows } = await server.db.query("select count(*)::int as n from audit_logs where action = 'forged'");
    expect(rows[0]?.n).toBe(0);
  });
});
