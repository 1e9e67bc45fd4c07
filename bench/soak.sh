#!/usr/bin/env bash
# The soak run of issue 17 (docs/benchmarks.md): a fresh server on loopback for SECONDS (default 600) under mixed
# load — event pushes (kefu-bench ingest, new and duplicate events), dashboard-style reads (report, live, score,
# conversations explain) and hostile requests (YAML nested 35,000 deep, an alias fan, instants in year 9999 and 0001,
# an 11 MiB body, broken JSON, wrong keys) — sampling the server's resident memory every 5 s. At the end it checks
# that the server is still up, that its memory came back near its baseline after 60 s idle, and that every event the
# server acknowledged is stored (the SQLite database counted after the server stops).
#   bench/soak.sh [SECONDS]        Build first: dotnet build -c Release KefuScore.slnx
# Traffic goes to 127.0.0.1 only. Prints one summary block; exit 1 when a check fails.
set -euo pipefail
seconds=${1:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
kefu="$root/src/KefuScore.Cli/bin/Release/net10.0/kefu.dll"
bench="$root/bench/KefuScore.Bench/bin/Release/net10.0/KefuScore.Bench.dll"
port=5093
url="http://127.0.0.1:$port"
work=$(mktemp -d /tmp/kefu-soak-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

if curl -sf "$url/healthz" >/dev/null 2>&1; then echo "something already answers on port $port" >&2; exit 2; fi
# Rate limits stay on (they are part of what is soaked) but the pushing key may send as fast as the client can.
KEFU_DATA="$work/data" KEFU_DEMO=off KEFU_BOOTSTRAP_API_KEY=soak-key-0123456789 KEFU_ADMIN_PASSWORD=soak-password-1234 \
  Kefu__RateLimits__EventsPerMinute=100000 \
  dotnet "$kefu" serve --urls "$url" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.5; done
kill -0 $server 2>/dev/null || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$server/status" 2>/dev/null || echo 0; }
auth=(-H "Authorization: Bearer soak-key-0123456789")
end=$(( $(date +%s) + seconds ))

# Warm-up: one small push and one read of each kind, then the baseline.
dotnet "$bench" ingest --url "$url" --key soak-key-0123456789 --events 20000 --shops 5 --clients 2 > "$work/ingest-0.out" 2>/dev/null
for path in report live score; do curl -s -o /dev/null "${auth[@]}" "$url/api/v1/shops/s1/$path" || true; done
sleep 5
baseline=$(rss)

( while [ "$(date +%s)" -lt "$end" ]; do echo "$(date +%s) $(rss)" >> "$work/rss"; sleep 5; done ) & pids+=($!)

# Pushes: each round adds shops (new events) and repeats the earlier ones (duplicates).
( i=1; while [ "$(date +%s)" -lt "$end" ]; do
    dotnet "$bench" ingest --url "$url" --key soak-key-0123456789 --events 60000 --shops $((5 + i)) --clients 2 > "$work/ingest-$i.out" 2>/dev/null || true
    i=$((i + 1)); done ) & pids+=($!)

# Reads, as dashboards and scripts make them.
( while [ "$(date +%s)" -lt "$end" ]; do
    for path in report live score "report?by=week" "conversations/s1-c1/explain"; do
      code=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$url/api/v1/shops/s1/$path" || echo 000)
      echo "read $code" >> "$work/codes"
    done
    sleep 0.5; done ) & pids+=($!)

# Hostile requests: each must be refused cleanly (4xx), never a 5xx and never a dead server.
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
open(f"{w}/deep.yaml", "w").write("a: " + "[" * 35000 + "]" * 35000 + "\n")
keys = "\n".join(f"  k{i}: {i}" for i in range(200))
open(f"{w}/fan.yaml", "w").write("x: &a\n" + keys + "\nlist:\n" + "".join("  - *a\n" for _ in range(2000)))
open(f"{w}/far.jsonl", "w").write(
    '{"type":"message","id":"far1","shop":"s1","at":"9999-12-31T20:00:00+08:00","conversation":"z","customer":"u","sender":"customer"}\n'
    '{"type":"message","id":"far2","shop":"s1","at":"0001-01-01T00:00:00+14:00","conversation":"z","customer":"u","sender":"customer"}\n')
open(f"{w}/big.json", "w").write("[" + " " * (11 << 20) + "]")
PY
( n=0; while [ "$(date +%s)" -lt "$end" ]; do
    n=$((n + 1))
    for req in \
      "PUT settings/calendar deep.yaml text/plain" \
      "PUT settings/incentives fan.yaml text/plain" \
      "POST events far.jsonl application/x-ndjson" \
      "POST events big.json application/json"; do
      set -- $req
      target="$url/api/v1/shops/s1/$2"; [ "$2" = events ] && target="$url/api/v1/events"
      code=$(curl -s -o /dev/null -w '%{http_code}' -X "$1" "${auth[@]}" -H "Content-Type: $4" --data-binary "@$work/$3" "$target" || echo 000)
      echo "hostile $2 $code" >> "$work/codes"
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${auth[@]}" -H "Content-Type: application/json" --data-binary '{"type":' "$url/api/v1/events" || echo 000)
    echo "hostile broken-json $code" >> "$work/codes"
    # A wrong key every 5 s: 12 a minute, under the 20 that would make this address wait (and the pushes with it).
    if [ $((n % 5)) = 0 ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong-$RANDOM" "$url/api/v1/shops" || echo 000)
      echo "hostile wrong-key $code" >> "$work/codes"
    fi
    sleep 1; done ) & pids+=($!)

while [ "$(date +%s)" -lt "$end" ]; do
  kill -0 $server 2>/dev/null || { echo "the server died during the soak" >&2; tail -50 "$work/server.log" >&2; exit 1; }
  sleep 5
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()
alive=yes; curl -sf "$url/healthz" >/dev/null || alive=no
peak=$(sort -k2 -n "$work/rss" | tail -1 | awk '{print $2}')
sleep 60
idle=$(rss)
kill $server; wait $server 2>/dev/null || true

accepted=$(cat "$work"/ingest-*.out | grep -o '[0-9,]* accepted' | tr -d ',' | awk '{s += $1} END {print s + 0}')
stored=$(sqlite3 "$work/data/kefu.db" 'SELECT count(*) FROM events')
fives=$(grep -c ' 5[0-9][0-9]$' "$work/codes" || true)
zeros=$(grep -c ' 000$' "$work/codes" || true)
echo "soak: $seconds s; server up at the end: $alive"
echo "memory (RSS MiB): baseline $baseline, peak $peak, after 60 s idle $idle"
echo "events acknowledged $accepted, stored $stored"
echo "answers by kind and status:"; sort "$work/codes" | uniq -c | sort -k2 | sed 's/^/  /'
echo "5xx answers: $fives, failed connections: $zeros"
ok=yes
[ "$alive" = yes ] || ok=no
[ "$accepted" = "$stored" ] || ok=no
[ "$fives" = 0 ] && [ "$zeros" = 0 ] || ok=no
# "Back to baseline": within 1.5x the warm baseline plus 100 MiB of caches the load legitimately filled.
[ "$idle" -le $(( baseline * 3 / 2 + 100 )) ] || ok=no
echo "checks: $ok"
[ "$ok" = yes ]
