import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AgentHandlers, createAgent, type JsonObject, type PluginAgent } from "@relais/plugin-agent";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandSigner } from "../../agents/signing.js";
import { eventually, nextEvent, RestartableServer } from "../../agents/testing/harness.js";
import { deriveServerKeys } from "../../crypto/keys.js";
import { TEST_MASTER_KEY } from "../../testing/test-server.js";
import { DecisionEngine } from "../decisions/engine.js";
import { runDetection } from "../detection/job.js";
import { runRollouts, type RolloutContext } from "./rollout.js";
import { AutopatchService } from "./service.js";

// Self-healing end to end: a real server (PGlite, or PostgreSQL with DATABASE_URL), real
// @relais/plugin-agent agents heartbeating every second, simulated plugins that fail on demand,
// and a stand-in decision service. Detection and rollout passes are run by the test (the
// server's own jobs are slowed out of the way) with a clock 31 s ahead, so each 30 s health
// watch is due as soon as its samples are in.

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DB_DOWN = "PDOException: SQLSTATE[HY000] [2002] Connection refused";

type Target = { plugin_id: string; wave: number; state: string; before_version: string | null };
type Autopatch = { id: string; status: string; status_reason: string | null; wave_count: number; approvals: unknown[]; targets: Target[]; rule_id: string | null };
type Attempt = { plugin_id: string; outcome: string; before_version: string; after_version: string; wave: number; health: { verdict: string; reasons: string[] }; rollback_command_id: string | null };
type Incident = { id: string; status: string; type: string };

/** A plugin that fails while its database config is wrong, or while running a bad version. */
function simulatedShop(version: string) {
  const state = { version, config: { database: { persistent: true } } as JsonObject, failing: false };
  const errorsPerBeat = () => {
    if (state.version.endsWith("-bad")) return 120;
    if (state.failing && (state.config.database as JsonObject).persistent !== false) return 40;
    return 0;
  };
  const handlers: AgentHandlers = {
    config: ({ config }) => {
      state.config = config;
    },
    update: ({ version: next }) => {
      state.version = String(next);
      return { pluginVersion: state.version };
    },
    snapshot: () => ({ version: state.version, config: state.config }),
    restore: (snapshot) => {
      const data = snapshot.data as { version: string; config: JsonObject };
      state.version = data.version;
      state.config = data.config;
    },
    // The local check passes: only the server's watch, comparing telemetry, sees the regression.
    healthCheck: () => true,
  };
  return { state, handlers, errorsPerBeat };
}

async function startDecisionService() {
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  let answer: ((body: string) => { status: number; json?: unknown } | null) | undefined;
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])), body });
      const reply = answer?.(body);
      if (!reply) return; // never answers: the engine times out
      response.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.json ?? {}));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/decide`,
    received,
    script(next: typeof answer) {
      answer = next;
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe("self-healing end to end: detection, decision, policy, staged rollout, rollback", () => {
  let server: RestartableServer;
  let service: Awaited<ReturnType<typeof startDecisionService>>;
  let engine: DecisionEngine;
  let autopatches: AutopatchService;
  let rollout: RolloutContext;
  const agents: PluginAgent[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    [server, service] = await Promise.all([
      // The server's own detection and rollout jobs would race the test's passes: slowed away.
      RestartableServer.start({ RELAIS_AGENT_HEARTBEAT_S: "1", RELAIS_AGENT_MONITOR_INTERVAL_S: "3600", RELAIS_AUTOPATCH_INTERVAL_S: "300" }),
      startDecisionService(),
    ]);
    const settings = { url: service.url, secret: SECRET, timeoutMs: 300 };
    engine = new DecisionEngine(server.db, settings);
    autopatches = new AutopatchService(server.db);
    rollout = { signer: new CommandSigner(deriveServerKeys(Buffer.from(TEST_MASTER_KEY, "base64")).secretEncryption), decisionService: settings };
  });
  afterAll(async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(agents.map((agent) => agent.stop()));
    await server.close();
    service.close();
  });

  /** Enrols `count` agents of one plugin version in a new app; each reports its plugin's errors every heartbeat. */
  async function fleet(count: number, version: string) {
    const app = (await server.request<{ id: string }>("POST", "/v1/apps", { name: `Shops ${version}` })).body.id;
    const token = (await server.request<{ token: string }>("POST", `/v1/apps/${app}/agent_enrolment_tokens`, { max_uses: count })).body.token;
    const shops = [];
    for (let index = 0; index < count; index += 1) {
      const shop = simulatedShop(version);
      const agent = createAgent({
        serverUrl: server.url,
        plugin: { name: "relais-woocommerce", version, platform: "woocommerce" },
        enrolmentToken: token,
        handlers: shop.handlers,
        initialConfig: shop.state.config,
      });
      agents.push(agent);
      // Errors as the plugin hits them, a few times a second.
      timers.push(
        setInterval(() => {
          const errors = shop.errorsPerBeat() / 4;
          for (let n = 0; n < errors; n += 1) agent.reportError(DB_DOWN, "db.connection");
        }, 250),
      );
      const enrolled = nextEvent(agent, "enrolled");
      await agent.start();
      shops.push({ ...shop, agent, id: (await enrolled).instanceUid });
    }
    return { app, shops };
  }

  /** Waits until every instance has sent `count` more heartbeats. */
  async function heartbeats(ids: string[], count: number) {
    const sampleCount = async () => {
      const { rows } = await server.db.query<{ n: number }>("select count(*)::int as n from plugin_telemetry_samples where instance_id = any($1::text[]) group by instance_id", [ids]);
      return rows.length < ids.length ? 0 : Math.min(...rows.map((row) => row.n));
    };
    const start = await sampleCount();
    await eventually(sampleCount, (n) => n >= start + count);
  }

  /** Runs rollout passes, with the clock 31 s ahead, until the autopatch's status is one of `statuses`. */
  async function drive(id: string, statuses: string[]): Promise<Autopatch> {
    return eventually(
      async () => {
        await runRollouts(server.db, rollout, new Date(Date.now() + 31_000));
        return (await server.request<Autopatch>("GET", `/v1/autopatches/${id}`)).body;
      },
      (patch) => statuses.includes(patch.status),
    );
  }

  const incidentsOf = async (ids: string[]) => {
    const all = (await server.request<{ data: Array<Incident & { plugin_id: string }> }>("GET", "/v1/incidents?limit=100")).body.data;
    return all.filter((incident) => ids.includes(incident.plugin_id));
  };
  const attemptsOf = async (id: string) => (await server.request<{ data: Attempt[] }>("GET", `/v1/autopatch_attempts?autopatch_id=${id}&limit=100`)).body.data;

  it("repairs a failing fleet by rule while the decision service is down: canary, watch, the rest, incidents resolved", { timeout: 120_000 }, async () => {
    const rule = await server.request<{ id: string; confidence: number }>("POST", "/v1/healing_rules", {
      name: "Non-persistent database connections",
      match: { incident_types: ["error_spike"], error_codes: ["db.connection"], message_pattern: "SQLSTATE\\[HY000\\]" },
      action: { type: "config", params: { database: { persistent: false } } },
      confidence: 0.9,
      auto_apply: true,
    });
    expect(rule.status).toBe(201);
    expect((await server.request("PUT", "/v1/ops_policy", { policy: { max_auto_severity: "critical", canary_percent: 10, canary_duration_s: 30 } })).status).toBe(200);
    service.script(() => null); // the decision service hangs: rules decide after 300 ms

    const { shops } = await fleet(4, "1.4.2");
    const ids = shops.map((shop) => shop.id);
    await heartbeats(ids, 6); // a normal history
    const failing = shops.slice(0, 3);
    for (const shop of failing) shop.state.failing = true;
    await heartbeats(ids, 2);

    const detection = await runDetection(server.db, engine, { autopatches });
    expect(detection.opened).toHaveLength(3);
    // One autopatch for the cohort (same app, plugin and version, same incident type).
    expect(detection.autopatches).toHaveLength(1);
    const [patchId] = detection.autopatches;
    const created = (await server.request<Autopatch>("GET", `/v1/autopatches/${patchId}`)).body;
    expect(created).toMatchObject({ status: "running", rule_id: rule.body.id, wave_count: 2 });
    expect(created.targets.map((target) => target.plugin_id).sort()).toEqual(failing.map((shop) => shop.id).sort());
    expect(created.targets.map((target) => target.wave)).toEqual([0, 1, 1]);
    expect((await incidentsOf(ids)).map((incident) => incident.status)).toEqual(["mitigating", "mitigating", "mitigating"]);
    const decisions = (await server.request<{ data: Array<{ source: string; remote_error: string }> }>("GET", `/v1/incidents/${(await incidentsOf(ids))[0]?.id}/decisions`)).body.data;
    expect(decisions[0]).toMatchObject({ source: "rules", remote_error: "no answer within 300 ms" });

    // The canary first: one instance gets the config, merged over its own.
    const canary = await eventually(
      async () => {
        await runRollouts(server.db, rollout, new Date(Date.now() + 31_000));
        return (await server.request<Autopatch>("GET", `/v1/autopatches/${patchId}`)).body;
      },
      (patch) => patch.targets.some((target) => target.state === "watching"),
    );
    expect(canary.targets.filter((target) => target.wave === 1).map((target) => target.state)).toEqual(["waiting", "waiting"]);
    const canaryShop = failing.find((shop) => shop.id === canary.targets[0]?.plugin_id);
    expect(canaryShop?.state.config).toEqual({ database: { persistent: false } });

    const done = await drive(patchId ?? "", ["completed", "rolling_back", "rolled_back", "paused"]);
    expect(done.status).toBe("completed");
    for (const shop of failing) expect(shop.state.config).toEqual({ database: { persistent: false } });
    expect(shops[3]?.state.config).toEqual({ database: { persistent: true } });

    const attempts = await attemptsOf(patchId ?? "");
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ outcome: "succeeded", before_version: "1.4.2", after_version: "1.4.2", health: { verdict: "pass" } });
    }
    expect((await incidentsOf(ids)).map((incident) => incident.status)).toEqual(["resolved", "resolved", "resolved"]);

    // Success feeds back into the rule. (The passes ran 31 s ahead: so did the attempts' end times.)
    const after = (await server.request<{ confidence: number; successes: number }>("GET", `/v1/healing_rules/${rule.body.id}`)).body;
    expect(after).toMatchObject({ successes: 1, confidence: 0.905 });
    const stats = (await server.request<{ autopatches: { success_rate: number; rollback_rate: number; attempts: { total: number }; time_to_repair: { count: number } } }>("GET", `/v1/healing/stats?until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body;
    expect(stats.autopatches).toMatchObject({ success_rate: 1, rollback_rate: 0, attempts: { total: 3 }, time_to_repair: { count: 3 } });
    // The same KPIs on /metrics, over the last 24 hours.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('relais_healing_kpi{kpi="success_rate"} 1');
    expect(metrics).toContain('relais_healing_kpi{kpi="rollback_rate"} 0');
    expect(metrics).toMatch(/relais_healing_kpi\{kpi="mttr_seconds"\} \d/);
    expect(metrics).toMatch(/relais_healing_kpi\{kpi="mttd_seconds"\} \d/);
  });

  it("stops a patch that makes things worse at the canary and rolls it back through the agent, after two distinct approvals", { timeout: 120_000 }, async () => {
    const { shops } = await fleet(3, "2.0.0");
    const ids = shops.map((shop) => shop.id);
    await heartbeats(ids, 6);
    for (const shop of shops) shop.state.failing = true;
    await heartbeats(ids, 2);

    // The decision service answers this time, with an update that turns out to be bad.
    service.script((body) =>
      JSON.parse(body).type === undefined
        ? { status: 200, json: { action: { type: "update", params: { version: "2.0.1-bad" } }, confidence: 0.97, explanation: "2.0.1 fixes the connection pool." } }
        : { status: 204 },
    );
    const detection = await runDetection(server.db, engine, { autopatches });
    expect(detection.opened).toHaveLength(3);
    const [patchId] = detection.autopatches;
    // Updates need two approvals by default (multi-signature).
    const waiting = (await server.request<Autopatch>("GET", `/v1/autopatches/${patchId}`)).body;
    expect(waiting).toMatchObject({ status: "awaiting_approval", status_reason: "needs 2 approvals by distinct operators" });
    await runRollouts(server.db, rollout, new Date(Date.now() + 31_000));
    expect((await server.request<{ data: unknown[] }>("GET", `/v1/plugins/${ids[0]}/commands`)).body.data).toHaveLength(0);

    const operator = async (name: string) =>
      (await server.request<{ secret: string }>("POST", `/v1/apps/${(await server.request<{ id: string }>("POST", "/v1/apps", { name })).body.id}/keys`, { name, scopes: ["healing:write", "healing:read"] })).body.secret;
    const [alice, bob] = [await operator("Alice"), await operator("Bob")];
    expect((await server.request("POST", `/v1/autopatches/${patchId}/approve`, undefined, alice)).status).toBe(200);
    const twice = await server.request<{ code: string }>("POST", `/v1/autopatches/${patchId}/approve`, undefined, alice);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("already_approved");
    expect((await server.request<Autopatch>("GET", `/v1/autopatches/${patchId}`)).body.status).toBe("awaiting_approval");
    const approved = await server.request<Autopatch>("POST", `/v1/autopatches/${patchId}/approve`, undefined, bob);
    expect(approved.body).toMatchObject({ status: "running", approvals: [expect.anything(), expect.anything()] });

    const ended = await drive(patchId ?? "", ["completed", "rolled_back", "paused"]);
    expect(ended.status).toBe("rolled_back");
    expect(ended.status_reason).toMatch(/got worse after the fix: .*errors per heartbeat/);
    const canary = ended.targets.find((target) => target.wave === 0);
    expect(canary?.state).toBe("rolled_back");
    expect(ended.targets.filter((target) => target.wave > 0).map((target) => target.state)).toEqual(["skipped", "skipped"]);

    // The agent restored its snapshot: the old version again, and only the canary ever moved.
    const canaryShop = shops.find((shop) => shop.id === canary?.plugin_id);
    expect(canaryShop?.state.version).toBe("2.0.0");
    for (const shop of shops) expect(shop.state.version).toBe("2.0.0");
    const [attempt] = await attemptsOf(patchId ?? "");
    expect(attempt).toMatchObject({ outcome: "rolled_back", before_version: "2.0.0", health: { verdict: "fail" } });
    expect(attempt?.rollback_command_id).toMatch(/^cmd_/);
    const reported = await eventually(
      async () => (await server.request<{ plugin: { version: string } }>("GET", `/v1/plugins/${canary?.plugin_id}`)).body.plugin.version,
      (version) => version === "2.0.0",
    );
    expect(reported).toBe("2.0.0");

    // The fix failed: people take over, and detection does not open the same incidents again.
    expect((await incidentsOf(ids)).map((incident) => incident.status)).toEqual(["escalated", "escalated", "escalated"]);
    await heartbeats(ids, 1);
    expect((await runDetection(server.db, engine, { autopatches })).opened).toEqual([]);
    // The decision service heard how its advice went (signed like its requests).
    const feedback = service.received.find((request) => request.body.includes(`"autopatch_id":"${patchId}"`));
    expect(new Webhook(SECRET).verify(feedback?.body ?? "", feedback?.headers ?? {})).toMatchObject({ outcome: "rolled_back", autopatch_id: patchId });

    // The attempt log is immutable, in the database itself.
    await expect(server.db.query("update autopatch_attempts set outcome = 'succeeded'")).rejects.toThrow(/append-only/);
    await expect(server.db.query("delete from autopatch_attempts")).rejects.toThrow(/append-only/);
  });
});
