import { setImmediate as yieldToIo } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHarness, endPendingWait, nextEvent, runNextHeartbeat, type Harness } from "./testing/agent-harness.js";
import type { CommandContext } from "./types.js";

describe("lifecycle", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it("starts only once", async () => {
    const agent = h.agent();
    await agent.start();
    await expect(agent.start()).rejects.toMatchObject({ code: "invalid_options" });
  });

  it("makes no call when stopped while starting", async () => {
    // The loop's first call happens synchronously once start() finishes, so a spy sees it at once.
    const fetchSpy = vi.fn(globalThis.fetch);
    const agent = h.agent({ fetch: fetchSpy });
    const starting = agent.start();
    await agent.stop();
    await starting;
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("aborts the running command's signal and waits for it before stop resolves", async () => {
    let context: CommandContext | undefined;
    let finish: () => void = () => {};
    const agent = h.agent({
      handlers: {
        custom: {
          "catalog.reindex": (_params, ctx) =>
            new Promise<void>((resolve) => {
              context = ctx;
              finish = resolve;
            }),
        },
      },
    });
    const first = nextEvent(agent, "heartbeat");
    await agent.start();
    await first;
    h.stub.issueCommand(agent.instanceUid ?? "", { type: "catalog.reindex" });
    const running = nextEvent(agent, "command");
    await runNextHeartbeat(agent);
    await running;

    let stopped = false;
    const stopping = agent.stop().then(() => {
      stopped = true;
    });
    for (let i = 0; i < 10; i += 1) await yieldToIo();
    expect(context?.signal.aborted).toBe(true);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    // The result is kept for the next start, which acks it.
    expect((await h.readState()).commands).toEqual([expect.objectContaining({ status: "applied", acked: false })]);
  });

  it("survives a listener that throws, reporting it to the logger", async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const agent = h.agent({ logger });
    agent.on("heartbeat", () => {
      throw new Error("listener bug");
    });
    const first = nextEvent(agent, "heartbeat");
    await agent.start();
    await first;
    await runNextHeartbeat(agent);
    expect(logger.error).toHaveBeenCalledWith("agent event listener threw", { event: "heartbeat", message: "listener bug" });
    expect(h.stub.heartbeats).toHaveLength(2);
  });

  it("never logs the agent secret or the enrolment token", async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    };
    const token = h.stub.createEnrolmentToken();
    const agent = h.agent({ enrolmentToken: token, logger: { debug: record, info: record, warn: record, error: record } });
    const first = nextEvent(agent, "heartbeat");
    await agent.start();
    await first;
    h.stub.revoke(agent.instanceUid ?? "");
    const revoked = nextEvent(agent, "revoked");
    await endPendingWait(agent);
    await revoked;
    const secret = h.stub.heartbeats[0]?.authorization?.replace("Bearer ", "") ?? "missing";
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain(token);
    }
  });
});
