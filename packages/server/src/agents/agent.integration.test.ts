import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AgentHandlers, createAgent, type JsonObject, type PluginAgent } from "@relais/plugin-agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, nextEvent, RestartableServer } from "./testing/harness.js";

// The real @relais/plugin-agent against a real server (PGlite, or PostgreSQL with DATABASE_URL),
// heartbeating every second (RELAIS_AGENT_HEARTBEAT_S=1).

type Plugin = { id: string; status: string; effective_config: Record<string, unknown> | null; recent_commands: Command[]; report_full_state: boolean; plugin: { version: string } };
type Command = { id: string; status: string; type: string; error: { code: string } | null; details: Record<string, unknown> | null };

const plugin = { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" };

/** A simulated plugin: its config and version, with snapshot/restore and a health check. */
function simulatedPlugin() {
  const calls: string[] = [];
  const state = { config: { log_level: "info" } as Record<string, unknown>, version: "1.4.2", broken: false };
  const handlers: AgentHandlers = {
    config: ({ config }) => {
      calls.push("config");
      state.config = config;
    },
    update: ({ version, break_health }) => {
      calls.push("update");
      state.version = String(version);
      state.broken = break_health === true;
    },
    snapshot: (kind): JsonObject => (kind === "config" ? { config: state.config as JsonObject } : { version: state.version }),
    restore: (snapshot) => {
      calls.push(`restore:${snapshot.kind}`);
      const data = snapshot.data as { config?: Record<string, unknown>; version?: string };
      if (data.config) state.config = data.config;
      if (data.version) {
        state.version = data.version;
        state.broken = false;
      }
    },
    healthCheck: () => !state.broken,
  };
  return { calls, state, handlers };
}

describe("plugin agent against the real server", () => {
  let server: RestartableServer;
  let appId: string;
  let stateDir: string;
  let agent: PluginAgent;
  let simulated: ReturnType<typeof simulatedPlugin>;
  let failNextHeartbeat = false;
  const heartbeatFetch: typeof fetch = (input, init) => {
    if (failNextHeartbeat && String(input).endsWith("/v1/agent/heartbeat")) {
      failNextHeartbeat = false;
      return Promise.reject(new TypeError("simulated network failure"));
    }
    return fetch(input, init);
  };
  const newAgent = (options: { enrolmentToken?: string } = {}) =>
    createAgent({ serverUrl: server.url, plugin, stateDir, handlers: simulated.handlers, initialConfig: simulated.state.config as never, fetch: heartbeatFetch, ...options });
  const getPlugin = (id: string) => server.request<Plugin>("GET", `/v1/plugins/${id}`).then((response) => response.body);
  const commandStatus = (id: string, commandId: string) => getPlugin(id).then((found) => found.recent_commands.find((command) => command.id === commandId));

  beforeAll(async () => {
    server = await RestartableServer.start({ RELAIS_AGENT_HEARTBEAT_S: "1" });
    appId = (await server.request<{ id: string }>("POST", "/v1/apps", { name: "Shop" })).body.id;
    stateDir = await mkdtemp(path.join(tmpdir(), "relais-agent-"));
    simulated = simulatedPlugin();
  });
  afterAll(async () => {
    await agent?.stop();
    await server.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("enrols with a token and heartbeats with full state first", async () => {
    const token = await server.request<{ token: string; max_uses: number }>("POST", `/v1/apps/${appId}/agent_enrolment_tokens`, { max_uses: 1 });
    expect(token.status).toBe(201);
    expect(token.body.token).toMatch(/^aet_/);
    agent = newAgent({ enrolmentToken: token.body.token });
    const enrolled = nextEvent(agent, "enrolled");
    const firstBeat = nextEvent(agent, "heartbeat");
    await agent.start();
    const { instanceUid } = await enrolled;
    expect(instanceUid).toMatch(/^plg_[0-9a-z]{26}$/);
    expect(await firstBeat).toMatchObject({ sequenceNum: 1, fullState: true, nextHeartbeatInS: 1 });

    const found = await getPlugin(instanceUid);
    expect(found).toMatchObject({ status: "active", plugin, effective_config: { log_level: "info" }, report_full_state: false });
  });

  it("delivers an operator's config command, which the agent applies and acks", async () => {
    const id = agent.instanceUid ?? "";
    const created = await server.request<Command>("POST", `/v1/plugins/${id}/commands`, { type: "config", params: { config: { log_level: "debug", webhook_timeout_s: 15 } } });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe("pending");
    await nextEvent(agent, "command:applied", (event) => event.id === created.body.id);
    expect(simulated.state.config).toEqual({ log_level: "debug", webhook_timeout_s: 15 });

    const acked = await eventually(() => commandStatus(id, created.body.id), (command) => command?.status === "applied");
    expect(acked?.details).toHaveProperty("effective_config_hash");
    // The next heartbeats carry the new effective config in `changes`.
    const seen = await eventually(() => getPlugin(id), (found) => found.effective_config?.log_level === "debug");
    expect(seen.effective_config).toEqual({ log_level: "debug", webhook_timeout_s: 15 });
  });

  it("acks failed with rolled_back when an update leaves the plugin unhealthy", async () => {
    const id = agent.instanceUid ?? "";
    const created = await server.request<Command>("POST", `/v1/plugins/${id}/commands`, { type: "update", params: { version: "2.0.0", break_health: true } });
    const rolledBack = nextEvent(agent, "rolled_back", (event) => event.commandId === created.body.id);
    const failed = await nextEvent(agent, "command:failed", (event) => event.id === created.body.id);
    expect(failed.error.code).toBe("health_check_failed");
    expect((await rolledBack).reason).toBe("health_check_failed");
    expect(simulated.state.version).toBe("1.4.2");

    const acked = await eventually(() => commandStatus(id, created.body.id), (command) => command?.status === "failed");
    expect(acked?.error?.code).toBe("health_check_failed");
    expect(acked?.details).toMatchObject({ rolled_back: true });
  });

  it("resyncs with full state after a sequence gap", async () => {
    const gapBeat = nextEvent(agent, "error", (event) => event.phase === "heartbeat");
    failNextHeartbeat = true;
    await gapBeat;
    // The attempt that failed took a number, so the next one arrives with a gap…
    const afterGap = await nextEvent(agent, "heartbeat");
    expect(afterGap.fullState).toBe(false);
    const id = agent.instanceUid ?? "";
    const { rows } = await server.db.query<{ report_full_state: boolean; last_sequence_num: string }>(
      "select report_full_state, last_sequence_num::text as last_sequence_num from plugin_instances where id = $1",
      [id],
    );
    // …which the server answered with report_full_state (the next beat is a second away).
    expect(rows[0]).toEqual({ last_sequence_num: String(afterGap.sequenceNum), report_full_state: true });
    // …and the next heartbeat carries full state.
    const resync = await nextEvent(agent, "heartbeat");
    expect(resync).toMatchObject({ sequenceNum: afterGap.sequenceNum + 1, fullState: true });
    const { rows: samples } = await server.db.query<{ sequence_num: string }>(
      "select sequence_num from plugin_telemetry_samples where instance_id = $1 order by id",
      [id],
    );
    const numbers = samples.map((sample) => Number(sample.sequence_num));
    expect(numbers).toContain(afterGap.sequenceNum);
    expect(numbers).not.toContain(afterGap.sequenceNum - 1);
  });

  it("refuses a command whose row was edited in the database: handler never called, ack rejected", async () => {
    const id = agent.instanceUid ?? "";
    // Stop the agent so the command cannot be delivered before the forgery.
    await agent.stop();
    const created = await server.request<Command>("POST", `/v1/plugins/${id}/commands`, { type: "config", params: { config: { log_level: "warn" } } });
    await server.db.query(`update plugin_commands set params = '{"config":{"log_level":"trace","evil":true}}' where id = $1`, [created.body.id]);
    const callsBefore = simulated.calls.length;

    agent = newAgent();
    const rejected = nextEvent(agent, "command:rejected", (event) => event.id === created.body.id);
    await agent.start();
    expect(await rejected).toMatchObject({ reason: "invalid_signature" });
    expect(simulated.calls.length).toBe(callsBefore);
    expect(simulated.state.config).toEqual({ log_level: "debug", webhook_timeout_s: 15 });
    const acked = await eventually(() => commandStatus(id, created.body.id), (command) => command?.status === "rejected");
    expect(acked?.error?.code).toBe("invalid_signature");
  });

  it("keeps working across a server restart on the same database", async () => {
    const id = agent.instanceUid ?? "";
    await nextEvent(agent, "heartbeat");
    await server.restart();
    const created = await server.request<Command>("POST", `/v1/plugins/${id}/commands`, { type: "config", params: { config: { log_level: "error" } } });
    expect(created.status).toBe(201);
    await nextEvent(agent, "command:applied", (event) => event.id === created.body.id);
    await eventually(() => commandStatus(id, created.body.id), (command) => command?.status === "applied");
    expect(simulated.state.config).toEqual({ log_level: "error" });
  });

  it("stops the agent with 401 once the operator revokes it", async () => {
    const id = agent.instanceUid ?? "";
    const revoked = nextEvent(agent, "revoked");
    const response = await server.request<Plugin>("POST", `/v1/plugins/${id}/revoke`);
    expect(response.body.status).toBe("revoked");
    expect((await revoked).error.status).toBe(401);
  });
});
