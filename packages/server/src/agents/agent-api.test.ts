import { importCommandSigningKey, verifyCommand } from "@relais/plugin-agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProblemDocument } from "../http/problem.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import { runAgentMonitor } from "./monitor.js";

// The agent endpoints over raw HTTP: every refusal is a typed problem and leaves nothing behind.

type Enrolled = { instance_uid: string; agent_secret: string; command_signing_key: { kty: "OKP"; crv: "Ed25519"; x: string; kid: string } };
type Beat = { next_heartbeat_in_s: number; report_full_state: boolean; commands: Array<Record<string, unknown> & { id: string }> };

const plugin = { name: "relais-prestashop", version: "3.0.1", platform: "prestashop" };
const HASH = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

function beat(instanceUid: string, sequenceNum: number, extra: Record<string, unknown> = {}) {
  return {
    instance_uid: instanceUid,
    sequence_num: sequenceNum,
    plugin,
    env: { runtime: "php", runtime_version: "8.3.7" },
    health: { healthy: true, errors: [], webhook_fail_rate: 0.01 },
    effective_config_hash: HASH,
    capabilities: { commands: ["config", "update", "cache.flush"], local_rollback: true, health_check: true },
    ...extra,
  };
}

const fullState = (counters: Record<string, number> = {}) => ({
  effective_config: {},
  config_status: null,
  telemetry: { since: "2025-06-01T08:00:00Z", counters },
  commands: [],
});

describe("agent API", () => {
  let server: TestServer;
  let appId: string;
  const count = async (table: string) => Number((await server.db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n);
  const token = async (body: Record<string, unknown> = {}) =>
    (await server.request<{ id: string; token: string }>("POST", `/v1/apps/${appId}/agent_enrolment_tokens`, { body })).body;
  const enrol = (tokenValue: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    server.request<Enrolled & ProblemDocument>("POST", "/v1/agent/enrol", { body: { token: tokenValue, plugin, ...extra }, key: null, headers });
  const heartbeat = (secret: string, body: unknown, headers: Record<string, string> = {}) =>
    server.request<Beat & ProblemDocument>("POST", "/v1/agent/heartbeat", { body, key: secret, headers });
  const ack = (secret: string, commandId: string, body: unknown) =>
    server.request<{ id: string; status: string } & ProblemDocument>("POST", `/v1/agent/commands/${commandId}/ack`, { body, key: secret });
  const newAgent = async () => {
    const enrolled = (await enrol((await token()).token)).body;
    expect((await heartbeat(enrolled.agent_secret, beat(enrolled.instance_uid, 1, { full_state: fullState() }))).status).toBe(200);
    return enrolled;
  };

  beforeAll(async () => {
    server = await startTestServer({ RELAIS_AGENT_HEARTBEAT_S: "60", RELAIS_AGENT_BODY_LIMIT_BYTES: "16384" });
    appId = (await server.request("POST", "/v1/apps", { body: { name: "Shop" } })).body.id;
  });
  afterAll(() => server.close());

  describe("enrolment", () => {
    it("issues plg_ credentials and an Ed25519 JWK; the token is stored only as a hash", async () => {
      const created = await token({ max_uses: 2 });
      const response = await enrol(created.token);
      expect(response.status).toBe(201);
      expect(response.body.instance_uid).toMatch(/^plg_/);
      expect(response.body.agent_secret).toMatch(/^ags_/);
      expect(response.body.command_signing_key).toMatchObject({ kty: "OKP", crv: "Ed25519" });
      const { rows } = await server.db.query("select * from agent_enrolment_tokens where id = $1", [created.id]);
      expect(JSON.stringify(rows)).not.toContain(created.token);
      const instances = await server.db.query("select * from plugin_instances where id = $1", [response.body.instance_uid]);
      expect(JSON.stringify(instances.rows)).not.toContain(response.body.agent_secret);
    });

    it("refuses an expired token with 401 invalid_enrolment_token and stores nothing", async () => {
      const created = await token();
      await server.db.query("update agent_enrolment_tokens set expires_at = now() - interval '1 minute' where id = $1", [created.id]);
      const before = await count("plugin_instances");
      const response = await enrol(created.token);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("invalid_enrolment_token");
      expect(await count("plugin_instances")).toBe(before);
    });

    it("stops at max_uses, but an Idempotency-Key replay returns the first response without a use", async () => {
      const created = await token({ max_uses: 1 });
      const first = await enrol(created.token, { "idempotency-key": "enrol-1" });
      expect(first.status).toBe(201);
      const replay = await enrol(created.token, { "idempotency-key": "enrol-1" });
      expect(replay.status).toBe(201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.body).toEqual(first.body);
      const before = await count("plugin_instances");
      const exhausted = await enrol(created.token);
      expect(exhausted.status).toBe(401);
      expect(exhausted.body.code).toBe("invalid_enrolment_token");
      expect(await count("plugin_instances")).toBe(before);
      const mismatch = await enrol(created.token, { "idempotency-key": "enrol-1" }, { plugin: { ...plugin, version: "9.9.9" } });
      expect(mismatch.status).toBe(409);
      expect(mismatch.body.code).toBe("idempotency_key_mismatch");
      // The stored response holds the agent secret, sealed.
      const stored = await server.db.query<{ response_body: string }>("select response_body from idempotency_keys where key like 'agent_enrol:%'");
      expect(stored.rows.map((row) => row.response_body).join()).not.toContain(first.body.agent_secret);
    });

    it("re-enrols a revoked instance under its old id when the token is for its app", async () => {
      const agent = await newAgent();
      await server.request("POST", `/v1/plugins/${agent.instance_uid}/revoke`);
      expect((await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2))).status).toBe(401);
      const again = await enrol((await token()).token, {}, { instance_uid: agent.instance_uid });
      expect(again.body.instance_uid).toBe(agent.instance_uid);
      const resumed = await heartbeat(again.body.agent_secret, beat(agent.instance_uid, 1));
      expect(resumed.body.report_full_state).toBe(true);
      expect((await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2))).status).toBe(401);
    });

    it("rejects a malformed enrolment with 400", async () => {
      const response = await server.request<ProblemDocument>("POST", "/v1/agent/enrol", { body: { token: "aet_x", plugin: { name: "x" } }, key: null });
      expect(response.status).toBe(400);
      expect(response.body.errors?.map((error) => error.path)).toEqual(expect.arrayContaining(["body.plugin.version", "body.plugin.platform"]));
    });
  });

  describe("heartbeat", () => {
    it("answers the configured interval and asks for full state until it gets it", async () => {
      const enrolled = (await enrol((await token()).token)).body;
      const withoutState = await heartbeat(enrolled.agent_secret, beat(enrolled.instance_uid, 1));
      expect(withoutState.body).toEqual({ next_heartbeat_in_s: 60, report_full_state: true, commands: [] });
      const full = await heartbeat(enrolled.agent_secret, beat(enrolled.instance_uid, 2, { full_state: fullState({ orders: 3 }) }));
      expect(full.body.report_full_state).toBe(false);
      const delta = await heartbeat(enrolled.agent_secret, beat(enrolled.instance_uid, 3, { changes: { telemetry: { since: "2025-06-01T08:00:00Z", counters: { webhooks: 2 } } } }));
      expect(delta.body.report_full_state).toBe(false);
      const detail = await server.request<{ telemetry: { counters: Record<string, number> } }>("GET", `/v1/plugins/${enrolled.instance_uid}`);
      expect(detail.body.telemetry.counters).toEqual({ orders: 3, webhooks: 2 });
    });

    it("merges changes like the full path on the one-statement path: counters, restarts, samples, audited delivery", async () => {
      const agent = await newAgent();
      const telemetry = (since: string, counters: Record<string, number>) => ({ changes: { telemetry: { since, counters } } });
      const first = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2, telemetry("2025-06-01T08:00:00Z", { orders: 1, webhooks: 4 })));
      expect(first.body).toEqual({ next_heartbeat_in_s: 60, report_full_state: false, commands: [] });
      await heartbeat(agent.agent_secret, beat(agent.instance_uid, 3, telemetry("2025-06-01T08:00:00Z", { orders: 2 })));
      const counters = async () =>
        (await server.request<{ telemetry: { counters: Record<string, number>; since: string } }>("GET", `/v1/plugins/${agent.instance_uid}`)).body.telemetry;
      expect(await counters()).toMatchObject({ counters: { orders: 2, webhooks: 4 }, since: "2025-06-01T08:00:00Z" });
      // A new `since` means the plugin restarted its counters: they replace the known ones.
      await heartbeat(agent.agent_secret, beat(agent.instance_uid, 4, telemetry("2025-06-02T08:00:00Z", { orders: 1 })));
      expect(await counters()).toMatchObject({ counters: { orders: 1 }, since: "2025-06-02T08:00:00Z" });
      // A config change and an unhealthy report land too; every accepted heartbeat leaves one sample.
      const unhealthy = beat(agent.instance_uid, 5, {
        changes: { effective_config: { mode: "live" } },
        health: { healthy: false, errors: [{ message: "db down", code: "db", count: 3, last_at: "2025-06-02T08:01:00Z" }], webhook_fail_rate: 0.5 },
      });
      expect((await heartbeat(agent.agent_secret, unhealthy)).status).toBe(200);
      const { rows: samples } = await server.db.query<{ sequence_num: string; error_count: number; healthy: boolean; counters: Record<string, number> }>(
        "select sequence_num, error_count, healthy, counters from plugin_telemetry_samples where instance_id = $1 order by id",
        [agent.instance_uid],
      );
      expect(samples.map((sample) => [Number(sample.sequence_num), sample.error_count, sample.healthy, sample.counters])).toEqual([
        [1, 0, true, {}],
        [2, 0, true, { orders: 1, webhooks: 4 }],
        [3, 0, true, { orders: 2, webhooks: 4 }],
        [4, 0, true, { orders: 1 }],
        [5, 3, false, { orders: 1 }],
      ]);
      const { rows: instance } = await server.db.query<{ effective_config: unknown; healthy: boolean; last_sequence_num: string }>(
        "select effective_config, healthy, last_sequence_num from plugin_instances where id = $1",
        [agent.instance_uid],
      );
      expect(instance[0]).toMatchObject({ effective_config: { mode: "live" }, healthy: false });
      expect(Number(instance[0]?.last_sequence_num)).toBe(5);

      // A command goes out signed, audited once as delivered, and again until acked.
      const created = await server.request("POST", `/v1/plugins/${agent.instance_uid}/commands`, { body: { type: "cache.flush", params: {} } });
      const delivered = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 6));
      expect(delivered.body.commands).toEqual([expect.objectContaining({ id: created.body.id, type: "cache.flush", signature: expect.any(String) })]);
      expect((await heartbeat(agent.agent_secret, beat(agent.instance_uid, 7))).body.commands).toHaveLength(1);
      const audits = await server.request<{ data: Array<{ action: string; actor: { type: string } }> }>("GET", `/v1/audit_logs?target_id=${created.body.id}`);
      expect(audits.body.data.filter((entry) => entry.action === "plugin_command.delivered")).toEqual([
        expect.objectContaining({ actor: expect.objectContaining({ type: "agent" }) }),
      ]);
    });

    it("asks for full state after a sequence gap", async () => {
      const agent = await newAgent();
      const gap = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 3));
      expect(gap.body.report_full_state).toBe(true);
      const full = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 4, { full_state: fullState() }));
      expect(full.body.report_full_state).toBe(false);
    });

    it("answers a replayed old sequence_num with a resync and does not apply its changes", async () => {
      const agent = await newAgent();
      await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2, { changes: { effective_config: { mode: "new" } } }));
      const samples = await count("plugin_telemetry_samples");
      const replay = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2, { changes: { effective_config: { mode: "old" } } }));
      expect(replay.status).toBe(200);
      expect(replay.body.report_full_state).toBe(true);
      const detail = await server.request<{ effective_config: unknown }>("GET", `/v1/plugins/${agent.instance_uid}`);
      expect(detail.body.effective_config).toEqual({ mode: "new" });
      expect(await count("plugin_telemetry_samples")).toBe(samples);
    });

    it("refuses bad input with typed problems and stores nothing", async () => {
      const agent = await newAgent();
      const samples = await count("plugin_telemetry_samples");
      const snapshot = async () => (await server.db.query("select last_sequence_num::text, last_seen_at, env from plugin_instances where id = $1", [agent.instance_uid])).rows[0];
      const before = await snapshot();

      const malformed = await heartbeat(agent.agent_secret, { ...beat(agent.instance_uid, 2), health: { healthy: "yes" }, sequence_num: 0 });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe("invalid_request");
      expect(malformed.body.errors?.map((error) => error.path)).toEqual(expect.arrayContaining(["body.sequence_num", "body.health.healthy"]));

      const notJson = await heartbeat(agent.agent_secret, "{not json");
      expect([notJson.status, notJson.body.code]).toEqual([400, "invalid_json"]);

      const wrongSecret = await heartbeat("ags_wrong", beat(agent.instance_uid, 2));
      expect([wrongSecret.status, wrongSecret.body.code]).toEqual([401, "authentication_required"]);
      const apiKey = await heartbeat(server.adminKey, beat(agent.instance_uid, 2));
      expect(apiKey.status).toBe(401);

      const otherInstance = await heartbeat(agent.agent_secret, beat("plg_01j9zk4m5q8h2c7x3v6t0b1n4r", 2));
      expect([otherInstance.status, otherInstance.body.code]).toEqual([403, "permission_denied"]);

      const errors = Array.from({ length: 20 }, (_, index) => ({ message: "x".repeat(500), code: `E${index}`, count: 1, last_at: "2025-06-01T12:00:00Z" }));
      const oversize = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2, { health: { healthy: false, errors, webhook_fail_rate: null, details: { dump: "x".repeat(20_000) } } }));
      expect([oversize.status, oversize.body.code]).toEqual([413, "payload_too_large"]);

      const tooManyErrors = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2, { health: { healthy: false, errors: [...errors.slice(0, 3).map((e) => ({ ...e, message: "m" })), ...Array.from({ length: 18 }, () => ({ message: "m", count: 1, last_at: "2025-06-01T12:00:00Z" }))], webhook_fail_rate: null } }));
      expect(tooManyErrors.status).toBe(400);

      expect(await snapshot()).toEqual(before);
      expect(await count("plugin_telemetry_samples")).toBe(samples);
    });

    it("ignores members it does not know, as the protocol requires", async () => {
      const agent = await newAgent();
      const response = await heartbeat(agent.agent_secret, { ...beat(agent.instance_uid, 2), future_member: { x: 1 } });
      expect(response.status).toBe(200);
    });
  });

  describe("commands and acks", () => {
    it("signs commands for the instance only and delivers them while unacked", async () => {
      const agent = await newAgent();
      const created = await server.request("POST", `/v1/plugins/${agent.instance_uid}/commands`, { body: { type: "cache.flush", params: { scope: "all" } } });
      expect(created.status).toBe(201);
      const first = await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2));
      expect(first.body.commands.map((command) => command.id)).toEqual([created.body.id]);
      const key = await importCommandSigningKey(agent.command_signing_key);
      expect(await verifyCommand(first.body.commands[0], key, { instanceUid: agent.instance_uid })).toMatchObject({ ok: true });
      expect(await verifyCommand(first.body.commands[0], key, { instanceUid: "plg_other" })).toMatchObject({ ok: false, reason: "wrong_instance" });
      // Not acked yet: delivered again.
      expect((await heartbeat(agent.agent_secret, beat(agent.instance_uid, 3))).body.commands).toHaveLength(1);
      // A heartbeat whose capabilities lack the type does not get it.
      const narrow = beat(agent.instance_uid, 4, { capabilities: { commands: ["config"], local_rollback: false, health_check: false } });
      expect((await heartbeat(agent.agent_secret, narrow)).body.commands).toHaveLength(0);
    });

    it("acks idempotently: same status 200, other status 409, another instance's command 404", async () => {
      const agent = await newAgent();
      const other = await newAgent();
      const created = await server.request("POST", `/v1/plugins/${agent.instance_uid}/commands`, { body: { type: "update", params: { version: "3.1.0" } } });
      await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2));
      const done = { status: "applied", details: { effective_config_hash: HASH }, completed_at: "2025-06-01T12:00:07Z" };

      const foreign = await ack(other.agent_secret, created.body.id, done);
      expect([foreign.status, foreign.body.code]).toEqual([404, "not_found"]);
      const invalid = await ack(agent.agent_secret, created.body.id, { status: "failed", completed_at: "2025-06-01T12:00:07Z" });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors?.[0]?.path).toBe("body.error");

      expect((await ack(agent.agent_secret, created.body.id, done)).body).toEqual({ id: created.body.id, status: "applied" });
      expect((await ack(agent.agent_secret, created.body.id, done)).status).toBe(200);
      const conflicting = await ack(agent.agent_secret, created.body.id, { status: "failed", error: { code: "handler_failed", message: "x" }, completed_at: "2025-06-01T12:00:07Z" });
      expect([conflicting.status, conflicting.body.code]).toEqual([409, "conflict"]);
      const unknown = await ack(agent.agent_secret, "cmd_01j9zk4m5q8h2c7x3v6t0b1n4r", done);
      expect(unknown.status).toBe(404);

      const listed = await server.request<{ data: Array<{ id: string; status: string }> }>("GET", `/v1/plugins/${agent.instance_uid}/commands?status=applied`);
      expect(listed.body.data.map((command) => command.id)).toEqual([created.body.id]);
      const audit = await server.request<{ data: Array<{ action: string }> }>("GET", `/v1/audit_logs?target_id=${created.body.id}`);
      expect(audit.body.data.map((entry) => entry.action)).toEqual(["plugin_command.applied", "plugin_command.delivered", "plugin_command.created"]);
    });

    it("refuses commands the instance does not accept, bad config params, and past deadlines", async () => {
      const agent = await newAgent();
      const path = `/v1/plugins/${agent.instance_uid}/commands`;
      expect((await server.request<ProblemDocument>("POST", path, { body: { type: "restart" } })).body.code).toBe("conflict");
      expect((await server.request("POST", path, { body: { type: "config", params: {} } })).status).toBe(400);
      expect((await server.request("POST", path, { body: { type: "config", params: { config: {} }, expires_at: "2020-01-01T00:00:00Z" } })).status).toBe(400);
      expect((await server.request("POST", path, { body: { type: "Bad Type" } })).status).toBe(400);
      expect((await server.request("POST", "/v1/plugins/plg_01j9zk4m5q8h2c7x3v6t0b1n4r/commands", { body: { type: "config", params: { config: {} } } })).status).toBe(404);
    });
  });

  describe("operator API", () => {
    it("lists plugins with filters and enforces the plugins scopes", async () => {
      const agent = await newAgent();
      await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2, { plugin: { ...plugin, version: "3.2.0" }, health: { healthy: false, errors: [], webhook_fail_rate: 0.5 } }));
      const filtered = await server.request<{ data: Array<{ id: string }>; has_more: boolean }>("GET", "/v1/plugins?version=3.2.0&health=unhealthy&platform=prestashop&status=active");
      expect(filtered.body.data.map((found) => found.id)).toEqual([agent.instance_uid]);
      const since = new Date(Date.now() - 60_000).toISOString();
      const page = await server.request<{ data: unknown[]; has_more: boolean }>("GET", `/v1/plugins?limit=1&last_seen_gte=${since}`);
      expect(page.body).toMatchObject({ has_more: true });
      expect(page.body.data).toHaveLength(1);
      expect((await server.request("GET", "/v1/plugins?health=sick")).status).toBe(400);

      const readOnly = (await server.request<{ secret: string }>("POST", `/v1/apps/${appId}/keys`, { body: { name: "ro", scopes: ["plugins:read"] } })).body.secret;
      expect((await server.request("GET", `/v1/plugins/${agent.instance_uid}`, { key: readOnly })).status).toBe(200);
      const denied = await server.request<ProblemDocument>("POST", `/v1/plugins/${agent.instance_uid}/commands`, { key: readOnly, body: { type: "update" } });
      expect([denied.status, denied.body.code]).toEqual([403, "permission_denied"]);
    });

    it("lists, revokes and refuses revoked enrolment tokens", async () => {
      const created = await token();
      const listed = await server.request<{ data: Array<{ id: string; token?: string }> }>("GET", `/v1/apps/${appId}/agent_enrolment_tokens`);
      expect(listed.body.data[0]?.id).toBe(created.id);
      expect(listed.body.data[0]?.token).toBeUndefined();
      const revoked = await server.request("POST", `/v1/agent_enrolment_tokens/${created.id}/revoke`);
      expect(revoked.body.revoked_at).toEqual(expect.any(String));
      expect((await enrol(created.token)).status).toBe(401);
    });

    it("documents agent routes under the agent tag", async () => {
      const response = await fetch(`${server.url}/openapi.json`);
      const document = (await response.json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
      for (const path of ["/v1/agent/enrol", "/v1/agent/heartbeat", "/v1/agent/commands/{id}/ack"]) {
        expect(document.paths[path]?.post?.tags).toEqual(["agent"]);
      }
      expect(document.paths["/v1/plugins/{id}/commands"]?.post?.tags).toEqual(["Plugins"]);
    });
  });

  describe("monitor", () => {
    it("marks a silent instance offline with one incident, expires commands, and recovers on the next heartbeat", async () => {
      const agent = await newAgent();
      const created = await server.request("POST", `/v1/plugins/${agent.instance_uid}/commands`, { body: { type: "update", params: {}, expires_at: new Date(Date.now() + 60_000).toISOString() } });
      // 3 intervals of 60 s and a bit: an injected clock instead of waiting.
      const later = new Date(Date.now() + 4 * 60_000);
      const first = await runAgentMonitor(server.db, later);
      expect(first.offline).toContain(agent.instance_uid);
      expect(first.expiredCommands).toContain(created.body.id);
      expect((await runAgentMonitor(server.db, new Date(later.getTime() + 600_000))).incidents).toEqual([]);

      const incidents = await server.request<{ data: Array<{ id: string; type: string; status: string; severity: string; evidence: Record<string, unknown> }> }>(
        "GET",
        `/v1/incidents?plugin_id=${agent.instance_uid}`,
      );
      expect(incidents.body.data).toHaveLength(1);
      const incident = incidents.body.data[0];
      expect(incident).toMatchObject({ type: "missed_heartbeats", status: "open", severity: "medium", evidence: { heartbeat_interval_s: 60, missed_intervals: 4 } });
      expect(incident?.id).toMatch(/^inc_/);
      expect((await server.request("GET", `/v1/plugins/${agent.instance_uid}`)).body.status).toBe("offline");
      const command = await server.request<{ data: Array<{ status: string }> }>("GET", `/v1/plugins/${agent.instance_uid}/commands`);
      expect(command.body.data[0]?.status).toBe("expired");

      // A late ack still wins over expired (section 6).
      const late = await ack(agent.agent_secret, created.body.id, { status: "applied", completed_at: new Date().toISOString() });
      expect(late.body.status).toBe("applied");

      await heartbeat(agent.agent_secret, beat(agent.instance_uid, 2));
      expect((await server.request("GET", `/v1/plugins/${agent.instance_uid}`)).body.status).toBe("active");
      expect((await server.request("GET", `/v1/incidents/${incident?.id}`)).body).toMatchObject({ status: "resolved" });
    });
  });
});
