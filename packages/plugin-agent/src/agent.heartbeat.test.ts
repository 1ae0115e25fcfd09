import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configHash } from "./canonical-json.js";
import { createHarness, endPendingWait, nextEvent, runNextHeartbeat, type Harness } from "./testing/agent-harness.js";
import type { PluginAgent } from "./types.js";

describe("heartbeats", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  async function started(agent: PluginAgent): Promise<PluginAgent> {
    const first = nextEvent(agent, "heartbeat");
    await agent.start();
    await first;
    return agent;
  }

  it("increments sequence_num and waits the server-set interval, ±10 %", async () => {
    h.stub.heartbeatIntervalS = 60;
    const agent = h.agent();
    const first = nextEvent(agent, "heartbeat");
    await agent.start();
    const { nextHeartbeatInS, nextHeartbeatInMs } = await first;
    expect(nextHeartbeatInS).toBe(60);
    expect(nextHeartbeatInMs).toBeGreaterThanOrEqual(54_000);
    expect(nextHeartbeatInMs).toBeLessThanOrEqual(66_000);

    await vi.advanceTimersByTimeAsync(nextHeartbeatInMs - 1);
    expect(h.stub.heartbeats).toHaveLength(1);
    h.stub.heartbeatIntervalS = 10;
    const second = nextEvent(agent, "heartbeat");
    await vi.advanceTimersByTimeAsync(1);
    const { nextHeartbeatInMs: thirdDue } = await second;
    expect(thirdDue).toBeGreaterThanOrEqual(9_000);
    expect(thirdDue).toBeLessThanOrEqual(11_000);
    await runNextHeartbeat(agent);

    expect(h.stub.heartbeats.map((heartbeat) => heartbeat.body.sequence_num)).toEqual([1, 2, 3]);
  });

  it("sends full state first, then only what changed", async () => {
    const agent = await started(h.agent({ initialConfig: { mode: "live" } }));
    const [first] = h.stub.heartbeats;
    expect(first?.body.full_state).toEqual({
      effective_config: { mode: "live" },
      config_status: null,
      telemetry: { since: expect.any(String), counters: {} },
      commands: [],
    });
    expect(first?.body.effective_config_hash).toBe(await configHash({ mode: "live" }));
    expect(first?.body.capabilities).toEqual({ commands: [], local_rollback: false, health_check: false });
    expect(first?.body.env).toMatchObject({ runtime: "node", runtime_version: process.versions.node });

    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[1]?.body.full_state).toBeUndefined();
    expect(h.stub.heartbeats[1]?.body.changes).toBeUndefined();

    agent.recordMetric("webhooks_sent", 2);
    agent.recordMetric("webhooks_sent");
    agent.recordMetric("orders_synced", 4);
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[2]?.body.changes).toEqual({
      telemetry: { since: expect.any(String), counters: { webhooks_sent: 3, orders_synced: 4 } },
    });

    agent.recordMetric("orders_synced", 1);
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[3]?.body.changes?.telemetry?.counters).toEqual({ orders_synced: 5 });
  });

  it("answers report_full_state with full state on the next heartbeat", async () => {
    const agent = await started(h.agent());
    agent.recordMetric("webhooks_sent", 7);
    await runNextHeartbeat(agent);
    h.stub.requestFullState(agent.instanceUid ?? "");
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[2]?.reportFullState).toBe(true);

    const { fullState } = await runNextHeartbeat(agent);
    expect(fullState).toBe(true);
    expect(h.stub.heartbeats[3]?.body.full_state?.telemetry.counters).toEqual({ webhooks_sent: 7 });
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[4]?.body.full_state).toBeUndefined();
  });

  it("backs off on 503, no earlier than Retry-After, then resyncs the sequence gap with full state", async () => {
    const agent = await started(h.agent());
    h.stub.failNext("heartbeat", { status: 503, code: "service_unavailable", retryAfter: "30" });
    const failure = nextEvent(agent, "error");
    await endPendingWait(agent);
    const { phase, error, retryInMs } = await failure;
    expect(phase).toBe("heartbeat");
    expect(error).toMatchObject({ status: 503, problem: { code: "service_unavailable" }, requestId: expect.stringMatching(/^req_/) });
    expect(retryInMs).toBe(30_000);

    await vi.advanceTimersByTimeAsync(29_999);
    expect(h.stub.requests.filter((r) => r.route === "heartbeat")).toHaveLength(2);
    const retried = nextEvent(agent, "heartbeat");
    await vi.advanceTimersByTimeAsync(1);
    await retried;

    // Attempt 2 never reached the server, so it saw 1 then 3 and asked for full state.
    expect(h.stub.heartbeats.map((x) => [x.body.sequence_num, x.reportFullState])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect((await runNextHeartbeat(agent)).fullState).toBe(true);
  });

  it("grows the backoff with full jitter while the server stays unreachable", async () => {
    const agent = await started(h.agent());
    h.stub.reachable = false;
    const delays: number[] = [];
    agent.on("error", ({ retryInMs }) => delays.push(retryInMs ?? -1));
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const failure = nextEvent(agent, "error");
      await endPendingWait(agent);
      await failure;
    }
    delays.forEach((delay, attempt) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(1_000 * 2 ** attempt);
    });
    h.stub.reachable = true;
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats.map((x) => [x.body.sequence_num, x.reportFullState])).toEqual([
      [1, false],
      [8, true],
    ]);
    expect((await runNextHeartbeat(agent)).fullState).toBe(true);
  });

  it("stops and emits revoked on 401, keeping the instance id for a later re-enrolment", async () => {
    const agent = await started(h.agent());
    const instanceUid = agent.instanceUid ?? "";
    h.stub.revoke(instanceUid);
    const revoked = nextEvent(agent, "revoked");
    await endPendingWait(agent);
    const { error } = await revoked;
    expect(error.status).toBe(401);
    expect(error.problem?.code).toBe("authentication_required");

    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(h.stub.requests.filter((r) => r.route === "heartbeat")).toHaveLength(2);
    const state = await h.readState();
    expect(state.credentials).toBeUndefined();
    expect(state.instanceUid).toBe(instanceUid);

    const again = h.agent({ enrolmentToken: h.stub.createEnrolmentToken() });
    await started(again);
    expect(h.stub.enrolments.at(-1)?.body.instance_uid).toBe(instanceUid);
    expect(again.instanceUid).toBe(instanceUid);
  });

  it("reports health the plugin set, its errors and its health check", async () => {
    let checkPasses = true;
    const agent = await started(
      h.agent({ handlers: { healthCheck: () => ({ healthy: checkPasses, details: { db: checkPasses ? "up" : "down" } }) } }),
    );
    expect(h.stub.heartbeats[0]?.body.health).toEqual({
      healthy: true,
      errors: [],
      webhook_fail_rate: null,
      details: { check: { db: "up" } },
    });

    agent.setHealth({ webhookFailRate: 0.125, details: { queue_depth: 4 } });
    agent.reportError(new Error("order sync timed out"));
    agent.reportError(Object.assign(new Error("order sync timed out"), { code: "ETIMEDOUT" }));
    agent.reportError("order sync timed out");
    checkPasses = false;
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[1]?.body.health).toEqual({
      healthy: false,
      webhook_fail_rate: 0.125,
      details: { queue_depth: 4, check: { db: "down" } },
      errors: [
        { message: "order sync timed out", count: 2, last_at: expect.any(String) },
        { message: "order sync timed out", code: "ETIMEDOUT", count: 1, last_at: expect.any(String) },
      ],
    });
    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats[2]?.body.health.errors).toEqual([]);
    expect(() => agent.setHealth({ webhookFailRate: 1.5 })).toThrow(RangeError);
    expect(() => agent.recordMetric("x", Number.NaN)).toThrow(TypeError);
  });
});
