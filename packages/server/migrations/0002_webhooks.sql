-- Webhooks: the event-type registry, events, endpoints, the delivery outbox (messages) and the
-- immutable log of delivery attempts.

-- Built-in types have no account; an account's own types are visible to that account and mode only.
create table event_types (
  name text collate "C" not null,
  account_id text collate "C" references accounts (id),
  livemode boolean,
  description text not null,
  schema jsonb,
  created_at timestamptz not null default now()
);
create unique index event_types_name on event_types (coalesce(account_id, ''), coalesce(livemode, false), name);

insert into event_types (name, description, schema) values
  ('checkout.created', 'A checkout was started.', '{"type":"object"}'),
  ('order.created', 'An order was placed.', '{"type":"object"}'),
  ('order.updated', 'An order changed.', '{"type":"object"}'),
  ('order.cancelled', 'An order was cancelled.', '{"type":"object"}'),
  ('payment.succeeded', 'A payment was captured.', '{"type":"object"}'),
  ('payment.failed', 'A payment failed.', '{"type":"object"}'),
  ('refund.issued', 'A refund was issued.', '{"type":"object"}'),
  ('subscription.created', 'A subscription was created.', '{"type":"object"}'),
  ('subscription.updated', 'A subscription changed.', '{"type":"object"}'),
  ('subscription.cancelled', 'A subscription was cancelled.', '{"type":"object"}'),
  ('plugin.error', 'A plugin reported an error.', '{"type":"object"}'),
  ('webhook_endpoint.disabled', 'Relais disabled a webhook endpoint (410 Gone or failing continuously).',
   '{"type":"object","required":["endpoint_id","reason"],"properties":{"endpoint_id":{"type":"string"},"url":{"type":"string"},"reason":{"type":"string"}}}'),
  ('webhook_endpoint.test', 'A test delivery sent by POST /v1/webhook_endpoints/:id/test.', '{"type":"object"}');

create table events (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  -- The app of the key that published it; null for account-level credentials and system events.
  app_id text collate "C",
  type text not null,
  data jsonb not null,
  idempotency_key text,
  created_at timestamptz not null default now()
);
create unique index events_idempotency on events (account_id, livemode, idempotency_key) where idempotency_key is not null;
create index events_account on events (account_id, livemode, id);
create index events_created on events (created_at);

create table webhook_endpoints (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  app_id text collate "C",
  url text not null,
  description text,
  event_types text[] not null,
  headers jsonb not null default '{}',
  rate_limit integer,
  max_concurrency integer not null default 50,
  retry_schedule integer[],
  enabled boolean not null default true,
  disabled_reason text,
  -- AES-256-GCM sealed `whsec_…` (context: the endpoint id); the previous one signs too until it expires.
  secret_sealed text not null,
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  -- Failed attempts in a row, when that run began, and messages that died in a row.
  failure_streak integer not null default 0,
  failing_since timestamptz,
  consecutive_dead integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index webhook_endpoints_account on webhook_endpoints (account_id, livemode, id) where deleted_at is null;

-- The outbox: one row per (event, endpoint), written in the event's transaction.
-- pending: waiting for an attempt; delivering: leased by a worker until locked_until;
-- failed: the last attempt failed and another is scheduled; succeeded; dead: retries exhausted.
create table webhook_messages (
  id text collate "C" primary key,
  account_id text collate "C" not null,
  livemode boolean not null,
  event_id text collate "C" not null references events (id) on delete cascade,
  endpoint_id text collate "C" not null references webhook_endpoints (id),
  event_type text not null,
  status text not null check (status in ('pending', 'delivering', 'succeeded', 'failed', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  locked_until timestamptz,
  locked_by text,
  -- When a worker last claimed it: counts against the endpoint's rate limit for one second.
  claimed_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_messages_due on webhook_messages (endpoint_id, next_attempt_at) where status in ('pending', 'failed');
create index webhook_messages_leased on webhook_messages (endpoint_id, locked_until) where status = 'delivering';
create index webhook_messages_claimed on webhook_messages (endpoint_id, claimed_at);
create index webhook_messages_account on webhook_messages (account_id, livemode, id);
create index webhook_messages_event on webhook_messages (event_id);

create table webhook_attempts (
  id text collate "C" primary key,
  account_id text collate "C" not null,
  livemode boolean not null,
  message_id text collate "C" not null references webhook_messages (id) on delete cascade,
  endpoint_id text collate "C" not null,
  attempt_number integer not null,
  trigger text not null check (trigger in ('scheduled', 'test')),
  started_at timestamptz not null,
  duration_ms integer not null,
  outcome text not null check (outcome in ('succeeded', 'failed', 'gone')),
  status_code integer,
  error_class text,
  error text,
  response_excerpt text not null,
  response_truncated boolean not null,
  url text not null,
  worker_id text not null,
  created_at timestamptz not null default now()
);
create index webhook_attempts_message on webhook_attempts (message_id, id);

-- Attempts are a record of what was sent: never changed, removed only with their event by the
-- retention job, which sets relais.retention for its transaction.
create function webhook_attempts_refuse_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('relais.retention', true) = 'on' then
    return old;
  end if;
  raise exception 'webhook_attempts is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger webhook_attempts_append_only before update or delete on webhook_attempts
  for each row execute function webhook_attempts_refuse_change();
