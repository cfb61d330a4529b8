//! Targets 8, 12, 13, 14 and 16: the two regimes — a healthy muscle that lets go and
//! adapts to pain, an injured one that can hold a spasm — and absolute strength.

use super::{alg_at, check, effort, go, perfusion_at, rested, Check, R};
use crate::model::{idx, Model, State};
use crate::protocol::{Effect, Schedule};
use crate::simulation::{Patient, Trajectory};
use crate::units::{HOUR, MINUTE as MIN};

/// Target 8: monostable healthy, hysteresis when injured, pain adaptation.
pub fn target8() -> R<Vec<Check>> {
    let src = "Johansson & Sojka 1991; Lund 1991; Graven-Nielsen 2008";
    let (ph, yh) = rested("healthy")?;
    let th = go(&ph, &yh, &effort(), 2.0 * MIN + 30.0 * MIN, MIN)?;
    let (pa, ya) = rested("acute_injury")?;
    let ta = go(&pa, &ya, &effort(), 2.0 * MIN + HOUR, MIN)?;
    let ta0 = go(&pa, &ya, &Schedule::default(), 2.0 * MIN + HOUR, MIN)?;
    // Pain adaptation: tonic tissue nociception (injury without ischemia) in the
    // healthy set and in the pain-adaptation variant.
    let mut out = vec![
        check(
            8,
            "healthy: a 30 min after a 2 min 50 %MVC effort",
            src,
            0.0,
            5.0,
            "%MVC",
            100.0 * th.last()[idx::A],
        ),
        check(
            8,
            "healthy: distance of a from rest 30 min after effort",
            src,
            0.0,
            0.5,
            "%MVC",
            100.0 * (th.last()[idx::A] - yh[idx::A]).abs(),
        ),
        check(
            8,
            "acute injury: a 1 h after the same effort (spasm)",
            src,
            10.0,
            100.0,
            "%MVC",
            100.0 * ta.last()[idx::A],
        ),
        check(
            8,
            "acute injury: pain 1 h after the effort",
            src,
            3.0,
            10.0,
            "NRS",
            ta.last()[idx::P],
        ),
        check(
            8,
            "acute injury without effort: a after 1 h (no spasm: hysteresis)",
            src,
            0.0,
            5.0,
            "%MVC",
            100.0 * ta0.last()[idx::A],
        ),
    ];
    for set in ["healthy", "pain_adaptation"] {
        let (p, y) = rested(set)?;
        let hurt = p.with_values([("h_initial", 0.5)], "target 8 probe")?;
        let yh = hurt.rested()?;
        out.push(check(
            8,
            &format!("{set}: change of resting a with tonic tissue nociception (must not rise)"),
            src,
            f64::NEG_INFINITY,
            0.0,
            "%MVC",
            100.0 * (yh[idx::A] - y[idx::A]),
        ));
        out.push(check(
            8,
            &format!("{set}: pain with tonic tissue nociception (nociception present)"),
            src,
            1.0,
            10.0,
            "NRS",
            yh[idx::P],
        ));
    }
    Ok(out)
}

/// Largest activation after `from` s in `tr`, %MVC above `rest` (MVC).
fn max_rise_after(tr: &Trajectory, from: f64, rest: f64) -> f64 {
    tr.times
        .iter()
        .zip(&tr.states)
        .filter(|(t, _)| **t >= from)
        .map(|(_, y)| 100.0 * (y[idx::A] - rest))
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Target 12: a healthy muscle relaxes within seconds of a voluntary hold.
pub fn target12() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let src = "model.md §6.12 (voluntary relaxation is fast)";
    let mut out = Vec::new();
    for (level, hold) in [(0.3, 3.0 * MIN), (0.5, 2.0 * MIN)] {
        let s = Schedule::default().window(0.0, hold, Effect::Voluntary(level));
        let tr = go(&p, &y, &s, hold + 30.0 * MIN, 1.0)?;
        let after = max_rise_after(&tr, hold + 10.0, 0.0);
        out.push(check(
            12,
            &format!(
                "healthy: highest a from 10 s to 30 min after {} %MVC held {} min",
                100.0 * level,
                hold / MIN
            ),
            src,
            0.0,
            5.0,
            "%MVC",
            after,
        ));
    }
    Ok(out)
}

/// Target 13: experimental muscle pain does not hold a relaxed healthy muscle.
pub fn target13() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let src = "Svensson et al. 1998 Muscle Nerve 21:1382; Birznieks et al. 2008 J Physiol 586:2713; Knutson 2000";
    let pain_for = 10.0 * MIN;
    let s = Schedule::default().window(
        0.0,
        pain_for,
        Effect::ExperimentalPain(crate::protocol::catalogue::defaults::EXPERIMENTAL_PAIN_LEVEL),
    );
    let tr = go(&p, &y, &s, pain_for, 1.0)?;
    let during = |from: f64| {
        tr.times
            .iter()
            .zip(&tr.states)
            .filter(move |(t, _)| **t >= from && **t < pain_for)
    };
    let lowest_pain = during(30.0)
        .map(|(_, s)| s[idx::P])
        .fold(f64::INFINITY, f64::min);
    let gamma_rise = during(0.0)
        .map(|(_, s)| s[idx::GAMMA] - y[idx::GAMMA])
        .fold(f64::NEG_INFINITY, f64::max);
    Ok(vec![
        check(
            13,
            "healthy, experimental pain 10 min: rise of a from 60 s on",
            src,
            f64::NEG_INFINITY,
            0.5,
            "%MVC",
            max_rise_after(&tr, 60.0, y[idx::A]),
        ),
        check(
            13,
            "healthy, experimental pain: lowest pain from 30 s to the end of the infusion",
            src,
            3.0,
            10.0,
            "NRS",
            lowest_pain,
        ),
        check(
            13,
            "healthy, experimental pain: rise of the fusimotor (γ) bias",
            src,
            f64::NEG_INFINITY,
            0.01,
            "",
            gamma_rise,
        ),
    ])
}

/// Target 14: ischaemia alone does not make a healthy muscle spasm.
pub fn target14() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let src = "model.md §6.14";
    let cuff_for = 10.0 * MIN;
    let s = Schedule::default().window(0.0, cuff_for, Effect::Cuff(200.0));
    let tr = go(&p, &y, &s, cuff_for + 20.0 * MIN, 5.0)?;
    let end = tr.times.partition_point(|&t| t < cuff_for);
    Ok(vec![
        check(
            14,
            "healthy, 200 mmHg cuff 10 min at rest: largest rise of a (cuff and 20 min after)",
            src,
            f64::NEG_INFINITY,
            3.0,
            "%MVC",
            max_rise_after(&tr, 0.0, y[idx::A]),
        ),
        check(
            14,
            "healthy, 200 mmHg cuff: pain at the end of the cuff (pain develops)",
            src,
            1.0,
            10.0,
            "NRS",
            tr.states[end][idx::P],
        ),
    ])
}

/// Relative strength of Barnes's low-strength group: it occluded at 75.5 %MVC where
/// the high-strength group did at 51.5 %MVC, at the same absolute tension.
pub const BARNES_WEAK_STRENGTH: f64 = 51.5 / 75.5;

/// Target 16: occlusion follows absolute force.
pub fn target16() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "Barnes 1980 Ergonomics 23:351";
    let weaker = |fraction: f64| -> R<(Patient, State)> {
        let force = fraction * m.params().mvc_force_ref;
        let w = p.with_values([("mvc_force", force)], "target 16 probe")?;
        let yw = w.rested()?;
        Ok((w, yw))
    };
    let flow_at_half = |p: &Patient, y: &State| -> R<f64> {
        let s = Schedule::default().window(0.0, MIN, Effect::Voluntary(0.5));
        let tr = go(p, y, &s, MIN - 1.0, 1.0)?;
        Ok(alg_at(p.model(), &tr, tr.times.len() - 1).q)
    };
    let (half, y_half) = weaker(0.5)?;
    let (weak, y_weak) = weaker(BARNES_WEAK_STRENGTH)?;
    let onset = |m: &Model, y: &State| {
        (0..=1000)
            .map(|k| f64::from(k) / 1000.0)
            .find(|&a| perfusion_at(m, y, a) < 0.01)
            .map_or(100.0, |a| 100.0 * a)
    };
    Ok(vec![
        check(
            16,
            "after 1 min at 50 %MVC: flow with half the strength / flow of the reference",
            src,
            1.0,
            f64::INFINITY,
            "×",
            flow_at_half(&half, &y_half)? / flow_at_half(&p, &y)?,
        ),
        check(
            16,
            "onset of full occlusion, Barnes's low-strength group (68 % of reference strength)",
            src,
            65.0,
            86.0,
            "%MVC",
            onset(weak.model(), &y_weak),
        ),
    ])
}
