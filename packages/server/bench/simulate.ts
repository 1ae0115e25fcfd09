// `npm run simulate -w @relais/server`: many plugin instances with injected failure patterns
// against a real server (embedded, in memory), heartbeat by heartbeat, with the detection pass
// run after each round of heartbeats as a worker would after each interval. Prints, per pattern,
// how many instances were caught, how many false alarms, the time to detect, the time to resolve
// after recovery, and where decisions came from. Seeded: the same run every time.
import { loadConfig } from "../src/config.js";
import { DecisionEngine } from "../src/healing/decisions/engine.js";
import { runDetection } from "../src/healing/detection/job.js";
import { startServer } from "../src/server.js";
import { betweenOf, seededRandom } from "./seeded-random.js";

const HEARTBEAT_S = 60;
const ROUNDS = 30;
const ONSET = 12;
const RECOVERY = 22;
const PER_PATTERN = 8;

const between = betweenOf(seededRandom(20261202));

interface Report {
  errors: Array<{ message: string; code?: string; count: number }>;
  webhookFailRate: number;
  healthy: boolean;
}

/** A failure pattern: what an instance reports at each round; `faulty` says whether an incident is right. */
interface Pattern {
  name: string;
  faulty: boolean;
  report(round: number): Report;
}

const quiet = (): Report => {
  const count = between(0, 3);
  return { errors: count === 0 ? [] : [{ message: "slow query", code: "db.slow", count }], webhookFailRate: between(0, 5) / 100, healthy: true };
};
const failing = (round: number) => round >= ONSET && round < RECOVERY;

const patterns: Pattern[] = [
  { name: "healthy, a few errors", faulty: false, report: quiet },
  {
    name: "healthy but always noisy (30–50 errors)",
    faulty: false,
    report: () => ({ errors: [{ message: "deprecated call", code: "php.deprecated", count: between(30, 50) }], webhookFailRate: 0.02, healthy: true }),
  },
  {
    name: "one-off blip (6 errors once)",
    faulty: false,
    report: (round) => (round === ONSET ? { ...quiet(), errors: [{ message: "timeout", code: "http.timeout", count: 6 }] } : quiet()),
  },
  {
    name: "error spike (database down)",
    faulty: true,
    report: (round) =>
      failing(round) ? { errors: [{ message: "SQLSTATE[HY000] [2002] Connection refused", code: "db.connection", count: between(40, 90) }], webhookFailRate: 0.03, healthy: false } : quiet(),
  },
  {
    name: "slow ramp (+4 errors per interval)",
    faulty: true,
    report: (round) => (failing(round) ? { errors: [{ message: "cache miss storm", code: "cache.miss", count: 2 + 4 * (round - ONSET + 1) }], webhookFailRate: 0.02, healthy: true } : quiet()),
  },
  {
    name: "webhooks failing (40–90 %)",
    faulty: true,
    report: (round) => (failing(round) ? { ...quiet(), webhookFailRate: between(40, 90) / 100 } : quiet()),
  },
  {
    name: "plugin.error reported",
    faulty: true,
    report: (round) => (failing(round) ? { ...quiet(), errors: [{ message: "payment gateway module crashed", code: "plugin.error", count: 1 }] } : quiet()),
  },
];

// The server's own detection job stays out of the way: this script runs the passes on its rounds.
const server = await startServer(
  loadConfig({ DATABASE_URL: "memory://", PORT: "0", LOG_LEVEL: "silent", RELAIS_AGENT_HEARTBEAT_S: String(HEARTBEAT_S), RELAIS_AGENT_MONITOR_INTERVAL_S: "3600" }),
);
const engine = new DecisionEngine(server.db, undefined);
const adminHeaders = { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" };
const call = async <T>(path: string, body: unknown, headers: Record<string, string> = adminHeaders): Promise<T> => {
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

try {
  const app = await call<{ id: string }>("/v1/apps", { name: "simulation" });
  // A rule for the database pattern, so some decisions come from rules and the rest from heuristics.
  await call("/v1/healing_rules", {
    name: "Reconnect the database",
    match: { error_codes: ["db.connection"] },
    action: { type: "config", params: { database: { persistent: false } } },
    confidence: 0.9,
    auto_apply: true,
  });
  const { token } = await call<{ token: string }>(`/v1/apps/${app.id}/agent_enrolment_tokens`, { max_uses: patterns.length * PER_PATTERN });
  const plugin = { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" };
  const instances: Array<{ pattern: Pattern; uid: string; secret: string }> = [];
  for (const pattern of patterns) {
    for (let index = 0; index < PER_PATTERN; index += 1) {
      const enrolled = await call<{ instance_uid: string; agent_secret: string }>("/v1/agent/enrol", { token, plugin }, { "content-type": "application/json" });
      instances.push({ pattern, uid: enrolled.instance_uid, secret: enrolled.agent_secret });
    }
  }

  const openedAt = new Map<string, number>();
  const resolvedAt = new Map<string, number>();
  const falseAlarms = new Map<string, number>();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const instance of instances) {
      const report = instance.pattern.report(round);
      await call(
        "/v1/agent/heartbeat",
        {
          instance_uid: instance.uid,
          sequence_num: round,
          plugin,
          env: { runtime: "php" },
          health: { healthy: report.healthy, errors: report.errors.map((error) => ({ ...error, last_at: new Date().toISOString() })), webhook_fail_rate: report.webhookFailRate },
          effective_config_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
          capabilities: { commands: ["config", "update", "rollback"], local_rollback: true, health_check: true },
          ...(round === 1 ? { full_state: { effective_config: {}, config_status: null, telemetry: { since: "2026-12-01T00:00:00Z", counters: {} }, commands: [] } } : {}),
        },
        { "content-type": "application/json", authorization: `Bearer ${instance.secret}` },
      );
    }
    await runDetection(server.db, engine);
    const { rows } = await server.db.query<{ instance_id: string; status: string }>("select instance_id, status from incidents");
    for (const row of rows) {
      if (!openedAt.has(row.instance_id)) openedAt.set(row.instance_id, round);
      if (row.status === "resolved" && !resolvedAt.has(row.instance_id)) resolvedAt.set(row.instance_id, round);
    }
  }
  const { rows: decisions } = await server.db.query<{ source: string; count: number }>("select source, count(*)::int as count from healing_decisions group by source order by source");

  const seconds = (intervals: number) => `${intervals * HEARTBEAT_S} s`;
  console.log(`\n${instances.length} instances, ${ROUNDS} heartbeat intervals of ${HEARTBEAT_S} s; failures from interval ${ONSET}, recovery from interval ${RECOVERY}; detection after every interval\n`);
  console.log("| pattern | instances | incident opened | false alarms | time to detect (median, max) | resolved after recovery (median) |");
  console.log("|---|---:|---:|---:|---|---|");
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  let caught = 0;
  let faultyTotal = 0;
  const allDetect: number[] = [];
  for (const pattern of patterns) {
    const members = instances.filter((instance) => instance.pattern === pattern);
    const opened = members.filter((instance) => openedAt.has(instance.uid));
    if (!pattern.faulty) {
      falseAlarms.set(pattern.name, opened.length);
      console.log(`| ${pattern.name} | ${members.length} | ${opened.length} | ${opened.length} | n/a | n/a |`);
      continue;
    }
    faultyTotal += members.length;
    caught += opened.length;
    // Onset is at the start of interval ONSET; the report arrives at its end: one interval is the floor.
    const detect = opened.map((instance) => (openedAt.get(instance.uid) ?? 0) - ONSET + 1);
    allDetect.push(...detect);
    const resolve = opened.filter((instance) => resolvedAt.has(instance.uid)).map((instance) => (resolvedAt.get(instance.uid) ?? 0) - RECOVERY + 1);
    console.log(
      `| ${pattern.name} | ${members.length} | ${opened.length} | 0 | ${detect.length ? `${seconds(median(detect))}, ${seconds(Math.max(...detect))}` : "n/a"} | ${resolve.length ? seconds(median(resolve)) : "not resolved"} |`,
    );
  }
  const alarms = [...falseAlarms.values()].reduce((sum, count) => sum + count, 0);
  console.log(`\ndetected ${caught}/${faultyTotal} faulty instances; ${alarms} false alarms over ${instances.length - faultyTotal} healthy ones`);
  console.log(`time to detect: median ${seconds(median(allDetect))}, max ${seconds(Math.max(...allDetect))} (heartbeat every ${HEARTBEAT_S} s; add up to one detection pass interval, 30 s by default)`);
  console.log(`decisions by source: ${decisions.map((row) => `${row.source} ${row.count}`).join(", ")}`);
  console.log("autopatch success rate, rollback rate and time to repair: see the repair simulation that follows");
} finally {
  await server.close();
}
