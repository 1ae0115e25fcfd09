import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Database } from "../../db/database.js";
import type { AttemptResult } from "../delivery/index.js";

/** What the delivery path reports to Prometheus. */
export interface DeliveryMetrics {
  observeAttempt(result: AttemptResult): void;
}

/**
 * Registers the webhook metrics in the server's registry: attempts by outcome, attempt latency,
 * and gauges read from the database at scrape time (so they agree across worker processes):
 * queue depth, the age of the oldest due message, and each failing endpoint's streak.
 */
export function createDeliveryMetrics(registry: Registry, db: Database): DeliveryMetrics {
  const attempts = new Counter({
    name: "relais_webhook_attempts_total",
    help: "Webhook delivery attempts by outcome and error class",
    labelNames: ["outcome", "error_class"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "relais_webhook_attempt_duration_seconds",
    help: "Webhook delivery attempt duration, redirects included",
    labelNames: ["outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  new Gauge({
    name: "relais_webhook_queue_depth",
    help: "Webhook messages waiting for an attempt, by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ status: string; count: number }>(
        "select status, count(*)::int as count from webhook_messages where status in ('pending', 'failed', 'delivering') group by status",
      );
      for (const status of ["pending", "failed", "delivering"]) this.set({ status }, rows.find((row) => row.status === status)?.count ?? 0);
    },
  });
  new Gauge({
    name: "relais_webhook_oldest_due_message_age_seconds",
    help: "How long the oldest due webhook message has been waiting",
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ age: number | null }>(
        `select extract(epoch from now() - min(next_attempt_at))::float8 as age from webhook_messages
          where status in ('pending', 'failed') and next_attempt_at <= now()`,
      );
      this.set(rows[0]?.age ?? 0);
    },
  });
  new Gauge({
    name: "relais_webhook_endpoint_failure_streak",
    help: "Failed attempts in a row, per failing endpoint",
    labelNames: ["endpoint_id"],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await db.query<{ id: string; failure_streak: number }>(
        "select id, failure_streak from webhook_endpoints where failure_streak > 0 and deleted_at is null order by failure_streak desc limit 100",
      );
      for (const row of rows) this.set({ endpoint_id: row.id }, row.failure_streak);
    },
  });
  return {
    observeAttempt(result) {
      attempts.inc({ outcome: result.outcome, error_class: result.errorClass ?? "" });
      latency.observe({ outcome: result.outcome }, result.durationMs / 1000);
    },
  };
}
