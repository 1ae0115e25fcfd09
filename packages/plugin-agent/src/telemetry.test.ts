import { describe, expect, it } from "vitest";
import { createTelemetry } from "./telemetry.js";

describe("createTelemetry", () => {
  it("sums counters and reports only changed ones between full reports", () => {
    const telemetry = createTelemetry("2025-06-01T00:00:00Z");
    telemetry.recordMetric("webhooks_sent", 1);
    telemetry.recordMetric("webhooks_sent", 2);
    telemetry.recordMetric("orders_synced", 5);
    expect(telemetry.take(false).telemetry).toEqual({
      since: "2025-06-01T00:00:00Z",
      counters: { webhooks_sent: 3, orders_synced: 5 },
    });
    telemetry.settle(true);
    telemetry.recordMetric("webhooks_sent", 1);
    expect(telemetry.take(false).telemetry?.counters).toEqual({ webhooks_sent: 4 });
    telemetry.settle(true);
    expect(telemetry.take(false).telemetry).toBeUndefined();
    telemetry.settle(true);
    expect(telemetry.take(true).telemetry?.counters).toEqual({ webhooks_sent: 4, orders_synced: 5 });
  });

  it("reports changes again when the heartbeat carrying them failed", () => {
    const telemetry = createTelemetry("t0");
    telemetry.recordMetric("a", 1);
    telemetry.reportError("boom", "E1");
    expect(telemetry.take(false).errors).toHaveLength(1);
    telemetry.settle(false);
    telemetry.reportError("boom", "E1");
    const retry = telemetry.take(false);
    expect(retry.telemetry?.counters).toEqual({ a: 1 });
    expect(retry.errors).toEqual([expect.objectContaining({ message: "boom", code: "E1", count: 2 })]);
    telemetry.settle(true);
    expect(telemetry.take(false)).toEqual({ errors: [], telemetry: undefined });
  });

  it("coalesces identical errors and bounds distinct ones", () => {
    const telemetry = createTelemetry("t0");
    for (let i = 0; i < 3; i += 1) telemetry.reportError("timeout", undefined);
    for (let i = 0; i < 50; i += 1) telemetry.reportError(`error ${i}`, undefined);
    telemetry.reportError("x".repeat(2_000), undefined);
    const { errors } = telemetry.take(false);
    expect(errors).toHaveLength(20);
    expect(errors[0]).toMatchObject({ message: "timeout", count: 3 });
  });

  it("merges health updates member by member", () => {
    const telemetry = createTelemetry("t0");
    telemetry.setHealth({ webhookFailRate: 0.25 });
    telemetry.setHealth({ healthy: false });
    expect(telemetry.health).toEqual({ healthy: false, webhookFailRate: 0.25, details: undefined });
  });
});
