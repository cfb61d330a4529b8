#!/usr/bin/env python3
"""Cross-check of spasm's sensitivity analysis (src/analysis/sensitivity) against SALib

Usage: python salib_check.py DIR
where DIR holds manifest.json and the CSV files written by
`tests/salib.rs` (tests/support/salib_cases.rs plus a spasm endpoint).

For every case SALib analyses the *same* X and Y as ours:
  * Morris: SALib.analyze.morris.analyze(problem, X, Y, num_levels=p, ...)
  * Sobol': SALib.analyze.sobol.analyze(problem, Y, calc_second_order=False, ...)
Failed runs (NaN outputs) are handled as the crate documents: the trajectories
(Morris) or base-row groups of k + 2 rows (Sobol') holding a NaN are removed before
SALib sees the data, so SALib analyses exactly the sample our estimate used.

What "agree" means (all must hold, for every factor):
  1. point estimates (mu, mu_star, sigma; S1, ST) are the same formulas on the same
     numbers, so they must match to floating-point rounding:
         |ours - SALib| <= 1e-9 * (1 + |SALib|);
  2. in particular ours lies inside SALib's confidence interval:
         |ours - SALib| <= SALib's half-width (+ the rounding allowance of 1.);
  3. the bootstrap half-widths (mu_star_conf; S1_conf, ST_conf), computed from
     different random resamples (ChaCha8 vs numpy) with 1000 resamples each, agree
     within 25 %:
         |ours_conf - SALib_conf| <= 0.25 * SALib_conf + 1e-9 * (1 + |estimate|)
     (the absolute allowance covers half-widths that are 0 up to rounding, e.g. the
     mu_star of Ishigami's x2 at p = 4, whose |elementary effect| is constant).
Independently of SALib's analysis, the design layout is checked: each Sobol' group
is A, AB_1..AB_k, B with AB_i = A except column i taken from B; each Morris
trajectory moves one new factor per step by exactly +-Delta on the grid l/(p-1).
The same structural checks are run on SALib's own samplers' output
(saltelli.sample with calc_second_order=False; morris.sample), which shows that the
checks describe SALib's layout.

Exit status 0 when everything agrees; 1 otherwise, with the failures listed.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
from importlib.metadata import version
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from SALib.sample import saltelli

POINT_RTOL = 1e-9
CONF_RTOL = 0.25
SALIB_SEED = 20240601

failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)


def load(d, name):
    a = np.loadtxt(d / name, delimiter=",", ndmin=2)
    return a


def sobol_layout_ok(u, k):
    g = u.reshape(-1, k + 2, k)
    a, b = g[:, 0, :], g[:, k + 1, :]
    for i in range(k):
        want = a.copy()
        want[:, i] = b[:, i]
        if not np.array_equal(g[:, 1 + i, :], want):
            return False
    return True


def morris_layout_ok(u, k, p):
    delta = p / (2.0 * (p - 1))
    levels = u * (p - 1)
    if not np.allclose(levels, np.round(levels), atol=1e-9):
        return False
    t = u.reshape(-1, k + 1, k)
    d = np.diff(t, axis=1)  # (r, k, k)
    moved = d != 0
    if not (moved.sum(axis=2) == 1).all():  # one factor per step
        return False
    if not (moved.sum(axis=1) == 1).all():  # each factor once
        return False
    return np.allclose(np.abs(d[moved]), delta, atol=1e-9)


def compare(case, key, ours, ref, ours_conf, ref_conf, rows):
    name = case["name"]
    for i, fac in enumerate(case["names"]):
        o, r = float(ours[i]), float(ref[i])
        diff = abs(o - r)
        tol = POINT_RTOL * (1 + abs(r))
        check(diff <= tol, f"{name} {key}[{fac}]: ours {o!r} SALib {r!r} (|diff| {diff:.3g} > {tol:.3g})")
        if ref_conf is not None:
            oc, rc = float(ours_conf[i]), float(ref_conf[i])
            check(diff <= rc + tol, f"{name} {key}[{fac}]: ours {o} outside SALib CI {r} +- {rc}")
            ctol = CONF_RTOL * rc + tol
            check(abs(oc - rc) <= ctol,
                  f"{name} {key}_conf[{fac}]: ours {oc:.6g} SALib {rc:.6g} (differ by > 25 %)")
            rel = abs(oc - rc) / rc if rc > tol else 0.0
            rows.append((name, key, fac, o, r, diff, oc, rc, rel))
        else:
            rows.append((name, key, fac, o, r, diff, None, None, None))


def run_case(d, case, rows):
    k = len(case["names"])
    problem = {"num_vars": k, "names": case["names"], "bounds": case["bounds"]}
    x = load(d, case["x"])
    u = load(d, case["unit"])
    y = load(d, case["y"])[:, 0]
    ours = case["ours"]
    nres, conf = case["num_resamples"], case["conf_level"]
    bad = ~np.isfinite(y)
    if case["method"] == "sobol":
        check(sobol_layout_ok(u, k), f"{case['name']}: Saltelli layout")
        groups = bad.reshape(-1, k + 2).any(axis=1)
        keep = np.repeat(~groups, k + 2)
        check(int(groups.sum()) == ours["base_rows_dropped"],
              f"{case['name']}: dropped {groups.sum()} groups, ours says {ours['base_rows_dropped']}")
        s = sobol_analyze.analyze(problem, y[keep], calc_second_order=False,
                                  num_resamples=nres, conf_level=conf, seed=SALIB_SEED)
        compare(case, "S1", ours["s1"], s["S1"], ours["s1_conf"], s["S1_conf"], rows)
        compare(case, "ST", ours["st"], s["ST"], ours["st_conf"], s["ST_conf"], rows)
    else:
        p = case["num_levels"]
        check(morris_layout_ok(u, k, p), f"{case['name']}: Morris layout")
        traj = bad.reshape(-1, k + 1).any(axis=1)
        keep = np.repeat(~traj, k + 1)
        check(int(traj.sum()) == ours["trajectories_dropped"],
              f"{case['name']}: dropped {traj.sum()} trajectories, ours says {ours['trajectories_dropped']}")
        s = morris_analyze.analyze(problem, x[keep], y[keep], num_resamples=nres,
                                   conf_level=conf, num_levels=p, seed=SALIB_SEED)
        compare(case, "mu", ours["mu"], s["mu"], None, None, rows)
        compare(case, "sigma", ours["sigma"], s["sigma"], None, None, rows)
        compare(case, "mu_star", ours["mu_star"], s["mu_star"], ours["mu_star_conf"],
                s["mu_star_conf"], rows)


def salib_samplers_match_layout():
    """Our layout checks accept SALib's own samples (so they describe its layout)."""
    for k in (1, 3, 5):
        prob = {"num_vars": k, "names": [f"x{i}" for i in range(k)], "bounds": [[0, 1]] * k}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = saltelli.sample(prob, 64, calc_second_order=False)
        check(s.shape == (64 * (k + 2), k) and sobol_layout_ok(s, k),
              f"SALib saltelli.sample k={k} fails the Saltelli layout check")
        for p in (2, 4, 6):
            m = morris_sample.sample(prob, 20, num_levels=p, seed=1)
            check(m.shape == (20 * (k + 1), k) and morris_layout_ok(m, k, p),
                  f"SALib morris.sample k={k} p={p} fails the Morris layout check")


def main():
    d = Path(sys.argv[1] if len(sys.argv) > 1 else "target/salib")
    manifest = json.loads((d / "manifest.json").read_text())
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        salib_samplers_match_layout()
        for case in manifest["cases"]:
            run_case(d, case, rows)

    print(f"SALib {version('SALib')}, numpy {np.__version__}")
    print(f"{'case':<22}{'index':<9}{'factor':<7}{'ours':>13}{'SALib':>13}{'|diff|':>10}"
          f"{'conf ours':>11}{'conf SALib':>11}{'conf rel':>9}")
    for name, key, fac, o, r, diff, oc, rc, rel in rows:
        conf = f"{oc:>11.4f}{rc:>11.4f}{rel:>9.1%}" if oc is not None else ""
        print(f"{name:<22}{key:<9}{fac:<7}{o:>13.6f}{r:>13.6f}{diff:>10.1e}{conf}")
    worst_point = max(r[5] / (1 + abs(r[4])) for r in rows)
    worst_conf = max(r[8] for r in rows if r[8] is not None)
    print(f"max |diff|/(1+|SALib|) = {worst_point:.2e}; max relative half-width difference = {worst_conf:.1%}")
    if failures:
        print(f"{len(failures)} of {checks} checks FAILED:")
        for f in failures:
            print("  " + f)
        return 1
    print(f"salib_check: {checks} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
