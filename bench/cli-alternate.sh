#!/usr/bin/env bash
# Alternated runs of two `kefu` executables on one file: `kefu report --profile douyin -i FILE` (JSON to a file), old,
# new, N rounds, each a fresh process; CPU seconds (user + sys), wall and peak RSS from /usr/bin/time and the load
# average before each run; medians at the end, and each round's two outputs compared byte for byte.
#   bench/cli-alternate.sh OLD_KEFU NEW_KEFU FILE [ROUNDS=3] [more report options…]
# A kefu is a path to an executable (the apphost bin/Release/net10.0/kefu, or a Native AOT publish, decisions §94).
# OLD_ENV / NEW_ENV add environment settings to one side only, e.g. NEW_ENV="DOTNET_TieredCompilation=0".
set -euo pipefail
OLD=$1; NEW=$2; FILE=$3; ROUNDS=${4:-3}; shift $(( $# < 4 ? $# : 4 ))
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
same=yes
for i in $(seq 1 "$ROUNDS"); do
  for who in old new; do
    if [ $who = old ]; then exe=$OLD; extra=${OLD_ENV:-}; else exe=$NEW; extra=${NEW_ENV:-}; fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086 # extra holds NAME=VALUE words
    env $extra /usr/bin/time -f "%U %S %e %M" -o "$OUT/time" "$exe" report --profile douyin -i "$FILE" --format json "$@" \
      > "$OUT/$who.json" 2> "$OUT/log" || { echo "round $i $who failed:"; tail -5 "$OUT/log"; exit 1; }
    read -r user sys wall kb < "$OUT/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "$who $cpu $wall $((kb / 1024))" >> "$OUT/all"
    echo "round $i $who load=$load wall=${wall}s cpu=${cpu}s peak=$((kb / 1024))MiB"
  done
  cmp -s "$OUT/old.json" "$OUT/new.json" || same=no
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for who in old new; do
  echo "$who medians: cpu=$(awk -v w=$who '$1 == w { print $2 }' "$OUT/all" | median)s wall=$(awk -v w=$who '$1 == w { print $3 }' "$OUT/all" | median)s peak=$(awk -v w=$who '$1 == w { print $4 }' "$OUT/all" | median)MiB"
done
[ $same = yes ] && echo "old and new reports: byte for byte the same in every round ($(wc -c < "$OUT/new.json") bytes)" || echo "old and new reports DIFFER"
