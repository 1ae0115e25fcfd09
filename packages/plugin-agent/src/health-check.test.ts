import { afterEach, describe, expect, it, vi } from "vitest";
import { runHealthCheck } from "./health-check.js";

describe("runHealthCheck", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts a missing check as healthy", async () => {
    expect(await runHealthCheck(undefined, 1_000)).toEqual({ healthy: true });
  });

  it("accepts a boolean or a result with details", async () => {
    expect(await runHealthCheck(() => false, 1_000)).toEqual({ healthy: false });
    expect(await runHealthCheck(async () => ({ healthy: true, details: { db: "ok" } }), 1_000)).toEqual({
      healthy: true,
      details: { db: "ok" },
    });
  });

  it("counts a throwing check as unhealthy, with its message", async () => {
    const result = await runHealthCheck(() => {
      throw new Error("db down");
    }, 1_000);
    expect(result).toEqual({ healthy: false, details: { reason: "error", message: "db down" } });
  });

  it("counts a check that never answers as unhealthy once the timeout passes", async () => {
    vi.useFakeTimers();
    const pending = runHealthCheck(() => new Promise<boolean>(() => {}), 5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await pending).toEqual({ healthy: false, details: { reason: "timeout", timeout_ms: 5_000 } });
  });
});
