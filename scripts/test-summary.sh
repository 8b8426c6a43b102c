#!/usr/bin/env bash
# Prints the closing line CI reads: "N passed, N failed" summed over every tier that ran.
cd "$(dirname "$0")/.."
pass=0; fail=0; skip=0
for f in .cache/test-results/*.tap; do
  [ -f "$f" ] || continue
  p=$(grep -E '^# pass [0-9]+' "$f" | tail -1 | awk '{print $3}')
  x=$(grep -E '^# fail [0-9]+' "$f" | tail -1 | awk '{print $3}')
  s=$(grep -E '^# skipped [0-9]+' "$f" | tail -1 | awk '{print $3}')
  pass=$((pass + ${p:-0})); fail=$((fail + ${x:-0})); skip=$((skip + ${s:-0}))
done
echo "${pass} passed, ${fail} failed, ${skip} skipped"
[ "$fail" -eq 0 ]
