import { setImmediate as yieldToIo } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configHash } from "./canonical-json.js";
import { createHarness, nextEvent, runNextHeartbeat, type Harness } from "./testing/agent-harness.js";
import { generateSigningKeyPair } from "./testing/command-signer.js";
import type { AgentHandlers, AgentOptions, PluginAgent } from "./types.js";

describe("commands", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  async function started(options: Partial<AgentOptions>): Promise<{ agent: PluginAgent; uid: string }> {
    const agent = h.agent(options);
    const first = nextEvent(agent, "heartbeat");
    await agent.start();
    await first;
    return { agent, uid: agent.instanceUid ?? "" };
  }

  it("applies a config command, acks it, and reports the new effective config", async () => {
    const config = vi.fn();
    const { agent, uid } = await started({ handlers: { config, healthCheck: () => true } });
    const offered = { webhook_timeout_s: 15, log_level: "info" };
    const command = h.stub.issueCommand(uid, { type: "config", params: { config: offered } });

    const applied = nextEvent(agent, "command:applied");
    await runNextHeartbeat(agent);
    const hash = await configHash(offered);
    expect(await applied).toEqual({ id: command.id, type: "config", details: { effective_config_hash: hash } });
    expect(config).toHaveBeenCalledWith(
      { config: offered },
      expect.objectContaining({ instanceUid: uid, command: expect.objectContaining({ id: command.id, type: "config" }) }),
    );

    await h.stub.waitFor("ack", 1);
    expect(h.stub.acks[0]).toEqual({
      commandId: command.id,
      body: { status: "applied", details: { effective_config_hash: hash }, completed_at: expect.any(String) },
    });
    expect(h.stub.commandStatus(command.id)).toBe("applied");

    await runNextHeartbeat(agent);
    const report = h.stub.heartbeats.at(-1)?.body;
    expect(report?.effective_config_hash).toBe(hash);
    expect(report?.changes).toMatchObject({
      effective_config: offered,
      config_status: { offered_hash: hash, status: "applied" },
      commands: [],
    });
    expect(await h.readState()).toMatchObject({ effectiveConfig: offered });
    expect(config).toHaveBeenCalledOnce();
  });

  it("rolls a failed update back locally while the server is down, and acks once it is back", async () => {
    let installed = "1.4.2";
    const restore = vi.fn((snapshot: { data: unknown }) => {
      installed = (snapshot.data as { version: string }).version;
    });
    const handlers: AgentHandlers = {
      snapshot: () => ({ version: installed }),
      restore,
      update: (params) => {
        installed = String(params.version);
        h.stub.reachable = false;
      },
      healthCheck: () => installed === "1.4.2",
    };
    const { agent, uid } = await started({ handlers });
    const command = h.stub.issueCommand(uid, { type: "update", params: { version: "2.0.0" } });

    const rolledBack = nextEvent(agent, "rolled_back");
    const failed = nextEvent(agent, "command:failed");
    const ackFailure = nextEvent(agent, "error", ({ phase }) => phase === "ack");
    await runNextHeartbeat(agent);
    expect(await rolledBack).toMatchObject({ commandId: command.id, type: "update", reason: "health_check_failed" });
    expect(await failed).toMatchObject({ error: { code: "health_check_failed" }, details: { rolled_back: true } });
    await ackFailure;
    expect(restore).toHaveBeenCalledWith(expect.objectContaining({ kind: "update", data: { version: "1.4.2" } }));
    expect(installed).toBe("1.4.2");
    expect((await h.readState()).commands).toEqual([
      expect.objectContaining({ id: command.id, status: "failed", acked: false, details: expect.objectContaining({ rolled_back: true }) }),
    ]);

    h.stub.reachable = true;
    // Unsupported, so rejected; queued after the re-sent update, so its rejection means the update was skipped.
    const marker = h.stub.issueCommand(uid, { type: "marker" });
    const markerDone = nextEvent(agent, "command:rejected", ({ id }) => id === marker.id);
    await runNextHeartbeat(agent);
    await markerDone;
    await h.stub.waitFor("ack", 1);
    expect(h.stub.acks[0]?.body).toMatchObject({
      status: "failed",
      error: { code: "health_check_failed" },
      details: { rolled_back: true },
    });
    expect(restore).toHaveBeenCalledOnce();
  });

  it("rejects forged, tampered, expired and misdirected commands without running them", async () => {
    const handlers = { config: vi.fn(), update: vi.fn() };
    const { agent, uid } = await started({ handlers });
    const commandEvents = vi.fn();
    agent.on("command", commandEvents);
    const expected = new Map([
      [h.stub.issueCommand(uid, { type: "config", params: { config: {} }, signWith: generateSigningKeyPair().privateKey }).id, "invalid_signature"],
      [
        h.stub.issueCommand(uid, {
          type: "update",
          params: { version: "2.0.0" },
          tamper: (c) => ({ ...c, params: { version: "6.6.6" } }),
        }).id,
        "invalid_signature",
      ],
      [h.stub.issueCommand(uid, { type: "update", expiresAt: new Date(Date.now() - 60_000).toISOString() }).id, "expired"],
      [h.stub.issueCommand(uid, { type: "config", params: { config: {} }, signedForInstance: "plg_other" }).id, "wrong_instance"],
      [h.stub.issueCommand(uid, { type: "cache.flush" }).id, "unsupported_command"],
    ]);

    const rejections: string[] = [];
    agent.on("command:rejected", ({ reason }) => rejections.push(reason));
    await runNextHeartbeat(agent);
    await h.stub.waitFor("ack", 5);

    for (const ack of h.stub.acks) {
      expect(ack.body).toMatchObject({ status: "rejected", error: { code: expected.get(ack.commandId) } });
    }
    expect(rejections.sort()).toEqual([...expected.values()].sort());
    expect(handlers.config).not.toHaveBeenCalled();
    expect(handlers.update).not.toHaveBeenCalled();
    expect(commandEvents).not.toHaveBeenCalled();
  });

  it("runs one command at a time, in delivery order", async () => {
    const order: string[] = [];
    let finishSlow: () => void = () => {};
    const custom = {
      slow: () =>
        new Promise<void>((resolve) => {
          order.push("slow:start");
          finishSlow = () => {
            order.push("slow:end");
            resolve();
          };
        }),
      fast: () => {
        order.push("fast");
      },
    };
    const { agent, uid } = await started({ handlers: { custom } });
    h.stub.issueCommand(uid, { type: "slow" });
    h.stub.issueCommand(uid, { type: "fast" });
    const slowStarted = nextEvent(agent, "command", ({ type }) => type === "slow");
    const fastDone = nextEvent(agent, "command:applied", ({ type }) => type === "fast");
    await runNextHeartbeat(agent);
    await slowStarted;
    for (let i = 0; i < 20; i += 1) await yieldToIo();
    expect(order).toEqual(["slow:start"]);

    finishSlow();
    await fastDone;
    expect(order).toEqual(["slow:start", "slow:end", "fast"]);
  });

  it("retries an ack that failed on the next heartbeat", async () => {
    const { agent, uid } = await started({ handlers: { restart: vi.fn() } });
    const command = h.stub.issueCommand(uid, { type: "restart" });
    h.stub.failNext("ack", { status: 503, code: "service_unavailable", retryAfter: "5" });
    const ackFailure = nextEvent(agent, "error", ({ phase }) => phase === "ack");
    await runNextHeartbeat(agent);
    expect((await ackFailure).error).toMatchObject({ status: 503 });
    expect(h.stub.acks).toEqual([]);

    await runNextHeartbeat(agent);
    await h.stub.waitFor("ack", 1);
    const heartbeat = h.stub.heartbeats.at(-1)?.body;
    expect(heartbeat?.changes?.commands).toEqual([{ id: command.id, type: "restart", status: "applied", details: {} }]);
    expect(h.stub.acks).toEqual([{ commandId: command.id, body: expect.objectContaining({ status: "applied" }) }]);
    expect(h.stub.requests.filter((r) => r.route === "ack")).toHaveLength(2);
  });

  it("resumes after a restart on the same stateDir without running a command twice", async () => {
    const firstConfig = vi.fn();
    const first = await started({ handlers: { config: firstConfig } });
    const command = h.stub.issueCommand(first.uid, { type: "config", params: { config: { level: 2 } } });
    h.stub.failNext("ack", "drop");
    const ackFailure = nextEvent(first.agent, "error", ({ phase }) => phase === "ack");
    await runNextHeartbeat(first.agent);
    await ackFailure;
    await first.agent.stop();
    expect(firstConfig).toHaveBeenCalledOnce();
    const lastSequence = h.stub.heartbeats.at(-1)?.body.sequence_num ?? 0;

    // Delivered after the re-sent command: once it has run, the queue has passed the re-sent one.
    const next = h.stub.issueCommand(first.uid, { type: "config", params: { config: { level: 3 } } });
    const secondConfig = vi.fn();
    const second = h.agent({ handlers: { config: secondConfig } });
    const resumed = nextEvent(second, "heartbeat");
    const nextApplied = nextEvent(second, "command:applied", ({ id }) => id === next.id);
    await second.start();
    expect((await resumed).commandCount).toBe(2);
    await nextApplied;
    await h.stub.waitFor("ack", 2);

    expect(h.stub.enrolments).toHaveLength(1);
    const heartbeat = h.stub.heartbeats.at(-1)?.body;
    expect(heartbeat).toMatchObject({ instance_uid: first.uid, sequence_num: lastSequence + 1 });
    expect(heartbeat?.full_state).toMatchObject({
      effective_config: { level: 2 },
      commands: [{ id: command.id, type: "config", status: "applied" }],
    });
    expect(secondConfig).toHaveBeenCalledOnce();
    expect(secondConfig).toHaveBeenCalledWith({ config: { level: 3 } }, expect.anything());
    expect(h.stub.acks.map((ack) => [ack.commandId, ack.body.status])).toEqual([
      [command.id, "applied"],
      [next.id, "applied"],
    ]);
  });

  it("restores the latest snapshot on a rollback command", async () => {
    let settings = { level: 1 };
    const handlers: AgentHandlers = {
      snapshot: () => ({ ...settings }),
      restore: (snapshot) => {
        settings = snapshot.data as { level: number };
      },
      config: ({ config }) => {
        settings = config as { level: number };
      },
    };
    const { agent, uid } = await started({ handlers, initialConfig: { level: 1 } });
    h.stub.issueCommand(uid, { type: "config", params: { config: { level: 2 } } });
    const applied = nextEvent(agent, "command:applied");
    await runNextHeartbeat(agent);
    await applied;
    expect(settings).toEqual({ level: 2 });

    const rollback = h.stub.issueCommand(uid, { type: "rollback" });
    const rolledBack = nextEvent(agent, "rolled_back");
    await runNextHeartbeat(agent);
    expect(await rolledBack).toMatchObject({ commandId: rollback.id, reason: "rollback_command" });
    expect(settings).toEqual({ level: 1 });
    await h.stub.waitFor("ack", 2);

    await runNextHeartbeat(agent);
    expect(h.stub.heartbeats.at(-1)?.body.effective_config_hash).toBe(await configHash({ level: 1 }));
  });
});
