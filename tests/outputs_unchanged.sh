#!/usr/bin/env bash
# Behaviour-preserving changes (refactors) must not change any output. This script
# builds a base revision in a temporary git worktree, runs the same commands with the
# base binary and with the working tree's binary, and diffs every output file.
#
#   tests/outputs_unchanged.sh [BASE_REV]     # default BASE_REV: HEAD
#
# Commands compared: `spasm run` on every examples/*.toml (all files of each run
# directory), `spasm compare` (the embedded benchmark), `spasm bistability`,
# `spasm validate --json`, `spasm export sbml|python|equations`, `spasm params`.
# Ignored: wall-clock times, the program hash and the command line in manifest.json
# and in summary files (they differ between any two builds), and PNG/SVG figures are
# compared byte for byte like everything else.
#
# Exit 0 when every output is identical, 1 with the list of differences otherwise.
set -euo pipefail

base_rev=${1:-HEAD}
root=$(git rev-parse --show-toplevel)
cd "$root"
work=$(mktemp -d "${TMPDIR:-/tmp}/spasm-outputs.XXXXXX")
wt="$work/base"
cleanup() {
    git worktree remove --force "$wt" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "building the working tree ..." >&2
cargo build --release --quiet --bin spasm
new_bin="$root/target/release/spasm"

echo "building $base_rev in a worktree (its own target directory) ..." >&2
git worktree add --detach --quiet "$wt" "$base_rev"
CARGO_TARGET_DIR="${SPASM_BASE_TARGET_DIR:-$root/target/outputs-base}" \
    cargo build --release --quiet --bin spasm --manifest-path "$wt/Cargo.toml"
base_bin="${SPASM_BASE_TARGET_DIR:-$root/target/outputs-base}/release/spasm"

# Run every command with one binary into one directory (from the repository root, so
# relative paths in manifests agree).
produce() {
    local bin=$1 out=$2
    mkdir -p "$out"
    for f in examples/*.toml; do
        name=$(basename "$f" .toml)
        "$bin" run "$f" -o "$out/run-$name" --quiet
    done
    "$bin" compare -o "$out/compare" --quiet >/dev/null
    "$bin" bistability --steps 11 -o "$out/bistability" | sed "s#$out#OUT#g" >"$out/bistability.txt"
    # The check rows only: .summary.checks of the one JSON shape of --json, or the
    # bare array a base from before it printed.
    "$bin" validate --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
json.dump(d["summary"]["checks"] if isinstance(d, dict) else d, sys.stdout)' >"$out/validate.json" || true
    "$bin" export sbml --set acute_injury -o "$out/acute_injury.xml"
    "$bin" export sbml examples/ibuprofen.toml --arm ibuprofen -o "$out/ibuprofen.xml"
    "$bin" export python -o "$out/spasm_rhs.py" 2>/dev/null || true
    "$bin" export equations -o "$out/equations.md" 2>/dev/null || true
    for s in $("$bin" params | awk '{print $1}'); do
        "$bin" params "$s" >"$out/params-$s.txt"
    done
}

echo "running the base binary ..." >&2
produce "$base_bin" "$work/out-base"
echo "running the new binary ..." >&2
produce "$new_bin" "$work/out-new"

# Drop what differs between any two builds: timings, hashes of the program, the
# command line that named the output directory.
normalise() {
    find "$1" -name '*.json' -print0 | while IFS= read -r -d '' f; do
        python3 - "$f" <<'PY'
import json, sys
path = sys.argv[1]
try:
    doc = json.load(open(path))
except ValueError:
    sys.exit(0)
VOLATILE = {"wall_time_s", "elapsed_s", "program_sha256", "binary_sha256", "command_line",
            "created", "started", "finished", "version", "wall_s", "threads", "host"}
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
json.dump(strip(doc), open(path, "w"), indent=1, sort_keys=True)
PY
    done
}
normalise "$work/out-base"
normalise "$work/out-new"

if diff -r -q "$work/out-base" "$work/out-new" >"$work/diff.txt"; then
    echo "identical: every output of $(find "$work/out-new" -type f | wc -l) files"
    exit 0
fi
echo "outputs differ from $base_rev:"
cat "$work/diff.txt"
exit 1
