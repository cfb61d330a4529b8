#!/usr/bin/env bash
# Kill test: SIGKILL and SIGINT `spasm run` and `spasm compare` at random moments and
# check after each kill that the target directory is absent, the previous run, or a
# complete new run (its marker lists files that all exist and match the manifest's
# hashes), that nothing else in the folder was lost, and at the end that the next run
# cleans up every stale partial directory the kills left behind.
#
# Usage: tests/kill_test.sh [KILLS] (default 200), after `cargo build --release`.
set -euo pipefail
kills=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/target/release/spasm
[ -x "$bin" ] || { echo "build first: cargo build --release"; exit 2; }
mkdir -p "$root/target"
work=$(mktemp -d "$root/target/kill-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "precious" > keep.txt
mkdir -p notes && echo "mine" > notes/a.txt

check_target() {
  local t=$1
  [ -e "$t" ] || return 0
  [ -f "$t/.spasm-run.json" ] || { echo "FAIL: $t exists without a marker"; ls -la "$t"; return 1; }
  python3 - "$t" <<'PY'
import hashlib, json, os, sys
t = sys.argv[1]
marker = json.load(open(os.path.join(t, ".spasm-run.json")))
names = set(os.listdir(t)) - {".spasm-run.json"}
if names != set(marker["files"]):
    sys.exit(f"FAIL: {t} holds {sorted(names)}, marker lists {marker['files']}")
manifest = json.load(open(os.path.join(t, "manifest.json")))
for f in manifest.get("files", []):
    h = hashlib.sha256(open(os.path.join(t, f["name"]), "rb").read()).hexdigest()
    if h != f["sha256"]:
        sys.exit(f"FAIL: {t}/{f['name']} does not match its manifest hash")
PY
}

killed=0
for i in $(seq 1 "$kills"); do
  if (( RANDOM % 2 )); then
    cmd=(run "$root/examples/hot_pack.toml" -o target --quiet); max_ms=120
  else
    cmd=(compare "$root/examples/benchmark.toml" -o target --quiet); max_ms=1500
  fi
  sig=$(( RANDOM % 2 )) # 0: KILL, 1: INT
  "$bin" "${cmd[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v r=$RANDOM -v m=$max_ms 'BEGIN { printf "%.3f", r / 32767 * m / 1000 }')"
  if kill -0 "$pid" 2>/dev/null; then
    if (( sig )); then kill -INT "$pid" 2>/dev/null || true; else kill -KILL "$pid" 2>/dev/null || true; fi
    killed=$((killed + 1))
  fi
  wait "$pid" 2>/dev/null || true
  check_target target
  [ "$(cat keep.txt)" = precious ] && [ "$(cat notes/a.txt)" = mine ] || { echo "FAIL: user files lost"; exit 1; }
done
"$bin" run "$root/examples/hot_pack.toml" -o target --quiet >/dev/null
check_target target
left=$(ls -a | grep -E '^target\.(partial|old)-' || true)
[ -z "$left" ] || { echo "FAIL: stale directories left: $left"; exit 1; }
echo "kill test: $kills runs, $killed killed mid-run (SIGKILL or SIGINT); target always absent, old or complete; user files intact; stale directories cleaned"
