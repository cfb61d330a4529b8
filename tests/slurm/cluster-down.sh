#!/usr/bin/env bash
# cluster-down.sh — stop the cluster started by cluster-up.sh from
# (spasm: used by tests/slurm_cluster.rs; docs/cluster.md explains it.)
# $SLURM_CI_DIR (default /tmp/slurm-ci) and remove that directory.
# Idempotent: safe to call when nothing is running or the directory is gone.
#
#   SLURM_CI_DIR=/tmp/slurm-ci    the directory cluster-up.sh used
#   SLURM_CI_KEEP_DIR=1           stop daemons but keep the directory (logs)
#   SLURM_CI_SAVE_LOGS=<dir>      copy $SLURM_CI_DIR/log into <dir> first
#
# It only ever signals processes that (a) are named in this cluster's pid
# files AND carry SLURM_CI_DAEMON_OF=$SLURM_CI_DIR in their environment, or
# (b) carry that marker, or (c) are slurmstepd/slurmd/slurmctld/munged with
# their cwd or an open file under $SLURM_CI_DIR, or (d) descend from (b) or
# (c) — job processes, which outlive slurmd by design.
set -euo pipefail

SLURM_CI_DIR=${SLURM_CI_DIR:-/tmp/slurm-ci}
D=$SLURM_CI_DIR
MARK="SLURM_CI_DAEMON_OF=$D"
log() { printf '[cluster-down %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

case $D in
  /*) ;; *) log "ERROR: SLURM_CI_DIR must be absolute (got '$D')"; exit 1;;
esac
[[ $D != / ]] || { log "ERROR: refusing SLURM_CI_DIR=/"; exit 1; }

has_mark() { { tr '\0' '\n' <"/proc/$1/environ"; } 2>/dev/null | grep -qxF "$MARK"; }
# A zombie counts as dead: PID 1 on this kind of machine (not a real init)
# reaps orphans lazily, and kill -0 succeeds on a zombie.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) }
  [[ ${st:0:1} != Z ]]
}

# 1. Cancel jobs while the controller is still there, so slurmd/slurmstepd
#    clean up job processes themselves.
if [[ -f $D/etc/slurm.conf ]] && [[ -s $D/run/slurmctld.pid ]] && alive "$(cat "$D/run/slurmctld.pid")"; then
  export SLURM_CONF=$D/etc/slurm.conf
  ids=$(timeout 10 squeue -h -t PD,R,CG,S,CF -o '%A' 2>/dev/null | sort -u | tr '\n' ' ' || true)
  if [[ -n ${ids// } ]]; then
    log "cancelling jobs: $ids"
    # shellcheck disable=SC2086
    timeout 10 scancel $ids 2>/dev/null || true
    for _ in $(seq 1 50); do
      [[ -z $(timeout 5 squeue -h -o '%A' -t R,CG 2>/dev/null || true) ]] && break
      sleep 0.2
    done
  fi
fi

# 2. Stop daemons via their pid files: slurmd, then slurmctld, then munged.
stop_pid() { # stop_pid <name> <pid>
  local name=$1 pid=$2
  alive "$pid" || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do alive "$pid" || return 0; sleep 0.2; done
  log "$name (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}
for pf in "slurmd:$D/run/slurmd.pid" "slurmctld:$D/run/slurmctld.pid" "munged:$D/munge-run/munged.pid"; do
  name=${pf%%:*}; f=${pf#*:}
  [[ -s $f ]] || continue
  pid=$(cat "$f" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || continue
  if alive "$pid" && has_mark "$pid"; then stop_pid "$name" "$pid"; fi
done

# 3. Strays: anything still carrying the marker, plus its descendants.
# slurmstepd rewrites its argv/environ area for its process title
# ("slurmstepd: [1.batch]"), which can wipe the marker from
# /proc/PID/environ; it is also reparented to PID 1, not a child of slurmd.
# So a slurm/munge daemon process with its cwd or any open file under $D
# (slurmstepd keeps slurmd.log open and its cwd is the log dir) counts too.
is_slurm_comm() {
  case $(cat "/proc/$1/comm" 2>/dev/null) in
    slurmstepd|slurmd|slurmctld|slurmscriptd|munged) return 0;;
  esac
  return 1
}
uses_dir() {
  local l
  for l in "/proc/$1/cwd" "/proc/$1"/fd/*; do
    l=$(readlink "$l" 2>/dev/null) || continue
    [[ $l == "$D"/* ]] && return 0
  done
  return 1
}
find_strays() {
  local -A parent=()
  local p stat rest ppid roots=() out=()
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    rest=${stat##*) }               # fields after "(comm) "
    read -r _ ppid _ <<<"$rest"
    parent[$p]=$ppid
    if has_mark "$p" || { is_slurm_comm "$p" && uses_dir "$p"; }; then roots+=("$p"); fi
  done
  [[ ${#roots[@]} -eq 0 ]] && return 0
  local -A inset=()
  for p in "${roots[@]}"; do inset[$p]=1; done
  local changed=1
  while [[ $changed == 1 ]]; do
    changed=0
    for p in "${!parent[@]}"; do
      [[ -n ${inset[$p]:-} ]] && continue
      if [[ -n ${inset[${parent[$p]}]:-} ]]; then inset[$p]=1; changed=1; fi
    done
  done
  for p in "${!inset[@]}"; do
    [[ $p == "$$" || $p == "$BASHPID" ]] || out+=("$p")
  done
  echo "${out[*]}"
}
strays=$(find_strays)
if [[ -n $strays ]]; then
  log "terminating leftover processes of this cluster: $strays"
  # shellcheck disable=SC2086
  kill -TERM $strays 2>/dev/null || true
  for _ in $(seq 1 25); do
    left=""; for p in $strays; do alive "$p" && left+="$p "; done
    [[ -z $left ]] && break
    sleep 0.2
  done
  if [[ -n ${left:-} ]]; then
    log "SIGKILL: $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
fi

# 4. Remove the directory (only if cluster-up.sh created it).
if [[ -d $D ]]; then
  if [[ -n ${SLURM_CI_SAVE_LOGS:-} && -d $D/log ]]; then
    mkdir -p "$SLURM_CI_SAVE_LOGS"
    cp -a "$D/log/." "$SLURM_CI_SAVE_LOGS/" 2>/dev/null || true
    cp -a "$D/etc/slurm.conf" "$SLURM_CI_SAVE_LOGS/" 2>/dev/null || true
    log "logs saved to $SLURM_CI_SAVE_LOGS"
  fi
  if [[ ${SLURM_CI_KEEP_DIR:-0} == 1 ]]; then
    log "keeping $D (SLURM_CI_KEEP_DIR=1)"
  elif [[ -e $D/.slurm-ci-dir ]]; then
    rm -rf -- "$D"
    log "removed $D"
  else
    log "WARNING: $D exists but was not created by cluster-up.sh (no .slurm-ci-dir marker); not removing it"
  fi
fi
log "down"
