import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mockApis, recordingLogger, until, type MockApi } from "../testing/mock-api.js";
import { APIConnectionError, APITimeoutError, APIUserAbortError } from "./errors.js";

const app = { id: "app_1", object: "app", name: "Shop" };

describe.each(mockApis)("timeouts and aborts over $transport", ({ create }) => {
  let api: MockApi;
  beforeEach(() => {
    api = create();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => vi.useRealTimers());

  it("throws APITimeoutError when no response arrives within `timeout`", async () => {
    api.replyAfter(5_000, 200, app);
    const outcome = api.client({ timeout: 1_000, maxRetries: 0 }).apps.retrieve("app_1").catch((e: unknown) => e);
    await until(() => api.requests.length === 1, "request sent");
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe("Request timed out after 1000 ms.");
  });

  it("lets a response that beats the timeout through", async () => {
    api.replyAfter(999, 200, app);
    const outcome = api.client({ timeout: 1_000 }).apps.retrieve("app_1");
    await until(() => api.requests.length === 1, "request sent");
    await vi.advanceTimersByTimeAsync(999);
    await expect(outcome).resolves.toEqual(app);
  });

  it("retries a timed-out attempt, using the per-request timeout", async () => {
    const log = recordingLogger();
    api.replyAfter(5_000, 200, app).reply(200, app);
    const outcome = api.client({ logger: log.logger }).apps.retrieve("app_1", { timeout: 2_000 });
    await until(() => api.requests.length === 1, "request sent");
    await vi.advanceTimersByTimeAsync(2_000);
    await until(() => log.entries.some((e) => e.message.includes("retrying")), "retry scheduled");
    expect(log.entries.find((e) => e.message.includes("retrying"))?.fields.error).toBe("APITimeoutError");
    await vi.advanceTimersByTimeAsync(500);
    await expect(outcome).resolves.toEqual(app);
    expect(api.requests).toHaveLength(2);
  });

  it("throws APIUserAbortError when the signal aborts an in-flight request", async () => {
    const controller = new AbortController();
    api.replyAfter(5_000, 200, app);
    const outcome = api.client().apps.retrieve("app_1", { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => api.requests.length === 1, "request sent");
    controller.abort();
    expect(await outcome).toBeInstanceOf(APIUserAbortError);
  });

  it("stops waiting for a retry when the signal aborts during backoff", async () => {
    const log = recordingLogger();
    const controller = new AbortController();
    api.reply(503).reply(200, app);
    const outcome = api
      .client({ logger: log.logger })
      .apps.retrieve("app_1", { signal: controller.signal })
      .catch((e: unknown) => e);
    await until(() => log.entries.some((e) => e.message.includes("retrying")), "retry scheduled");
    controller.abort();
    expect(await outcome).toBeInstanceOf(APIUserAbortError);
    expect(vi.getTimerCount()).toBe(0);
    expect(api.requests).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    api.reply(200, app);
    await expect(api.client().apps.retrieve("app_1", { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      APIUserAbortError,
    );
    expect(api.requests).toHaveLength(0);
  });
});
