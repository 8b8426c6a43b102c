#!/usr/bin/env bash
# Runs one test tier with node's test runner: spec output on the terminal, TAP in
# .cache/test-results/<tier>.tap for the summary line (scripts/test-summary.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tier=$1
case "$tier" in
  unit)        dirs="test/unit capabilities src"; concurrency=2 ;;
  integration) dirs="test/emulator test/contract test/integration"; concurrency=1 ;;
  e2e)         dirs="test/e2e"; concurrency=1 ;;
  *) echo "usage: $0 unit|integration|e2e" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
mapfile -t files < <(find $dirs -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
mkdir -p .cache/test-results
out=".cache/test-results/$tier.tap"
if [ ${#files[@]} -eq 0 ]; then
  echo "no $tier tests found" >&2
  printf '# pass 0\n# fail 0\n' > "$out"
  exit 0
fi
echo "== $tier tests: ${#files[@]} files"
node --import tsx --test --test-concurrency="$concurrency" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out" \
  "${files[@]}"
