-- Accounts, users, apps, API keys, the audit log, idempotency records and rate-limit counters.
-- Ids are prefixed, time-sortable text compared byte-wise (collate "C") so cursors follow creation order.

create table accounts (
  id text collate "C" primary key,
  name text not null,
  -- At most one account comes from the first-start bootstrap, even when several processes start at once.
  bootstrap boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index accounts_one_bootstrap on accounts (bootstrap) where bootstrap;

create table users (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  email text,
  role text not null check (role in ('owner', 'developer', 'merchant_admin', 'accountant', 'support', 'ops')),
  created_at timestamptz not null default now()
);
create index users_account on users (account_id, id);

create table apps (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  name text not null,
  description text,
  environment text not null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index apps_account on apps (account_id, livemode, id) where deleted_at is null;

create table api_keys (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  -- null: an account-level key (the bootstrap admin key); otherwise the app the key works for.
  app_id text collate "C" references apps (id),
  name text not null,
  prefix text not null,
  scopes text[] not null,
  expires_at timestamptz,
  quota_per_minute integer,
  quota_per_day integer,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_app on api_keys (account_id, livemode, app_id, id);

-- Each secret a key has had: rotation adds one and gives the previous ones an expiry (the grace period).
create table api_key_secrets (
  -- HMAC-SHA256 of the secret under a key derived from RELAIS_MASTER_KEY, hex.
  secret_hash text collate "C" primary key,
  key_id text collate "C" not null references api_keys (id),
  prefix text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz
);
create index api_key_secrets_key on api_key_secrets (key_id);

create table audit_logs (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  actor_type text not null,
  actor_id text not null,
  action text not null,
  target_id text collate "C" not null,
  before jsonb,
  after jsonb,
  request_id text,
  ip text,
  created_at timestamptz not null default now()
);
create index audit_logs_account on audit_logs (account_id, livemode, id);
create index audit_logs_target on audit_logs (account_id, livemode, target_id, id);

create function audit_logs_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_logs is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_logs_append_only before update or delete on audit_logs
  for each row execute function audit_logs_refuse_change();
create trigger audit_logs_no_truncate before truncate on audit_logs
  for each statement execute function audit_logs_refuse_change();

create table idempotency_keys (
  account_id text collate "C" not null,
  livemode boolean not null,
  key text not null,
  -- sha256 of method, path and body: the same key with another request is a mismatch.
  request_hash text not null,
  -- Set while the first request runs; a stale lock (the process died) may be taken over.
  locked_at timestamptz,
  response_status integer,
  response_type text,
  response_body text,
  created_at timestamptz not null default now(),
  primary key (account_id, livemode, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);

-- Unlogged: counters are rebuilt by traffic after a crash, and commits skip the WAL flush.
create unlogged table rate_limit_counters (
  bucket text collate "C" not null,
  window_start bigint not null,
  window_end bigint not null,
  hits integer not null,
  primary key (bucket, window_start)
);
create index rate_limit_counters_end on rate_limit_counters (window_end);
