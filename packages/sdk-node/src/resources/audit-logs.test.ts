import { describe, expect, it } from "vitest";
import { fetchMockApi } from "../testing/mock-api.js";

const entry = (id: string) => ({ id, object: "audit_log", action: "app.created", actor: { type: "api_key", id: "key_1" }, target_id: "app_1", request_id: "req_1", ip: "127.0.0.1", before: null, after: { name: "Shop" }, livemode: false, created_at: "2030-01-01T00:00:00Z" });

describe("client.auditLogs", () => {
  it("sends the filters as query parameters, leaving out unset ones, and keeps them on every page", async () => {
    const api = fetchMockApi();
    api.reply(200, { object: "list", data: [entry("al_1")], has_more: true });
    api.reply(200, { object: "list", data: [entry("al_2")], has_more: false });
    const ids: string[] = [];
    const filters = { action: "app.created", target_id: "app_1", actor_id: undefined, created_gte: "2030-01-01T00:00:00Z", limit: 1 };
    for await (const log of api.client().auditLogs.list(filters)) ids.push(log.id);
    expect(ids).toEqual(["al_1", "al_2"]);
    const query = api.requests.map((r) => Object.fromEntries(new URL(r.path, "http://x").searchParams));
    const expected = { action: "app.created", target_id: "app_1", created_gte: "2030-01-01T00:00:00Z", limit: "1" };
    expect(query).toEqual([expected, { ...expected, starting_after: "al_1" }]);
  });
});
