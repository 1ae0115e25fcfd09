#!/usr/bin/env bash
# Runs the README's start command (`npm start`) with a fresh data directory and checks that the
# server answers /health and /ready, prints its URL, and exits 0 on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=$(mktemp -d)
log=$(mktemp)
port=$((20000 + RANDOM % 20000))
PORT=$port RELAIS_DATA_DIR="$data_dir" npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT
for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health"; echo
curl -fsS "http://127.0.0.1:$port/ready"; echo
grep -q "listening on http://127.0.0.1:$port" "$log" || { cat "$log"; echo "start: no URL printed"; exit 1; }
grep -q "Admin API key (shown once): rk_test_" "$log" || { cat "$log"; echo "start: no admin key printed on first start"; exit 1; }
# Signal the server itself (npm forwards nothing useful: a signalled npm exits 143); its pid is
# in the data directory's lock file. npm start then exits with the server's own exit code.
kill -TERM "$(cat "$data_dir/relais.pid")"
status=0
wait "$pid" || status=$?
trap - EXIT
rm -rf "$data_dir"
if [ "$status" -ne 0 ]; then cat "$log"; echo "start: exit code $status after SIGTERM"; exit 1; fi
echo "start: printed the URL and admin key, /health and /ready answered 200, SIGTERM exited 0"
