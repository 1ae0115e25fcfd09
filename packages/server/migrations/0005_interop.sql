-- Interop: mappings (versioned documents), connectors (one per shop and platform) and the
-- inbound events platforms send to a connector's ingest URL.

-- A mapping's current document; every version ever saved stays in interop_mapping_versions.
create table interop_mappings (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  name text not null,
  platform text not null,
  version integer not null,
  document jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index interop_mappings_account on interop_mappings (account_id, livemode, id);

create table interop_mapping_versions (
  mapping_id text collate "C" not null references interop_mappings (id),
  version integer not null,
  document jsonb not null,
  created_at timestamptz not null default now(),
  primary key (mapping_id, version)
);

create table interop_connectors (
  id text collate "C" primary key,
  account_id text collate "C" not null references accounts (id),
  livemode boolean not null,
  -- Events are published as this app's (null: the account's).
  app_id text collate "C",
  platform text not null check (platform in ('shopify', 'woocommerce', 'prestashop', 'magento', 'custom')),
  shop text not null,
  description text,
  secret_sealed text not null,
  -- The secret replaced by the last change keeps verifying until it expires (platform rotations).
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  mapping_id text collate "C" references interop_mappings (id),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index interop_connectors_account on interop_connectors (account_id, livemode, id) where deleted_at is null;

-- Every authentic delivery, stored byte for byte before anything else is decided about it.
create table interop_events (
  id text collate "C" primary key,
  account_id text collate "C" not null,
  livemode boolean not null,
  -- No foreign key: every ingest would take a KEY SHARE lock on the one connector row, and
  -- concurrent lockers of one row cost PostgreSQL a multixact each (connectors are only soft-deleted).
  connector_id text collate "C" not null,
  platform text not null,
  topic text,
  -- The platform's own delivery id (X-Shopify-Event-Id, X-WC-Webhook-Delivery-ID, webhook-id).
  delivery_id text,
  status text not null check (status in ('normalized', 'failed', 'duplicate')),
  -- The NormalizedEvent id (ie_…), once normalized.
  normalized_id text collate "C",
  type text,
  -- The Relais event published for it.
  event_id text collate "C",
  duplicate_of text collate "C",
  error jsonb,
  headers jsonb not null,
  body bytea not null,
  mapping_id text collate "C",
  mapping_version integer,
  attempts integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The two dedupe keys: a platform delivery id once per connector, a normalized event once per account.
create unique index interop_events_delivery on interop_events (connector_id, delivery_id)
  where delivery_id is not null and status <> 'duplicate';
create unique index interop_events_normalized on interop_events (account_id, livemode, normalized_id)
  where status = 'normalized';
-- Lists and the stats window both use this one: ids sort by time.
create index interop_events_account on interop_events (account_id, livemode, id);

-- The same for events: every publish locked its account's row (accounts are never deleted).
alter table events drop constraint events_account_id_fkey;

-- Raw bodies and event data are JSON of a few KiB: lz4 compresses them at a fraction of pglz's
-- cost, where the server has it (PostgreSQL built with lz4; PGlite is not).
do $$
begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
    alter table interop_events alter column body set compression lz4;
    alter table events alter column data set compression lz4;
  end if;
end
$$;

-- Ids of the same shape as the server's (prefix, 10 characters of millisecond time, 16 random,
-- lower-case Crockford base32), for rows a statement creates itself.
create function relais_new_id(prefix text) returns text language sql volatile as $$
  select prefix || '_'
    || (select string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', (((ms / (32::bigint ^ (9 - i))::bigint) % 32) + 1)::int, 1), '' order by i)
          from generate_series(0, 9) as i,
               (select (extract(epoch from clock_timestamp()) * 1000)::bigint as ms) as now_ms)
    || (select string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', 1 + floor(random() * 32)::int, 1), '')
          from generate_series(1, 16 + 0 * length(prefix)))
$$;

-- Whether an endpoint subscribed with `filters` receives an event of `type`: the SQL twin of
-- matchesEventType (`*`, an exact type, or a prefix ending in `.*` that needs one more segment).
create function relais_event_type_matches(filters text[], type text) returns boolean language sql immutable as $$
  select exists (
    select 1 from unnest(filters) as f
     where f = '*' or f = type
        or (right(f, 2) = '.*' and length(type) > length(f) - 1 and left(type, length(f) - 1) = left(f, -1))
  )
$$;
