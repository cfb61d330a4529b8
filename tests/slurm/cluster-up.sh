#!/usr/bin/env bash
# cluster-up.sh — install (idempotently), configure and start a one-node Slurm
# (spasm: used by tests/slurm_cluster.rs; docs/cluster.md explains it.)
# cluster on localhost, without systemd, cgroups, Docker or an accounting DB.
#
# Usage (as root):
#   eval "$(./cluster-up.sh)"        # stdout carries only `export ...` lines
#   sbatch ... ; ./cluster-down.sh
#
# Everything the cluster writes lives under $SLURM_CI_DIR (default
# /tmp/slurm-ci): munge key/socket, slurm.conf, state, spool, logs, pid files
# and a "shared" directory visible to jobs. Re-running tears down any cluster
# previously started from the same $SLURM_CI_DIR and starts a fresh one.
#
# Environment knobs (all optional):
#   SLURM_CI_DIR=/tmp/slurm-ci      where everything lives (<= ~80 chars: the
#                                   munge socket path must fit in sun_path)
#   SLURM_CI_SKIP_INSTALL=1         don't touch apt (packages must be present)
#   SLURM_CI_CTLD_PORT=6817         slurmctld port
#   SLURM_CI_SLURMD_PORT=6818       slurmd port
#   SLURM_CI_TIMEOUT=60             seconds to wait for each daemon to be ready
#   SLURM_CI_PARTITION=debug        name of the (only, default) partition
#   SLURM_CI_SELECT=select/cons_tres   or select/linear
#   SLURM_CI_DEBUG=info             SlurmctldDebug/SlurmdDebug level
#   SLURM_CI_BATCH_SCHED_DELAY=0    Slurm's default is 3 (seconds)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SLURM_CI_DIR=${SLURM_CI_DIR:-/tmp/slurm-ci}
SLURM_CI_CTLD_PORT=${SLURM_CI_CTLD_PORT:-6817}
SLURM_CI_SLURMD_PORT=${SLURM_CI_SLURMD_PORT:-6818}
SLURM_CI_TIMEOUT=${SLURM_CI_TIMEOUT:-60}
SLURM_CI_PARTITION=${SLURM_CI_PARTITION:-debug}
SLURM_CI_SELECT=${SLURM_CI_SELECT:-select/cons_tres}
SLURM_CI_DEBUG=${SLURM_CI_DEBUG:-info}

PACKAGES=(munge slurmctld slurmd slurm-client)

log()  { printf '[cluster-up %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die()  { printf '[cluster-up] ERROR: %s\n' "$*" >&2; exit 1; }

# On any failure: show the tail of every log we have, stop what we started,
# keep $SLURM_CI_DIR so the logs can be read / archived by the caller.
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    if [[ -d $SLURM_CI_DIR/log ]]; then
      for f in "$SLURM_CI_DIR"/log/*.log; do
        [[ -s $f ]] || continue
        printf '\n----- last 25 lines of %s -----\n' "$f" >&2
        tail -n 25 "$f" >&2 || true
      done
    fi
    log "startup failed (exit $rc); stopping daemons, keeping $SLURM_CI_DIR for inspection"
    SLURM_CI_DIR=$SLURM_CI_DIR SLURM_CI_KEEP_DIR=1 "$HERE/cluster-down.sh" >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ $(id -u) -eq 0 ]] || die "must run as root (munged/slurmd run as root here)"
case $SLURM_CI_DIR in
  /*) ;; *) die "SLURM_CI_DIR must be an absolute path (got '$SLURM_CI_DIR')";;
esac
[[ ${#SLURM_CI_DIR} -le 80 ]] || die "SLURM_CI_DIR is too long for a unix socket path: $SLURM_CI_DIR"

# ---------------------------------------------------------------- 1. install
pkgs_missing() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  echo "${missing[*]}"
}

install_packages() {
  local missing
  missing=$(pkgs_missing)
  if [[ -z $missing ]]; then
    log "packages already installed: ${PACKAGES[*]}"
    return 0
  fi
  [[ ${SLURM_CI_SKIP_INSTALL:-0} == 1 ]] && die "SLURM_CI_SKIP_INSTALL=1 but packages missing: $missing"
  log "installing: $missing (apt-get, Debian packages)"
  # Without systemd, the packages' postinst would run the SysV init scripts
  # (invoke-rc.d) and start a system munged on /run/munge. We run our own
  # daemons, so forbid service starts for the duration of the install — but
  # only if the machine has no policy-rc.d of its own.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local t0=$SECONDS rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends "${PACKAGES[@]}"
  } >"/tmp/slurm-ci-apt.log" 2>&1 || rc=$?
  [[ $made_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d
  if [[ $rc -ne 0 ]]; then
    tail -n 30 /tmp/slurm-ci-apt.log >&2
    die "apt-get failed (exit $rc); full log: /tmp/slurm-ci-apt.log"
  fi
  log "installed in $((SECONDS - t0))s (log: /tmp/slurm-ci-apt.log)"
}

install_packages
for c in munged mungekey munge unmunge slurmctld slurmd sbatch sinfo scontrol squeue; do
  command -v "$c" >/dev/null || die "'$c' not found after install"
done
log "versions: $(slurmd -V) / munge $(dpkg-query -W -f='${Version}' munge)"

# ------------------------------------------------- 2. clean slate + configure
# Idempotence: stop and wipe whatever an earlier run left in this directory.
SLURM_CI_DIR=$SLURM_CI_DIR "$HERE/cluster-down.sh" >&2
[[ ! -e $SLURM_CI_DIR ]] || die "$SLURM_CI_DIR exists but was not created by cluster-up.sh (no .slurm-ci-dir marker); remove it or set SLURM_CI_DIR elsewhere"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$SLURM_CI_CTLD_PORT" "$SLURM_CI_SLURMD_PORT"; do
  if port_in_use "$p"; then
    die "port $p on 127.0.0.1 is already in use (another slurmctld/slurmd?); set SLURM_CI_CTLD_PORT / SLURM_CI_SLURMD_PORT"
  fi
done

D=$SLURM_CI_DIR
mkdir -p "$D"
touch "$D/.slurm-ci-dir"                       # marker: cluster-down only rm -rf's marked dirs
# munged insists: socket dir executable by all; key/log/pid/seed dirs not
# writable by group/other; key file owned by the daemon user, mode 0600/0400.
chmod 0755 "$D"
install -d -m 0755 "$D/munge-run"              # socket + pid
install -d -m 0700 "$D/munge-etc" "$D/munge-lib" "$D/log"
install -d -m 0755 "$D/etc" "$D/run" "$D/state" "$D/spool"
install -d -m 1777 "$D/shared"                 # the "shared filesystem" for jobs
chmod 0755 "$D/log"                            # slurm logs readable by the caller

MUNGE_SOCKET=$D/munge-run/munge.socket.2
MUNGE_KEY=$D/munge-etc/munge.key
mungekey --create --keyfile="$MUNGE_KEY" --bits=1024 >/dev/null 2>&1 \
  || { dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none; }
chmod 0600 "$MUNGE_KEY"

NODE=$(hostname -s 2>/dev/null || uname -n)
NODE=${NODE%%.*}
[[ -n $NODE ]] || die "cannot determine the hostname"
# slurmd -C prints the node's real hardware as slurm.conf wants it, e.g.
#   NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105
HW=$(slurmd -C | grep '^NodeName=' | head -n1) || die "'slurmd -C' failed"
HW=${HW#NodeName=* }                           # keep only the hardware fields
[[ $HW == *CPUs=* ]] || die "unexpected 'slurmd -C' output: $HW"

CONF=$D/etc/slurm.conf
cat >"$CONF" <<EOF
# Generated by cluster-up.sh — minimal single-node cluster for CI.
ClusterName=ci
SlurmctldHost=${NODE}(127.0.0.1)
SlurmctldPort=${SLURM_CI_CTLD_PORT}
SlurmdPort=${SLURM_CI_SLURMD_PORT}
SlurmUser=root
SlurmdUser=root

AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${MUNGE_SOCKET}

StateSaveLocation=${D}/state
SlurmdSpoolDir=${D}/spool
SlurmctldPidFile=${D}/run/slurmctld.pid
SlurmdPidFile=${D}/run/slurmd.pid
SlurmctldLogFile=${D}/log/slurmctld.log
SlurmdLogFile=${D}/log/slurmd.log
SlurmctldDebug=${SLURM_CI_DEBUG}
SlurmdDebug=${SLURM_CI_DEBUG}
PlugStackConfig=${D}/etc/plugstack.conf

# No systemd, no cgroup setup: track processes via /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SwitchType=switch/none

SelectType=${SLURM_CI_SELECT}
$( [[ $SLURM_CI_SELECT == select/linear ]] || echo "SelectTypeParameters=CR_Core" )
SchedulerType=sched/backfill
# Default batch_sched_delay is 3s: pending jobs (array tasks, a job whose
# dependency just got satisfied) would only be started in 3-second steps.
# 0 → the controller's 1-second background loop starts them right away.
SchedulerParameters=batch_sched_delay=${SLURM_CI_BATCH_SCHED_DELAY:-0}
# Cancel jobs whose dependency can never be met (e.g. afterok on a failed
# array task) instead of leaving them pending forever.
DependencyParameters=kill_invalid_depend

# No accounting database.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none

ReturnToService=2
MailProg=/bin/true
InactiveLimit=0
KillWait=5
MinJobAge=300
SlurmdTimeout=60
SlurmctldTimeout=60

NodeName=${NODE} NodeAddr=127.0.0.1 NodeHostname=${NODE} ${HW} State=UNKNOWN
PartitionName=${SLURM_CI_PARTITION} Nodes=${NODE} Default=YES MaxTime=INFINITE State=UP
EOF
: >"$D/etc/plugstack.conf"                     # don't pick up /etc/slurm's

# ------------------------------------------------------------- 3. start
# Every daemon gets SLURM_CI_DAEMON_OF=$D in its environment; cluster-down
# uses it to find strays (and their children) even if pid files are lost.
export SLURM_CONF=$CONF
run_daemon() { env SLURM_CI_DAEMON_OF="$D" SLURM_CONF="$CONF" "$@"; }
# alive <pidfile>: the daemon named there runs (zombies count as dead: PID 1
# here is not a real init and reaps orphans lazily).
alive() {
  local pid st
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  st=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  st=${st##*) }
  [[ ${st:0:1} != Z ]]
}

wait_until() { # wait_until <what> <logfile> <pidfile> <command...>
  local what=$1 logf=$2 pidf=$3; shift 3
  local deadline=$((SECONDS + SLURM_CI_TIMEOUT))
  while ! "$@" >/dev/null 2>&1; do
    if [[ -s $pidf ]] && ! alive "$pidf"; then
      die "$what died during startup — read $logf"
    fi
    (( SECONDS < deadline )) || die "$what not ready after ${SLURM_CI_TIMEOUT}s — read $logf"
    sleep 0.2
  done
}

log "starting munged (socket $MUNGE_SOCKET)"
run_daemon munged --socket="$MUNGE_SOCKET" --key-file="$MUNGE_KEY" \
  --log-file="$D/log/munged.log" --pid-file="$D/munge-run/munged.pid" \
  --seed-file="$D/munge-lib/munged.seed" \
  || die "munged failed to start — read $D/log/munged.log"
munge_ok() { munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET"; }
wait_until munged "$D/log/munged.log" "$D/munge-run/munged.pid" munge_ok

log "starting slurmctld (port $SLURM_CI_CTLD_PORT)"
run_daemon slurmctld -f "$CONF" || die "slurmctld failed to start — read $D/log/slurmctld.log"
ctld_up() { scontrol ping | grep -q 'is UP'; }
wait_until slurmctld "$D/log/slurmctld.log" "$D/run/slurmctld.pid" ctld_up

log "starting slurmd for node $NODE (port $SLURM_CI_SLURMD_PORT)"
run_daemon slurmd -f "$CONF" || die "slurmd failed to start — read $D/log/slurmd.log"
node_state() { sinfo -h -n "$NODE" -o '%T' 2>/dev/null | head -n1; }
node_idle() {
  local s; s=$(node_state)
  case $s in
    idle) return 0;;
    *drain*|inval*|down)   # misconfiguration: fail fast with the reason
      die "node $NODE is '$s': $(sinfo -h -n "$NODE" -o '%E') — read $D/log/slurmd.log and $D/log/slurmctld.log";;
  esac
  return 1
}
deadline=$((SECONDS + SLURM_CI_TIMEOUT))
until node_idle; do
  if [[ -s $D/run/slurmd.pid ]] && ! alive "$D/run/slurmd.pid"; then
    die "slurmd died during startup — read $D/log/slurmd.log"
  fi
  (( SECONDS < deadline )) || die "node $NODE not idle after ${SLURM_CI_TIMEOUT}s (state: '$(node_state)') — read $D/log/slurmd.log and $D/log/slurmctld.log"
  sleep 0.2
done

cat >"$D/env.sh" <<EOF
export SLURM_CI_DIR=$D
export SLURM_CONF=$CONF
export SLURM_CI_PARTITION=$SLURM_CI_PARTITION
export SLURM_CI_SHARED=$D/shared
export SLURM_CI_NODE=$NODE
EOF
log "cluster up: node $NODE idle in partition $SLURM_CI_PARTITION ($HW); logs in $D/log"
cat "$D/env.sh"
