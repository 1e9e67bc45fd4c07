#!/usr/bin/env bash
# PostgreSQL CPU per event during HTTP ingestion, another build and this one alternated (docs/benchmarks.md, issue 15):
#   bench/pg-alternate.sh OTHER_ROOT [PAIRS] [EVENTS]
# OTHER_ROOT is another checkout with its Release build (e.g. `git worktree add --detach ../base main` and
# `dotnet build -c Release src/KefuScore.Cli && dotnet build -c Release bench/KefuScore.Bench` in both). Each run is
# bench/ingest-run.sh EVENTS pg on a fresh server and database; one line per run with the load average before and after.
# KEFU_BENCH_PORT and KEFU_BENCH_DB as for ingest-run.sh (defaults 5092, kefu_pg_alternate).
set -euo pipefail
other=${1:?usage: bench/pg-alternate.sh OTHER_ROOT [PAIRS] [EVENTS]}
pairs=${2:-3}
events=${3:-100000}
here=$(cd "$(dirname "$0")/.." && pwd)
export KEFU_BENCH_PORT=${KEFU_BENCH_PORT:-5092} KEFU_BENCH_DB=${KEFU_BENCH_DB:-kefu_pg_alternate}
for i in $(seq 1 "$pairs"); do
  for root in "$other" "$here"; do
    l0=$(cut -d' ' -f1 /proc/loadavg)
    out=$(KEFU_BENCH_ROOT=$root "$here/bench/ingest-run.sh" "$events" pg 2>&1 | tail -2 | tr '\n' ' ')
    l1=$(cut -d' ' -f1 /proc/loadavg)
    pg=$(sed -E 's/.*PostgreSQL backends CPU ([0-9.]+) s.*/\1/' <<<"$out")
    echo "$i $root load $l0-$l1: PostgreSQL $(awk -v s="$pg" -v n="$events" 'BEGIN { printf "%.1f", s * 1e6 / n }') µs an event :: $out"
  done
done
