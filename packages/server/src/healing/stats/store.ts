import type { Queryable } from "../../db/database.js";
import type { AccountScope } from "../../http/auth/account-scope.js";

/** Seconds: mean and median of a duration, null when nothing was measured. */
export interface DurationStats {
  count: number;
  mean_seconds: number | null;
  p50_seconds: number | null;
}

/** What self-healing did over a window. */
export interface HealingStatsRow {
  opened: number;
  resolved: number;
  escalated: number;
  active: number;
  by_type: Record<string, number>;
  /** Time to detect: from the first anomalous sample to the incident (detected incidents only). */
  time_to_detect: DurationStats;
  /** Time to resolve: from opening to resolution (incidents resolved in the window). */
  time_to_resolve: DurationStats;
  decisions: { total: number; auto_apply: number; by_source: Record<string, number> };
  autopatches: AutopatchStats;
}

/** What autopatches did over a window: rollouts ended, attempts by outcome, the rates and time to repair. */
export interface AutopatchStats {
  /** Rollouts that ended in the window, by how. */
  finished: { completed: number; rolled_back: number; aborted: number };
  /** Instance attempts that ended in the window, by outcome. */
  attempts: { total: number; succeeded: number; failed: number; rolled_back: number };
  /** succeeded / total attempts; null without attempts. */
  success_rate: number | null;
  /** rolled_back / total attempts; null without attempts. */
  rollback_rate: number | null;
  /** From an incident's opening to the successful attempt on its instance. */
  time_to_repair: DurationStats;
}

/** {@link AutopatchStats} over attempts and rollouts ended in [since, until), for one account and mode or (scope null) all. */
export async function autopatchStats(db: Queryable, scope: AccountScope | null, since: Date, until: Date): Promise<AutopatchStats> {
  const { rows } = await db.query<{
    completed: number;
    rolled_back: number;
    aborted: number;
    succeeded_attempts: number;
    failed_attempts: number;
    rolled_back_attempts: number;
    ttr_count: number;
    ttr_mean: number | null;
    ttr_p50: number | null;
  }>(
    `with patches as (
       select status from autopatches
        where ($1::text is null or (account_id = $1 and livemode = $2)) and finished_at >= $3 and finished_at < $4
     ), attempts as (
       select p.outcome, p.finished_at, t.incident_id from autopatch_attempts p
         left join autopatch_targets t on t.autopatch_id = p.autopatch_id and t.instance_id = p.instance_id
        where ($1::text is null or (p.account_id = $1 and p.livemode = $2)) and p.finished_at >= $3 and p.finished_at < $4
     ), repair as (
       select extract(epoch from (a.finished_at - n.opened_at))::float8 as seconds
         from attempts a join incidents n on n.id = a.incident_id where a.outcome = 'succeeded'
     )
     select (select count(*) from patches where status = 'completed')::int as completed,
            (select count(*) from patches where status = 'rolled_back')::int as rolled_back,
            (select count(*) from patches where status = 'aborted')::int as aborted,
            (select count(*) from attempts where outcome = 'succeeded')::int as succeeded_attempts,
            (select count(*) from attempts where outcome = 'failed')::int as failed_attempts,
            (select count(*) from attempts where outcome = 'rolled_back')::int as rolled_back_attempts,
            (select count(*) from repair)::int as ttr_count,
            (select avg(seconds) from repair) as ttr_mean,
            (select percentile_cont(0.5) within group (order by seconds) from repair) as ttr_p50`,
    [scope?.accountId ?? null, scope?.livemode ?? false, since, until],
  );
  const row = rows[0];
  const succeeded = row?.succeeded_attempts ?? 0;
  const failed = row?.failed_attempts ?? 0;
  const rolledBack = row?.rolled_back_attempts ?? 0;
  const total = succeeded + failed + rolledBack;
  const rate = (count: number) => (total === 0 ? null : Math.round((count / total) * 10_000) / 10_000);
  return {
    finished: { completed: row?.completed ?? 0, rolled_back: row?.rolled_back ?? 0, aborted: row?.aborted ?? 0 },
    attempts: { total, succeeded, failed, rolled_back: rolledBack },
    success_rate: rate(succeeded),
    rollback_rate: rate(rolledBack),
    time_to_repair: { count: row?.ttr_count ?? 0, mean_seconds: round(row?.ttr_mean ?? null), p50_seconds: round(row?.ttr_p50 ?? null) },
  };
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/**
 * Counts and durations over incidents opened in [since, until) (and decisions about them), in one
 * account and mode: time to detect uses the `started_at` detection records in the evidence.
 */
export async function healingStats(db: Queryable, scope: AccountScope, since: Date, until: Date): Promise<HealingStatsRow> {
  const { rows } = await db.query<{
    opened: number;
    resolved: number;
    escalated: number;
    active: number;
    by_type: Record<string, number> | null;
    ttd_count: number;
    ttd_mean: number | null;
    ttd_p50: number | null;
    ttr_count: number;
    ttr_mean: number | null;
    ttr_p50: number | null;
  }>(
    `with window_incidents as (
       select * from incidents where account_id = $1 and livemode = $2 and opened_at >= $3 and opened_at < $4
     ), detect as (
       select extract(epoch from (opened_at - (evidence->>'started_at')::timestamptz))::float8 as seconds
         from window_incidents where evidence ? 'started_at'
     ), resolve as (
       select extract(epoch from (resolved_at - opened_at))::float8 as seconds from window_incidents where resolved_at is not null
     )
     select (select count(*) from window_incidents)::int as opened,
            (select count(*) from window_incidents where status = 'resolved')::int as resolved,
            (select count(*) from window_incidents where status = 'escalated')::int as escalated,
            (select count(*) from window_incidents where status in ('open', 'mitigating'))::int as active,
            (select json_object_agg(type, n) from (select type, count(*)::int as n from window_incidents group by type) t) as by_type,
            (select count(*) from detect)::int as ttd_count,
            (select avg(seconds) from detect) as ttd_mean,
            (select percentile_cont(0.5) within group (order by seconds) from detect) as ttd_p50,
            (select count(*) from resolve)::int as ttr_count,
            (select avg(seconds) from resolve) as ttr_mean,
            (select percentile_cont(0.5) within group (order by seconds) from resolve) as ttr_p50`,
    [scope.accountId, scope.livemode, since, until],
  );
  const { rows: decisions } = await db.query<{ source: string; total: number; auto: number }>(
    `select d.source, count(*)::int as total, count(*) filter (where (d.verdict->>'auto_apply')::boolean)::int as auto
       from healing_decisions d join incidents i on i.id = d.incident_id
      where i.account_id = $1 and i.livemode = $2 and i.opened_at >= $3 and i.opened_at < $4
      group by d.source`,
    [scope.accountId, scope.livemode, since, until],
  );
  const row = rows[0];
  return {
    opened: row?.opened ?? 0,
    resolved: row?.resolved ?? 0,
    escalated: row?.escalated ?? 0,
    active: row?.active ?? 0,
    by_type: row?.by_type ?? {},
    time_to_detect: { count: row?.ttd_count ?? 0, mean_seconds: round(row?.ttd_mean ?? null), p50_seconds: round(row?.ttd_p50 ?? null) },
    time_to_resolve: { count: row?.ttr_count ?? 0, mean_seconds: round(row?.ttr_mean ?? null), p50_seconds: round(row?.ttr_p50 ?? null) },
    decisions: {
      total: decisions.reduce((sum, entry) => sum + entry.total, 0),
      auto_apply: decisions.reduce((sum, entry) => sum + entry.auto, 0),
      by_source: Object.fromEntries(decisions.map((entry) => [entry.source, entry.total])),
    },
    autopatches: await autopatchStats(db, scope, since, until),
  };
}

/** Mean time to detect, in seconds, over incidents opened in [since, until) in every account; null when none was detected. */
export async function meanTimeToDetect(db: Queryable, since: Date, until: Date): Promise<number | null> {
  const { rows } = await db.query<{ seconds: number | null }>(
    `select avg(extract(epoch from (opened_at - (evidence->>'started_at')::timestamptz)))::float8 as seconds
       from incidents where opened_at >= $1 and opened_at < $2 and evidence ? 'started_at'`,
    [since, until],
  );
  return round(rows[0]?.seconds ?? null);
}
