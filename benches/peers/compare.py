#!/usr/bin/env python3
"""Peer speed table: spasm (RODAS4) against libRoadRunner (CVODE), SciPy solve_ivp
(LSODA, BDF, Radau) and diffsol (BDF) on the same model and scenario, at the same
tolerances, interleaved in one run, compared at equal accuracy.

Run from the repository root (any python3 >= 3.9; the script creates or reuses the
virtual environment target/peers-venv with benches/peers/requirements.txt and
re-executes itself inside it):

    python3 benches/peers/compare.py            # full run (see README for the time)
    python3 benches/peers/compare.py --quick    # two tolerances, three rounds

Scenario: spasm::analysis::validate::treated_episode(14) on the acute_injury patient
settled at rest, output every hour (examples/peer_timing.rs).

Tolerances: the same rtol everywhere, per-state atol_i = rtol * TYPICAL_i.

Accuracy: max over the hourly outputs and all 21 states of
|x - ref| / (|ref| + 1e-3 TYPICAL_i), against spasm at rtol 1e-11 (itself compared
with libRoadRunner at rtol 1e-11).

Timing: rounds. In each round every solver runs at every tolerance, one after the
other, so a change in the machine's load hits all of them alike: SciPy once (seconds
per run), spasm, diffsol and libRoadRunner 5 times (milliseconds per run), the round's
time being the median of the 5. spasm and diffsol are timed inside their own
processes (a fresh process per round, one untimed warm-up run per tolerance);
libRoadRunner and SciPy are timed here around the Python call, after an untimed
warm-up run. Ratios are formed within a round and reported as median [min-max] over
the rounds.

SciPy integrates the right-hand side and exact Jacobian that spasm generates from its
equations (target/peers-run/spasm_rhs.py: make_rhs, make_jac), never hand-written.

Writes target/peers-run/results.json and results.md and prints the table.
"""
import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# One core for every solver: no BLAS or OpenMP threads in NumPy, SciPy or libRoadRunner.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
VENV = TARGET / "peers-venv"
REQ = Path(__file__).resolve().parent / "requirements.txt"
OUT = TARGET / "peers-run"
SPASM_BIN = TARGET / "release" / "examples" / "peer_timing"
DIFFSOL_DIR = Path(__file__).resolve().parent / "diffsol"
DIFFSOL_TARGET = TARGET / "peers-diffsol"
DIFFSOL_BIN = DIFFSOL_TARGET / "release" / "peer-diffsol"
SCIPY_METHODS = ["LSODA", "BDF", "Radau"]
# Runs per round of the compiled solvers (milliseconds each, so one preemption by
# another process can double a single run); a round's time is their median.
# SciPy's runs take seconds and run once per round.
FAST_REPEATS = 5
SOLVERS = ["spasm RODAS4", "libRoadRunner CVODE", "diffsol BDF"] + [
    "SciPy " + m for m in SCIPY_METHODS]


# ---------------------------------------------------------------- environment
def ensure_venv():
    """Create target/peers-venv (same procedure and marker as tests/sbml_roadrunner.rs)
    and re-execute this script inside it."""
    python = VENV / "bin" / "python"
    wanted = REQ.read_text().strip()
    marker = VENV / ".spasm-peers-ready"

    def ready():
        return marker.exists() and marker.read_text().strip() == wanted

    if Path(sys.prefix).resolve() == VENV.resolve() and ready():
        return
    if not ready():
        lock = TARGET / "peers-venv.lock"
        TARGET.mkdir(parents=True, exist_ok=True)
        start = time.time()
        while True:
            try:
                lock.mkdir()
                break
            except FileExistsError:
                if ready() or time.time() - start > 1200:
                    break
                time.sleep(2)
        try:
            if not ready():
                tmp = TARGET / ("peers-venv.tmp-%d" % os.getpid())
                shutil.rmtree(tmp, ignore_errors=True)
                print("creating %s (pip install -r %s) ..." % (VENV, REQ), file=sys.stderr)
                subprocess.run([sys.executable, "-m", "venv", str(tmp)], check=True)
                subprocess.run(
                    [str(tmp / "bin" / "python"), "-m", "pip", "install",
                     "--disable-pip-version-check", "-q", "-r", str(REQ)],
                    check=True,
                )
                (tmp / ".spasm-peers-ready").write_text(wanted)
                shutil.rmtree(VENV, ignore_errors=True)
                tmp.rename(VENV)
        finally:
            try:
                lock.rmdir()
            except OSError:
                pass
    os.execv(str(python), [str(python), __file__] + sys.argv[1:])


def run(cmd, **kw):
    """Run a command from the repository root; stop with its error output if it fails."""
    print("$ " + " ".join(str(c) for c in cmd), file=sys.stderr)
    res = subprocess.run([str(c) for c in cmd], cwd=ROOT, text=True, **kw)
    if res.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (res.returncode, cmd[0], res.stderr or ""))
    return res


def rtol_list(rtols):
    return ",".join("%g" % r for r in rtols)


# ---------------------------------------------------------------- the solvers
def spasm_times(rtols):
    """Per rtol, the median of FAST_REPEATS timed runs (after a warm-up run) in a
    fresh spasm process."""
    res = run([SPASM_BIN, "--time-only", "--rtol", rtol_list(rtols),
               "--repeats", FAST_REPEATS], capture_output=True)
    d = json.loads(res.stdout)
    return {r: statistics.median(t) for r, t in zip(d["rtol"], d["times_s"])}


def diffsol_run(rtols):
    """FAST_REPEATS timed runs per rtol (after a warm-up run) in a fresh diffsol
    process; also its trajectories and counters."""
    run([DIFFSOL_BIN, "--rtol", rtol_list(rtols), "--repeats", FAST_REPEATS,
         "--out", OUT / "diffsol.json"], capture_output=True)
    return json.loads((OUT / "diffsol.json").read_text())


def load_generated_module():
    """The model's right-hand side and Jacobian, generated from src/model/ by the
    peer_timing example (spasm export python): never written by hand."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("spasm_rhs", OUT / "spasm_rhs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_scipy(plan, gen, method, rtol):
    """solve_ivp segment by segment: stop at every scheduled time, apply the jumps,
    restart with that segment's drivers; outputs right-continuous at events, as spasm.
    The exact Jacobian (make_jac) is given to every method."""
    import numpy as np
    from scipy.integrate import solve_ivp

    times = np.array(plan["times"])
    atol = rtol * np.array(plan["typical"])
    segs = plan["segments"]
    y = np.array(plan["y0"], dtype=float)
    out = np.full((len(times), len(y)), np.nan)
    nfev = njev = 0
    for k, seg in enumerate(segs):
        t0 = seg["start"]
        last = k + 1 == len(segs)
        t1 = plan["t_end"] if last else segs[k + 1]["start"]
        for j in seg["jumps"]:
            y[j["state"]] = j["mul"] * y[j["state"]] + j["add"]
        inside = (times >= t0) & ((times < t1) | (last & (times <= t1)))
        if t1 <= t0:
            out[inside] = y
            continue
        f = gen.make_rhs(plan["params"], plan["derived"], seg["drivers"])
        jac = gen.make_jac(plan["params"], plan["derived"], seg["drivers"])
        t_eval = times[inside]
        m = len(t_eval)
        if m == 0 or t_eval[-1] < t1:
            t_eval = np.append(t_eval, t1)
        sol = solve_ivp(f, (t0, t1), y, method=method, rtol=rtol, atol=atol,
                        t_eval=t_eval, jac=jac)
        if not sol.success:
            raise RuntimeError("%s failed at t=%g: %s" % (method, t0, sol.message))
        out[inside] = sol.y[:, :m].T
        y = sol.y[:, -1].copy()
        nfev += sol.nfev
        njev += sol.njev
    return out, {"nfev": nfev, "njev": njev}


def make_roadrunner(plan):
    import numpy as np
    import roadrunner

    t0 = time.perf_counter()
    rr = roadrunner.RoadRunner(str(OUT / "model.xml"))
    load_s = time.perf_counter() - t0
    integ = rr.getIntegrator()
    integ.setValue("maximum_num_steps", 10 ** 7)
    integ.setValue("stiff", True)

    def simulate(rtol):
        """One scenario from the start: CVODE, the schedule as SBML events."""
        integ.setValue("relative_tolerance", rtol)
        for name, typical in zip(plan["states"], plan["typical"]):
            integ.setIndividualTolerance(name, rtol * typical)
        rr.resetAll()
        res = rr.simulate(times=plan["times"], selections=plan["states"])
        return np.asarray(res)

    return simulate, load_s


# ---------------------------------------------------------------- statistics
def states_array(plan, states):
    """A {name: series} dict as an array (output time, state)."""
    import numpy as np

    return np.array([states[n] for n in plan["states"]]).T


def errors(plan, x, ref):
    """Per state, the max over the outputs of |x - ref| / (|ref| + 1e-3 TYPICAL)."""
    import numpy as np

    typical = np.array(plan["typical"])
    e = np.abs(x - ref) / (np.abs(ref) + 1e-3 * typical)
    return dict(zip(plan["states"], (float(v) for v in e.max(axis=0))))


def accuracy(plan, x, ref, work=""):
    """The error over every state, the state where it is largest, and all of them."""
    by_state = errors(plan, x, ref)
    worst = max(by_state, key=by_state.get)
    return dict(err=by_state[worst], worst=worst, by_state=by_state, work=work)


def interp_time(curve, err):
    """spasm's time at accuracy `err`: log-log interpolation on its (error, time)
    points; None outside the measured range."""
    pts = sorted((math.log(e), math.log(t)) for e, t in curve)
    le = math.log(err)
    for (e0, t0), (e1, t1) in zip(pts, pts[1:]):
        if e0 <= le <= e1:
            w = 0.0 if e1 == e0 else (le - e0) / (e1 - e0)
            return math.exp(t0 + w * (t1 - t0))
    return None


def spread(values):
    """(median, min, max), or None for no values."""
    v = [x for x in values if x is not None]
    return (statistics.median(v), min(v), max(v)) if v else None


# ---------------------------------------------------------------- the table
def fmt_rtol(r):
    return ("%.0e" % r).replace("e-0", "e-")


def fmt_ms(s):
    ms = 1e3 * s
    return "%.0f" % ms if ms >= 100 else "%.1f" % ms if ms >= 1 else "%.2f" % ms


def fmt_time(sp):
    return "%s ms [%s–%s]" % (fmt_ms(sp[0]), fmt_ms(sp[1]), fmt_ms(sp[2]))


def fmt_ratio(sp):
    if sp is None:
        return "n/a"

    def f(x):
        return "%.1f" % x if x < 10 else "%.0f" % x

    return "%s× [%s–%s]" % (f(sp[0]), f(sp[1]), f(sp[2]))


def accuracy_pass(plan, sp, ref, gen, rr_simulate, peer_rtols):
    """Every solver's trajectory at every rtol against the reference (this also warms
    up libRoadRunner and SciPy); trajectories do not depend on timing."""
    acc = {}  # (solver, rtol) -> dict(err, worst, by_state, work)
    for r in sp["runs"]:
        acc[("spasm RODAS4", r["rtol"])] = accuracy(
            plan, states_array(plan, r["states"]), ref,
            "%d steps, %d rejected" % (r["accepted_steps"], r["rejected_steps"]))
    for rtol in peer_rtols:
        acc[("libRoadRunner CVODE", rtol)] = accuracy(plan, rr_simulate(rtol), ref, "—")
    for r in diffsol_run(peer_rtols)["runs"]:
        acc[("diffsol BDF", r["rtol"])] = accuracy(
            plan, states_array(plan, r["states"]), ref, "%d steps, %d Jacobians, %d LU" % (
                r["steps"], r["jacobian_evals"], r["linear_solver_setups"]))
    for method in SCIPY_METHODS:
        for rtol in peer_rtols:
            out, st = run_scipy(plan, gen, method, rtol)
            acc[("SciPy " + method, rtol)] = accuracy(
                plan, out, ref, "%d f, %d J" % (st["nfev"], st["njev"]))
    return acc


def timing_rounds(plan, gen, rr_simulate, spasm_rtols, peer_rtols, rounds):
    """In every round, every solver at every rtol, one after the other: SciPy once,
    the compiled solvers FAST_REPEATS times (the round's time is their median)."""
    times = {}  # (solver, rtol) -> [seconds, one per round]

    def add(name, rtol, secs):
        times.setdefault((name, rtol), []).append(secs)

    for k in range(rounds):
        print("round %d/%d" % (k + 1, rounds), file=sys.stderr)
        for rtol, secs in spasm_times(spasm_rtols).items():
            add("spasm RODAS4", rtol, secs)
        for r in diffsol_run(peer_rtols)["runs"]:
            add("diffsol BDF", r["rtol"], statistics.median(r["times_s"]))
        for rtol in peer_rtols:
            secs = []
            for _ in range(FAST_REPEATS):
                t0 = time.perf_counter()
                rr_simulate(rtol)
                secs.append(time.perf_counter() - t0)
            add("libRoadRunner CVODE", rtol, statistics.median(secs))
        for method in SCIPY_METHODS:
            for rtol in peer_rtols:
                t0 = time.perf_counter()
                run_scipy(plan, gen, method, rtol)
                add("SciPy " + method, rtol, time.perf_counter() - t0)
    return times


def ratio_rows(acc, times, spasm_rtols, peer_rtols, rounds):
    """Ratios within each round: the peer's time over spasm's at the same rtol, and
    over spasm's time at the peer's error, interpolated on that round's spasm curve."""
    rows = []
    for rtol in peer_rtols:
        for name in SOLVERS:
            a, ts = acc[(name, rtol)], times[(name, rtol)]
            same, equal = [], []
            for k in range(rounds):
                same.append(ts[k] / times[("spasm RODAS4", rtol)][k])
                curve = [(acc[("spasm RODAS4", r)]["err"], times[("spasm RODAS4", r)][k])
                         for r in spasm_rtols]
                at = interp_time(curve, a["err"])
                equal.append(ts[k] / at if at else None)
            rows.append(dict(solver=name, rtol=rtol, times_s=ts, same=spread(same),
                             equal=spread(equal), **a))
    return rows


def table(rows, acc, times, spasm_rtols):
    """The Markdown table, spasm's work-precision curve and the goal, as lines."""
    lines = [
        "| solver | rtol | time per scenario, median [min–max] | max rel. error, 21 states "
        "(worst state; P alone) | work | peer : spasm, same rtol | peer : spasm, equal accuracy |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        me = r["solver"] == "spasm RODAS4"
        lines.append("| %s | %s | %s | %.1e (%s; P %.0e) | %s | %s | %s |" % (
            r["solver"], fmt_rtol(r["rtol"]), fmt_time(spread(r["times_s"])), r["err"],
            r["worst"], r["by_state"]["P"], r["work"], "1" if me else fmt_ratio(r["same"]),
            "1" if me else fmt_ratio(r["equal"])))
    curve = []
    for rtol in spasm_rtols:
        a = acc[("spasm RODAS4", rtol)]
        curve.append("%s: %s ms, %.1e, %s" % (
            fmt_rtol(rtol), fmt_ms(statistics.median(times[("spasm RODAS4", rtol)])),
            a["err"], a["work"].split(",")[0]))
    lines.append("")
    lines.append("- spasm's work-precision curve (rtol: median time, max error, steps): "
                 + " · ".join(curve))
    goal = [r for r in rows if r["solver"] == "libRoadRunner CVODE" and r["rtol"] == 1e-6]
    if goal and goal[0]["equal"]:
        m = goal[0]["equal"][0]
        lines.append("- Goal, libRoadRunner : spasm ≥ 8× at equal accuracy at rtol 1e-6: "
                     "%s, %s." % (fmt_ratio(goal[0]["equal"]),
                                  "met" if m >= 8 else "missed by a factor %.2f" % (8 / m)))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="two tolerances, three rounds")
    ap.add_argument("--rounds", type=int, help="timing rounds (default 10, quick 3)")
    args = ap.parse_args()
    ensure_venv()

    import numpy as np
    import roadrunner
    import scipy

    peer_rtols = [1e-4, 1e-6] if args.quick else [1e-4, 1e-6, 1e-8]
    spasm_rtols = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]
    rounds = args.rounds or (3 if args.quick else 10)
    started = time.time()
    load_start = os.getloadavg()[0]

    # Build both Rust programs once; the rounds then run the binaries directly (no
    # cargo in the timed loop, and no wait for the build-directory lock).
    run(["cargo", "build", "--release", "--quiet", "--example", "peer_timing"])
    run(["cargo", "build", "--release", "--quiet", "--manifest-path",
         DIFFSOL_DIR / "Cargo.toml", "--target-dir", DIFFSOL_TARGET])
    # Export the model, the plan and the generated Python module; spasm's
    # trajectories at every rtol and the reference at 1e-11.
    run([SPASM_BIN, "--out", OUT, "--rtol", rtol_list(spasm_rtols), "--ref-rtol", "1e-11"])
    plan = json.loads((OUT / "plan.json").read_text())
    sp = json.loads((OUT / "spasm.json").read_text())
    gen = load_generated_module()
    ref = states_array(plan, sp["reference"]["states"])
    rr_simulate, rr_load = make_roadrunner(plan)
    rr_ref = rr_simulate(1e-11)
    ref_check = accuracy(plan, rr_ref, ref)
    assert np.array_equal(rr_simulate(1e-11), rr_ref), "resetAll() does not restore the scenario"

    acc = accuracy_pass(plan, sp, ref, gen, rr_simulate, peer_rtols)
    times = timing_rounds(plan, gen, rr_simulate, spasm_rtols, peer_rtols, rounds)
    rows = ratio_rows(acc, times, spasm_rtols, peer_rtols, rounds)

    lines = table(rows, acc, times, spasm_rtols)
    lines.append("- Reference: spasm RODAS4 at rtol 1e-11; libRoadRunner at rtol 1e-11 differs "
                 "from it by %.1e at most (worst state %s)."
                 % (ref_check["err"], ref_check["worst"]))
    lines.append("- %d interleaved rounds; libRoadRunner load + compile (once, not timed): %.1f s; "
                 "whole run %.0f s; load average %.1f at the start, %.1f at the end." % (
                     rounds, rr_load, time.time() - started, load_start, os.getloadavg()[0]))
    ds_solver = json.loads((OUT / "diffsol.json").read_text())["solver"]
    lines.append("- Versions: spasm %s, %s, libroadrunner %s, scipy %s, numpy %s, python %s; "
                 "%s, %d cores." % (sp["version"], ds_solver, roadrunner.__version__,
                                    scipy.__version__, np.__version__, platform.python_version(),
                                    platform.machine(), os.cpu_count()))
    text = "\n".join(lines)
    print(text)
    (OUT / "results.md").write_text(text + "\n")
    (OUT / "results.json").write_text(json.dumps({
        "rows": rows,
        "spasm_curve": [dict(rtol=r, times_s=times[("spasm RODAS4", r)], **acc[("spasm RODAS4", r)])
                        for r in spasm_rtols],
        "reference_check_vs_roadrunner": ref_check,
        "roadrunner_load_s": rr_load,
        "rounds": rounds,
    }, indent=1))


if __name__ == "__main__":
    main()
