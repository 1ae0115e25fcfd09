import { describe, expect, it } from "vitest";
import { fetchMockApi } from "../testing/mock-api.js";

const key = { id: "key_1", object: "api_key", app_id: "app_1", name: "ci", prefix: "rk_test_AbC1", scopes: ["apps:read"], status: "active", livemode: false, expires_at: null, quota: { per_minute: null, per_day: null }, last_used_at: null, revoked_at: null, created_at: "2030-01-01T00:00:00Z" };

describe("client.apiKeys", () => {
  it("maps each method to its route", async () => {
    const api = fetchMockApi();
    api.reply(201, { ...key, secret: "rk_test_new" }).reply(200, { object: "list", data: [key], has_more: false });
    api.reply(200, { ...key, id: "key_2", secret: "rk_test_rotated" }).reply(200, { ...key, revoked_at: "2030-01-02T00:00:00Z" });
    const { apiKeys } = api.client();

    const created = await apiKeys.create("app_1", { name: "ci", scopes: ["apps:read"], expires_at: "2031-01-01T00:00:00Z", quota: { per_minute: 100 } });
    expect(created.secret).toBe("rk_test_new");
    await apiKeys.list("app_1", { limit: 5 });
    await apiKeys.rotate("key_1", { grace_period_seconds: 3600 });
    await apiKeys.revoke("key_1");

    expect(api.requests.map((r) => [r.method, r.path, r.body && JSON.parse(r.body)])).toEqual([
      ["POST", "/v1/apps/app_1/keys", { name: "ci", scopes: ["apps:read"], expires_at: "2031-01-01T00:00:00Z", quota: { per_minute: 100 } }],
      ["GET", "/v1/apps/app_1/keys?limit=5", undefined],
      ["POST", "/v1/keys/key_1/rotate", { grace_period_seconds: 3600 }],
      ["POST", "/v1/keys/key_1/revoke", undefined],
    ]);
    expect(api.requests.filter((r) => r.method === "POST").every((r) => r.headers["idempotency-key"]?.startsWith("idk_"))).toBe(true);
  });

  it("sends an empty JSON object when rotate gets no params", async () => {
    const api = fetchMockApi();
    api.reply(200, key);
    const { apiKeys } = api.client();
    await apiKeys.rotate("key_1");
    expect(api.requests.map((r) => r.body)).toEqual(["{}"]);
  });
});
