#!/bin/sh
# Render the lecture pack's figures shown in README.md and docs/outputs.md into
# docs/figures/ (one command, from anywhere; about 2 s after the build):
#
#   sh docs/figures/render_lecture.sh
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build --release --quiet --bin spasm
spasm="${CARGO_TARGET_DIR:-$root/target}/release/spasm"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fig="$root/docs/figures"

"$spasm" lecture -o "$tmp/pack" --quiet
for f in 2_tipping 3_clamp_dilate 4_interventions; do
    cp "$tmp/pack/$f.png" "$fig/lecture_$f.png"
done
"$spasm" run -o "$tmp/run" --quiet
cp "$tmp/run/timecourse.png" "$fig/timecourse_default.png"
