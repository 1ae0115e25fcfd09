-- Self-healing, second part: autopatches (a fix rolled out to a set of plugin instances in
-- waves: a canary cohort first, then doubling waves, each watched for health before the next),
-- each instance's place in the rollout, and the immutable record of every attempt.

create table autopatches (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  -- Where the fix came from: a decision about an incident (and the rule it used), or a person.
  incident_id text collate "C" references incidents (id),
  decision_id text collate "C" references healing_decisions (id),
  rule_id text collate "C",
  -- { type: config | update | rollback, params }
  action jsonb not null,
  status text not null check (status in ('awaiting_approval', 'running', 'paused', 'completed', 'rolling_back', 'rolled_back', 'aborted')),
  approvals_required integer not null check (approvals_required >= 0),
  -- [{ actor: { type, id }, at }]: distinct operators, in the order they approved.
  approvals jsonb not null default '[]',
  canary_percent integer not null,
  watch_s integer not null,
  wave_count integer not null,
  -- The wave under way (0 is the canary cohort).
  current_wave integer not null default 0,
  status_reason text,
  -- While rolling back: what the autopatch ends as once every rollback settled.
  ends_as text check (ends_as in ('rolled_back', 'aborted')),
  created_by_type text not null,
  created_by_id text not null,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index autopatches_account on autopatches (account_id, livemode, id);
create index autopatches_active on autopatches (id) where status in ('running', 'rolling_back');

-- One row per instance an autopatch targets: where it is in the rollout.
create table autopatch_targets (
  autopatch_id text collate "C" not null references autopatches (id),
  instance_id text collate "C" not null references plugin_instances (id),
  -- The incident of this instance the fix is for, if any.
  incident_id text collate "C" references incidents (id),
  wave integer not null,
  -- passed: its watch passed, its wave not yet; succeeded, failed, rolled_back, skipped: final.
  state text not null check (state in ('waiting', 'applying', 'watching', 'passed', 'succeeded', 'failed', 'rolling_back', 'rolled_back', 'skipped')),
  command_id text collate "C",
  rollback_command_id text collate "C",
  before_version text,
  -- Telemetry before the apply, and what the watch concluded: { verdict, reasons, baseline, after }.
  baseline jsonb,
  health jsonb,
  started_at timestamptz,
  applied_at timestamptz,
  watch_until timestamptz,
  updated_at timestamptz not null default now(),
  primary key (autopatch_id, instance_id)
);
create index autopatch_targets_instance on autopatch_targets (instance_id);

-- Each instance's attempt, written once when it ends: never changed, never removed.
create table autopatch_attempts (
  id text collate "C" primary key,
  account_id text collate "C" not null,
  livemode boolean not null,
  autopatch_id text collate "C" not null references autopatches (id),
  instance_id text collate "C" not null,
  wave integer not null,
  action jsonb not null,
  outcome text not null check (outcome in ('succeeded', 'failed', 'rolled_back')),
  before_version text,
  after_version text,
  command_id text collate "C",
  rollback_command_id text collate "C",
  health jsonb not null,
  started_at timestamptz not null,
  applied_at timestamptz,
  finished_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index autopatch_attempts_account on autopatch_attempts (account_id, livemode, id);
create index autopatch_attempts_autopatch on autopatch_attempts (autopatch_id, id);

create function autopatch_attempts_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'autopatch_attempts is append-only';
end
$$;
create trigger autopatch_attempts_append_only before update or delete on autopatch_attempts
  for each row execute function autopatch_attempts_refuse_change();
-- truncate skips row triggers: refuse it with a statement trigger.
create trigger autopatch_attempts_no_truncate before truncate on autopatch_attempts
  for each statement execute function autopatch_attempts_refuse_change();

-- Instances in a rollout are asked to heartbeat more often until then, so a health watch has
-- samples to judge and the next wave's commands arrive without waiting a whole interval.
alter table plugin_instances add column fast_heartbeat_until timestamptz;

-- An escalated incident is still the one incident of its problem: people have it. Detection does
-- not open another of the same type for the instance until it resolves (when telemetry is
-- normal again, as for open ones).
drop index incidents_one_active;
create unique index incidents_one_active on incidents (instance_id, type) where status in ('open', 'mitigating', 'escalated');
