import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommandSigner } from "../../agents/signing.js";
import { deriveServerKeys } from "../../crypto/keys.js";
import type { ProblemDocument } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { type ApiObject, startTestServer, TEST_MASTER_KEY, type TestServer } from "../../testing/test-server.js";
import { DecisionEngine } from "../decisions/engine.js";
import { runDetection } from "../detection/job.js";
import { runRollouts, type RolloutContext } from "./rollout.js";
import { AutopatchService } from "./service.js";

// The autopatch API and the rollout's rules, with agents played by the test over the agent
// protocol (heartbeats and acks), so each step is exact: policy holds, approvals, abort,
// inconclusive watches, failed applies and bad input.

type Target = { plugin_id: string; wave: number; state: string; command_id: string | null; rollback_command_id: string | null; health: Record<string, unknown> | null };
type Autopatch = ApiObject & { status: string; status_reason: string | null; approvals: unknown[]; approvals_required: number; current_wave: number; targets: Target[] };
type Command = { id: string; type: string; params: Record<string, unknown> };

const plugin = { name: "relais-prestashop", version: "3.1.0", platform: "prestashop" };
const configFix = { type: "config", params: { cache: { enabled: false } } };

describe("autopatches: API, policy and rollout rules", () => {
  let server: TestServer;
  let rollout: RolloutContext;
  let appId: string;

  beforeAll(async () => {
    server = await startTestServer({ RELAIS_AGENT_MONITOR_INTERVAL_S: "3600", RELAIS_AUTOPATCH_INTERVAL_S: "300" });
    rollout = { signer: new CommandSigner(deriveServerKeys(Buffer.from(TEST_MASTER_KEY, "base64")).secretEncryption) };
    appId = (await server.request("POST", "/v1/apps", { body: { name: "Shops" } })).body.id;
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { approvals: { config: 0, update: 2, rollback: 0 }, canary_percent: 50, canary_duration_s: 30 } } });
  });

  /** An instance played by the test: heartbeats with a chosen error count, and acks. */
  async function instance(commands: string[] = ["config", "update", "rollback"]) {
    const { token } = (await server.request<ApiObject & { token: string }>("POST", `/v1/apps/${appId}/agent_enrolment_tokens`, { body: {} })).body;
    const enrolled = (await server.request<ApiObject & { instance_uid: string; agent_secret: string }>("POST", "/v1/agent/enrol", { body: { token, plugin }, key: null })).body;
    let sequence = 0;
    const beat = async (errors = 0) => {
      sequence += 1;
      const response = await server.request<{ next_heartbeat_in_s: number; commands: Command[] }>("POST", "/v1/agent/heartbeat", {
        key: enrolled.agent_secret,
        body: {
          instance_uid: enrolled.instance_uid,
          sequence_num: sequence,
          plugin,
          env: { runtime: "php" },
          health: { healthy: true, errors: errors === 0 ? [] : [{ message: "cache write failed", code: "cache.write", count: errors, last_at: new Date().toISOString() }], webhook_fail_rate: 0 },
          effective_config_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
          capabilities: { commands, local_rollback: true, health_check: true },
          ...(sequence === 1 ? { full_state: { effective_config: { cache: { enabled: true, ttl: 60 } }, config_status: null, telemetry: { since: "2025-06-01T00:00:00Z", counters: {} }, commands: [] } } : {}),
        },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
    const ack = async (id: string, status: "applied" | "failed", extra: Record<string, unknown> = {}) => {
      const response = await server.request("POST", `/v1/agent/commands/${id}/ack`, {
        key: enrolled.agent_secret,
        body: { status, completed_at: new Date().toISOString(), ...extra },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    for (let n = 0; n < 3; n += 1) await beat(0);
    return { id: enrolled.instance_uid, beat, ack };
  }

  const create = (body: unknown, key?: string) => server.request<Autopatch & ProblemDocument>("POST", "/v1/autopatches", { body, ...(key ? { key } : {}) });
  const get = async (id: string) => (await server.request<Autopatch>("GET", `/v1/autopatches/${id}`)).body;
  const pass = (offsetMs = 0) => runRollouts(server.db, rollout, new Date(Date.now() + offsetMs));
  const count = async (table: string) => (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n;

  it("rolls a manual fix out in waves, merging the config patch over each instance's own config", async () => {
    const [a, b] = [await instance(), await instance()];
    const created = await create({ action: configFix, plugin_ids: [a.id, b.id] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: "autopatch", status: "running", approvals_required: 0, wave_count: 2, canary_percent: 50, watch_seconds: 30 });

    await pass();
    const started = await get(created.body.id);
    const canary = started.targets.find((target) => target.wave === 0);
    expect(canary?.state).toBe("applying");
    const canaryAgent = canary?.plugin_id === a.id ? a : b;
    const other = canaryAgent === a ? b : a;
    // The canary's next heartbeat carries the signed command, with the merged config; and asks for fast heartbeats.
    const answer = await canaryAgent.beat();
    expect(answer.commands).toMatchObject([{ type: "config", params: { config: { cache: { enabled: false, ttl: 60 } } } }]);
    expect(answer.next_heartbeat_in_s).toBe(15);
    expect((await other.beat()).commands).toEqual([]);

    await canaryAgent.ack(answer.commands[0]?.id ?? "", "applied");
    for (let n = 0; n < 3; n += 1) await canaryAgent.beat(0);
    // One pass sees the ack, the due watch (passed), the canary wave done, and starts the next wave.
    await pass(31_000);
    const second = await get(created.body.id);
    expect(second).toMatchObject({ current_wave: 1 });
    expect(second.targets.find((target) => target.wave === 0)).toMatchObject({ state: "succeeded", health: { verdict: "pass" } });
    expect(second.targets.find((target) => target.wave === 1)?.state).toBe("applying");
    const command = (await other.beat()).commands[0];
    await other.ack(command?.id ?? "", "applied");
    for (let n = 0; n < 3; n += 1) await other.beat(0);
    await pass(31_000);
    expect((await get(created.body.id)).status).toBe("completed");
    // Out of the rollout: the usual interval again.
    expect((await other.beat()).next_heartbeat_in_s).toBe(120);
  });

  it("holds every wave while the kill switch is on, and goes on when it is off", async () => {
    const a = await instance();
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { kill_switch: true } } });
    const created = await create({ action: configFix, plugin_ids: [a.id] });
    await pass();
    expect(await get(created.body.id)).toMatchObject({ status: "running", status_reason: "held: the kill switch is on" });
    expect((await a.beat()).commands).toEqual([]);
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { kill_switch: false } } });
    await pass();
    expect((await get(created.body.id)).status_reason).toBeNull();
    expect((await a.beat()).commands).toHaveLength(1);
  });

  it("holds outside the maintenance windows", async () => {
    const a = await instance();
    const hour = (new Date().getUTCHours() + 2) % 24;
    const clock = `${String(hour).padStart(2, "0")}:00`;
    const end = `${String((hour + 1) % 24).padStart(2, "0")}:00`;
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { maintenance_windows: [{ days: [0, 1, 2, 3, 4, 5, 6], start: clock, end }] } } });
    const created = await create({ action: configFix, plugin_ids: [a.id] });
    await pass();
    expect((await get(created.body.id)).status_reason).toBe("held: outside the maintenance windows");
    await server.request("POST", `/v1/autopatches/${created.body.id}/abort`);
  });

  it("needs approvals by distinct operators when the policy asks; one operator twice does not count", async () => {
    const a = await instance();
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { approvals: { config: 2, update: 2, rollback: 0 } } } });
    const created = await create({ action: configFix, plugin_ids: [a.id] });
    expect(created.body).toMatchObject({ status: "awaiting_approval", approvals_required: 2 });
    await pass();
    expect((await a.beat()).commands).toEqual([]);

    const first = await server.request<Autopatch>("POST", `/v1/autopatches/${created.body.id}/approve`);
    expect(first.body).toMatchObject({ status: "awaiting_approval", status_reason: "needs 1 more approval by distinct operators" });
    const again = await server.request<ProblemDocument>("POST", `/v1/autopatches/${created.body.id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "already_approved", type: "https://relais.dev/problems/already_approved" });
    expect((await get(created.body.id)).approvals).toHaveLength(1);

    const other = (await server.request<ApiObject & { secret: string }>("POST", `/v1/apps/${appId}/keys`, { body: { name: "second operator", scopes: ["healing:write"] } })).body.secret;
    const second = await server.request<Autopatch>("POST", `/v1/autopatches/${created.body.id}/approve`, { key: other });
    expect(second.body).toMatchObject({ status: "running", approvals: [{ actor: { type: "api_key" } }, { actor: { type: "api_key" } }] });
    const late = await server.request<ProblemDocument>("POST", `/v1/autopatches/${created.body.id}/approve`, { key: other });
    expect(late.status).toBe(409);
    await server.request("POST", `/v1/autopatches/${created.body.id}/abort`);
  });

  it("aborts: at once while awaiting approval; with a rollback of the applied canary while running", async () => {
    const a = await instance();
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { approvals: { config: 1, update: 2, rollback: 0 } } } });
    const waiting = await create({ action: configFix, plugin_ids: [a.id] });
    const stopped = await server.request<Autopatch>("POST", `/v1/autopatches/${waiting.body.id}/abort`);
    expect(stopped.body).toMatchObject({ status: "aborted", status_reason: expect.stringMatching(/^aborted by api_key key_/) });
    expect((await server.request<ProblemDocument>("POST", `/v1/autopatches/${waiting.body.id}/abort`)).status).toBe(409);

    await server.request("PUT", "/v1/ops_policy", { body: { policy: {} } });
    const created = await create({ action: configFix, plugin_ids: [a.id] });
    await pass();
    const apply = (await a.beat()).commands[0];
    await a.ack(apply?.id ?? "", "applied");
    await pass();
    expect((await server.request<Autopatch>("POST", `/v1/autopatches/${created.body.id}/abort`)).body.status).toBe("rolling_back");
    await pass();
    const rollback = (await a.beat()).commands[0];
    expect(rollback).toMatchObject({ type: "rollback", params: {} });
    await pass();
    expect((await get(created.body.id)).status).toBe("rolling_back");
    await a.ack(rollback?.id ?? "", "applied");
    await pass();
    expect(await get(created.body.id)).toMatchObject({ status: "aborted" });
    const attempts = (await server.request<{ data: Array<{ outcome: string; rollback_command_id: string }> }>("GET", `/v1/autopatch_attempts?autopatch_id=${created.body.id}`)).body.data;
    expect(attempts).toMatchObject([{ outcome: "rolled_back", rollback_command_id: rollback?.id }]);
  });

  it("pauses on a watch that stays inconclusive, and an approval accepts it and goes on", async () => {
    const a = await instance();
    const created = await create({ action: configFix, plugin_ids: [a.id] });
    await pass();
    const apply = (await a.beat()).commands[0];
    await a.ack(apply?.id ?? "", "applied");
    await pass();
    // The instance goes silent: no samples after the apply.
    await pass(31_000);
    expect((await get(created.body.id)).status).toBe("running");
    await pass(61_000);
    const paused = await get(created.body.id);
    expect(paused).toMatchObject({ status: "paused", status_reason: expect.stringMatching(/inconclusive: 0 samples since the apply; 2 needed; approve/) });
    const resumed = await server.request<Autopatch>("POST", `/v1/autopatches/${created.body.id}/approve`);
    expect(resumed.body.status).toBe("running");
    expect(resumed.body.targets[0]).toMatchObject({ state: "passed", health: { verdict: "inconclusive", accepted_by: { type: "api_key" } } });
    await pass();
    expect((await get(created.body.id)).status).toBe("completed");
  });

  it("counts a fix the agent could not apply (and undid locally) as rolled back, and stops the rollout", async () => {
    const [a, b] = [await instance(), await instance()];
    const created = await create({ action: configFix, plugin_ids: [a.id, b.id] });
    await pass();
    const canary = (await get(created.body.id)).targets.find((target) => target.wave === 0);
    const agent = canary?.plugin_id === a.id ? a : b;
    const apply = (await agent.beat()).commands[0];
    await agent.ack(apply?.id ?? "", "failed", { error: { code: "health_check_failed", message: "the health check failed" }, details: { rolled_back: true } });
    await pass();
    const ended = await get(created.body.id);
    expect(ended).toMatchObject({ status: "rolled_back", status_reason: expect.stringContaining("health_check_failed") });
    expect(ended.targets.map((target) => target.state).sort()).toEqual(["rolled_back", "skipped"]);
    const attempts = (await server.request<{ data: Array<{ outcome: string; health: Record<string, unknown> }> }>("GET", `/v1/autopatch_attempts?autopatch_id=${created.body.id}`)).body.data;
    expect(attempts).toMatchObject([{ outcome: "rolled_back", health: { verdict: "fail", local_rollback: true } }]);
  });

  it("adds instances whose incident opens later to the cohort's running autopatch, in its next wave", async () => {
    await server.request("POST", "/v1/healing_rules", {
      // An action of its own: an unfinished autopatch of the same action from another test would take these in.
      body: { name: "No cache", match: { error_codes: ["cache.write"] }, action: { type: "config", params: { cache: { ttl: 0 } } }, confidence: 0.9, auto_apply: true },
    });
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { max_auto_severity: "critical", canary_percent: 10, canary_duration_s: 30 } } });
    const [a, b] = [await instance(), await instance()];
    for (let n = 0; n < 4; n += 1) {
      await a.beat(n % 2);
      await b.beat(n % 2);
    }
    const engine = new DecisionEngine(server.db, undefined);
    const autopatches = new AutopatchService(server.db);
    await a.beat(60);
    await b.beat(1);
    const first = await runDetection(server.db, engine, { autopatches });
    expect(first.autopatches).toHaveLength(1);
    const [id] = first.autopatches;
    expect((await get(id ?? "")).targets.map((target) => [target.plugin_id, target.wave])).toEqual([[a.id, 0]]);

    await b.beat(70);
    const second = await runDetection(server.db, engine, { autopatches });
    expect(second.autopatches).toEqual([id]);
    const joined = await get(id ?? "");
    expect(joined).toMatchObject({ wave_count: 2 });
    expect(joined.targets.map((target) => [target.plugin_id, target.wave])).toEqual([
      [a.id, 0],
      [b.id, 1],
    ]);
    await server.request("POST", `/v1/autopatches/${id}/abort`);
  });

  it("does not credit the rule for a rollout whose every instance left before its wave", async () => {
    const rule = (
      await server.request("POST", "/v1/healing_rules", {
        body: { name: "Flush", match: { error_codes: ["cache.write"] }, action: { type: "config", params: { cache: { flush: true } } }, confidence: 0.9, auto_apply: true },
      })
    ).body;
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { max_auto_severity: "critical" } } });
    const a = await instance();
    for (let n = 0; n < 4; n += 1) await a.beat(n % 2);
    await a.beat(80);
    const detection = await runDetection(server.db, new DecisionEngine(server.db, undefined), { autopatches: new AutopatchService(server.db) });
    const id = detection.autopatches[0] ?? "";
    const found = (await get(id)).targets.map((target) => target.plugin_id);
    expect(found).toEqual([a.id]);
    await server.request("POST", `/v1/plugins/${a.id}/revoke`);
    await pass(); // the wave starts: its one instance is gone, skipped
    await pass(); // nothing left to watch: the rollout ends
    expect(await get(id)).toMatchObject({ status: "completed", targets: [{ state: "skipped" }] });
    expect((await server.request("GET", `/v1/healing_rules/${rule.id}`)).body).toMatchObject({ successes: 0, confidence: 0.9 });
  });

  describe("bad input: typed errors, nothing created", () => {
    let before: { patches: number | undefined; commands: number | undefined };
    beforeEach(async () => {
      before = { patches: await count("autopatches"), commands: await count("plugin_commands") };
    });
    const nothingCreated = async () => expect({ patches: await count("autopatches"), commands: await count("plugin_commands") }).toEqual(before);

    it("refuses instances of another account, naming each", async () => {
      const mine = await instance();
      const otherAccount = newId("acct");
      const otherApp = newId("app");
      const theirs = newId("plg");
      await server.db.query("insert into accounts (id, name) values ($1, 'Other tenant')", [otherAccount]);
      await server.db.query("insert into apps (id, account_id, livemode, name, environment) values ($1, $2, true, 'Theirs', 'production')", [otherApp, otherAccount]);
      await server.db.query(
        `insert into plugin_instances (id, account_id, livemode, app_id, plugin_name, plugin_version, platform, heartbeat_interval_s)
         values ($1, $2, true, $3, 'relais-prestashop', '3.1.0', 'prestashop', 120)`,
        [theirs, otherAccount, otherApp],
      );
      const response = await create({ action: configFix, plugin_ids: [mine.id, theirs] });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: "invalid_request", errors: [{ path: "body.plugin_ids.1", code: "unknown_plugin" }] });
      await nothingCreated();
    });

    it.each([
      ["a notify action", { action: { type: "notify", params: {} }, plugin_ids: ["plg_x"] }, "body.action.type"],
      ["no action and no decision", { plugin_ids: ["plg_x"] }, "body.action"],
      ["no targets and no decision", { action: configFix }, "body.plugin_ids"],
      ["an empty target list", { action: configFix, plugin_ids: [] }, "body.plugin_ids"],
      ["an update without a version", { action: { type: "update", params: {} }, plugin_ids: ["plg_x"] }, "body.action.params.version"],
      ["an unknown field", { action: configFix, plugin_ids: ["plg_x"], canary: 5 }, "body.canary"],
    ])("refuses %s with 400 and the field", async (_name, body, path) => {
      const response = await create(body);
      expect(response.status).toBe(400);
      expect(response.body.errors?.map((error) => error.path)).toContain(path);
      await nothingCreated();
    });

    it("refuses an instance that does not accept the command type, and one already in a rollout", async () => {
      const limited = await instance(["config"]);
      const refused = await create({ action: { type: "update", params: { version: "3.2.0" } }, plugin_ids: [limited.id] });
      expect(refused.body).toMatchObject({ status: 400, errors: [{ code: "command_not_accepted" }] });
      await server.request("PUT", "/v1/ops_policy", { body: { policy: { kill_switch: true } } });
      const first = await create({ action: configFix, plugin_ids: [limited.id] });
      before = { patches: await count("autopatches"), commands: await count("plugin_commands") };
      const busy = await create({ action: configFix, plugin_ids: [limited.id] });
      expect(busy.status).toBe(409);
      expect(busy.body.detail).toContain(limited.id);
      await nothingCreated();
      await server.request("POST", `/v1/autopatches/${first.body.id}/abort`);
    });

    it("answers 404 for an unknown decision or autopatch, and 403 without the write scope", async () => {
      expect((await create({ decision_id: "dec_00000000000000000000000000" })).status).toBe(404);
      expect((await server.request("POST", "/v1/autopatches/apt_00000000000000000000000000/approve")).status).toBe(404);
      const reader = (await server.request<ApiObject & { secret: string }>("POST", `/v1/apps/${appId}/keys`, { body: { name: "reader", scopes: ["healing:read"] } })).body.secret;
      const denied = await create({ action: configFix, plugin_ids: ["plg_x"] }, reader);
      expect(denied.status).toBe(403);
      expect((await server.request("GET", "/v1/autopatches", { key: reader })).status).toBe(200);
      await nothingCreated();
    });
  });
});

describe("the rollout job of a worker role", () => {
  it("moves autopatches on by itself every RELAIS_AUTOPATCH_INTERVAL_S, and /metrics carries the healing series", async () => {
    const server = await startTestServer({ RELAIS_AUTOPATCH_INTERVAL_S: "1" });
    try {
      const app = (await server.request("POST", "/v1/apps", { body: { name: "Shop" } })).body.id;
      const { token } = (await server.request<ApiObject & { token: string }>("POST", `/v1/apps/${app}/agent_enrolment_tokens`, { body: {} })).body;
      const enrolled = (await server.request<ApiObject & { instance_uid: string }>("POST", "/v1/agent/enrol", { body: { token, plugin }, key: null })).body;
      const created = await server.request<Autopatch>("POST", "/v1/autopatches", { body: { action: configFix, plugin_ids: [enrolled.instance_uid] } });
      expect(created.status).toBe(201);
      for (;;) {
        const patch = (await server.request<Autopatch>("GET", `/v1/autopatches/${created.body.id}`)).body;
        if (patch.targets[0]?.state === "applying") break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain("# TYPE relais_autopatch_attempts_total counter");
      expect(metrics).toContain("# TYPE relais_healing_kpi gauge");
    } finally {
      await server.close();
    }
  });
});
