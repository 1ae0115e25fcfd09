-- Performance of the hot write paths.

-- Every heartbeat rewrites its plugin_instances row. The monitor finds silent instances by
-- coalesce(last_seen_at, enrolled_at) + 3 intervals, which this index on last_seen_at cannot
-- serve; it only made each heartbeat update a non-HOT one that inserts into every index. Without
-- it (and with room left on each page) the update stays on the page and touches no index.
drop index plugin_instances_watch;
alter table plugin_instances set (fillfactor = 80);
