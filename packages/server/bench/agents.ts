import autocannon from "autocannon";
import { benchAdminKey, benchServerEnv, type Child, SERVER_MAIN, startChild, temporaryDatabase } from "./processes.js";

const DURATION_S = 10;
const CONNECTIONS = 32;
const AGENTS = 1_000;
const TARGET_PER_S = 2_000;
const HASH = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const plugin = { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" };

interface SimulatedAgent {
  uid: string;
  secret: string;
  sequence: number;
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function heartbeatBody(agent: SimulatedAgent, full: boolean): string {
  agent.sequence += 1;
  const state = { telemetry: { since: "2025-06-01T08:00:00Z", counters: { webhooks_received: agent.sequence } } };
  return JSON.stringify({
    instance_uid: agent.uid,
    sequence_num: agent.sequence,
    plugin,
    env: { runtime: "php", runtime_version: "8.3.7", os: "linux" },
    health: { healthy: true, errors: [], webhook_fail_rate: 0.01 },
    effective_config_hash: HASH,
    capabilities: { commands: ["config", "update", "rollback"], local_rollback: true, health_check: true },
    ...(full ? { full_state: { effective_config: {}, config_status: null, commands: [], ...state } } : { changes: state }),
  });
}

/**
 * Heartbeats per second on real PostgreSQL: the server in a child process, {@link AGENTS}
 * enrolled agents simulated by autocannon over loopback (each request is the next in-order
 * heartbeat of the next agent, with a telemetry change), beside an authenticated GET.
 */
export async function runAgentsBench(): Promise<void> {
  const database = await temporaryDatabase();
  const adminKey = benchAdminKey();
  const children: Child[] = [];
  try {
    const api = await startChild(SERVER_MAIN, benchServerEnv(database.url, adminKey));
    children.push(api);
    const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
    const post = async <T>(path: string, body: unknown, extra: Record<string, string> = headers): Promise<T> => {
      const response = await fetch(`${api.url}${path}`, { method: "POST", headers: extra, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    };
    const app = await post<{ id: string }>("/v1/apps", { name: "bench" });
    const { token } = await post<{ token: string }>(`/v1/apps/${app.id}/agent_enrolment_tokens`, {});
    console.log(`enrolling ${AGENTS} agents…`);
    const agents: SimulatedAgent[] = [];
    for (let index = 0; index < AGENTS; index += 1) {
      const enrolled = await post<{ instance_uid: string; agent_secret: string }>("/v1/agent/enrol", { token, plugin }, { "content-type": "application/json" });
      const agent = { uid: enrolled.instance_uid, secret: enrolled.agent_secret, sequence: 0 };
      await post("/v1/agent/heartbeat", JSON.parse(heartbeatBody(agent, true)), { "content-type": "application/json", authorization: `Bearer ${agent.secret}` });
      agents.push(agent);
    }

    let next = 0;
    const heartbeats: autocannon.Options = {
      url: `${api.url}/v1/agent/heartbeat`,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            const agent = agents[next % agents.length] as SimulatedAgent;
            next += 1;
            return {
              ...request,
              headers: { "content-type": "application/json", authorization: `Bearer ${agent.secret}` },
              body: heartbeatBody(agent, false),
            };
          },
        },
      ],
    };
    const getApp: autocannon.Options = { url: `${api.url}/v1/apps/${app.id}`, headers };

    console.log(`warming up (3 s)…`);
    await run({ ...heartbeats, connections: CONNECTIONS, duration: 3 });
    console.log(`measuring (${DURATION_S} s each, ${CONNECTIONS} connections)…`);
    const rows: Array<[string, autocannon.Result]> = [];
    rows.push(["GET /v1/apps/:id (API key auth)", await run({ ...getApp, connections: CONNECTIONS, duration: DURATION_S })]);
    rows.push([`POST /v1/agent/heartbeat (${AGENTS} agents, in-order, telemetry change)`, await run({ ...heartbeats, connections: CONNECTIONS, duration: DURATION_S })]);

    console.log("\n| scenario | req/s | p50 ms | p99 ms | non-2xx | errors |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const [name, result] of rows) {
      console.log(`| ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${result.errors + result.timeouts} |`);
    }
    const rate = Math.round((rows[1]?.[1].requests.average ?? 0));
    console.log(`\nheartbeats/s: ${rate}; target ≥ ${TARGET_PER_S} ${rate >= TARGET_PER_S ? "met" : "NOT met"}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await database.drop();
  }
}
