#!/usr/bin/env python3
"""Peer speed comparison: spasm (RODAS4) vs libRoadRunner (CVODE) vs SciPy solve_ivp
(LSODA, BDF) on the same model and scenario at the same tolerances.

Run from the repository root (any python3 >= 3.9; the script creates or reuses the
virtual environment target/peers-venv with benches/peers/requirements.txt and
re-executes itself inside it):

    python3 benches/peers/compare.py            # full run (~1 min on 2 cores)
    python3 benches/peers/compare.py --quick    # fewer tolerances and repeats

Scenario (examples/peer_timing.rs): acute_injury set, settled; 2 min effort at
50 %MVC at t = 0; ibuprofen 400 mg + cyclobenzaprine 5 mg every 8 h from 1 h; a
20 min hot pack (43 °C) daily at 2 h; 14 days; output every hour.

Tolerances: the same rtol everywhere and per-state absolute tolerances
atol_i = rtol * TYPICAL_i (spasm's rule) in all three tools.

Accuracy: the maximum over the output times of |x - ref| / (|ref| + 1e-3 TYPICAL_x)
for pain P and contraction a, against spasm at rtol 1e-11 (itself checked against
libRoadRunner at rtol 1e-11).

Timing: wall time of one 14-day scenario on one core, median of repeated runs after
one warm-up run (spasm and libRoadRunner: up to 20 runs; SciPy: 5), not counting
model loading (libRoadRunner's SBML parse + LLVM compile is reported separately).
Cohort: 1000 x the per-scenario time (the scenario is timed repeatedly and the
median scaled; 1000 runs are not executed).

SciPy integrates the right-hand side that spasm generates from its own equations
(target/peers-run/spasm_rhs.py, written by the peer_timing example with `spasm export
python`); tests/python_rhs.rs checks that module against the simulator to 1e-12.

Writes target/peers-run/results.json and results.md and prints the table.
"""
import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
VENV = TARGET / "peers-venv"
REQ = Path(__file__).resolve().parent / "requirements.txt"


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


# ---------------------------------------------------------------- SciPy model
def load_rhs_module(out_dir):
    """The model's right-hand side, generated from src/model/ by the peer_timing example
    (spasm export python): never written by hand, so it cannot drift from spasm."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("spasm_rhs", out_dir / "spasm_rhs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_scipy(plan, rhs_mod, method, rtol):
    """Integrate segment by segment (stop at every scheduled time, apply jumps,
    restart); output right-continuous at events, as spasm."""
    import numpy as np
    from scipy.integrate import solve_ivp

    times = np.array(plan["times"])
    atol = rtol * np.array(plan["typical"])
    segs = plan["segments"]
    t_end = plan["t_end"]
    y = np.array(plan["y0"], dtype=float)
    out = np.full((len(times), len(y)), np.nan)
    nfev = njev = 0
    for k, seg in enumerate(segs):
        t0 = seg["start"]
        t1 = segs[k + 1]["start"] if k + 1 < len(segs) else t_end
        for j in seg["jumps"]:
            y[j["state"]] = j["mul"] * y[j["state"]] + j["add"]
        last = k + 1 == len(segs)
        mask = (times >= t0) & ((times < t1) | (last & (times <= t1)))
        if t1 <= t0:
            out[mask] = y
            continue
        f = rhs_mod.make_rhs(plan["params"], plan["derived"], seg["drivers"])
        t_eval = times[mask]
        m = len(t_eval)
        if m == 0 or t_eval[-1] < t1:
            t_eval = np.append(t_eval, t1)
        sol = solve_ivp(f, (t0, t1), y, method=method, rtol=rtol, atol=atol, t_eval=t_eval)
        if not sol.success:
            raise RuntimeError("%s failed at t=%g: %s" % (method, t0, sol.message))
        out[mask] = sol.y[:, :m].T
        y = sol.y[:, -1].copy()
        nfev += sol.nfev
        njev += sol.njev
    return out, {"nfev": nfev, "njev": njev}


# ---------------------------------------------------------------- helpers
def rel_err(x, ref, typical):
    import numpy as np

    x, ref = np.asarray(x, float), np.asarray(ref, float)
    return float(np.max(np.abs(x - ref) / (np.abs(ref) + 1e-3 * typical)))


def timed(fn, min_time, max_repeats):
    """Median wall time of repeated calls (after one untimed warm-up call)."""
    secs, res = [], fn()
    start = time.perf_counter()
    while len(secs) < max_repeats and (len(secs) < 1 or time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        res = fn()
        secs.append(time.perf_counter() - t0)
    secs.sort()
    return secs[len(secs) // 2], len(secs), res


def interp_time(curve, err):
    """spasm's time at accuracy `err`, log-log interpolation on its (err, time)
    curve; None outside the measured range."""
    pts = sorted((math.log(e), math.log(t)) for e, t in curve if e > 0)
    le = math.log(err)
    for (e0, t0), (e1, t1) in zip(pts, pts[1:]):
        if e0 <= le <= e1:
            w = 0.0 if e1 == e0 else (le - e0) / (e1 - e0)
            return math.exp(t0 + w * (t1 - t0))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="two tolerances, fewer repeats")
    ap.add_argument("--skip-build", action="store_true", help="reuse target/peers-run/spasm.json")
    args = ap.parse_args()
    ensure_venv()

    import numpy as np
    import roadrunner
    import scipy

    peer_rtols = [1e-4, 1e-6] if args.quick else [1e-4, 1e-6, 1e-8]
    spasm_rtols = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]
    min_time = 1.0 if args.quick else 3.0
    out_dir = TARGET / "peers-run"

    if not args.skip_build:
        cmd = ["cargo", "run", "--release", "--quiet", "--example", "peer_timing", "--",
               "--out", str(out_dir), "--rtol", ",".join("%g" % r for r in spasm_rtols),
               "--ref-rtol", "1e-11", "--min-time", "%g" % min_time]
        print("$ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, cwd=ROOT)
    plan = json.loads((out_dir / "plan.json").read_text())
    rhs_mod = load_rhs_module(out_dir)
    sp = json.loads((out_dir / "spasm.json").read_text())
    typ = dict(zip(plan["states"], plan["typical"]))
    ref = sp["reference"]
    times = plan["times"]

    def errors(P, a):
        return rel_err(P, ref["P"], typ["P"]), rel_err(a, ref["a"], typ["a"])

    rows = []
    spasm_by_rtol = {}
    for r in sp["runs"]:
        eP, ea = errors(r["P"], r["a"])
        spasm_by_rtol[r["rtol"]] = dict(time=r["time_s"], eP=eP, ea=ea, steps=r["accepted_steps"],
                                        repeats=r["repeats"])
    curve = [(max(v["eP"], v["ea"]), v["time"]) for v in spasm_by_rtol.values()]

    # libRoadRunner.
    t0 = time.perf_counter()
    rr = roadrunner.RoadRunner(str(out_dir / "model.xml"))
    rr_load = time.perf_counter() - t0
    integ = rr.getIntegrator()
    integ.setValue("maximum_num_steps", 10 ** 7)
    integ.setValue("stiff", True)

    def rr_run(rtol):
        integ.setValue("relative_tolerance", rtol)
        for name, t in typ.items():
            integ.setIndividualTolerance(name, rtol * t)
        rr.resetAll()
        res = rr.simulate(times=times, selections=["time", "P", "a"])
        return np.array(res)

    # Check the reference itself against CVODE at the same tight tolerance.
    rr_ref = rr_run(1e-11)
    ref_check = errors(rr_ref[:, 1], rr_ref[:, 2])
    again = rr_run(1e-11)
    assert np.array_equal(again, rr_ref), "resetAll() does not restore the scenario"

    peers = []
    for rtol in peer_rtols:
        med, n, res = timed(lambda: rr_run(rtol), min_time, 20)
        peers.append(("libRoadRunner CVODE", rtol, med, n, errors(res[:, 1], res[:, 2])))
        print("roadrunner rtol %g: %.1f ms" % (rtol, med * 1e3), file=sys.stderr)
    iP, ia = plan["states"].index("P"), plan["states"].index("a")
    for method in ["LSODA", "BDF"]:
        for rtol in peer_rtols:
            med, n, res = timed(lambda: run_scipy(plan, rhs_mod, method, rtol), 0.0, 1 if args.quick else 5)
            out, stats = res
            peers.append(("SciPy " + method, rtol, med, n, errors(out[:, iP], out[:, ia])))
            print("scipy %s rtol %g: %.1f ms (nfev %d)" % (method, rtol, med * 1e3, stats["nfev"]), file=sys.stderr)

    # Table.
    lines = []
    lines.append("| solver | rtol | time / scenario | time / 1000-patient cohort | max rel. error P | max rel. error a | peer : spasm time, same rtol | peer : spasm time, equal accuracy |")
    lines.append("|---|---|---|---|---|---|---|---|")

    def fmt_t(s):
        return "%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s

    def fmt_c(s):
        c = 1000 * s
        return "%.1f s" % c if c < 120 else "%.1f min" % (c / 60) if c < 7200 else "%.1f h" % (c / 3600)

    for rtol in peer_rtols:
        s = spasm_by_rtol.get(rtol)
        if s:
            lines.append("| spasm RODAS4 | %g | %s | %s | %.1e | %.1e | 1 | 1 |" % (
                rtol, fmt_t(s["time"]), fmt_c(s["time"]), s["eP"], s["ea"]))
        for name, r, med, n, (eP, ea) in peers:
            if r != rtol:
                continue
            same = med / s["time"] if s else float("nan")
            at = interp_time(curve, max(eP, ea))
            eq = "%.0f×" % (med / at) if at else "n/a (outside spasm's range)"
            lines.append("| %s | %g | %s | %s | %.1e | %.1e | %.0f× | %s |" % (
                name, r, fmt_t(med), fmt_c(med), eP, ea, same, eq))
    lines.append("")
    lines.append("spasm work-precision curve (rtol: time per scenario, max(err P, err a), steps):")
    for r, v in sorted(spasm_by_rtol.items(), reverse=True):
        lines.append("- %g: %s, %.1e, %d steps" % (r, fmt_t(v["time"]), max(v["eP"], v["ea"]), v["steps"]))
    lines.append("")
    lines.append("Reference: spasm RODAS4 at rtol 1e-11 (%s); libRoadRunner at rtol 1e-11 differs from it by %.1e (P), %.1e (a)." % (
        fmt_t(ref["time_s"]), ref_check[0], ref_check[1]))
    lines.append("libRoadRunner model load + LLVM compile (once, not in the times above): %.2f s." % rr_load)
    lines.append("Versions: spasm %s, libroadrunner %s, scipy %s, numpy %s, python %s; %s, %d cores." % (
        sp["version"], roadrunner.__version__, scipy.__version__, np.__version__,
        platform.python_version(), platform.machine(), os.cpu_count()))
    table = "\n".join(lines)
    print(table)
    (out_dir / "results.md").write_text(table + "\n")
    (out_dir / "results.json").write_text(json.dumps({
        "spasm": spasm_by_rtol,
        "peers": [dict(solver=a, rtol=b, time_s=c, repeats=d, err_P=e[0], err_a=e[1]) for a, b, c, d, e in peers],
        "reference_check_vs_roadrunner": ref_check,
        "roadrunner_load_s": rr_load,
    }, indent=1))


if __name__ == "__main__":
    main()
