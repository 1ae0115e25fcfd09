import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProblemDocument } from "../http/problem.js";
import type { ListResponse } from "../http/pagination.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";

describe("apps API", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("creates an app with defaults and reads it back", async () => {
    const created = await server.request("POST", "/v1/apps", { body: { name: "  Shop  ", metadata: { plan: "pro" } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: "app",
      name: "Shop",
      description: null,
      environment: "development",
      livemode: false,
      metadata: { plan: "pro" },
    });
    expect(created.body.id).toMatch(/^app_[0-9a-z]{26}$/);
    expect(new Date(String(created.body.created_at)).toISOString()).toBe(created.body.created_at);

    const fetched = await server.request("GET", `/v1/apps/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it("updates fields and merges metadata, where null removes a key", async () => {
    const { body: app } = await server.request("POST", "/v1/apps", { body: { name: "A", metadata: { a: "1", b: "2" } } });
    const patched = await server.request("PATCH", `/v1/apps/${app.id}`, {
      body: { description: "About A", environment: "production", metadata: { b: null, c: "3" } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "A", description: "About A", environment: "production", metadata: { a: "1", c: "3" } });
    expect(patched.body.updated_at).not.toBe(app.updated_at);
  });

  it("enforces the metadata limits, also after a merge", async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, "v"]));
    const rejected = await server.request<ProblemDocument>("POST", "/v1/apps", { body: { name: "M", metadata: tooMany } });
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors?.[0]?.path).toBe("body.metadata");

    const longKey = await server.request<ProblemDocument>("POST", "/v1/apps", { body: { name: "M", metadata: { ["k".repeat(41)]: "v" } } });
    expect(longKey.status).toBe(400);
    const longValue = await server.request<ProblemDocument>("POST", "/v1/apps", { body: { name: "M", metadata: { k: "v".repeat(501) } } });
    expect(longValue.status).toBe(400);

    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, "v"]));
    const { body: app } = await server.request("POST", "/v1/apps", { body: { name: "M", metadata: fifty } });
    const merged = await server.request<ProblemDocument>("PATCH", `/v1/apps/${app.id}`, { body: { metadata: { extra: "v" } } });
    expect(merged.status).toBe(400);
    expect(merged.body.errors).toEqual([{ path: "body.metadata", code: "too_big", message: "can hold at most 50 keys" }]);
  });

  it("deletes an app, revokes its keys, and then answers 404", async () => {
    const { body: app } = await server.request("POST", "/v1/apps", { body: { name: "Doomed" } });
    const { body: key } = await server.request("POST", `/v1/apps/${app.id}/keys`, { body: { name: "k", scopes: ["apps:read"] } });
    expect((await server.request("GET", `/v1/apps/${app.id}`, { key: String(key.secret) })).status).toBe(200);

    const deleted = await server.request("DELETE", `/v1/apps/${app.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: app.id, object: "app", deleted: true });
    expect((await server.request("GET", `/v1/apps/${app.id}`)).status).toBe(404);
    expect((await server.request("PATCH", `/v1/apps/${app.id}`, { body: { name: "x" } })).status).toBe(404);
    expect((await server.request("DELETE", `/v1/apps/${app.id}`)).status).toBe(404);
    const afterDelete = await server.request<ProblemDocument>("GET", "/v1/account", { key: String(key.secret) });
    expect(afterDelete.status).toBe(401);
    expect(afterDelete.body.detail).toMatch(/revoked/);
  });

  it("pages through apps newest first with starting_after and ending_before", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const { body } = await server.request("POST", "/v1/apps", { body: { name: `page-${index}` } });
      ids.push(body.id);
    }
    const newestFirst = [...ids].reverse();
    const first = await server.request<ListResponse<ApiObject>>("GET", "/v1/apps?limit=2");
    expect(first.body.object).toBe("list");
    expect(first.body.data.map((app) => app.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.body.has_more).toBe(true);

    const second = await server.request<ListResponse<ApiObject>>("GET", `/v1/apps?limit=2&starting_after=${newestFirst[1]}`);
    expect(second.body.data.map((app) => app.id)).toEqual(newestFirst.slice(2, 4));

    const back = await server.request<ListResponse<ApiObject>>("GET", `/v1/apps?limit=2&ending_before=${newestFirst[2]}`);
    expect(back.body.data.map((app) => app.id)).toEqual(newestFirst.slice(0, 2));
    expect(back.body.has_more).toBe(false);

    const tooBig = await server.request<ProblemDocument>("GET", "/v1/apps?limit=101");
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors?.[0]?.path).toBe("query.limit");
    const both = await server.request<ProblemDocument>("GET", `/v1/apps?starting_after=${ids[0]}&ending_before=${ids[1]}`);
    expect(both.status).toBe(400);
  });
});
