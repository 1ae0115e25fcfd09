-- Self-healing, first part: the incident model of detection (severity low..critical, status
-- open -> mitigating -> resolved | escalated), healing rules, the ops policy, and the immutable
-- record of every decision taken about an incident.

alter table incidents drop constraint incidents_severity_check;
update incidents set severity = case severity when 'info' then 'low' when 'warning' then 'medium' else severity end;
alter table incidents add constraint incidents_severity_check check (severity in ('low', 'medium', 'high', 'critical'));
alter table incidents drop constraint incidents_status_check;
alter table incidents add constraint incidents_status_check check (status in ('open', 'mitigating', 'resolved', 'escalated'));
-- One problem is one incident: at most one active incident per instance and type.
drop index incidents_one_open;
create unique index incidents_one_active on incidents (instance_id, type) where status in ('open', 'mitigating');

create table healing_rules (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  name text not null,
  -- { incident_types?, error_codes?, message_pattern? (RE2 syntax), platforms?, plugins? }
  match jsonb not null,
  -- { type: config | update | rollback | notify, params }
  action jsonb not null,
  confidence double precision not null check (confidence >= 0 and confidence <= 1),
  auto_apply boolean not null,
  enabled boolean not null,
  successes integer not null default 0,
  failures integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index healing_rules_account on healing_rules (account_id, livemode, id);

-- One policy per account and mode; absent means the defaults (see healing/policy/policy.ts).
create table ops_policies (
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  policy jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (account_id, livemode)
);

create table healing_decisions (
  id text collate "C" primary key,
  account_id text collate "C" not null,
  livemode boolean not null,
  incident_id text collate "C" not null references incidents (id),
  source text not null check (source in ('remote', 'rules', 'heuristic')),
  action jsonb not null,
  confidence double precision not null,
  explanation text not null,
  rule_id text collate "C",
  -- What the decision was made from, and why the decision service was not used (if it was not).
  inputs jsonb not null,
  remote_error text,
  -- The ops policy's verdict: may it apply on its own, or who must approve, and why.
  verdict jsonb not null,
  created_at timestamptz not null default now()
);
create index healing_decisions_incident on healing_decisions (incident_id, id);

-- A decision is a record of what was known and chosen at the time: never changed, never removed.
create function healing_decisions_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'healing_decisions is append-only';
end
$$;
create trigger healing_decisions_append_only before update or delete on healing_decisions
  for each row execute function healing_decisions_refuse_change();
