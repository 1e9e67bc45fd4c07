#!/usr/bin/env bash
# Cluster push latency (issue 15 item 2, decisions §52, docs/benchmarks.md):
#   bench/push-run.sh [EVENTS] [GAP_MS]        (EVENTS default 200, GAP_MS default 300)
# Starts two silos (`kefu serve --cluster`) on loopback on one empty PostgreSQL database, creates a shop, opens the
# shop's changes stream (GET /api/v1/shops/{shop}/changes) on the silo that does not hold its grain, pushes EVENTS
# events one at a time through the silo that does, GAP_MS apart, and prints the time from each push's acknowledgement
# (and from its sending) to the notification on the other silo: median, p99, min, max; then the load average.
#   PORT_BASE=P   HTTP ports P+1, P+2, silo ports P+11, P+12, gateway ports P+21, P+22 (default 47200)
#   BENCH_DB=NAME the database (default kefu_push_bench; dropped and made again)
# Build first: dotnet build -c Release KefuScore.slnx (or src/KefuScore.Cli and bench/KefuScore.Bench)
set -euo pipefail
events=${1:-200}
gap=${2:-300}
root=${BUILD_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
kefu="$root/src/KefuScore.Cli/bin/Release/net10.0/kefu.dll"
bench="$root/bench/KefuScore.Bench/bin/Release/net10.0/KefuScore.Bench.dll"
work=$(mktemp -d /tmp/kefu-push-XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

base=${KEFU_BENCH_POSTGRES:-Host=127.0.0.1;Port=5432;Username=kefu;Password=kefu-ci;SSL Mode=Disable}
db=${BENCH_DB:-kefu_push_bench}
PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
export ConnectionStrings__Kefu="$base;Database=$db"
p=${PORT_BASE:-47200}
urls=(); silos=()
for i in 1 2; do
  port=$((p + i)); silo=$((p + 10 + i)); gateway=$((p + 20 + i))
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then echo "something already answers on port $port: stop it first" >&2; exit 2; fi
  mkdir -p "$work/silo$i"
  KEFU_DATA="$work/silo$i" KEFU_DEMO=off KEFU_BOOTSTRAP_API_KEY=bench-key KEFU_ADMIN_PASSWORD=bench-password-1 \
    dotnet "$kefu" serve --cluster --urls "http://127.0.0.1:$port" --silo-port $silo --gateway-port $gateway > "$work/silo$i.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port"); silos+=("$silo")
done
for i in 0 1; do
  for _ in $(seq 1 240); do curl -sf "${urls[$i]}/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "${urls[$i]}/healthz" >/dev/null || { echo "silo $((i+1)) did not start:" >&2; tail -n 30 "$work/silo$((i+1)).log" >&2; exit 1; }
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$bench" push --urls "${urls[0]},${urls[1]}" --silo-ports "${silos[0]},${silos[1]}" --key bench-key --events "$events" --gap-ms "$gap"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
