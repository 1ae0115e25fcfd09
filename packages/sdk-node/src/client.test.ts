import { readFileSync } from "node:fs";
import { MockAgent } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Relais } from "./client.js";
import { RelaisError } from "./core/errors.js";
import { API_KEY, mockApis } from "./testing/mock-api.js";
import { VERSION } from "./version.js";

describe("new Relais()", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("reads RELAIS_API_KEY and RELAIS_BASE_URL when no options are given", async () => {
    vi.stubEnv("RELAIS_API_KEY", "rk_test_fromenv");
    vi.stubEnv("RELAIS_BASE_URL", "https://relais.example.com/");
    const client = new Relais();
    expect(client.baseUrl).toBe("https://relais.example.com");
    const requests: Array<{ url: string; auth: string | undefined }> = [];
    const fetching = new Relais({
      fetch: async (url, init) => {
        requests.push({ url, auth: init.headers.authorization });
        return new Response("{}", { status: 200 });
      },
    });
    await fetching.apps.retrieve("app_1");
    expect(requests).toEqual([{ url: "https://relais.example.com/v1/apps/app_1", auth: "Bearer rk_test_fromenv" }]);
  });

  it("defaults the base URL to a local server", () => {
    vi.stubEnv("RELAIS_BASE_URL", undefined);
    expect(new Relais({ apiKey: API_KEY }).baseUrl).toBe("http://127.0.0.1:4000");
  });

  it("prefers explicit options over the environment", () => {
    vi.stubEnv("RELAIS_BASE_URL", "https://env.example.com");
    expect(new Relais({ apiKey: API_KEY, baseUrl: "https://explicit.example.com" }).baseUrl).toBe(
      "https://explicit.example.com",
    );
  });

  it.each([undefined, ""])("fails clearly at construction without an API key (env %j)", (value) => {
    vi.stubEnv("RELAIS_API_KEY", value);
    expect(() => new Relais()).toThrow(
      new RelaisError("Missing API key: pass `apiKey` to new Relais() or set the RELAIS_API_KEY environment variable."),
    );
  });

  it("rejects a key with whitespace without echoing it", () => {
    expect(() => new Relais({ apiKey: "rk_test_abc\n" })).toThrow(/whitespace or control characters/);
    expect(() => new Relais({ apiKey: "rk_test_abc\n" })).not.toThrow(/rk_test_abc/);
  });

  it.each(["not a url", "ftp://relais.example.com", ""])("rejects the base URL %j", (baseUrl) => {
    expect(() => new Relais({ apiKey: API_KEY, baseUrl })).toThrow(RelaisError);
  });

  it.each([
    { maxRetries: -1 },
    { maxRetries: 1.5 },
    { timeout: 0 },
    { timeout: Number.NaN },
  ])("rejects %j", (options) => {
    expect(() => new Relais({ apiKey: API_KEY, ...options })).toThrow(RelaisError);
  });

  it("rejects an invalid per-request maxRetries or timeout before sending", async () => {
    const api = mockApis[1].create();
    const client = api.client();
    await expect(client.apps.retrieve("app_1", { maxRetries: -1 })).rejects.toThrow(/maxRetries must be an integer >= 0/);
    await expect(client.apps.retrieve("app_1", { timeout: 0 })).rejects.toThrow(/timeout must be an integer >= 1/);
    expect(api.requests).toHaveLength(0);
  });

  it("refuses both fetch and dispatcher, since the dispatcher would be ignored", () => {
    const fetch = async () => new Response("{}");
    expect(() => new Relais({ apiKey: API_KEY, fetch, dispatcher: new MockAgent() })).toThrow(
      /either `fetch` or `dispatcher`/,
    );
  });
});

describe("VERSION", () => {
  it("matches package.json", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(manifest.version);
  });
});

describe.each(mockApis)("request headers and URLs over $transport", ({ create }) => {
  it("sends auth, accept, user agent and JSON content type", async () => {
    const api = create();
    api.reply(200, {});
    await api.client().apps.create({ name: "Shop", metadata: { plan: "pro" } });
    const [request] = api.requests;
    expect(request?.method).toBe("POST");
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      accept: "application/json",
      "user-agent": `relais-node/${VERSION}`,
      "content-type": "application/json",
    });
    expect(JSON.parse(request?.body ?? "null")).toEqual({ name: "Shop", metadata: { plan: "pro" } });
  });

  it("merges default headers and per-request headers, case-insensitively, the request winning", async () => {
    const api = create();
    api.reply(200, {});
    const client = api.client({ defaultHeaders: { "X-Tenant": "t1", "X-Trace": "default" } });
    await client.apps.retrieve("app_1", { headers: { "x-trace": "call" } });
    expect(api.requests[0]?.headers).toMatchObject({ "x-tenant": "t1", "x-trace": "call" });
  });

  it("keeps a path prefix in the base URL", async () => {
    const api = create();
    api.reply(200, {});
    const client = api.client({ baseUrl: "http://relais.test/gateway/" });
    await client.apps.retrieve("app_1");
    expect(api.requests[0]?.path).toBe("/gateway/v1/apps/app_1");
  });
});
