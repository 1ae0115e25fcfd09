import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import type { ProblemDocument } from "./problem.js";

describe("rate limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RELAIS_RATE_LIMIT_KEY_PER_MINUTE: "3", RELAIS_RATE_LIMIT_IP_PER_MINUTE: "100" });
  });
  afterAll(() => server.close());

  it("counts per key, advertises the budget, and answers 429 with Retry-After", async () => {
    const first = await server.request("GET", "/v1/account");
    expect(first.headers.get("ratelimit-limit")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    const reset = Number(first.headers.get("ratelimit-reset"));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(60);
    await server.request("GET", "/v1/account");
    expect((await server.request("GET", "/v1/account")).headers.get("ratelimit-remaining")).toBe("0");

    const limited = await server.request<ProblemDocument>("GET", "/v1/account");
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
  });

  it("keeps counters in the database, so every process shares them", async () => {
    const { rows } = await server.db.query<{ hits: number }>("select hits from rate_limit_counters where bucket like 'cred:api_key:%'");
    expect(rows.map((row) => row.hits)).toContain(4);
  });

  it("limits each client IP, failed authentications included, and sees other processes' hits", async () => {
    // Another process's traffic: the IP counter jumps to the limit (100 a minute) in the database.
    await server.db.query("update rate_limit_counters set hits = 100 where bucket like 'ip:%'");
    await expect
      .poll(async () => (await server.request<ProblemDocument>("GET", "/v1/account", { key: null })).status, { interval: 50 })
      .toBe(429);
    const response = await server.request<ProblemDocument>("GET", "/v1/account", { key: "rk_test_guess" });
    expect(response.status).toBe(429);
    expect(response.headers.get("ratelimit-limit")).toBe("100");
  });
});
