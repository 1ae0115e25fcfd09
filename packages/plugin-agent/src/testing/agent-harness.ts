import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { vi } from "vitest";
import { createAgent } from "../agent.js";
import type { AgentEvents, AgentOptions, PluginAgent } from "../types.js";
import { startControlPlaneStub, type ControlPlaneStub } from "./control-plane-stub.js";

/** The plugin every agent test pretends to be. */
export const PLUGIN = { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" } as const;

/** A stub server, a temporary state directory, and the agents a test created (stopped at the end). */
export interface Harness {
  stub: ControlPlaneStub;
  stateDir: string;
  agent(options?: Partial<AgentOptions>): PluginAgent;
  /** The agent's `state.json` as written on disk. */
  readState(): Promise<Record<string, unknown>>;
  dispose(): Promise<void>;
}

/**
 * Sets up a harness. `setTimeout`, `clearTimeout` and `Date` are faked, so the test drives the
 * agent's waits and the clock its expiry and Retry-After checks read; HTTP and file I/O stay real.
 */
export async function createHarness(): Promise<Harness> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  const stub = await startControlPlaneStub();
  const root = await mkdtemp(path.join(tmpdir(), "relais-agent-"));
  const stateDir = path.join(root, "state");
  const agents: PluginAgent[] = [];
  const token = stub.createEnrolmentToken();
  return {
    stub,
    stateDir,
    agent(options = {}) {
      const agent = createAgent({ serverUrl: stub.url, enrolmentToken: token, plugin: PLUGIN, stateDir, ...options });
      agent.on("heartbeat", ({ nextHeartbeatInMs }) => pendingWait.set(agent, nextHeartbeatInMs));
      agent.on("error", ({ retryInMs }) => {
        if (retryInMs !== undefined) pendingWait.set(agent, retryInMs);
      });
      agents.push(agent);
      return agent;
    },
    async readState() {
      return JSON.parse(await readFile(path.join(stateDir, "state.json"), "utf8")) as Record<string, unknown>;
    },
    async dispose() {
      await Promise.all(agents.map((agent) => agent.stop()));
      await stub.close();
      await rm(root, { recursive: true, force: true });
      vi.useRealTimers();
    },
  };
}

/** Resolves with the next `event` payload that satisfies `accept`. */
export function nextEvent<E extends keyof AgentEvents>(
  agent: PluginAgent,
  event: E,
  accept: (payload: AgentEvents[E]) => boolean = () => true,
): Promise<AgentEvents[E]> {
  return new Promise((resolve) => {
    const off = agent.on(event, (payload) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** How long each agent's loop waits now, read from its last `heartbeat` or `error` event. */
const pendingWait = new WeakMap<PluginAgent, number>();

/**
 * Advances fake time by exactly the agent's pending wait, so its next heartbeat (or retry) starts.
 * Not `advanceTimersToNextTimer`: fetch keeps timers of its own that would fire first.
 */
export async function endPendingWait(agent: PluginAgent): Promise<void> {
  const wait = pendingWait.get(agent);
  if (wait === undefined) throw new Error("the agent is not waiting: await a heartbeat or error event first");
  pendingWait.delete(agent);
  await vi.advanceTimersByTimeAsync(wait);
}

/** Ends the pending wait and resolves with the heartbeat that follows. */
export async function runNextHeartbeat(agent: PluginAgent): Promise<AgentEvents["heartbeat"]> {
  const next = nextEvent(agent, "heartbeat");
  await endPendingWait(agent);
  return next;
}
