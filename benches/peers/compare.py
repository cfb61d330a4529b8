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
def make_rhs(p, dc, d):
    """The right-hand side of docs/model.md §4, written by hand in Python (scalar
    math; numpy only for the result), for one segment with drivers `d`."""
    import numpy as np

    LN2 = math.log(2.0)
    exp, log1p = math.exp, math.log1p

    def softplus(x, w):
        z = x / w
        if z > 30.0:
            return x
        if z < -30.0:
            return w * exp(z)
        return w * log1p(exp(z))

    def smoothstep(x):
        if x <= 0.0:
            return 0.0
        if x >= 1.0:
            return 1.0
        return x * x * (3.0 - 2.0 * x)

    def hill(x, k, h):
        if x <= 0.0:
            return 0.0
        xh = x ** h
        return xh / (xh + k ** h)

    P_ = p
    es, cuff, act, stress = d["es_activation"], d["cuff_pressure"], d["activity"], d["stress_drive"]
    t_surface = d["skin_heat"] if d["skin_heat_on"] > 0.5 else p["t_skin"]
    f = min(max(d["us_frequency"], 1.0), 3.0)
    q_us = d["us_intensity"] * (p["us_heat_1mhz"] + (p["us_heat_3mhz"] - p["us_heat_1mhz"]) * (f - 1.0) / 2.0)
    tens, stretch, massage, vol, disc = d["tens"], d["stretch"], d["massage"], d["voluntary"], d["disc_source"]
    o_art, k13, kcore, t_ref = dc["o_art"], dc["k_13"], dc["k_core"], dc["t_ref"]
    (tau_a, u0, wd, gain_gamma, gain_injury, u_guard, alpha_adapt, u_stress_tonic,
     fatigue_rate, recovery_rate, es_fatigue_rate, p0, k_p, k_edema, p_on, p_art, v_max,
     k_v, fdt, pump_gain, k_supply, cr, k_c, d0, d1, k_o, h_o, beta0, beta1, tau_w, k_n,
     h_n, s_max, k_s, eps_met, w_h, la_ec50, la_tau, w1, w2, k_gamma, h_gamma, tau_gamma,
     stretch_max, tau_x_on, tau_x_off, massage_max, tau_y_on, tau_y_off, heat_spindle,
     heat_softness, relax_emax, cbz_ec50, tiz_ec50, sigma_m, sigma_h, tau_s, cox_imax,
     cox_ic50, kappa, c_z, tau_p, tens_max, k_z, w_z, k_zh, h_z, tau_z, t_core, k_skin,
     k_blood, tau_heal, h_disc, ibu_ka, ibu_cl, ibu_v, cbz_ka, cbz_cl, cbz_v, tiz_ka,
     tiz_cl, tiz_v) = (P_[k] for k in (
        "tau_a u0 drive_softness gain_gamma gain_injury u_guard alpha_adapt u_stress_tonic "
        "fatigue_rate recovery_rate es_fatigue_rate p0 k_p k_edema p_on p_art v_max k_v "
        "flow_doubling_temp pump_gain k_supply consumption_ratio k_c d0 d1 k_o h_o beta0 beta1 "
        "tau_w k_n h_n s_max k_s eps_met w_h la_ec50 la_tau w1 w2 k_gamma h_gamma tau_gamma "
        "stretch_max tau_x_on tau_x_off massage_max tau_y_on tau_y_off heat_spindle "
        "heat_softness relax_emax cbz_ec50 tiz_ec50 sigma_m sigma_h tau_s cox_imax cox_ic50 "
        "kappa c_z tau_p tens_max k_z w_z k_zh h_z tau_z t_core k_skin k_blood tau_heal "
        "h_disc ibu_ka ibu_cl ibu_v cbz_ka cbz_cl cbz_v tiz_ka tiz_cl tiz_v").split())
    koh = k_o ** h_o
    warm0 = softplus(0.0, heat_softness)
    gate = 1.0 - tens_max * tens
    ibu_k, cbz_k, tiz_k = ibu_cl / ibu_v, cbz_cl / cbz_v, tiz_cl / tiz_v

    def rhs(t, y):
        (a, cap, gam, O, M, S, Pn, Z, T1, T3, H, X, Y, ig, ic, cg, cc, tg, tc, L) = y
        a_tot = a + cap * es
        p_im = a_tot * k_p + H * k_edema + p0 + cuff
        g = 1.0 - smoothstep((p_im - p_on) / (p_art - p_on))
        Tm = (T1 + T3) * 0.5
        V = (1.0 + M * M * v_max / (M * M + k_v * k_v)) * exp((Tm - t_ref) * (LN2 / fdt))
        Q = V * g * (1.0 + pump_gain * act)
        D = a_tot * d1 + d0
        phi = koh / (O ** h_o + koh)
        k_eff = (1.0 - S * s_max / (S + k_s)) * k_n
        block = 1.0 - L / (L + la_ec50)
        n_met = hill(M, k_eff, h_n) * (phi * (1.0 - eps_met) + eps_met) * block
        n_tis = H * w_h / (H * w_h + 1.0) * block
        n = 1.0 - (1.0 - n_met) * (1.0 - n_tis)
        c_ibu = ic / ibu_v
        cox = 1.0 - c_ibu * cox_imax / (c_ibu + cox_ic50)
        r = cc / cbz_v / cbz_ec50 + tc / tiz_v / tiz_ec50
        relax = r * relax_emax / (r + 1.0)
        warm = softplus(Tm - t_ref, heat_softness) - warm0
        s = (1.0 - X * stretch_max) * (1.0 - Y * massage_max) * (1.0 - warm * heat_spindle) * (1.0 - relax)
        u = ((1.0 + H * gain_injury) * gain_gamma * s * gam + H * u_guard - n_tis * alpha_adapt
             + u0 + u_stress_tonic + stress)
        if vol > 0.0:
            u = u + softplus(vol / cap - u, wd)
        usat = 1.0 - softplus(1.0 - softplus(u, wd), wd)
        pain = (1.0 - exp(-(n * (1.0 + Z * c_z) * kappa))) * (10.0 * gate)
        hz = hill(Z, k_zh, h_z)
        return np.array((
            (usat * cap - a) / tau_a,
            (1.0 - cap) * g * recovery_rate - (a * fatigue_rate + es_fatigue_rate * es) * cap,
            (hill(n_met * w1 + gam * w2, k_gamma, h_gamma) - gam) / tau_gamma,
            Q * (o_art - O) * k_supply - D * O / (O + k_c) * (cr * k_supply),
            D * phi * beta0 + a_tot * beta1 - Q * M / tau_w,
            cox * (M * sigma_m + H * sigma_h) - S / tau_s,
            (pain - Pn) / tau_p,
            (n + hz * w_z) * (1.0 - Z) * k_z - Z / tau_z,
            (t_surface - T1) * k_skin + (T3 - T1) * k13 + Q * (t_core - T1) * k_blood,
            (T1 - T3) * k13 + (t_core - T3) * kcore + Q * (t_core - T3) * k_blood + q_us,
            h_disc + disc - H / tau_heal,
            (1.0 - X) * (stretch / tau_x_on) - X * ((1.0 - stretch) / tau_x_off),
            (1.0 - Y) * (massage / tau_y_on) - Y * ((1.0 - massage) / tau_y_off),
            -ig * ibu_ka,
            ig * ibu_ka - ic * ibu_k,
            -cg * cbz_ka,
            cg * cbz_ka - cc * cbz_k,
            -tg * tiz_ka,
            tg * tiz_ka - tc * tiz_k,
            -L / la_tau,
        ))

    return rhs


def run_scipy(plan, method, rtol):
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
        f = make_rhs(plan["params"], plan["derived"], seg["drivers"])
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
            med, n, res = timed(lambda: run_scipy(plan, method, rtol), 0.0, 1 if args.quick else 5)
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
