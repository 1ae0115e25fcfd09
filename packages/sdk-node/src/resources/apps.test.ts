import { describe, expect, it } from "vitest";
import { RelaisError } from "../core/errors.js";
import { fetchMockApi } from "../testing/mock-api.js";

const app = { id: "app_1", object: "app", name: "Shop", description: null, environment: "staging", metadata: {}, livemode: false, created_at: "2030-01-01T00:00:00Z" };

describe("client.apps", () => {
  it("maps each method to its route", async () => {
    const api = fetchMockApi();
    api.reply(201, app).reply(200, app).reply(200, app).reply(200, { object: "list", data: [app], has_more: false });
    api.reply(200, { id: "app_1", object: "app", deleted: true });
    const { apps } = api.client();

    await apps.create({ name: "Shop", description: "Main store", environment: "staging", metadata: { plan: "pro" } });
    await apps.retrieve("app_1");
    await apps.update("app_1", { description: null });
    await apps.list({ limit: 10, starting_after: "app_0" });
    expect(await apps.del("app_1")).toEqual({ id: "app_1", object: "app", deleted: true });

    expect(api.requests.map((r) => [r.method, r.path, r.body && JSON.parse(r.body)])).toEqual([
      ["POST", "/v1/apps", { name: "Shop", description: "Main store", environment: "staging", metadata: { plan: "pro" } }],
      ["GET", "/v1/apps/app_1", undefined],
      ["PATCH", "/v1/apps/app_1", { description: null }],
      ["GET", "/v1/apps?limit=10&starting_after=app_0", undefined],
      ["DELETE", "/v1/apps/app_1", undefined],
    ]);
  });

  it("encodes ids so they cannot change the route", async () => {
    const api = fetchMockApi();
    api.reply(200, app);
    await api.client().apps.retrieve("../keys?x=1");
    expect(api.requests[0]?.path).toBe("/v1/apps/..%2Fkeys%3Fx%3D1");
  });

  it("refuses an empty id instead of calling the collection route", () => {
    const api = fetchMockApi();
    expect(() => api.client().apps.del("")).toThrow(RelaisError);
    expect(() => api.client().apps.retrieve(" ")).toThrow(/non-empty id in \/v1\/apps\/:id/);
    expect(api.requests).toHaveLength(0);
  });
});
