#!/usr/bin/env bash
# Fuzz the scenario reader and the unit parser with cargo-fuzz (libFuzzer, nightly).
# Seeds: every example scenario and every quantity written in them.
#
# Usage: fuzz/run.sh [SECONDS per target, default 300]
# Needs: rustup toolchain install nightly; cargo install cargo-fuzz
set -euo pipefail
secs=${1:-300}
cd "$(dirname "$0")"
mkdir -p corpus/scenario corpus/quantity
cp ../examples/*.toml corpus/scenario/
grep -ohE '"[0-9][^"]*"' ../examples/*.toml | tr -d '"' | sort -u | while read -r q; do
  printf '%s' "$q" > "corpus/quantity/$(printf '%s' "$q" | sha1sum | cut -c1-16)"
done
for target in scenario quantity; do
  echo "== $target: ${secs} s"
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10
done
echo "fuzzing found nothing in ${secs} s per target"
