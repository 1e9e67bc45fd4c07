#!/usr/bin/env bash
# The PostgreSQL CPU of writing a stored run's rows into alternative layouts of one table (docs/benchmarks.md,
# decisions §84, §95): a table or index choice measured alone, away from the noise of a whole HTTP run.
#   bench/pg-replay.sh DB 'SELECT …' COLUMNS REPEATS 'DDL A' ['DDL B' …]
# Exports the query's rows once (binary COPY, in the query's order: keep the order they were written in, e.g. ORDER
# BY seq), then, REPEATS times and alternating the layouts, runs each DDL (which makes a fresh table `replay` with at
# least COLUMNS), COPYs the rows into `replay (COLUMNS)` and prints the backend's CPU during the COPY (from /proc, in
# 10 ms ticks), the indexes' size and the load average. DB is a database left by bench/ingest-run.sh … pg (e.g.
# kefu_pg_alternate after bench/pg-alternate.sh); PostgreSQL on loopback as the CI role kefu/kefu-ci unless PGHOST,
# PGUSER, PGPASSWORD say otherwise. Reads /proc/PID of the backend, so PostgreSQL must run on this machine.
# Example, the events' index with and without deduplication:
#   bench/pg-replay.sh kefu_pg_alternate 'SELECT * FROM events ORDER BY seq' '*' 5 \
#     'CREATE TABLE replay (LIKE events INCLUDING DEFAULTS); CREATE INDEX ON replay (shop, conversation)' \
#     'CREATE TABLE replay (LIKE events INCLUDING DEFAULTS); CREATE INDEX ON replay (shop, conversation) WITH (deduplicate_items = off)'
set -euo pipefail
db=${1:?usage: bench/pg-replay.sh DB QUERY COLUMNS REPEATS DDL…}
query=${2:?the rows to replay, a SELECT}
columns=${3:?the columns to COPY into, or *}
repeats=${4:?how many rounds}
shift 4
[ $# -gt 0 ] || { echo "give at least one DDL that makes the table replay" >&2; exit 2; }
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-kefu} PGPASSWORD=${PGPASSWORD:-kefu-ci}
work=$(mktemp -d /tmp/kefu-replay-XXXXXX)
trap 'rm -rf "$work"; psql -d "$db" -qc "DROP TABLE IF EXISTS replay" >/dev/null 2>&1 || true' EXIT
psql -d "$db" -v ON_ERROR_STOP=1 -qc "\\copy ($query) TO '$work/rows.bin' WITH (FORMAT binary)"
target="replay"
[ "$columns" = '*' ] || target="replay ($columns)"
for round in $(seq 1 "$repeats"); do
  for ddl in "$@"; do
    # psql does not expand variables after \!, so the backend's pid reaches the shell through \setenv.
    psql -d "$db" -v ON_ERROR_STOP=1 -qtA > "$work/out" <<SQL
DROP TABLE IF EXISTS replay;
$ddl;
SELECT pg_backend_pid() AS pid \gset
\setenv KEFU_REPLAY_PID :pid
\! awk '{print \$14 + \$15}' /proc/\$KEFU_REPLAY_PID/stat > $work/cpu0
\copy $target FROM '$work/rows.bin' WITH (FORMAT binary)
\! awk '{print \$14 + \$15}' /proc/\$KEFU_REPLAY_PID/stat > $work/cpu1
SELECT pg_size_pretty(pg_indexes_size('replay'));
SQL
    echo "$round cpu $(( $(cat "$work/cpu1") - $(cat "$work/cpu0") )) ticks, indexes $(tail -1 "$work/out"), load $(cut -d' ' -f1 /proc/loadavg) :: $ddl"
  done
done
