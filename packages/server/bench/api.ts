import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { benchAdminKey, benchServerEnv, type Child, SERVER_MAIN, startChild, temporaryDatabase } from "./processes.js";

const DURATION_S = 10;
const CONNECTIONS = 32;
const FIXED_RATE = 1_000;
// autocannon paces each connection on its own timer, so N connections arrive as bursts of up to
// N requests; the target is checked at 10 connections and shown at 32 for comparison.
const FIXED_RATE_CONNECTIONS = 10;
const P99_TARGET_MS = 20;

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function measure(scenario: string, options: autocannon.Options): Promise<Row> {
  const result = await run({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  return {
    scenario,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function printTable(rows: Row[]): void {
  console.log("\n| scenario | req/s | p50 ms | p99 ms | non-2xx | errors |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const row of rows) console.log(`| ${row.scenario} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.non2xx} | ${row.errors} |`);
}

/**
 * The API on real PostgreSQL in a child process, driven over loopback by autocannon in this
 * process, beside a bare Express 5 route as the baseline.
 */
export async function runApiBench(): Promise<void> {
  const database = await temporaryDatabase();
  const adminKey = benchAdminKey();
  const children: Child[] = [];
  try {
    const api = await startChild(SERVER_MAIN, benchServerEnv(database.url, adminKey));
    children.push(api);
    const hello = await startChild(fileURLToPath(new URL("./hello-server.ts", import.meta.url)), {});
    children.push(hello);

    const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
    const created = await fetch(`${api.url}/v1/apps`, { method: "POST", headers, body: JSON.stringify({ name: "bench" }) });
    const app = (await created.json()) as { id: string };
    const getApp = { url: `${api.url}/v1/apps/${app.id}`, headers };
    const postApp: autocannon.Options = {
      url: `${api.url}/v1/apps`,
      requests: [
        {
          method: "POST",
          headers,
          body: JSON.stringify({ name: "bench app", metadata: { source: "bench" } }),
          setupRequest: (request) => ({ ...request, headers: { ...request.headers, "idempotency-key": randomUUID() } }),
        },
      ],
    };

    console.log(`warming up (${CONNECTIONS} connections, 3 s each)…`);
    await run({ url: `${hello.url}/hello`, connections: CONNECTIONS, duration: 3 });
    await run({ ...getApp, connections: CONNECTIONS, duration: 3 });

    const rows: Row[] = [];
    console.log(`measuring (${DURATION_S} s each)…`);
    rows.push(await measure("baseline: bare Express 5 GET /hello", { url: `${hello.url}/hello` }));
    rows.push(await measure("GET /v1/apps/:id (API key auth)", getApp));
    const fixed = await measure(`GET /v1/apps/:id at ${FIXED_RATE} req/s, ${FIXED_RATE_CONNECTIONS} connections`, {
      ...getApp,
      connections: FIXED_RATE_CONNECTIONS,
      overallRate: FIXED_RATE,
    });
    rows.push(fixed);
    rows.push(await measure(`GET /v1/apps/:id at ${FIXED_RATE} req/s, ${CONNECTIONS} connections`, { ...getApp, overallRate: FIXED_RATE }));
    // Writes last: each one adds an app and an audit row the reads above should not pay for.
    rows.push(await measure("POST /v1/apps (unique Idempotency-Key)", postApp));
    printTable(rows);
    const verdict = fixed.p99 < P99_TARGET_MS ? "met" : "NOT met";
    console.log(`\nfixed-rate p99 at ${FIXED_RATE_CONNECTIONS} connections: ${fixed.p99} ms; target < ${P99_TARGET_MS} ms ${verdict}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await database.drop();
  }
}
