-- Claiming due webhook messages, as a function so the counting sees the claims it must respect.
--
-- One statement that both locked the endpoints and counted their leases took its snapshot before
-- the lock: a claimer that got an endpoint's lock just after another committed its claim counted
-- the leases as they were before that claim, and went past max_concurrency (and rate_limit).
-- A VOLATILE PL/pgSQL function takes a fresh snapshot for each statement it runs, so here the
-- count runs after the lock is held and sees every claim committed before it; the worker still
-- makes one round trip per claim.
--
-- The claim commits without waiting for the WAL flush: a claim lost in a crash leaves its messages
-- pending, and they are sent again (at-least-once allows it, as with the success batches).

create function relais_claim_webhook_messages(p_limit integer, p_lease_ms float8, p_worker text)
returns table (
  id text, account_id text, livemode boolean, attempts integer, event_id text, event_type text,
  event_data jsonb, event_created_at timestamptz, endpoint_id text, url text, headers jsonb,
  retry_schedule integer[], secret_sealed text, previous_secret_sealed text, previous_secret_expires_at timestamptz
)
language plpgsql volatile
as $$
#variable_conflict use_column
declare
  ready text[];
begin
  perform set_config('synchronous_commit', 'off', true);
  -- Endpoints with due messages that no other claimer holds. NO KEY: claimers exclude each other
  -- without blocking publishes.
  select coalesce(array_agg(locked.id), '{}') into ready
    from (select e.id from webhook_endpoints e
           where e.enabled and e.deleted_at is null
             and exists (select 1 from webhook_messages d
                          where d.endpoint_id = e.id and d.status in ('pending', 'failed') and d.next_attempt_at <= now())
           for no key update of e skip locked) locked;
  if cardinality(ready) = 0 then
    return;
  end if;
  return query
    with room as (
      select r.id, least(p_limit,
        r.max_concurrency - (select count(*) from webhook_messages l
                              where l.endpoint_id = r.id and l.status = 'delivering' and l.locked_until > now())::int,
        -- CASE, not coalesce: the count of last-second claims runs only for rate-limited endpoints.
        case when r.rate_limit is null then p_limit
             else r.rate_limit - (select count(*) from webhook_messages c
                                   where c.endpoint_id = r.id and c.claimed_at > now() - interval '1 second')::int end
      ) as free
      from webhook_endpoints r
      where r.id = any(ready)
    ),
    picked as (
      select due.id, due.next_attempt_at from room
       cross join lateral (
         select d.id, d.next_attempt_at from webhook_messages d
          where d.endpoint_id = room.id and d.status in ('pending', 'failed') and d.next_attempt_at <= now()
          order by d.next_attempt_at
          limit greatest(room.free, 0)
          for update skip locked
       ) due
       order by due.next_attempt_at
       limit p_limit
    ),
    claimed as (
      update webhook_messages m
         set status = 'delivering', locked_until = now() + make_interval(secs => p_lease_ms / 1000), locked_by = p_worker,
             claimed_at = now(), updated_at = now()
        from picked
       where m.id = picked.id
      returning m.id, m.account_id, m.livemode, m.attempts, m.event_id, m.endpoint_id
    )
    select c.id::text, c.account_id::text, c.livemode, c.attempts, c.event_id::text, ev.type, ev.data, ev.created_at,
           c.endpoint_id::text, ep.url, ep.headers, ep.retry_schedule, ep.secret_sealed, ep.previous_secret_sealed,
           ep.previous_secret_expires_at
      from claimed c
      join events ev on ev.id = c.event_id
      join webhook_endpoints ep on ep.id = c.endpoint_id;
end
$$;
