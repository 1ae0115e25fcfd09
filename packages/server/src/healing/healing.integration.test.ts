import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProblemDocument } from "../http/problem.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";
import { DecisionEngine } from "./decisions/engine.js";
import { runDetection } from "./detection/job.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const plugin = { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" };

type Decision = ApiObject & {
  source: string;
  action: { type: string; params: Record<string, unknown> };
  confidence: number;
  rule_id: string | null;
  remote_error: string | null;
  verdict: { auto_apply: boolean; approvals_required: number; reasons: string[] };
};

/** A stand-in decision service: answers each request with the current script, recording what it got. */
async function startDecisionService() {
  let script: (request: IncomingMessage, body: string, response: ServerResponse) => void = (_request, _body, response) => response.end("{}");
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])), body });
      script(request, body, response);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/decide`,
    received,
    answer(next: typeof script) {
      script = next;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe("self-healing: detection, rules, policy and decisions", () => {
  let server: TestServer;
  let service: Awaited<ReturnType<typeof startDecisionService>>;
  let engine: DecisionEngine;
  let appId: string;

  beforeAll(async () => {
    [server, service] = await Promise.all([startTestServer(), startDecisionService()]);
    engine = new DecisionEngine(server.db, { url: service.url, secret: SECRET, timeoutMs: 300 });
    appId = (await server.request("POST", "/v1/apps", { body: { name: "Shop" } })).body.id;
  });
  afterAll(async () => {
    await server.close();
    service.close();
  });

  /** An enrolled instance sending heartbeats with chosen error counts. */
  async function agent() {
    const { token } = (await server.request<ApiObject & { token: string }>("POST", `/v1/apps/${appId}/agent_enrolment_tokens`, { body: {} })).body;
    const enrolled = (await server.request<ApiObject & { instance_uid: string; agent_secret: string }>("POST", "/v1/agent/enrol", { body: { token, plugin }, key: null })).body;
    let sequence = 0;
    const send = async (errors: Array<{ message: string; code?: string; count: number }>, extra: Record<string, unknown> = {}) => {
      sequence += 1;
      const response = await server.request("POST", "/v1/agent/heartbeat", {
        key: enrolled.agent_secret,
        body: {
          instance_uid: enrolled.instance_uid,
          sequence_num: sequence,
          plugin,
          env: { runtime: "php" },
          health: { healthy: true, errors: errors.map((error) => ({ ...error, last_at: new Date().toISOString() })), webhook_fail_rate: 0 },
          effective_config_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
          capabilities: { commands: ["config", "update", "rollback"], local_rollback: true, health_check: true },
          ...(sequence === 1 ? { full_state: { effective_config: {}, config_status: null, telemetry: { since: "2025-06-01T00:00:00Z", counters: {} }, commands: [] } } : {}),
          ...extra,
        },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    return { id: enrolled.instance_uid, send };
  }

  const normal = (count: number) => (count === 0 ? [] : [{ message: "slow query", code: "db.slow", count }]);
  const dbDown = [{ message: "PDOException: SQLSTATE[HY000] [2002] Connection refused", code: "db.connection", count: 40 }];
  const incidentsOf = async (pluginId: string) =>
    (await server.request<{ data: Array<ApiObject & { type: string; status: string; severity: string; evidence: Record<string, unknown> }> }>("GET", `/v1/incidents?plugin_id=${pluginId}`)).body.data;
  const decisionsOf = async (incidentId: string) => (await server.request<{ data: Decision[] }>("GET", `/v1/incidents/${incidentId}/decisions`)).body.data;

  it("opens one incident for an error spike, decides by rule when the service times out, and resolves when errors stop", async () => {
    const rule = await server.request<ApiObject>("POST", "/v1/healing_rules", {
      body: {
        name: "Reconnect the database",
        match: { incident_types: ["error_spike"], error_codes: ["db.connection"], message_pattern: "SQLSTATE\\[HY000\\]" },
        action: { type: "config", params: { database: { persistent: false, retries: 3 } } },
        confidence: 0.92,
        auto_apply: true,
      },
    });
    expect(rule.status).toBe(201);
    const policy = await server.request("PUT", "/v1/ops_policy", { body: { policy: { max_auto_severity: "high" } } });
    expect(policy.status).toBe(200);
    service.answer(() => {}); // never answers: the engine must give up after its timeout

    const shop = await agent();
    for (const count of [0, 1, 2, 0, 1, 0, 2, 1]) await shop.send(normal(count));
    await shop.send(dbDown);
    const first = await runDetection(server.db, engine);
    expect(first.opened).toHaveLength(1);
    const [incident] = await incidentsOf(shop.id);
    expect(incident).toMatchObject({ type: "error_spike", status: "open", severity: "high", evidence: expect.objectContaining({ error_count: 40, median: 1 }) });

    const [decision] = await decisionsOf(incident?.id ?? "");
    expect(decision).toMatchObject({
      source: "rules",
      rule_id: rule.body.id,
      action: { type: "config", params: { database: { persistent: false, retries: 3 } } },
      confidence: 0.92,
      remote_error: "no answer within 300 ms",
      verdict: { auto_apply: true, approvals_required: 0, reasons: [] },
    });
    // The service was asked, with a Standard Webhooks signature it can check.
    const asked = service.received.at(-1);
    expect(new Webhook(SECRET).verify(asked?.body ?? "", asked?.headers ?? {})).toMatchObject({ incident: { type: "error_spike" }, plugin });

    // Still failing: the same incident, no second decision.
    await shop.send(dbDown);
    expect((await runDetection(server.db, engine)).opened).toEqual([]);
    expect(await incidentsOf(shop.id)).toHaveLength(1);
    expect(await decisionsOf(incident?.id ?? "")).toHaveLength(1);

    // Two normal intervals: resolved.
    await shop.send(normal(1));
    await shop.send(normal(0));
    const later = await runDetection(server.db, engine);
    expect(later.resolved).toEqual([incident?.id]);
    expect((await incidentsOf(shop.id))[0]?.status).toBe("resolved");
  });

  it("takes the decision service's answer when it gives a valid one in time", async () => {
    service.answer((_request, _body, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ action: { type: "rollback", params: {} }, confidence: 0.97, explanation: "1.4.2 broke checkout for 12 shops; 1.4.1 was fine." }));
    });
    const shop = await agent();
    for (const count of [0, 1, 0, 2, 1, 0]) await shop.send(normal(count));
    await shop.send(dbDown);
    await runDetection(server.db, engine);
    const [incident] = await incidentsOf(shop.id);
    const [decision] = await decisionsOf(incident?.id ?? "");
    expect(decision).toMatchObject({
      source: "remote",
      action: { type: "rollback" },
      confidence: 0.97,
      explanation: "1.4.2 broke checkout for 12 shops; 1.4.1 was fine.",
      remote_error: null,
      verdict: { auto_apply: true },
    });
  });

  it.each([
    ["a malformed answer", (response: ServerResponse) => response.end('{"action":{"type":"format_disk"},"confidence":7}'), /^invalid answer: action/],
    ["a non-JSON answer", (response: ServerResponse) => response.end("<html>oops</html>"), /^answer is not JSON$/],
    ["a server error", (response: ServerResponse) => response.writeHead(500).end("{}"), /^HTTP 500$/],
  ])("falls back to the rules on %s, and says why", async (_name, respond, reason) => {
    service.answer((_request, _body, response) => respond(response));
    const shop = await agent();
    for (const count of [0, 1, 0, 2, 1, 0]) await shop.send(normal(count));
    await shop.send(dbDown);
    await runDetection(server.db, engine);
    const [incident] = await incidentsOf(shop.id);
    const [decision] = await decisionsOf(incident?.id ?? "");
    expect(decision?.source).toBe("rules");
    expect(decision?.remote_error).toMatch(reason);
  });

  it("decides with a heuristic when no rule matches, and the kill switch stops any automatic action", async () => {
    service.answer(() => {});
    await server.request("PUT", "/v1/ops_policy", { body: { policy: { kill_switch: true, max_auto_severity: "high" } } });
    const shop = await agent();
    for (const count of [0, 1, 0, 2, 1, 0]) await shop.send(normal(count));
    await shop.send([{ message: "checkout timed out", code: "payment.timeout", count: 30 }]);
    await runDetection(server.db, engine);
    const [incident] = await incidentsOf(shop.id);
    const [decision] = await decisionsOf(incident?.id ?? "");
    expect(decision).toMatchObject({ source: "heuristic", action: { type: "notify" }, verdict: { auto_apply: true } });

    // A rule that would patch is stopped by the kill switch, and says so.
    const patching = await server.request<ApiObject>("POST", "/v1/healing_rules", {
      body: { name: "Bump timeouts", match: { error_codes: ["payment.timeout"] }, action: { type: "config", params: { timeout_s: 30 } }, confidence: 0.99, auto_apply: true },
    });
    expect(patching.status).toBe(201);
    const other = await agent();
    for (const count of [0, 1, 0, 2, 1, 0]) await other.send(normal(count));
    await other.send([{ message: "checkout timed out", code: "payment.timeout", count: 30 }]);
    await runDetection(server.db, engine);
    const [otherIncident] = await incidentsOf(other.id);
    const [stopped] = await decisionsOf(otherIncident?.id ?? "");
    expect(stopped).toMatchObject({ source: "rules", rule_id: patching.body.id, verdict: { auto_apply: false, reasons: ["the kill switch is on"] } });
    await server.request("PATCH", `/v1/healing_rules/${patching.body.id}`, { body: { enabled: false } });
    await server.request("PUT", "/v1/ops_policy", { body: { policy: {} } });
  });

  it("keeps decisions append-only in the database", async () => {
    const { rows } = await server.db.query<{ n: number }>("select count(*)::int as n from healing_decisions");
    expect(rows[0]?.n).toBeGreaterThan(0);
    await expect(server.db.query("update healing_decisions set confidence = 1")).rejects.toThrow(/append-only/);
    await expect(server.db.query("delete from healing_decisions")).rejects.toThrow(/append-only/);
  });

  it("reports the KPIs: incidents, time to detect, time to resolve, decisions by source", async () => {
    type Stats = {
      opened: number;
      resolved: number;
      active: number;
      by_type: Record<string, number>;
      time_to_detect: { count: number; mean_seconds: number | null; p50_seconds: number | null };
      time_to_resolve: { count: number; p50_seconds: number | null };
      decisions: { total: number; auto_apply: number; by_source: Record<string, number> };
    };
    const stats = await server.request<Stats>("GET", "/v1/healing/stats");
    expect(stats.status).toBe(200);
    const incidents = (await server.request<{ data: Array<ApiObject & { status: string }> }>("GET", "/v1/incidents?limit=100")).body.data;
    expect(stats.body.opened).toBe(incidents.length);
    expect(stats.body.resolved).toBe(incidents.filter((incident) => incident.status === "resolved").length);
    expect(stats.body.active).toBe(incidents.filter((incident) => incident.status === "open").length);
    expect(stats.body.by_type).toEqual({ error_spike: incidents.length });
    // Every detected incident carries its start: time to detect is measured for all of them.
    expect(stats.body.time_to_detect.count).toBe(incidents.length);
    expect(stats.body.time_to_detect.p50_seconds).toBeGreaterThanOrEqual(0);
    expect(stats.body.time_to_resolve.count).toBe(stats.body.resolved);
    expect(stats.body.decisions.total).toBe(incidents.length);
    expect(stats.body.decisions.by_source).toEqual({ heuristic: 1, remote: 1, rules: incidents.length - 2 });
    const empty = await server.request<Stats>("GET", "/v1/healing/stats?since=2020-01-01T00:00:00Z&until=2020-02-01T00:00:00Z");
    expect(empty.body).toMatchObject({ opened: 0, time_to_detect: { count: 0, mean_seconds: null }, decisions: { total: 0, by_source: {} } });
    const backwards = await server.request<ProblemDocument>("GET", "/v1/healing/stats?since=2021-01-01T00:00:00Z&until=2020-01-01T00:00:00Z");
    expect(backwards.status).toBe(400);
  });

  describe("rules and policy API", () => {
    it("accepts a pattern that would backtrack catastrophically elsewhere, and refuses what RE2 cannot run", async () => {
      const body = { name: "r", match: { message_pattern: "^(a+)+$" }, action: { type: "notify" }, confidence: 0.5 };
      const accepted = await server.request<ApiObject & { action: unknown; auto_apply: boolean; enabled: boolean }>("POST", "/v1/healing_rules", { body });
      expect(accepted.status).toBe(201);
      expect(accepted.body).toMatchObject({ object: "healing_rule", action: { type: "notify", params: {} }, auto_apply: false, enabled: true });
      const refused = await server.request<ProblemDocument>("POST", "/v1/healing_rules", { body: { ...body, match: { message_pattern: "(a)\\1" } } });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: "body.match.message_pattern", code: "invalid_pattern" })]);
      const patched = await server.request<ProblemDocument>("PATCH", `/v1/healing_rules/${accepted.body.id}`, { body: { match: { message_pattern: "x(?=y)" } } });
      expect(patched.status).toBe(400);
      expect((await server.request<ApiObject & { match: unknown }>("GET", `/v1/healing_rules/${accepted.body.id}`)).body.match).toEqual({ message_pattern: "^(a+)+$" });
    });

    it.each([
      ["an update without a version", { action: { type: "update", params: {} } }, "body.action.params.version"],
      ["an unknown action", { action: { type: "format_disk" } }, "body.action.type"],
      ["a confidence above 1", { confidence: 1.5 }, "body.confidence"],
      ["an unknown incident type", { match: { incident_types: ["gremlins"] } }, "body.match.incident_types.0"],
      ["an unknown field", { colour: "red" }, "body.colour"],
    ])("refuses a rule with %s", async (_name, change, path) => {
      const body = { name: "r", match: {}, action: { type: "notify" }, confidence: 0.5, ...change };
      const response = await server.request<ProblemDocument>("POST", "/v1/healing_rules", { body });
      expect(response.status).toBe(400);
      expect(response.body.errors?.map((error) => error.path)).toContain(path);
    });

    it("serves the default policy until one is set, replaces it whole, and refuses bad ones", async () => {
      await server.request("PUT", "/v1/ops_policy", { body: { policy: {} } });
      const current = await server.request<{ policy: Record<string, unknown>; updated_at: string | null }>("GET", "/v1/ops_policy");
      expect(current.body.policy).toMatchObject({ kill_switch: false, min_confidence: 0.85, approvals: { update: 2 } });
      const replaced = await server.request<{ policy: Record<string, unknown> }>("PUT", "/v1/ops_policy", {
        body: { policy: { min_confidence: 0.9, maintenance_windows: [{ days: [1, 2, 3, 4, 5], start: "02:00", end: "05:00" }] } },
      });
      expect(replaced.body.policy).toMatchObject({ min_confidence: 0.9, kill_switch: false, canary_percent: 10 });
      const bad = await server.request<ProblemDocument>("PUT", "/v1/ops_policy", { body: { policy: { min_confidence: -1, approvals: { update: 9 } } } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((error) => error.path).sort()).toEqual(["body.policy.approvals.update", "body.policy.min_confidence"]);
      expect((await server.request<{ policy: { min_confidence: number } }>("GET", "/v1/ops_policy")).body.policy.min_confidence).toBe(0.9);
      const audit = await server.request<{ data: Array<{ action: string }> }>("GET", "/v1/audit_logs?action=ops_policy.replaced");
      expect(audit.body.data.length).toBeGreaterThanOrEqual(2);
    });

    it("needs the healing scopes, and hides other accounts' incidents", async () => {
      const key = await server.request<ApiObject & { secret: string }>("POST", `/v1/apps/${appId}/keys`, { body: { name: "reader", scopes: ["healing:read"] } });
      expect((await server.request("GET", "/v1/healing_rules", { key: key.body.secret })).status).toBe(200);
      expect((await server.request<ProblemDocument>("PUT", "/v1/ops_policy", { key: key.body.secret, body: { policy: {} } })).body.code).toBe("permission_denied");
      expect((await server.request("GET", "/v1/incidents/inc_00000000000000000000000000/decisions")).status).toBe(404);
    });
  });
});
