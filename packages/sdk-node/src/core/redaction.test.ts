import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Relais } from "../client.js";
import { API_KEY, BASE_URL, mockApis, recordingLogger, until } from "../testing/mock-api.js";
import { APIConnectionError, AuthenticationError } from "./errors.js";

/** Everything a developer could end up printing or shipping to a log service. */
function exposures(value: unknown): string {
  const error = value instanceof Error ? `${String(value)}\n${value.stack ?? ""}` : "";
  return `${inspect(value, { depth: 10, showHidden: true })}\n${JSON.stringify(value) ?? ""}\n${error}`;
}

describe("API key redaction", () => {
  afterEach(() => vi.useRealTimers());

  it("keeps the key out of util.inspect, console-style output and JSON.stringify of the client", () => {
    const client = new Relais({ apiKey: API_KEY, baseUrl: BASE_URL, defaultHeaders: { "x-tenant": "t1" } });
    expect(exposures(client)).not.toContain(API_KEY);
    expect(exposures(client.apps)).not.toContain(API_KEY);
    expect(inspect(client)).toBe(`Relais { baseUrl: '${BASE_URL}', maxRetries: 2, timeout: 60000, apiKey: '[redacted]' }`);
    expect(JSON.parse(JSON.stringify(client))).toEqual({ baseUrl: BASE_URL, maxRetries: 2, timeout: 60000 });
    expect(Object.keys(client)).not.toContain("apiKey");
  });

  it("does send the key, as a bearer token", async () => {
    const [{ create }] = mockApis;
    const api = create();
    api.reply(200, { id: "app_1" });
    await api.client().apps.retrieve("app_1");
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  describe.each(mockApis)("over $transport", ({ create }) => {
    it("keeps the key out of API errors, connection errors and every log line", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      const log = recordingLogger();
      const api = create();
      api.reply(401, { code: "authentication_required", detail: "Invalid API key" });
      api.replyWithError().reply(503).reply(200, { id: "app_1" });
      const client = api.client({ logger: log.logger });

      const authError = await client.apps.retrieve("app_1").catch((e: unknown) => e);
      expect(authError).toBeInstanceOf(AuthenticationError);
      expect(exposures(authError)).not.toContain(API_KEY);

      const retried = client.apps.create({ name: "Shop" });
      await until(() => log.entries.filter((e) => e.message.includes("retrying")).length === 1, "first retry");
      await vi.advanceTimersByTimeAsync(500);
      await until(() => log.entries.filter((e) => e.message.includes("retrying")).length === 2, "second retry");
      await vi.advanceTimersByTimeAsync(1000);
      await retried;

      expect(log.entries.length).toBeGreaterThanOrEqual(5);
      expect(exposures(log.entries)).not.toContain(API_KEY);
    });
  });

  it("redacts the key when a transport error echoes it, dropping the leaky cause", async () => {
    const leaky = async () => {
      const inner = new Error(`bad header authorization: Bearer ${API_KEY}`);
      throw new TypeError("fetch failed", { cause: inner });
    };
    const client = new Relais({ apiKey: API_KEY, baseUrl: BASE_URL, fetch: leaky, maxRetries: 0 });
    const error = await client.apps.retrieve("app_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe("Connection error: fetch failed");
    expect((error as Error).cause).toBeUndefined();
    expect(exposures(error)).not.toContain(API_KEY);
  });

  it("keeps a harmless transport error as the cause", async () => {
    const refused = new Error("connect ECONNREFUSED 127.0.0.1:4000");
    const client = new Relais({
      apiKey: API_KEY,
      baseUrl: BASE_URL,
      maxRetries: 0,
      fetch: async () => {
        throw refused;
      },
    });
    const error = await client.apps.retrieve("app_1").catch((e: unknown) => e);
    expect((error as Error).message).toBe("Connection error: connect ECONNREFUSED 127.0.0.1:4000");
    expect((error as Error).cause).toBe(refused);
  });
});
