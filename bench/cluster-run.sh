#!/usr/bin/env bash
# A cluster ingestion run (issue 15, docs/benchmarks.md, docs/scale.md):
#   bench/cluster-run.sh N [EVENTS] [extra kefu-bench ingest arguments…]      (EVENTS default 200000)
#   KILL_AFTER=S bench/cluster-run.sh N …   SIGKILLs the last silo S seconds into the run
# Starts N silos (`kefu serve --cluster`) on loopback on one empty PostgreSQL database `kefu_cluster_bench` (SSL off on
# loopback; needs KEFU_BENCH_POSTGRES or the CI role kefu/kefu-ci on 127.0.0.1), all at the same moment, waits for
# every /healthz, pushes events through all of them (`kefu-bench ingest --url A,B,C`: client k starts on silo k mod N
# and sends a failed request again to the next silo), and prints events/s, p50/p99 acknowledgement latency, CPU per
# event per silo and for PostgreSQL, and acknowledged events against stored events.
#   PORT_BASE=P   HTTP ports P+1…, silo ports P+101…, gateway ports P+201… (default 5190, 11190, 30190 as before)
#   BENCH_DB=NAME the database (default kefu_cluster_bench; it is dropped and made again)
#   WARMUP=E      first pushes the stream's first E events through every silo, unmeasured, so that the measured run is not
#                 mostly JIT compilation (a quarter of a silo's CPU in a cold 100,000-event run); default 20000, 0 for none
#   WARMUP_BATCH=B  events a request in the warm-up (default 100: 200 requests, so that code run once a request reaches
#                 the runtime's tier-up count of 30 calls and is compiled optimised before the measured run; with
#                 5,000-event requests the warm-up was 4 requests a client and the measured run paid the tiering)
#   WARMUP_LARGE=E  then pushes the stream's next E events in the measured run's requests (default 60000, 0 for none): the
#                 paths of large requests and group commits are optimised before the clock starts too (without it half
#                 of a silo's samples in a 100,000-event run were the tiered compiler and unoptimised code, in main's
#                 build as in the group append's: decisions §61)
#   SETTLE=S      then waits S seconds (default 10) while the runtime's background compiler finishes the tier-ups the
#                 warm-up queued: on a loaded machine it lags by seconds, and the measured run would pay its backlog
#   PERF=S        records every silo with `perf record -g` for S seconds into $work/silos.perf (JIT symbols through perf maps;
#                 W^X off, which otherwise hides jitted frames); `perf report --sort pid,dso,sym` splits it by silo
#   JITLOG=1      each silo writes the methods the JIT compiles (DOTNET_JitDisasmSummary) to $work/siloI.jit; with KEEP=1,
#                 what is compiled after the warm-up is code generated at run time (docs/benchmarks.md, "after the codec fix")
#                 (line counts after the warm-up, after the settle and at the measured run's end in $work/siloI.jit.pushed, .jit.warm and .jit.end)
#   COUNTERS=1    each silo's runtime counters (dotnet-counters: JIT time and methods compiled, CPU, GC) every second
#                 of the measured run into $work/siloI.counters.csv (KEEP=1 keeps them)
#   PGSS=FILE     resets pg_stat_statements when the measured run starts and writes its rows (calls, execution and
#                 planning ms, rows, statement) to FILE at the end: needs a PostgreSQL with the extension preloaded and
#                 created in template1 (the shared CI server has not: give another one with KEFU_BENCH_POSTGRES and PGPORT)
#   TRACE=S       records a CPU trace (dotnet-trace, dotnet-sampled-thread-time) of silo 1 for S seconds into $work/silo1.nettrace (KEEP=1 keeps it)
# Build first: dotnet build -c Release KefuScore.slnx
set -euo pipefail
n=${1:?usage: bench/cluster-run.sh N [EVENTS] [ingest args…]}
events=${2:-200000}
shift $(( $# >= 2 ? 2 : 1 ))
# BUILD_ROOT=DIR runs another checkout's build (e.g. a worktree of main) with this script, for alternated comparisons.
root=${BUILD_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
kefu="$root/src/KefuScore.Cli/bin/Release/net10.0/kefu.dll"
bench="$root/bench/KefuScore.Bench/bin/Release/net10.0/KefuScore.Bench.dll"
work=$(mktemp -d /tmp/kefu-cluster-XXXXXX)
pids=()
[ -z "${KEEP:-}" ] || echo "work directory $work" >&2
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

base=${KEFU_BENCH_POSTGRES:-Host=127.0.0.1;Port=5432;Username=kefu;Password=kefu-ci;SSL Mode=Disable}
db=${BENCH_DB:-kefu_cluster_bench}
PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
export ConnectionStrings__Kefu="$base;Database=$db"
urls=()
[ -z "${PERF:-}" ] || export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
for i in $(seq 1 "$n"); do
  if [ -n "${PORT_BASE:-}" ]; then port=$((PORT_BASE + i)); silo=$((PORT_BASE + 100 + i)); gateway=$((PORT_BASE + 200 + i))
  else port=$((5190 + i)); silo=$((11190 + i)); gateway=$((30190 + i)); fi
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then echo "something already answers on port $port: stop it first" >&2; exit 2; fi
  mkdir -p "$work/silo$i"
  if [ -n "${JITLOG:-}" ]; then export DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$work/silo$i.jit"; fi
  KEFU_DATA="$work/silo$i" KEFU_DEMO=off KEFU_BOOTSTRAP_API_KEY=bench-key KEFU_ADMIN_PASSWORD=bench-password-1 \
    dotnet "$kefu" serve --cluster --urls "http://127.0.0.1:$port" --silo-port $silo --gateway-port $gateway > "$work/silo$i.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port")
done
unset DOTNET_JitDisasmSummary DOTNET_JitStdOutFile
for i in $(seq 1 "$n"); do
  for _ in $(seq 1 240); do curl -sf "${urls[$((i-1))]}/healthz" >/dev/null && break; sleep 0.5; done
  kill -0 "${pids[$((i-1))]}" 2>/dev/null && curl -sf "${urls[$((i-1))]}/healthz" >/dev/null \
    || { echo "silo $i did not start:" >&2; tail -n 30 "$work/silo$i.log" >&2; exit 1; }
done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() { local t=0; for p in $(pgrep -f "postgres: .*$db" || true); do t=$((t + $(cpu "$p"))); done; echo $t; }

warmup=${WARMUP:-20000}; [ -z "${KILL_AFTER:-}" ] || warmup=${WARMUP:-0}
large=${WARMUP_LARGE:-60000}; [ -z "${KILL_AFTER:-}" ] || large=${WARMUP_LARGE:-0}
total=$((warmup + large + events))
if [ "$warmup" -gt 0 ]; then
  dotnet "$bench" ingest --url "$(IFS=,; echo "${urls[*]}")" --key bench-key --events "$warmup" --stream $total "$@" --batch "${WARMUP_BATCH:-100}" > "$work/warmup" 2>&1 \
    || { echo "warm-up failed:" >&2; cat "$work/warmup" >&2; exit 1; }
fi
if [ "$large" -gt 0 ]; then
  dotnet "$bench" ingest --url "$(IFS=,; echo "${urls[*]}")" --key bench-key --events "$large" --skip "$warmup" --stream $total "$@" > "$work/warmup-large" 2>&1 \
    || { echo "second warm-up failed:" >&2; cat "$work/warmup-large" >&2; exit 1; }
  warmup=$((warmup + large))
fi
[ -z "${JITLOG:-}" ] || for i in $(seq 1 "$n"); do wc -l < "$work/silo$i.jit" > "$work/silo$i.jit.pushed"; done
sleep "${SETTLE:-10}"
[ -z "${JITLOG:-}" ] || for i in $(seq 1 "$n"); do wc -l < "$work/silo$i.jit" > "$work/silo$i.jit.warm"; done
stored0=$(PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d "$db" -tAc 'SELECT count(*) FROM events')
dotnet "$bench" ingest --url "$(IFS=,; echo "${urls[*]}")" --key bench-key --events "$events" --skip "$warmup" "$@" > "$work/out" 2> "$work/err" &
client=$!
until grep -q requests "$work/err" 2>/dev/null || ! kill -0 $client 2>/dev/null; do sleep 0.05; done
s0=(); for p in "${pids[@]}"; do s0+=("$(cpu "$p")"); done
p0=$(pg_cpu)
[ -z "${PGSS:-}" ] || PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d "$db" -qAtc "SELECT pg_stat_statements_reset()" >/dev/null || echo "PGSS: no pg_stat_statements in $db" >&2
c0=$(cpu $client); c_last=$c0
if [ -n "${PERF:-}" ]; then
  perf record -F 499 -g -p "$(IFS=,; echo "${pids[*]}")" -o "$work/silos.perf" -- sleep "$PERF" > "$work/perf.log" 2>&1 &
fi
if [ -n "${COUNTERS:-}" ]; then
  PATH="$PATH:$HOME/.dotnet/tools"
  for i in "${!pids[@]}"; do
    dotnet-counters collect -p "${pids[$i]}" --counters System.Runtime --refresh-interval 1 --format csv \
      -o "$work/silo$((i+1)).counters.csv" > "$work/counters$((i+1)).log" 2>&1 &
  done
fi
if [ -n "${TRACE:-}" ]; then
  dotnet-trace collect -p "${pids[0]}" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$TRACE")" -o "$work/silo1.nettrace" > "$work/trace.log" 2>&1 &
fi
if [ -n "${KILL_AFTER:-}" ]; then
  victim=${pids[$((n-1))]}
  s_killed=""
  ( sleep "$KILL_AFTER"; kill -9 "$victim" 2>/dev/null && echo "silo $n (pid $victim) killed with SIGKILL at ${KILL_AFTER} s" >&2 ) &
fi
last=(); for p in "${pids[@]}"; do last+=("$(cpu "$p")"); done
while kill -0 $client 2>/dev/null; do
  # A silo's last CPU reading before it died counts for it.
  for i in "${!pids[@]}"; do c=$(cpu "${pids[$i]}"); [ "$c" != 0 ] && last[$i]=$c; done
  c=$(cpu $client); [ "$c" != 0 ] && c_last=$c
  sleep 0.2
done
wait $client || true
[ -z "${JITLOG:-}" ] || for i in $(seq 1 "$n"); do wc -l < "$work/silo$i.jit" > "$work/silo$i.jit.end"; done
p1=$(pg_cpu)
[ -z "${PGSS:-}" ] || PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d "$db" -qAt -F "|" -c "SELECT calls, round(total_exec_time::numeric), round(total_plan_time::numeric), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150) FROM pg_stat_statements ORDER BY total_exec_time DESC" > "$PGSS"
for i in "${!pids[@]}"; do c=$(cpu "${pids[$i]}"); [ "$c" != 0 ] && last[$i]=$c; done
cat "$work/out"
grep -E "gave up|request [0-9]+:" "$work/err" | head -n 5 >&2 || true
grep -E "killed" "$work/err" >&2 || true

ticks=$(getconf CLK_TCK)
read -r sent acked <<<"$(awk '{for (i=1;i<=NF;i++) { if ($(i)=="events" && $(i+1)=="in") s=$(i-1); if ($(i)=="accepted,") a=$(i-1); if ($(i)=="duplicates,") d=$(i-1) }} END {gsub(",","",s); gsub(",","",a); gsub(",","",d); print s, a+d}' "$work/out")"
for i in "${!pids[@]}"; do
  used=$(( last[$i] - s0[$i] ))
  echo "silo $((i+1)) CPU $(awk -v u=$used -v t=$ticks -v e=$sent 'BEGIN { printf "%.2f s, %.1f us an event of the run", u/t, u/t*1e6/e }')"
done
echo "load generator CPU $(awk -v u=$((c_last - c0)) -v t=$ticks -v e=$sent 'BEGIN { printf "%.2f s, %.1f us an event", u/t, u/t*1e6/e }')"
echo "PostgreSQL backends CPU $(awk -v u=$((p1 - p0)) -v t=$ticks -v e=$sent 'BEGIN { printf "%.2f s, %.1f us an event", u/t, u/t*1e6/e }')"
stored=$(( $(PGPASSWORD=kefu-ci psql -h 127.0.0.1 -U kefu -d "$db" -tAc 'SELECT count(*) FROM events') - stored0 ))
echo "acknowledged $acked of $sent events; stored $stored (after $stored0 of the warm-up)"
[ "$acked" = "$stored" ] || { echo "MISMATCH: acknowledged events and stored events differ" >&2; exit 1; }
