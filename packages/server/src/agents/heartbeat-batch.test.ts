import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";
import { HeartbeatBatch } from "./heartbeat-batch.js";
import type { FastHeartbeatWrite } from "./heartbeat-store.js";

// Concurrent heartbeats share statements (HeartbeatBatch): each agent must still get exactly its
// own commands, its sample and sequence bookkeeping, and one out of order must still be sent to
// the full path (and asked for full state).

const plugin = { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" };

describe("concurrent heartbeats", () => {
  let server: TestServer;
  const agents: Array<{ id: string; secret: string }> = [];

  const heartbeat = (agent: { id: string; secret: string }, sequence: number, errors = 0) =>
    server.request<{ next_heartbeat_in_s: number; report_full_state: boolean; commands: Array<{ id: string; type: string }> }>("POST", "/v1/agent/heartbeat", {
      key: agent.secret,
      body: {
        instance_uid: agent.id,
        sequence_num: sequence,
        plugin,
        env: { runtime: "php" },
        health: { healthy: true, errors: errors === 0 ? [] : [{ message: "timeout", code: "http.timeout", count: errors, last_at: new Date().toISOString() }], webhook_fail_rate: 0 },
        effective_config_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        capabilities: { commands: ["config", "update", "rollback"], local_rollback: true, health_check: true },
        ...(sequence === 1 ? { full_state: { effective_config: {}, config_status: null, telemetry: { since: "2026-12-01T00:00:00Z", counters: {} }, commands: [] } } : {}),
      },
    });

  beforeAll(async () => {
    server = await startTestServer();
    const app = (await server.request("POST", "/v1/apps", { body: { name: "Shops" } })).body.id;
    const { token } = (await server.request<ApiObject & { token: string }>("POST", `/v1/apps/${app}/agent_enrolment_tokens`, { body: { max_uses: 40 } })).body;
    for (let index = 0; index < 40; index += 1) {
      const enrolled = (await server.request<ApiObject & { instance_uid: string; agent_secret: string }>("POST", "/v1/agent/enrol", { body: { token, plugin }, key: null })).body;
      agents.push({ id: enrolled.instance_uid, secret: enrolled.agent_secret });
      expect((await heartbeat(agents[index] as { id: string; secret: string }, 1)).status).toBe(200);
    }
  });
  afterAll(() => server.close());

  it("hands each agent its own commands and records each sample, with one agent out of order", async () => {
    const withCommands = agents.slice(0, 10);
    const issued = new Map<string, string[]>();
    for (const agent of withCommands) {
      const ids: string[] = [];
      for (const version of ["1.4.3", "1.4.4"]) {
        ids.push((await server.request("POST", `/v1/plugins/${agent.id}/commands`, { body: { type: "update", params: { version } } })).body.id);
      }
      issued.set(agent.id, ids);
    }
    const gap = agents[39] as { id: string; secret: string };
    const answers = await Promise.all(agents.map((agent, index) => heartbeat(agent, agent === gap ? 5 : 2, index)));

    for (const [index, agent] of agents.entries()) {
      const answer = answers[index];
      expect(answer?.status).toBe(200);
      expect(answer?.body.commands.map((command) => command.id)).toEqual(issued.get(agent.id) ?? []);
      expect(answer?.body.report_full_state).toBe(agent === gap);
    }
    const { rows } = await server.db.query<{ id: string; last: string; errors: number | null }>(
      `select i.id, i.last_sequence_num::text as last,
              (select s.error_count from plugin_telemetry_samples s where s.instance_id = i.id order by s.id desc limit 1) as errors
         from plugin_instances i where i.id = any($1::text[])`,
      [agents.map((agent) => agent.id)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const [index, agent] of agents.entries()) {
      expect(byId.get(agent.id)).toMatchObject({ last: agent === gap ? "5" : "2", errors: index });
    }
    const { rows: delivered } = await server.db.query<{ n: number }>(
      "select count(*)::int as n from audit_logs where action = 'plugin_command.delivered' and target_id = any($1::text[])",
      [[...issued.values()].flat()],
    );
    expect(delivered[0]?.n).toBe(20);
    const { rows: statuses } = await server.db.query<{ status: string; n: number }>(
      "select status, count(*)::int as n from plugin_commands where id = any($1::text[]) group by status",
      [[...issued.values()].flat()],
    );
    expect(statuses).toEqual([{ status: "delivered", n: 20 }]);
  });

  it("writes many heartbeats in one statement, and leaves a second one of the same agent to the full path", async () => {
    // Records asked for in one tick: the first goes alone, the rest wait and go as one batch
    // (on PGlite too, whose queries never overlap otherwise).
    const batch = new HeartbeatBatch(server.db);
    const group = agents.slice(10, 20);
    const { rows } = await server.db.query<{ id: string; secret_hash: string }>("select id, secret_hash from plugin_instances where id = any($1::text[])", [
      group.map((agent) => agent.id),
    ]);
    const hashOf = new Map(rows.map((row) => [row.id, row.secret_hash]));
    const write = (id: string, errors: number): FastHeartbeatWrite => ({
      instanceId: id,
      plugin,
      env: { runtime: "php" },
      capabilities: { commands: ["config", "update", "rollback"], local_rollback: true, health_check: true },
      healthy: true,
      health: { healthy: true, errors: [], webhook_fail_rate: 0 },
      effectiveConfigHash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      telemetry: { since: "2026-12-01T00:00:00Z", counters: { orders: errors } },
      sequenceNum: 3,
      heartbeatIntervalS: 120,
      sample: { healthy: true, errors: [], errorCount: errors, webhookFailRate: null },
      request: { requestId: `req_${id}`, ip: "127.0.0.1" },
    });
    const types = ["config", "update", "rollback"];
    // For the second agent: the first record goes alone, the second is in the batch.
    const command = (await server.request("POST", `/v1/plugins/${group[1]?.id}/commands`, { body: { type: "config", params: { config: { a: 1 } } } })).body.id;
    const results = await Promise.all([
      ...group.map((agent, index) => batch.record(hashOf.get(agent.id) ?? "", write(agent.id, 100 + index), types)),
      batch.record(hashOf.get(group[5]?.id ?? "") ?? "", write(group[5]?.id ?? "", 999), types),
    ]);
    // The same agent twice with the same number: one is written (PostgreSQL picks which), the
    // other is not in order any more and is left to the full path.
    expect([results[5], results[10]].filter((result) => result === undefined)).toHaveLength(1);
    const others = results.slice(0, 10).filter((_, index) => index !== 1 && index !== 5);
    expect(others.every((result) => result !== undefined && result.commands.length === 0)).toBe(true);
    // Commands come out of the batch statement too, delivered and audited with their request.
    expect(results[1]?.commands.map((delivered) => [delivered.id, delivered.status, delivered.previous_status])).toEqual([[command, "delivered", "pending"]]);
    const { rows: audit } = await server.db.query<{ request_id: string }>("select request_id from audit_logs where action = 'plugin_command.delivered' and target_id = $1", [command]);
    expect(audit).toEqual([{ request_id: `req_${group[1]?.id}` }]);
    const fifth = results[5] !== undefined ? 105 : 999;
    const { rows: after } = await server.db.query<{ id: string; last: string; counters: Record<string, number>; errors: number }>(
      `select i.id, i.last_sequence_num::text as last, i.telemetry_counters as counters,
              (select s.error_count from plugin_telemetry_samples s where s.instance_id = i.id order by s.id desc limit 1) as errors
         from plugin_instances i where i.id = any($1::text[]) order by i.id`,
      [group.map((agent) => agent.id)],
    );
    const expected = group
      .map((agent, index) => ({ id: agent.id, last: "3", counters: { orders: index === 5 ? fifth : 100 + index }, errors: index === 5 ? fifth : 100 + index }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(after).toEqual(expected);
  });
});
