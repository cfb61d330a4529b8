#!/bin/sh
# Render the figures of docs/analysis.md into docs/figures/ (one command, from the
# repository root or anywhere):
#
#   sh docs/figures/render_analysis.sh
#
# About 4 minutes on 2 cores, most of it the Sobol' run (12 288 rows × 2 arms).
# Every run is deterministic: the same figures come out for any number of threads.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build --release --quiet --bin spasm
spasm="${CARGO_TARGET_DIR:-$root/target}/release/spasm"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fig="$root/docs/figures"

"$spasm" sweep examples/sweep_gain_injury.toml --param fac_injury=0:10:21 --param h_initial=0:1:21 \
    --endpoint spasm_h -o "$tmp/sweep2" --quiet
cp "$tmp/sweep2/sweep_spasm_h.png" "$fig/sweep_gain_injury_spasm_h.png"

"$spasm" sweep examples/default.toml --param "tau_heal=2 d:20 d:13" --log tau_heal \
    --endpoint pain_auc_7d_nrs_h -o "$tmp/sweep1" --quiet
cp "$tmp/sweep1/sweep_pain_auc_7d_nrs_h.png" "$fig/sweep_tau_heal_pain_auc.png"

"$spasm" sensitivity examples/default.toml --method local -o "$tmp/local" --quiet
cp "$tmp/local/sensitivity_pain_auc_7d_nrs_h.png" "$fig/local_pain_auc.png"

"$spasm" sensitivity examples/default.toml --method morris --samples 40 --seed 1 -o "$tmp/morris" --quiet
cp "$tmp/morris/sensitivity_spasm_h.png" "$fig/morris_spasm_h.png"

"$spasm" sensitivity examples/default.toml --method sobol --samples 1024 --seed 1 -o "$tmp/sobol" --quiet
cp "$tmp/sobol/sensitivity_pain_auc_7d_nrs_h.png" "$fig/sobol_pain_auc.png"
cp "$tmp/sobol/sensitivity_spasm_h.png" "$fig/sobol_spasm_h.png"
echo "wrote the figures of docs/analysis.md to $fig"
