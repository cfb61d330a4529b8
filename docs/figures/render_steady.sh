#!/bin/sh
# Render the figures of docs/analysis.md "Steady states, continuation and the escape
# dose" into docs/figures/ (one command, from anywhere; about 10 s):
#
#   sh docs/figures/render_steady.sh
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build --release --quiet --bin spasm
spasm="${CARGO_TARGET_DIR:-$root/target}/release/spasm"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fig="$root/docs/figures"

"$spasm" continuation --param h_initial --from 0 --to 1 -o "$tmp/c1" --quiet
cp "$tmp/c1/bifurcation.png" "$fig/bifurcation_healthy_injury.png"
"$spasm" continuation --param h_initial --from 0 --to 1.5 --param2 gain_gamma --from2 0 --to2 1 \
    -o "$tmp/c2" --quiet
cp "$tmp/c2/folds.png" "$fig/folds_injury_gain.png"
"$spasm" escape -o "$tmp/e" --quiet
cp "$tmp/e/escape.png" "$fig/escape_benchmark.png"
"$spasm" phase examples/benchmark.toml --arm "lidocaine injection" --window "6 h" -o "$tmp/p" --quiet
cp "$tmp/p/phase.png" "$fig/phase_lidocaine.png"
