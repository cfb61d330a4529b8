#!/usr/bin/env bash
# Submit a sharded virtual cohort to Slurm: a job array of N shards
# (cohort-array.sbatch) and a merge job that starts when all of them succeeded
# (merge.sbatch, --dependency=afterok). Prints "ARRAY_ID MERGE_ID" on stdout.
#
#   examples/slurm/submit-cohort.sh SCENARIO PATIENTS SEED SHARDS OUT [sbatch options…]
#
# e.g. examples/slurm/submit-cohort.sh examples/benchmark.toml 100000 1 200 \
#        /shared/$USER/bench --partition=short --account=myproject
# Extra options go to both sbatch calls (partition, account, time, …). THROTTLE=M
# runs at most M shards at once (--array=1-N%M). The result is OUT/merged; job logs
# are OUT/logs/. See docs/cluster.md.
set -euo pipefail
usage="usage: $0 SCENARIO PATIENTS SEED SHARDS OUT [sbatch options…]"
SCENARIO=${1:?$usage}
PATIENTS=${2:?$usage}
SEED=${3:?$usage}
SHARDS=${4:?$usage}
OUT=${5:?$usage}
shift 5
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || { echo "SHARDS must be a whole number ≥ 1: $usage" >&2; exit 2; }
# Absolute paths: the jobs may start in another directory on another node.
SCENARIO=$(realpath "$SCENARIO")
mkdir -p "$OUT/logs"
OUT=$(realpath "$OUT")
ARRAY="1-$SHARDS${THROTTLE:+%$THROTTLE}"
array_id=$(sbatch --parsable --array="$ARRAY" --chdir="$OUT" \
  --output="$OUT/logs/shard-%a.out" "$@" \
  "$HERE/cohort-array.sbatch" "$SCENARIO" "$PATIENTS" "$SEED" "$OUT")
array_id=${array_id%%;*}
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  --chdir="$OUT" --output="$OUT/logs/merge.out" "$@" \
  "$HERE/merge.sbatch" "$OUT" "$SHARDS")
merge_id=${merge_id%%;*}
echo "$array_id $merge_id"
