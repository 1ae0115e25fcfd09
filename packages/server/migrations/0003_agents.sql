-- Plugin control plane: enrolment tokens, plugin instances (agents), their signed commands,
-- telemetry samples, the per-account command signing key, and incidents.

create table agent_enrolment_tokens (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  app_id text collate "C" not null references apps (id),
  -- HMAC-SHA256 of the token under a key derived from RELAIS_MASTER_KEY, hex; the token is shown once.
  token_hash text collate "C" not null unique,
  prefix text not null,
  expires_at timestamptz,
  max_uses integer,
  uses integer not null default 0,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index agent_enrolment_tokens_app on agent_enrolment_tokens (account_id, livemode, app_id, id);

-- One Ed25519 key per account signs every command of its agents. The private key is sealed
-- (AES-256-GCM) with the master key and lives apart from the command rows.
create table agent_signing_keys (
  account_id text collate "C" primary key references accounts (id),
  kid text not null,
  public_jwk jsonb not null,
  private_key_sealed text not null,
  created_at timestamptz not null default now()
);

create table plugin_instances (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  app_id text collate "C" not null references apps (id),
  enrolment_token_id text collate "C" references agent_enrolment_tokens (id),
  -- HMAC-SHA256 of the current agent secret; null once revoked.
  secret_hash text collate "C" unique,
  status text not null default 'active' check (status in ('active', 'offline', 'revoked')),
  plugin_name text not null,
  plugin_version text not null,
  platform text not null,
  env jsonb not null default '{}',
  capabilities jsonb,
  healthy boolean,
  health jsonb,
  effective_config_hash text,
  effective_config jsonb,
  config_status jsonb,
  telemetry_since text,
  telemetry_counters jsonb not null default '{}',
  -- Sequence bookkeeping (docs/agent-protocol.md section 5).
  last_sequence_num bigint,
  state_known boolean not null default false,
  report_full_state boolean not null default true,
  -- The interval the last heartbeat response asked for: offline detection waits 3 of them.
  heartbeat_interval_s integer not null,
  last_seen_at timestamptz,
  enrolled_at timestamptz not null default now(),
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index plugin_instances_account on plugin_instances (account_id, livemode, id);
create index plugin_instances_watch on plugin_instances (last_seen_at) where status = 'active';

create table plugin_commands (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  instance_id text collate "C" not null references plugin_instances (id),
  type text not null,
  params jsonb not null,
  status text not null check (status in ('pending', 'delivered', 'applied', 'failed', 'rejected', 'expired')),
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  -- Compact JWS made at creation over {id, type, params, instance_uid, issued_at, expires_at}.
  signature text not null,
  delivered_at timestamptz,
  delivery_count integer not null default 0,
  error jsonb,
  details jsonb,
  completed_at timestamptz,
  acked_at timestamptz,
  created_by_type text not null,
  created_by_id text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index plugin_commands_instance on plugin_commands (instance_id, id);
create index plugin_commands_open on plugin_commands (instance_id, id) where status in ('pending', 'delivered');
create index plugin_commands_expiry on plugin_commands (expires_at) where status in ('pending', 'delivered');

-- One row per accepted heartbeat: the series incident detection reads.
create table plugin_telemetry_samples (
  id bigint generated always as identity primary key,
  instance_id text collate "C" not null references plugin_instances (id),
  account_id text collate "C" not null,
  livemode boolean not null,
  sequence_num bigint not null,
  healthy boolean not null,
  error_count integer not null,
  errors jsonb not null,
  webhook_fail_rate double precision,
  counters jsonb not null,
  recorded_at timestamptz not null default now()
);
create index plugin_telemetry_samples_instance on plugin_telemetry_samples (instance_id, id);

create table incidents (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  app_id text collate "C" not null references apps (id),
  instance_id text collate "C" not null references plugin_instances (id),
  type text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  status text not null check (status in ('open', 'resolved')),
  summary text not null,
  evidence jsonb not null,
  opened_at timestamptz not null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index incidents_account on incidents (account_id, livemode, id);
-- At most one open incident per instance and type.
create unique index incidents_one_open on incidents (instance_id, type) where status = 'open';
