#!/usr/bin/env bash
# One HTTP ingestion run against a fresh server (docs/benchmarks.md, issue 3):
#   bench/ingest-run.sh EVENTS [sqlite|pg] [extra kefu-bench ingest arguments…]
# Starts `kefu serve` on an empty data folder (SQLite) or an empty database `kefu_bench` (PostgreSQL, SSL off on
# loopback, needs KEFU_BENCH_POSTGRES or the CI role kefu/kefu-ci on 127.0.0.1), waits for /healthz, runs
# `kefu-bench ingest`, and prints its line plus the server's (and PostgreSQL backends') CPU seconds during the run.
# Build first: dotnet build -c Release KefuScore.slnx
# KEFU_BENCH_ROOT: run another checkout's build (e.g. main's, alternated with this one); KEFU_BENCH_PORT (5091) and
# KEFU_BENCH_DB (kefu_bench): a port and database of one's own on a shared machine.
set -euo pipefail
events=${1:?usage: bench/ingest-run.sh EVENTS [sqlite|pg] [ingest args…]}
db=${2:-sqlite}
shift $(( $# >= 2 ? 2 : 1 ))
root=${KEFU_BENCH_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
kefu="$root/src/KefuScore.Cli/bin/Release/net10.0/kefu.dll"
bench="$root/bench/KefuScore.Bench/bin/Release/net10.0/KefuScore.Bench.dll"
port=${KEFU_BENCH_PORT:-5091}
dbname=${KEFU_BENCH_DB:-kefu_bench}
work=$(mktemp -d /tmp/kefu-ingest-XXXXXX)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "something already answers on port $port: stop it first (pkill -f 'kefu.dll serve')" >&2; exit 2
fi
if [ "$db" = pg ]; then
  base=${KEFU_BENCH_POSTGRES:-Host=127.0.0.1;Port=5432;Username=kefu;Password=kefu-ci;SSL Mode=Disable}
  PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d postgres -qc "DROP DATABASE IF EXISTS $dbname" >/dev/null
  export ConnectionStrings__Kefu="$base;Database=$dbname"
fi
KEFU_DATA="$work/data" KEFU_DEMO=off KEFU_BOOTSTRAP_API_KEY=bench-key KEFU_ADMIN_PASSWORD=bench-password-1 \
  dotnet "$kefu" serve --urls "http://127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
kill -0 $server 2>/dev/null || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() { local t=0; for p in $(pgrep -f "postgres: .*$dbname" || true); do t=$((t + $(cpu "$p"))); done; echo $t; }
# The title pattern above also matches an autovacuum worker on the database, counted only while it lives at both
# ends of the run (so by chance). Beside it: that worker's part, and the whole PostgreSQL server (the postmaster,
# found as the checkpointer's parent: its own time, its exited children's, and every live child's), which no
# process's start or exit hides.
av_cpu() { local t=0; for p in $(pgrep -f "postgres: .*autovacuum worker $dbname" || true); do t=$((t + $(cpu "$p"))); done; echo $t; }
all_cpu() {
  local pm t
  pm=$(ps -o ppid= -p "$(pgrep -f 'postgres: .*checkpointer' | head -1)" 2>/dev/null | tr -d ' ')
  [ -n "$pm" ] || { echo 0; return; }
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for p in $(pgrep -P "$pm" || true); do t=$((t + $(cpu "$p"))); done
  echo $t
}

dotnet "$bench" ingest --url "http://127.0.0.1:$port" --key bench-key --events "$events" "$@" > "$work/out" 2> "$work/err" &
client=$!
# The client simulates and serialises its requests first; the clock starts when it says how many it will send.
until grep -q requests "$work/err" 2>/dev/null || ! kill -0 $client 2>/dev/null; do sleep 0.05; done
s0=$(cpu $server); p0=$(pg_cpu); a0=$(av_cpu); w0=$(all_cpu)
wait $client
s1=$(cpu $server); p1=$(pg_cpu); a1=$(av_cpu); w1=$(all_cpu)
cat "$work/out"
ticks=$(getconf CLK_TCK)
# Two decimals always (a bare $((…)) printed 1.05 s as "1.5 s").
seconds() { printf '%d.%02d' $(( $1 / ticks )) $(( ($1 % ticks) * 100 / ticks )); }
echo "server CPU $(seconds $((s1 - s0))) s; PostgreSQL backends CPU $(seconds $((p1 - p0))) s (of which autovacuum workers alive at both ends $(seconds $((a1 - a0))) s; whole PostgreSQL server $(seconds $((w1 - w0))) s)"
