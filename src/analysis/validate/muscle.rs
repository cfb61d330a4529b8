//! Targets 1–5: rest, occlusion, low-level work, metabolites, stretch.

use super::{alg_at, check, go, k_plus, perfusion_at, rested, Check, R};
use crate::model::{idx, State};
use crate::protocol::{Effect, Schedule};
use crate::simulation::{Patient, SolverConfig};
use crate::solver::OdeSystem;
use crate::units::{HOUR, MINUTE as MIN};

/// Target 1: rest is a stable steady state with the stated values.
pub fn target1() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "model.md §6.1; Sjøgaard 1986; Juel 2000";
    let al = m.algebraic(&y.data.0[0]);
    let j = m.jacobian(0.0, &y);
    let max_re = j
        .complex_eigenvalues()
        .iter()
        .map(|c| c.re)
        .fold(f64::NEG_INFINITY, f64::max);
    let drift = m.rhs(0.0, &y).abs().max();
    Ok(vec![
        check(
            1,
            "resting contraction a",
            src,
            1.0,
            5.0,
            "%MVC",
            100.0 * y[idx::A],
        ),
        check(1, "resting pain P", src, 0.0, 0.5, "NRS", y[idx::P]),
        check(1, "resting flow Q", src, 0.95, 1.05, "× rest", al.q),
        check(
            1,
            "resting interstitial K+",
            src,
            3.8,
            4.6,
            "mM",
            k_plus(m, &y),
        ),
        check(
            1,
            "largest Jacobian eigenvalue real part (stable if < 0)",
            src,
            f64::NEG_INFINITY,
            -1e-9,
            "1/s",
            max_re,
        ),
        check(
            1,
            "residual |dy/dt| at rest (steady if ≈ 0)",
            src,
            0.0,
            1e-6,
            "per s",
            drift,
        ),
    ])
}

/// Target 2: occlusion thresholds.
pub fn target2() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "Sadamoto 1983; Barnes 1980";
    let run = |level: f64, t: f64| {
        go(
            &p,
            &y,
            &Schedule::default().window(0.0, t, Effect::Voluntary(level)),
            t,
            1.0,
        )
    };
    let q5 = {
        let tr = run(0.05, 60.0)?;
        alg_at(m, &tr, tr.times.len() - 1).q
    };
    let tr60 = run(0.60, 10.0)?;
    let q60 = alg_at(m, &tr60, tr60.times.len() - 1).q;
    let tr30 = run(0.30, 120.0)?;
    let g30 = (0..tr30.times.len())
        .map(|k| alg_at(m, &tr30, k).g)
        .fold(f64::INFINITY, f64::min);
    // Onset of full occlusion: the lowest activation with perfusion below 1 %.
    let onset = (0..=1000)
        .map(|k| f64::from(k) / 1000.0)
        .find(|&a| perfusion_at(m, &y, a) < 0.01)
        .unwrap_or(f64::NAN);
    Ok(vec![
        check(
            2,
            "flow at 10 s of 60 %MVC / flow at 5 %MVC",
            src,
            0.0,
            0.1,
            "",
            q60 / q5,
        ),
        check(
            2,
            "lowest perfusion during 30 %MVC",
            src,
            0.3,
            1.0,
            "of rest",
            g30,
        ),
        check(
            2,
            "onset of full occlusion",
            src,
            50.0,
            65.0,
            "%MVC",
            100.0 * onset,
        ),
    ])
}

/// Target 3: 5 %MVC held 60 min.
pub fn target3() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "Sjøgaard et al. 1986";
    let tr = go(
        &p,
        &y,
        &Schedule::default().window(0.0, HOUR, Effect::Voluntary(0.05)),
        HOUR,
        MIN,
    )?;
    let n = tr.times.len() - 1;
    let gmin = (1..=n)
        .map(|k| alg_at(m, &tr, k).g)
        .fold(f64::INFINITY, f64::min);
    let p_rest = m.algebraic(&y.data.0[0]).p_im;
    let p_end = alg_at(m, &tr, n).p_im;
    let drop = 1.0 - tr.states[n][idx::CAP] / y[idx::CAP];
    Ok(vec![
        check(
            3,
            "lowest perfusion during 5 %MVC, 60 min",
            src,
            0.99,
            1.0,
            "of rest",
            gmin,
        ),
        check(
            3,
            "IMP during / IMP at rest",
            src,
            1.0,
            3.0,
            "×",
            p_end / p_rest,
        ),
        check(
            3,
            "capacity (MVC) loss after 60 min",
            src,
            6.0,
            18.0,
            "%",
            100.0 * drop,
        ),
    ])
}

/// Hold `level` until the contraction can no longer be held (a < 95 % of the
/// target) or `limit` s pass; returns the state at failure and its time.
fn hold_to_failure(p: &Patient, y: &State, level: f64, limit: f64) -> R<(State, f64)> {
    let cfg = SolverConfig::default();
    let mut y = *y;
    let mut t = 0.0;
    let step = 1.0;
    let hold = Schedule::default().window(0.0, step, Effect::Voluntary(level));
    while t < limit {
        y = *p.run(&y, &hold, step, &[step], &cfg)?.last();
        t += step;
        if t > 10.0 * p.params().tau_a && y[idx::A] < 0.95 * level {
            break;
        }
    }
    Ok((y, t))
}

/// Target 4: interstitial K⁺ in work, at exhaustion, and after.
pub fn target4() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "Juel 2000; Green 1999; Nordsborg 2003";
    let moderate = go(
        &p,
        &y,
        &Schedule::default().window(0.0, 3.0 * MIN, Effect::Voluntary(0.30)),
        3.0 * MIN,
        MIN,
    )?;
    let (yx, t_fail) = hold_to_failure(&p, &y, 0.60, 20.0 * MIN)?;
    let after = go(&p, &yx, &Schedule::default(), 5.0 * MIN, MIN)?;
    Ok(vec![
        check(
            4,
            "K+ after 3 min at 30 %MVC (moderate work)",
            src,
            7.0,
            9.0,
            "mM",
            k_plus(m, moderate.last()),
        ),
        check(
            4,
            "K+ at exhaustion of 60 %MVC",
            src,
            10.0,
            12.0,
            "mM",
            k_plus(m, &yx),
        ),
        check(
            4,
            "endurance at 60 %MVC (context, Rohmert ≈ 1–2 min)",
            src,
            45.0,
            180.0,
            "s",
            t_fail,
        ),
        check(
            4,
            "K+ 5 min after exhaustion",
            src,
            4.0,
            6.0,
            "mM",
            k_plus(m, after.last()),
        ),
    ])
}

/// Target 5: a 60 s static stretch.
pub fn target5() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "Budini et al. 2017/2018";
    let s0 = m.algebraic(&y.data.0[0]).spindle;
    let tr = go(
        &p,
        &y,
        &Schedule::default().window(0.0, MIN, Effect::Stretch),
        6.0 * MIN,
        MIN,
    )?;
    let s_end = alg_at(m, &tr, 1).spindle;
    let s_5 = alg_at(m, &tr, 6).spindle;
    Ok(vec![
        check(
            5,
            "reflex gain cut right after 60 s stretch",
            src,
            40.0,
            80.0,
            "%",
            100.0 * (1.0 - s_end / s0),
        ),
        check(
            5,
            "reflex gain 5 min later, distance from baseline",
            src,
            0.0,
            10.0,
            "%",
            100.0 * (1.0 - s_5 / s0).abs(),
        ),
    ])
}
