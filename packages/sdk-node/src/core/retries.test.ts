import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mockApis, recordingLogger, until, type MockApi } from "../testing/mock-api.js";
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  IdempotencyError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "./errors.js";

const app = { id: "app_1", object: "app", name: "Shop" };
const problem = (status: number, code: string) => ({ type: `https://relais.dev/problems/${code}`, title: code, status, detail: code, code });

describe.each(mockApis)("retries over $transport", ({ create }) => {
  let api: MockApi;
  beforeEach(() => {
    api = create();
    // setImmediate stays real so `until` can let I/O run; backoff and timeouts use fake time.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.spyOn(Math, "random").mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Runs `call` while releasing each backoff wait as soon as it is scheduled. */
  async function settle<T>(call: Promise<T>, waits: number, log: ReturnType<typeof recordingLogger>) {
    const outcome = call.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    for (let wait = 1; wait <= waits; wait += 1) {
      await until(() => retries(log).length === wait, `retry ${wait} scheduled`);
      await vi.advanceTimersByTimeAsync(retries(log)[wait - 1]?.fields.delayMs as number);
    }
    return outcome;
  }
  const retries = (log: ReturnType<typeof recordingLogger>) => log.entries.filter((e) => e.message.includes("retrying"));

  it.each([408, 429, 500, 502, 503, 504])("retries %i and then succeeds", async (status) => {
    const log = recordingLogger();
    api.reply(status, problem(status, "transient")).reply(200, app);
    const result = await settle(api.client({ logger: log.logger }).apps.retrieve("app_1"), 1, log);
    expect(result).toEqual({ value: app });
    expect(api.requests).toHaveLength(2);
    expect(retries(log)[0]?.fields).toMatchObject({ method: "GET", path: "/v1/apps/app_1", attempt: 1, status });
  });

  it("retries a 409 idempotency_key_in_use (the key's lock) with the same key", async () => {
    const log = recordingLogger();
    api.reply(409, problem(409, "idempotency_key_in_use")).reply(200, app);
    const result = await settle(api.client({ logger: log.logger }).apps.create({ name: "Shop" }), 1, log);
    expect(result).toEqual({ value: app });
    const [first, second] = api.requests;
    expect(second?.headers["idempotency-key"]).toBe(first?.headers["idempotency-key"]);
  });

  it("retries connection errors and reports the last one as APIConnectionError", async () => {
    const log = recordingLogger();
    api.replyWithError().replyWithError().replyWithError();
    const result = await settle(api.client({ logger: log.logger }).apps.retrieve("app_1"), 2, log);
    expect(result).toEqual({ error: expect.any(APIConnectionError) });
    expect(api.requests).toHaveLength(3);
    expect(retries(log).map((e) => e.fields.error)).toEqual(["APIConnectionError", "APIConnectionError"]);
  });

  it("stops after maxRetries and throws the last error", async () => {
    const log = recordingLogger();
    api.reply(500, problem(500, "internal_error")).reply(502, "<html>Bad gateway</html>").reply(503, problem(503, "unavailable"));
    const result = await settle(api.client({ logger: log.logger }).apps.retrieve("app_1"), 2, log);
    expect(result).toEqual({ error: expect.any(InternalServerError) });
    expect((result as { error: InternalServerError }).error.status).toBe(503);
    expect(api.requests).toHaveLength(3);
    expect(api.requests.map((r) => r.headers["x-relais-retry-count"])).toEqual([undefined, "1", "2"]);
  });

  it("honours a per-request maxRetries", async () => {
    api.reply(503, problem(503, "unavailable"));
    await expect(api.client().apps.retrieve("app_1", { maxRetries: 0 })).rejects.toBeInstanceOf(InternalServerError);
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    [400, "invalid_request", BadRequestError],
    [401, "authentication_required", AuthenticationError],
    [404, "not_found", NotFoundError],
    [409, "idempotency_key_mismatch", IdempotencyError],
  ] as const)("does not retry %i %s", async (status, code, ErrorClass) => {
    api.reply(status, problem(status, code)).reply(200, app);
    await expect(api.client().apps.create({ name: "Shop" })).rejects.toBeInstanceOf(ErrorClass);
    expect(api.requests).toHaveLength(1);
    expect(api.pendingReplies()).toBe(1);
  });

  it("waits with exponential backoff and full jitter between attempts", async () => {
    const log = recordingLogger();
    api.reply(503).reply(503).reply(503).reply(200, app);
    const call = api.client({ logger: log.logger, maxRetries: 3 }).apps.retrieve("app_1");
    const outcome = call.then((value) => value);

    // random() = 0.5 → half of the 0.5 s, 1 s, 2 s ceilings.
    for (const [index, expectedDelay] of [250, 500, 1000].entries()) {
      await until(() => retries(log).length === index + 1, `retry ${index + 1} scheduled`);
      expect(retries(log)[index]?.fields.delayMs).toBe(expectedDelay);
      await vi.advanceTimersByTimeAsync(expectedDelay - 1);
      expect(api.requests).toHaveLength(index + 1);
      await vi.advanceTimersByTimeAsync(1);
      await until(() => api.requests.length === index + 2, `attempt ${index + 2} sent`);
    }
    await expect(outcome).resolves.toEqual(app);
  });

  describe("Retry-After", () => {
    const waitChosen = async (headers: Record<string, string>) => {
      const log = recordingLogger();
      api.reply(429, problem(429, "rate_limited"), headers).reply(200, app);
      const outcome = settle(api.client({ logger: log.logger }).apps.retrieve("app_1"), 1, log);
      await expect(outcome).resolves.toEqual({ value: app });
      return retries(log)[0]?.fields.delayMs;
    };

    it("uses Retry-After seconds", async () => {
      expect(await waitChosen({ "retry-after": "3" })).toBe(3000);
    });

    it("uses a Retry-After HTTP date relative to now", async () => {
      vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
      expect(await waitChosen({ "retry-after": "Tue, 01 Jan 2030 00:00:07 GMT" })).toBe(7000);
    });

    it("prefers retry-after-ms", async () => {
      expect(await waitChosen({ "retry-after-ms": "1500", "retry-after": "30" })).toBe(1500);
    });

    it("falls back to backoff when Retry-After is unparseable", async () => {
      expect(await waitChosen({ "retry-after": "soon" })).toBe(250);
    });

    it("fails with the RateLimitError instead of waiting past the 60 s cap", async () => {
      const log = recordingLogger();
      api.reply(429, problem(429, "rate_limited"), { "retry-after": "120" }).reply(200, app);
      const error = await api.client({ logger: log.logger }).apps.retrieve("app_1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).headers.get("retry-after")).toBe("120");
      expect(api.requests).toHaveLength(1);
      expect(log.entries.find((e) => e.level === "warn")?.fields).toMatchObject({ retryAfterMs: 120_000 });
    });
  });

  describe("idempotency keys", () => {
    it("generates one key per POST and reuses it on every retry", async () => {
      const log = recordingLogger();
      api.reply(500).reply(503).reply(200, app).reply(200, app);
      const client = api.client({ logger: log.logger });
      await settle(client.apps.create({ name: "Shop" }), 2, log);
      await client.apps.create({ name: "Shop" });
      const keys = api.requests.map((r) => r.headers["idempotency-key"]);
      expect(keys[0]).toMatch(/^idk_[0-9a-f]{32}$/);
      expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
      expect(keys[3]).toMatch(/^idk_[0-9a-f]{32}$/);
      expect(keys[3]).not.toBe(keys[0]);
    });

    it("uses the caller's key when given", async () => {
      const log = recordingLogger();
      api.reply(503).reply(200, app);
      await settle(api.client({ logger: log.logger }).apps.create({ name: "Shop" }, { idempotencyKey: "order-42" }), 1, log);
      expect(api.requests.map((r) => r.headers["idempotency-key"])).toEqual(["order-42", "order-42"]);
    });

    it("sends no key on GET, PATCH or DELETE", async () => {
      api.reply(200, app).reply(200, app).reply(200, { id: "app_1", object: "app", deleted: true });
      const client = api.client();
      await client.apps.retrieve("app_1");
      await client.apps.update("app_1", { name: "New" });
      await client.apps.del("app_1");
      expect(api.requests.map((r) => r.headers["idempotency-key"])).toEqual([undefined, undefined, undefined]);
    });
  });
});
