#!/usr/bin/env bash
# Alternated runs of two builds of kefu-bench and DuckDB on one CSV: old, new, DuckDB, N rounds; each a fresh process,
# CPU seconds (user + sys) from /usr/bin/time and the load average before each run; at the end the two builds' figure
# files are compared byte for byte and the new one against DuckDB's.
#   bench/alternate-run.sh OLD_WORKTREE NEW_WORKTREE FILE.csv [ROUNDS=3] [THREADS=2]
# Build both first: dotnet build -c Release bench/KefuScore.Bench (in each worktree). An old build: a detached worktree
# of main (git worktree add --detach ../kefu-main main).
set -euo pipefail
OLD=$1; NEW=$2; FILE=$3; ROUNDS=${4:-3}; THREADS=${5:-2}
# The peer SQL sits in ../shared next to the repository (SQL=… elsewhere, e.g. from a worktree).
SQL=${SQL:-$(cd "$(dirname "$0")/.." && pwd)/../shared/bench/douyin-peer.sql}
[ -f "$SQL" ] || { echo "no peer SQL at $SQL: set SQL=path/to/douyin-peer.sql" >&2; exit 2; }
OUT=$(mktemp -d)
dll() { echo "$1/bench/KefuScore.Bench/bin/Release/net10.0/KefuScore.Bench.dll"; }
for i in $(seq 1 "$ROUNDS"); do
  for who in old new duck; do
    case $who in
      old) d=$(dll "$OLD"); mode=peer-kefu ;;
      new) d=$(dll "$NEW"); mode=peer-kefu ;;
      duck) d=$(dll "$NEW"); mode=peer-duckdb ;;
    esac
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%U %S %e %M" -o "$OUT/time" dotnet "$d" $mode --file "$FILE" --out "$OUT/$who.tsv" --sql "$SQL" --threads "$THREADS" > "$OUT/log" 2>&1 \
      || { echo "round $i $who failed:"; tail -5 "$OUT/log"; exit 1; }
    read -r user sys wall kb < "$OUT/time"
    cpu=$(echo "$user + $sys" | bc)
    echo "$i $who $wall $cpu" >> "$OUT/rounds"
    echo "round $i $who load=$load wall=${wall}s cpu=${cpu}s peak=$((kb / 1024))MiB $(grep -o 'gcpause=[0-9.]*' "$OUT/log") $(grep -o 'jit=[0-9.]*' "$OUT/log") $(grep -o 'workers=[0-9/]*' "$OUT/log") $(grep -o 'endcpu=[0-9.]*' "$OUT/log")"
  done
done
# The summary: medians, and how many rounds' pair (old then new, minutes apart) has the new build's CPU lower, which
# this host's drift (±10 % within minutes) leaves meaningful where the medians alone are not.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v w="$1" -v c="$2" '$2 == w { print $c }' "$OUT/rounds"; }
for who in old new duck; do echo "median $who: wall $(col $who 3 | median) s, CPU $(col $who 4 | median) s"; done
lower=$(paste <(col old 4) <(col new 4) | awk '$2 < $1 { n++ } END { print n + 0 }')
echo "new CPU lower in $lower of $ROUNDS pairs; median new/old CPU $(paste <(col old 4) <(col new 4) | awk '{ printf "%.3f\n", $2 / $1 }' | median)"
echo "DuckDB wall / new wall $(echo "scale=2; $(col duck 3 | median) / $(col new 3 | median)" | bc), / old wall $(echo "scale=2; $(col duck 3 | median) / $(col old 3 | median)" | bc)"
cmp -s "$OUT/old.tsv" "$OUT/new.tsv" && echo "old and new figures: byte for byte the same" || echo "old and new figures DIFFER"
if diff -q <(sort "$OUT/new.tsv") <(sort "$OUT/duck.tsv") > /dev/null; then echo "new and DuckDB: equal on all $(wc -l < "$OUT/duck.tsv") shop-days"; else echo "new and DuckDB figures DIFFER"; fi
rm -rf "$OUT"
