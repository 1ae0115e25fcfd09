import { Counter, Gauge, type Registry } from "prom-client";
import type { Database } from "../db/database.js";
import type { RolloutReport } from "./autopatch/rollout.js";
import { autopatchStats, meanTimeToDetect } from "./stats/store.js";

const KPI_WINDOW_MS = 24 * 3_600_000;

/**
 * Self-healing on `/metrics`: counters of attempts and finished rollouts as this process made
 * them, and the KPIs over the last 24 hours across all accounts (success and rollback rates of
 * attempts, mean time to repair), read from the database at scrape time so every worker reports
 * the same numbers. Returns what records a rollout pass.
 */
export function registerHealingMetrics(registry: Registry, db: Database): (report: RolloutReport) => void {
  const attempts = new Counter({ name: "relais_autopatch_attempts_total", help: "Autopatch instance attempts ended, by outcome", labelNames: ["outcome"], registers: [registry] });
  const finished = new Counter({ name: "relais_autopatches_finished_total", help: "Autopatch rollouts ended, by status", labelNames: ["status"], registers: [registry] });
  new Gauge({
    name: "relais_healing_kpi",
    help: "Self-healing KPIs over the last 24 hours: autopatch success_rate and rollback_rate (0..1), mttd_seconds (anomaly to incident), mttr_seconds (incident opened to successful attempt)",
    labelNames: ["kpi"],
    registers: [registry],
    async collect() {
      // A minute ahead: the database's clock and this process's may differ by a little.
      const until = new Date(Date.now() + 60_000);
      const since = new Date(until.getTime() - KPI_WINDOW_MS);
      const [stats, mttd] = [await autopatchStats(db, null, since, until), await meanTimeToDetect(db, since, until)];
      if (stats.success_rate !== null) this.set({ kpi: "success_rate" }, stats.success_rate);
      if (stats.rollback_rate !== null) this.set({ kpi: "rollback_rate" }, stats.rollback_rate);
      if (stats.time_to_repair.mean_seconds !== null) this.set({ kpi: "mttr_seconds" }, stats.time_to_repair.mean_seconds);
      if (mttd !== null) this.set({ kpi: "mttd_seconds" }, mttd);
    },
  });
  return (report) => {
    for (const [outcome, count] of Object.entries(report.attempts)) if (count > 0) attempts.inc({ outcome }, count);
    for (const patch of report.finished) finished.inc({ status: patch.status });
  };
}
