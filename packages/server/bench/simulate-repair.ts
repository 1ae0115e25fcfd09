// The repair half of `npm run simulate -w @relais/server`: fleets of simulated plugins on a
// virtual clock (5 s ticks) against a real embedded server. Each fleet is one app whose
// instances start failing at the same moment; detection runs every 30 s, decisions come from
// healing rules (no decision service), autopatches roll out canary first with 90 s watches, and
// the simulated agents apply, ack and roll back the signed commands they get, heartbeating at the
// interval the server asks (15 s while in a rollout, 60 s otherwise). Telemetry timestamps are
// moved onto the virtual clock, so watches, time to detect and time to repair are measured as
// the server measures them. Prints the seed's KPIs per fleet and overall. Seeded.
import { CommandSigner } from "../src/agents/signing.js";
import { loadConfig } from "../src/config.js";
import { deriveServerKeys } from "../src/crypto/keys.js";
import { AutopatchService } from "../src/healing/autopatch/service.js";
import { runRollouts } from "../src/healing/autopatch/rollout.js";
import { autopatchStats } from "../src/healing/stats/store.js";
import { DecisionEngine } from "../src/healing/decisions/engine.js";
import { runDetection } from "../src/healing/detection/job.js";
import { startServer } from "../src/server.js";
import { betweenOf, seededRandom } from "./seeded-random.js";

const MASTER_KEY = Buffer.alloc(32, 3).toString("base64");
const TICK_S = 5;
const DETECT_EVERY_TICKS = 6;
const ONSET_S = 15 * 60;
const END_S = 45 * 60;

const between = betweenOf(seededRandom(20261202));

type PluginState = { version: string; config: Record<string, unknown>; failing: boolean };
type Errors = Array<{ message: string; code: string; count: number }>;

/** A fleet: how many instances, how many fail, what they report, and the rule an operator wrote for it. */
interface Fleet {
  name: string;
  size: number;
  failing: number;
  errors(state: PluginState): Errors;
  rule: { name: string; match: Record<string, unknown>; action: { type: string; params: Record<string, unknown> }; confidence: number };
}

const noise = (): Errors => {
  const count = between(0, 2);
  return count === 0 ? [] : [{ message: "slow query", code: "db.slow", count }];
};
const fleets: Fleet[] = [
  {
    name: "database down; a config fix works",
    size: 12,
    failing: 9,
    errors: (s) => (s.failing && (s.config.database as { persistent?: boolean } | undefined)?.persistent !== false ? [{ message: "SQLSTATE[HY000] [2002] Connection refused", code: "db.connection", count: between(40, 80) }] : noise()),
    rule: { name: "Non-persistent connections", match: { error_codes: ["db.connection"] }, action: { type: "config", params: { database: { persistent: false } } }, confidence: 0.9 },
  },
  {
    name: "bad release; an update fixes it",
    size: 10,
    failing: 10,
    errors: (s) => (s.failing && s.version === "2.3.0" ? [{ message: "TypeError: order.total is undefined", code: "release.regression", count: between(30, 60) }] : noise()),
    rule: { name: "Update past the regression", match: { error_codes: ["release.regression"] }, action: { type: "update", params: { version: "2.3.1" } }, confidence: 0.95 },
  },
  {
    name: "cache storm; the fix makes it worse",
    size: 8,
    failing: 6,
    errors: (s) =>
      s.failing ? [{ message: "cache miss storm", code: "cache.miss", count: (s.config.cache as { size?: number } | undefined)?.size === 0 ? between(150, 200) : between(40, 60) }] : noise(),
    rule: { name: "Disable the cache", match: { error_codes: ["cache.miss"] }, action: { type: "config", params: { cache: { size: 0 } } }, confidence: 0.92 },
  },
];

const server = await startServer(
  loadConfig({
    DATABASE_URL: "memory://",
    PORT: "0",
    LOG_LEVEL: "silent",
    RELAIS_MASTER_KEY: MASTER_KEY,
    RELAIS_AGENT_HEARTBEAT_S: "60",
    // The server's own jobs stay out of the way: this script runs the passes on its clock.
    RELAIS_AGENT_MONITOR_INTERVAL_S: "3600",
    RELAIS_AUTOPATCH_INTERVAL_S: "300",
  }),
);
const engine = new DecisionEngine(server.db, undefined);
const autopatches = new AutopatchService(server.db);
const rollout = { signer: new CommandSigner(deriveServerKeys(Buffer.from(MASTER_KEY, "base64")).secretEncryption) };
const headers = { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" };
const call = async <T>(method: string, path: string, body?: unknown, auth: Record<string, string> = headers): Promise<T> => {
  const response = await fetch(`${server.url}${path}`, { method, headers: auth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

type Instance = {
  fleet: Fleet;
  app: string;
  uid: string;
  secret: string;
  sequence: number;
  nextBeatS: number;
  state: PluginState;
  snapshots: PluginState[];
  acks: Array<{ id: string; status: "applied" | "failed" }>;
};

try {
  await call("PUT", "/v1/ops_policy", { policy: { max_auto_severity: "critical", approvals: { config: 0, update: 0, rollback: 0 } } });
  const instances: Instance[] = [];
  for (const fleet of fleets) {
    await call("POST", "/v1/healing_rules", { ...fleet.rule, auto_apply: true });
    const app = (await call<{ id: string }>("POST", "/v1/apps", { name: fleet.name })).id;
    const { token } = await call<{ token: string }>("POST", `/v1/apps/${app}/agent_enrolment_tokens`, { max_uses: fleet.size });
    for (let index = 0; index < fleet.size; index += 1) {
      const version = fleet.rule.action.type === "update" ? "2.3.0" : "1.4.2";
      const enrolled = await call<{ instance_uid: string; agent_secret: string }>("POST", "/v1/agent/enrol", { token, plugin: { name: "relais-woocommerce", version, platform: "woocommerce" } }, { "content-type": "application/json" });
      instances.push({
        fleet,
        app,
        uid: enrolled.instance_uid,
        secret: enrolled.agent_secret,
        sequence: 0,
        nextBeatS: between(0, 59),
        state: { version, config: {}, failing: false },
        snapshots: [],
        acks: [],
      });
    }
  }

  // The virtual clock starts now and runs ahead of the real one (fast-heartbeat deadlines compare with real time).
  const start = Date.now();
  const at = (seconds: number) => new Date(start + seconds * 1000);
  let lastSample = 0;
  const onsetOf = new Map<Fleet, number>(fleets.map((fleet) => [fleet, ONSET_S]));
  for (let now = 0; now <= END_S; now += TICK_S) {
    for (const fleet of fleets) {
      if (now !== onsetOf.get(fleet)) continue;
      for (const instance of instances.filter((i) => i.fleet === fleet).slice(0, fleet.failing)) instance.state.failing = true;
    }
    for (const instance of instances) {
      if (instance.nextBeatS > now) continue;
      instance.sequence += 1;
      const errors = instance.fleet.errors(instance.state);
      const acks = instance.acks.splice(0);
      const answer = await call<{ next_heartbeat_in_s: number; commands: Array<{ id: string; type: string; params: Record<string, unknown> }> }>(
        "POST",
        "/v1/agent/heartbeat",
        {
          instance_uid: instance.uid,
          sequence_num: instance.sequence,
          plugin: { name: "relais-woocommerce", version: instance.state.version, platform: "woocommerce" },
          env: { runtime: "php" },
          health: { healthy: true, errors: errors.map((error) => ({ ...error, last_at: at(now).toISOString() })), webhook_fail_rate: 0 },
          effective_config_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
          capabilities: { commands: ["config", "update", "rollback"], local_rollback: true, health_check: true },
          ...(instance.sequence === 1 ? { full_state: { effective_config: instance.state.config, config_status: null, telemetry: { since: at(0).toISOString(), counters: {} }, commands: [] } } : {}),
        },
        { "content-type": "application/json", authorization: `Bearer ${instance.secret}` },
      );
      for (const ack of acks) {
        await call("POST", `/v1/agent/commands/${ack.id}/ack`, { status: ack.status, completed_at: at(now).toISOString() }, { "content-type": "application/json", authorization: `Bearer ${instance.secret}` });
      }
      // Commands run between heartbeats; their acks go out with the next one, as a busy agent's would.
      for (const command of answer.commands) {
        if (command.type === "rollback") {
          const previous = instance.snapshots.pop();
          if (previous) instance.state = { ...previous, failing: instance.state.failing };
        } else {
          instance.snapshots.push({ ...instance.state, config: { ...instance.state.config } });
          if (command.type === "config") instance.state.config = command.params.config as Record<string, unknown>;
          if (command.type === "update") instance.state.version = String(command.params.version);
        }
        instance.acks.push({ id: command.id, status: "applied" });
      }
      instance.nextBeatS = now + answer.next_heartbeat_in_s;
    }
    // Telemetry onto the virtual clock.
    const { rows } = await server.db.query<{ id: string }>("update plugin_telemetry_samples set recorded_at = $2 where id > $1 returning id", [lastSample, at(now)]);
    for (const row of rows) lastSample = Math.max(lastSample, Number(row.id));
    if (now % (DETECT_EVERY_TICKS * TICK_S) === 0) await runDetection(server.db, engine, { now: at(now), windowMs: 86_400_000, autopatches });
    await runRollouts(server.db, rollout, at(now));
  }

  console.log(`\n${instances.length} instances in ${fleets.length} fleets; failures start at ${ONSET_S / 60} min; ${TICK_S} s ticks, detection every ${(DETECT_EVERY_TICKS * TICK_S)} s, 60 s heartbeats (15 s in a rollout), 90 s health watches, canary 10 %\n`);
  console.log("| fleet | failing | incidents | autopatches (status) | attempts ok / rolled back / failed | time to detect from onset (median) | time to repair (median, max) |");
  console.log("|---|---:|---:|---|---|---|---|");
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  for (const fleet of fleets) {
    const app = instances.find((instance) => instance.fleet === fleet)?.app;
    const { rows: incidents } = await server.db.query<{ detect: number }>(
      "select extract(epoch from (opened_at - $2::timestamptz))::float8 as detect from incidents where app_id = $1",
      [app, at(ONSET_S)],
    );
    const { rows: patches } = await server.db.query<{ status: string }>(
      "select distinct a.id, a.status from autopatches a join autopatch_targets t on t.autopatch_id = a.id join plugin_instances i on i.id = t.instance_id where i.app_id = $1",
      [app],
    );
    const { rows: attempts } = await server.db.query<{ outcome: string; repair: number | null }>(
      `select p.outcome, extract(epoch from (p.finished_at - n.opened_at))::float8 as repair
         from autopatch_attempts p join plugin_instances i on i.id = p.instance_id
         left join autopatch_targets t on t.autopatch_id = p.autopatch_id and t.instance_id = p.instance_id
         left join incidents n on n.id = t.incident_id where i.app_id = $1`,
      [app],
    );
    const repairs = attempts.filter((attempt) => attempt.outcome === "succeeded" && attempt.repair !== null).map((attempt) => attempt.repair as number);
    const by = (outcome: string) => attempts.filter((attempt) => attempt.outcome === outcome).length;
    const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
    console.log(
      `| ${fleet.name} | ${fleet.failing}/${fleet.size} | ${incidents.length} | ${patches.map((patch) => patch.status).join(", ") || "none"} | ${by("succeeded")} / ${by("rolled_back")} / ${by("failed")} | ${incidents.length ? minutes(median(incidents.map((row) => row.detect))) : "n/a"} | ${repairs.length ? `${minutes(median(repairs))}, ${minutes(Math.max(...repairs))}` : "n/a"} |`,
    );
  }
  const stats = await autopatchStats(server.db, null, at(0), at(END_S + 60));
  const { rows: detect } = await server.db.query<{ mean: number; max: number }>(
    "select avg(extract(epoch from (opened_at - $1::timestamptz)))::float8 as mean, max(extract(epoch from (opened_at - $1::timestamptz)))::float8 as max from incidents",
    [at(ONSET_S)],
  );
  const pct = (value: number | null) => (value === null ? "n/a" : `${(value * 100).toFixed(1)} %`);
  console.log(`\nKPIs over all attempts (seed targets: success > 95 %, rollback < 2 %, detect < 2 min, repair < 10 min):`);
  console.log(`  attempts ${stats.attempts.total}: success rate ${pct(stats.success_rate)}, rollback rate ${pct(stats.rollback_rate)}`);
  console.log(`  time to detect (failure onset to incident): mean ${((detect[0]?.mean ?? 0) / 60).toFixed(1)} min, max ${((detect[0]?.max ?? 0) / 60).toFixed(1)} min`);
  console.log(
    `  time to repair (incident to the instance's successful attempt): mean ${((stats.time_to_repair.mean_seconds ?? 0) / 60).toFixed(1)} min, median ${((stats.time_to_repair.p50_seconds ?? 0) / 60).toFixed(1)} min over ${stats.time_to_repair.count} repaired instances`,
  );
  console.log("  (the rates depend on the fleets' mix: the third fleet's fix is bad on purpose, to show the rollback; without it every attempt succeeds)");
} finally {
  await server.close();
}
