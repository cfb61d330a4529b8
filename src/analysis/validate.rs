//! The validation targets of docs/model.md §6 as code: each runs the model on a
//! protocol, measures, and compares with the expected range. Pure: the CLI prints
//! the table, the tests in `tests/validation.rs` assert every row.

use crate::model::params::{ParamError, ParamSet};
use crate::model::{idx, Model, State};
use crate::protocol::catalogue::defaults::HOT_PACK_C;
use crate::protocol::{Drug, Effect, Impulse, Schedule};
use crate::simulation::{grid, settle, simulate, SolverConfig, SolverKind, Trajectory};
use crate::solver::{OdeSystem, SolverError};

const MIN: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86400.0;

/// One measured check.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// Target number in model.md §6.
    pub target: u8,
    /// What is checked.
    pub name: String,
    /// Literature source of the expectation.
    pub source: &'static str,
    /// Expected range, as text with unit.
    pub expected: String,
    /// Measured value, with unit.
    pub measured: String,
    /// Whether it lies in the range.
    pub pass: bool,
}

/// Why validation could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// A parameter set failed to load.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A run failed numerically.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// An embedded scenario or cohort file failed to load.
    #[error("{0}")]
    Scenario(String),
}

type R<T> = Result<T, ValidateError>;

fn check(
    target: u8,
    name: &str,
    source: &'static str,
    lo: f64,
    hi: f64,
    unit: &str,
    x: f64,
) -> Check {
    let expected = if lo == f64::NEG_INFINITY {
        format!("≤ {hi} {unit}")
    } else if hi == f64::INFINITY {
        format!("≥ {lo} {unit}")
    } else {
        format!("{lo}–{hi} {unit}")
    };
    Check {
        target,
        name: name.to_string(),
        source,
        expected: expected.trim_end().to_string(),
        measured: format!("{} {unit}", sig(x)),
        pass: x >= lo && x <= hi && x.is_finite(),
    }
}

fn sig(x: f64) -> String {
    if x == 0.0 || (x.abs() >= 0.01 && x.abs() < 1e4) {
        format!("{x:.3}")
    } else {
        format!("{x:.3e}")
    }
}

/// Model for an embedded set.
pub fn model(set: &str) -> R<Model> {
    Ok(Model::new(ParamSet::embedded(set)?.to_params()?))
}

/// A model and its settled resting state.
pub fn rested(set: &str) -> R<(Model, State)> {
    let m = model(set)?;
    let y = settle(&m, 12.0 * HOUR, &SolverConfig::default())?;
    Ok((m, y))
}

fn go(m: &Model, y: &State, s: &Schedule, t_end: f64, every: f64) -> R<Trajectory> {
    Ok(simulate(
        m,
        y,
        s,
        t_end,
        &grid(t_end, every),
        &SolverConfig::default(),
    )?)
}

fn alg_at(m: &Model, tr: &Trajectory, k: usize) -> crate::model::Algebraic<f64> {
    let mut mm = m.clone();
    mm.drivers = tr.drivers[k];
    mm.algebraic(&tr.states[k].data.0[0])
}

fn k_plus(m: &Model, y: &State) -> f64 {
    m.params().k_rest + y[idx::M]
}

/// Target 1: rest is a stable steady state with the stated values.
pub fn target1() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
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
            k_plus(&m, &y),
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

/// Perfusion fraction at a clamped steady activation, at rest otherwise.
fn perfusion_at(m: &Model, rest: &State, a: f64) -> f64 {
    let mut y = *rest;
    y[idx::A] = a;
    m.algebraic(&y.data.0[0]).g
}

/// Target 2: occlusion thresholds.
pub fn target2() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
    let src = "Sadamoto 1983; Barnes 1980";
    let run = |level: f64, t: f64| {
        go(
            &m,
            &y,
            &Schedule::default().window(0.0, t, Effect::Voluntary(level)),
            t,
            1.0,
        )
    };
    let q5 = {
        let tr = run(0.05, 60.0)?;
        alg_at(&m, &tr, tr.times.len() - 1).q
    };
    let tr60 = run(0.60, 10.0)?;
    let q60 = alg_at(&m, &tr60, tr60.times.len() - 1).q;
    let tr30 = run(0.30, 120.0)?;
    let g30 = (0..tr30.times.len())
        .map(|k| alg_at(&m, &tr30, k).g)
        .fold(f64::INFINITY, f64::min);
    // Onset of full occlusion: the lowest activation with perfusion below 1 %.
    let onset = (0..=1000)
        .map(|k| k as f64 / 1000.0)
        .find(|&a| perfusion_at(&m, &y, a) < 0.01)
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
    let (m, y) = rested("healthy")?;
    let src = "Sjøgaard et al. 1986";
    let tr = go(
        &m,
        &y,
        &Schedule::default().window(0.0, HOUR, Effect::Voluntary(0.05)),
        HOUR,
        MIN,
    )?;
    let n = tr.times.len() - 1;
    let gmin = (1..=n)
        .map(|k| alg_at(&m, &tr, k).g)
        .fold(f64::INFINITY, f64::min);
    let p_rest = m.algebraic(&y.data.0[0]).p_im;
    let p_end = alg_at(&m, &tr, n).p_im;
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
fn hold_to_failure(m: &Model, y: &State, level: f64, limit: f64) -> R<(State, f64)> {
    let mut mm = m.clone();
    mm.drivers.voluntary = level;
    let cfg = SolverConfig::default();
    let mut y = *y;
    let mut t = 0.0;
    let step = 1.0;
    while t < limit {
        y = *simulate(&mm, &y, &Schedule::default(), step, &[step], &cfg)?.last();
        t += step;
        if t > 10.0 * m.params().tau_a && y[idx::A] < 0.95 * level {
            break;
        }
    }
    Ok((y, t))
}

/// Target 4: interstitial K⁺ in work, at exhaustion, and after.
pub fn target4() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
    let src = "Juel 2000; Green 1999; Nordsborg 2003";
    let moderate = go(
        &m,
        &y,
        &Schedule::default().window(0.0, 3.0 * MIN, Effect::Voluntary(0.30)),
        3.0 * MIN,
        MIN,
    )?;
    let (yx, t_fail) = hold_to_failure(&m, &y, 0.60, 20.0 * MIN)?;
    let after = go(&m, &yx, &Schedule::default(), 5.0 * MIN, MIN)?;
    Ok(vec![
        check(
            4,
            "K+ after 3 min at 30 %MVC (moderate work)",
            src,
            7.0,
            9.0,
            "mM",
            k_plus(&m, moderate.last()),
        ),
        check(
            4,
            "K+ at exhaustion of 60 %MVC",
            src,
            10.0,
            12.0,
            "mM",
            k_plus(&m, &yx),
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
            k_plus(&m, after.last()),
        ),
    ])
}

/// Target 5: a 60 s static stretch.
pub fn target5() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
    let src = "Budini et al. 2017/2018";
    let s0 = m.algebraic(&y.data.0[0]).spindle;
    let tr = go(
        &m,
        &y,
        &Schedule::default().window(0.0, MIN, Effect::Stretch),
        6.0 * MIN,
        MIN,
    )?;
    let s_end = alg_at(&m, &tr, 1).spindle;
    let s_5 = alg_at(&m, &tr, 6).spindle;
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

/// Target 6: heat, massage and rhythmic contraction.
pub fn target6() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
    let src = "Draper 1998; González-Alonso 2021/24; Shoemaker 1997; Hinds 2004";
    let mut out = Vec::new();
    for minutes in [15.0, 20.0] {
        let t = minutes * MIN;
        let tr = go(
            &m,
            &y,
            &Schedule::default().window(0.0, t, Effect::SkinHeat(HOT_PACK_C)),
            t,
            MIN,
        )?;
        let end = tr.last();
        out.push(check(
            6,
            &format!("hot pack {minutes} min: rise at 1 cm"),
            src,
            3.0,
            4.0,
            "°C",
            end[idx::T1] - y[idx::T1],
        ));
        out.push(check(
            6,
            &format!("hot pack {minutes} min: rise at 3 cm"),
            src,
            0.5,
            1.0,
            "°C",
            end[idx::T3] - y[idx::T3],
        ));
    }
    let q0 = m.algebraic(&y.data.0[0]).q;
    let mut warm = y;
    for i in crate::model::thermal::NODE_STATES {
        warm[i] += 3.0;
    }
    out.push(check(
        6,
        "flow after +3 °C tissue warming",
        src,
        1.5,
        2.5,
        "× rest",
        m.algebraic(&warm.data.0[0]).q / q0,
    ));
    let ratio = |e: Effect| -> R<f64> {
        let tr = go(
            &m,
            &y,
            &Schedule::default().window(0.0, 10.0 * MIN, e),
            10.0 * MIN - 1.0,
            MIN,
        )?;
        let n = tr.times.len() - 1;
        Ok(alg_at(&m, &tr, n).q / q0)
    };
    out.push(check(
        6,
        "flow during 10 min massage",
        src,
        0.9,
        1.1,
        "× rest",
        ratio(Effect::Massage)?,
    ));
    out.push(check(
        6,
        "flow during mild rhythmic contraction",
        src,
        2.0,
        4.0,
        "× rest",
        ratio(Effect::Activity(1.0))?,
    ));
    Ok(out)
}

/// Target 7: pharmacokinetics.
pub fn target7() -> R<Vec<Check>> {
    let m = model("healthy")?;
    let y = m.initial_state();
    let src = "PMC2014594; ijcp.12053; Winchell 2002";
    let step = 60.0;
    let tr = go(
        &m,
        &y,
        &Schedule::default().event(0.0, Impulse::Dose(Drug::Ibuprofen, 400.0)),
        12.0 * HOUR,
        step,
    )?;
    let c: Vec<f64> = tr
        .states
        .iter()
        .map(|s| s[idx::IBU] / m.params().ibu_v)
        .collect();
    let (kmax, cmax) = c.iter().enumerate().fold(
        (0, 0.0),
        |acc, (k, &v)| if v > acc.1 { (k, v) } else { acc },
    );
    let at = |t: f64| c[(t / step).round() as usize];
    let half_life =
        (6.0 - 4.0) * HOUR * std::f64::consts::LN_2 / (at(4.0 * HOUR) / at(6.0 * HOUR)).ln();
    // Cyclobenzaprine 5 mg t.i.d. for 7 days.
    let tau = 8.0 * HOUR;
    let doses = 21;
    let s = Schedule::default().repeat_event(
        0.0,
        tau,
        doses,
        Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
    );
    let tr2 = go(&m, &y, &s, doses as f64 * tau, 600.0)?;
    let conc: Vec<f64> = tr2
        .states
        .iter()
        .map(|s| s[idx::CBZ] / m.params().cbz_v)
        .collect();
    let per = (tau / 600.0).round() as usize;
    let auc = |k: usize| {
        conc[k * per..=(k + 1) * per]
            .windows(2)
            .map(|w| 0.5 * (w[0] + w[1]) * 600.0)
            .sum::<f64>()
    };
    let accumulation = auc(doses - 1) / auc(0);
    // Trough before each dose; steady state when the trough reaches 95 % of the last.
    let troughs: Vec<f64> = (1..doses).map(|k| conc[k * per]).collect();
    let last = *troughs.last().unwrap_or(&f64::NAN);
    let k_ss = troughs
        .iter()
        .position(|&c| c >= 0.95 * last)
        .unwrap_or(doses)
        + 1;
    Ok(vec![
        check(7, "ibuprofen 400 mg Cmax", src, 30.0, 40.0, "mg/L", cmax),
        check(
            7,
            "ibuprofen tmax",
            src,
            0.5,
            1.5,
            "h",
            tr.times[kmax] / HOUR,
        ),
        check(
            7,
            "ibuprofen terminal half-life",
            src,
            1.5,
            2.5,
            "h",
            half_life / HOUR,
        ),
        check(
            7,
            "ibuprofen concentration at 20 min (relief ≥ 8 mg/L)",
            src,
            8.0,
            f64::INFINITY,
            "mg/L",
            at(20.0 * MIN),
        ),
        check(
            7,
            "cyclobenzaprine 5 mg t.i.d.: time to steady state (95 % of final trough)",
            src,
            3.0,
            4.0,
            "d",
            k_ss as f64 * tau / DAY,
        ),
        check(
            7,
            "cyclobenzaprine accumulation (AUC day 7 / first dose)",
            src,
            3.0,
            5.0,
            "×",
            accumulation,
        ),
    ])
}

/// The effort protocol of target 8: 2 min at 50 %MVC starting at t = 0.
pub fn effort() -> Schedule {
    Schedule::default().window(0.0, 2.0 * MIN, Effect::Voluntary(0.5))
}

/// A realistically treated episode of `days` days (bench, long-run tests, examples):
/// the effort, then ibuprofen 400 mg and cyclobenzaprine 5 mg every 8 h and a daily
/// 20 min hot pack from [`TREATMENT_START`].
pub fn treated_episode(days: usize) -> Schedule {
    let doses = 3 * days;
    effort()
        .repeat_event(
            TREATMENT_START,
            8.0 * HOUR,
            doses,
            Impulse::Dose(Drug::Ibuprofen, 400.0),
        )
        .repeat_event(
            TREATMENT_START,
            8.0 * HOUR,
            doses,
            Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
        )
        .repeat_window(
            TREATMENT_START,
            20.0 * MIN,
            DAY,
            days,
            Effect::SkinHeat(HOT_PACK_C),
        )
}

/// Target 8: monostable healthy, hysteresis when injured, pain adaptation.
pub fn target8() -> R<Vec<Check>> {
    let src = "Johansson & Sojka 1991; Lund 1991; Graven-Nielsen 2008";
    let (mh, yh) = rested("healthy")?;
    let th = go(&mh, &yh, &effort(), 2.0 * MIN + 30.0 * MIN, MIN)?;
    let (ma, ya) = rested("acute_injury")?;
    let ta = go(&ma, &ya, &effort(), 2.0 * MIN + HOUR, MIN)?;
    let ta0 = go(&ma, &ya, &Schedule::default(), 2.0 * MIN + HOUR, MIN)?;
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
        let (m, y) = rested(set)?;
        let mut p = m.params().clone();
        p.h_initial = 0.5;
        let hurt = Model::new(p);
        let yh = settle(&hurt, 12.0 * HOUR, &SolverConfig::default())?;
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

/// The 12-month episode scenario of target 10 (also `examples/episode_12_months.toml`).
pub const EPISODE_TOML: &str = include_str!("../../examples/episode_12_months.toml");

/// Patients and seed of the target-10 virtual cohort.
pub const EPISODE_COHORT: (usize, u64) = (200, 1);

/// Per patient and arm of the episode cohort: (pain fall by 4 weeks as a fraction of
/// the first day's peak, recovered at 6 weeks, first day with pain < 0.5 NRS or
/// ∞, not recovered at 12 months).
type EpisodeOutcome = (f64, bool, f64, bool);

/// Target 10: the natural history of a cohort of acute episodes over 12 months.
pub fn target10() -> R<Vec<Check>> {
    use rayon::prelude::*;
    let src = "Pengel 2003 BMJ 327:323; Henschke 2008 BMJ 337:a171; Malmivaara 1995 NEJM 332:351";
    let sc = crate::scenario::parse_scenario(EPISODE_TOML, "examples/episode_12_months.toml")
        .map_err(|e| ValidateError::Scenario(e.to_string()))?;
    let spec = crate::analysis::cohort::CohortSpec::embedded()
        .and_then(|c| c.resolve(&sc))
        .map_err(|e| ValidateError::Scenario(e.to_string()))?;
    let (n, seed) = EPISODE_COHORT;
    // Every 10 min over the first day (to catch the pain peak), then daily.
    let mut samples = grid(DAY, 10.0 * MIN);
    samples.extend((2..=365).map(|d| d as f64 * DAY));
    let patients: Vec<Vec<EpisodeOutcome>> = (0..n)
        .into_par_iter()
        .map(|k| -> R<Vec<EpisodeOutcome>> {
            let drawn = crate::analysis::cohort::draw_patient(&spec, seed, k as u64);
            let mut p = sc.model.params().clone();
            for (r, v) in spec.iter().zip(drawn) {
                if let Some(f) = p.get_mut(&r.name) {
                    *f = v;
                }
            }
            let m = Model::new(p);
            let y0 = settle(&m, sc.settle, &sc.solver)?;
            sc.arms
                .iter()
                .map(|arm| {
                    let tr = simulate(&m, &y0, &arm.schedule, sc.duration, &samples, &sc.solver)?;
                    let pain = tr.series(idx::P);
                    let at = |day: f64| pain[tr.times.partition_point(|&t| t < day * DAY)];
                    let first_day_peak = pain
                        .iter()
                        .zip(&tr.times)
                        .filter(|(_, &t)| t <= DAY)
                        .fold(0.0, |acc: f64, (&v, _)| acc.max(v));
                    let recovered_day = (1..=365)
                        .map(f64::from)
                        .find(|&d| at(d) < 0.5)
                        .unwrap_or(f64::INFINITY);
                    Ok((
                        1.0 - at(28.0) / first_day_peak,
                        at(42.0) < 0.5,
                        recovered_day,
                        at(365.0) >= 0.5,
                    ))
                })
                .collect()
        })
        .collect::<R<_>>()?;
    let arm = |name: &str| {
        sc.arms.iter().position(|a| a.name == name).ok_or_else(|| {
            ValidateError::Scenario(format!("the episode scenario lacks the arm '{name}'"))
        })
    };
    let summary = |a: usize| {
        let fall = patients.iter().map(|p| p[a].0).sum::<f64>() / n as f64;
        let rec6 = patients.iter().filter(|p| p[a].1).count() as f64 / n as f64;
        let mut days: Vec<f64> = patients.iter().map(|p| p[a].2).collect();
        days.sort_by(f64::total_cmp);
        let median = days[n / 2];
        let chronic = patients.iter().filter(|p| p[a].3).count() as f64 / n as f64;
        (fall, rec6, median, chronic)
    };
    let active = summary(arm("staying active")?);
    let bed = summary(arm("bed rest")?);
    let cohort = format!("{n} patients, seed {seed}");
    Ok(vec![
        check(
            10,
            &format!("staying active, {cohort}: mean pain fall by 4 weeks"),
            src,
            43.0,
            73.0,
            "%",
            100.0 * active.0,
        ),
        check(
            10,
            "staying active: fully recovered (pain < 0.5) at 6 weeks",
            src,
            30.0,
            50.0,
            "%",
            100.0 * active.1,
        ),
        check(
            10,
            "staying active: median time to pain recovery",
            src,
            44.0,
            72.0,
            "d",
            active.2,
        ),
        check(
            10,
            "staying active: not recovered at 12 months",
            src,
            18.0,
            38.0,
            "%",
            100.0 * active.3,
        ),
        check(
            10,
            "bed rest minus staying active: median recovery time (must be > 0)",
            src,
            0.5,
            f64::INFINITY,
            "d",
            bed.2 - active.2,
        ),
    ])
}

/// Relative difference of two numbers, guarded near zero.
fn rel(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(floor)
}

/// Target 11: numerics — stiff vs explicit, and tolerance halving.
pub fn target11() -> R<Vec<Check>> {
    let src = "model.md §6.11";
    let (m, y) = rested("acute_injury")?;
    let s = effort();
    let t_end = HOUR;
    let samples = grid(t_end, MIN);
    let tight = SolverConfig {
        rtol: 1e-9,
        ..SolverConfig::default()
    };
    let stiff = simulate(&m, &y, &s, t_end, &samples, &tight)?;
    let expl = simulate(
        &m,
        &y,
        &s,
        t_end,
        &samples,
        &SolverConfig {
            kind: SolverKind::Dopri5,
            ..tight
        },
    )?;
    let mut worst: f64 = 0.0;
    for (a, b) in stiff.states.iter().zip(&expl.states) {
        for i in 0..a.len() {
            worst = worst.max(rel(a[i], b[i], crate::model::TYPICAL[i]));
        }
    }
    // Tolerance halving on a 1-day acute episode: peak pain, pain AUC, final a.
    let day = Schedule::default().window(0.0, 2.0 * MIN, Effect::Voluntary(0.5));
    let metric = |rtol: f64| -> R<[f64; 3]> {
        let cfg = SolverConfig {
            rtol,
            ..SolverConfig::default()
        };
        let tr = simulate(&m, &y, &day, DAY, &grid(DAY, MIN), &cfg)?;
        let p = tr.series(idx::P);
        let auc: f64 = p.windows(2).map(|w| 0.5 * (w[0] + w[1]) * MIN).sum();
        Ok([
            p.iter().cloned().fold(0.0, f64::max),
            auc,
            tr.last()[idx::A],
        ])
    };
    let base = SolverConfig::default().rtol;
    let (m1, m2) = (metric(base)?, metric(base / 2.0)?);
    let change = m1
        .iter()
        .zip(&m2)
        .map(|(a, b)| rel(*a, *b, 1e-12))
        .fold(0.0, f64::max);
    Ok(vec![
        check(
            11,
            "RODAS4 vs Dopri5, 1 h acute injury with effort: worst relative difference",
            src,
            0.0,
            1e-5,
            "",
            worst,
        ),
        check(
            11,
            "halving tolerances: largest change of a reported metric",
            src,
            0.0,
            0.1,
            "%",
            100.0 * change,
        ),
    ])
}

/// Start of treatment in the target-9 protocol: 1 h after the effort that tipped the
/// injured muscle into spasm, s.
pub const TREATMENT_START: f64 = HOUR;

/// The standard regimens of target 9 (usual clinical doses and sessions, started at
/// [`TREATMENT_START`] and run for 7 days), by name. The same regimens are written
/// out as scenario files in `examples/`.
pub fn regimens() -> Vec<(&'static str, Schedule)> {
    let t0 = TREATMENT_START;
    let s = Schedule::default;
    let three_daily = 8.0 * HOUR;
    let stretching = {
        // 3 holds of 60 s with 30 s rest, three times a day.
        let mut sch = s();
        for k in 0..21 {
            sch = sch.repeat_window(
                t0 + k as f64 * three_daily,
                MIN,
                1.5 * MIN,
                3,
                Effect::Stretch,
            );
        }
        sch
    };
    let ibuprofen = s().repeat_event(t0, three_daily, 21, Impulse::Dose(Drug::Ibuprofen, 400.0));
    let cyclo = |sch: Schedule| {
        sch.repeat_event(
            t0,
            three_daily,
            21,
            Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
        )
    };
    let movement = {
        // Walking-level activity 0.3 during 14 waking hours a day.
        let mut sch = s();
        for k in 0..7 {
            sch = sch.window(t0 + k as f64 * DAY, 14.0 * HOUR, Effect::Activity(0.3));
        }
        sch
    };
    vec![
        ("stretching", stretching),
        (
            "hot pack",
            s().repeat_window(
                t0,
                20.0 * MIN,
                three_daily,
                21,
                Effect::SkinHeat(HOT_PACK_C),
            ),
        ),
        (
            "hot bath",
            s().repeat_window(t0, 20.0 * MIN, DAY, 7, Effect::SkinHeat(40.0)),
        ),
        (
            "heat wrap",
            s().repeat_window(t0, 8.0 * HOUR, DAY, 3, Effect::SkinHeat(40.0)),
        ),
        (
            "massage",
            s().repeat_window(t0, 20.0 * MIN, DAY, 7, Effect::Massage),
        ),
        (
            "electrical stimulation",
            s().repeat_window(t0, 10.0 * MIN, DAY, 7, Effect::ElectricalStimulation(0.2)),
        ),
        (
            "TENS",
            s().repeat_window(t0, 30.0 * MIN, three_daily, 21, Effect::Tens(1.0)),
        ),
        ("ibuprofen", ibuprofen.clone()),
        ("cyclobenzaprine", cyclo(s())),
        (
            "tizanidine",
            s().repeat_event(t0, three_daily, 21, Impulse::Dose(Drug::Tizanidine, 4.0)),
        ),
        ("cyclobenzaprine + ibuprofen", cyclo(ibuprofen)),
        (
            "local anaesthetic",
            s().event(t0, Impulse::LocalAnaesthetic(100.0)),
        ),
        (
            "ultrasound",
            s().repeat_window(
                t0,
                5.0 * MIN,
                DAY,
                7,
                Effect::Ultrasound {
                    intensity: 1.5,
                    frequency: 3.0,
                },
            ),
        ),
        ("early movement", movement),
    ]
}

fn merged(a: &Schedule, b: &Schedule) -> Schedule {
    let mut m = a.clone();
    m.windows.extend(b.windows.iter().copied());
    m.events.extend(b.events.iter().copied());
    m
}

/// Pain over a trajectory: (AUC in NRS·h over the run, mean over the run on 0–100).
fn pain_summary(tr: &Trajectory) -> (f64, f64) {
    let p = tr.series(idx::P);
    let auc: f64 = tr
        .times
        .windows(2)
        .zip(p.windows(2))
        .map(|(t, v)| 0.5 * (v[0] + v[1]) * (t[1] - t[0]))
        .sum::<f64>();
    let span = tr.times.last().unwrap_or(&0.0) - tr.times[0];
    (auc / HOUR, 10.0 * auc / span)
}

/// Target 9: every intervention lowers 7-day pain AUC on the acute-injury episode;
/// relaxant added to an NSAID helps only modestly.
pub fn target9() -> R<Vec<Check>> {
    let src = "model.md §6.9; Cashin 2021 BMJ 374:n1446; van Tulder 2003";
    let (m, y) = rested("acute_injury")?;
    let week = 7.0 * DAY;
    let run = |s: &Schedule| go(&m, &y, &merged(&effort(), s), week, 10.0 * MIN);
    let (auc0, _) = pain_summary(&run(&Schedule::default())?);
    let mut out = Vec::new();
    let mut mean = std::collections::BTreeMap::new();
    for (name, s) in regimens() {
        let (auc, m100) = pain_summary(&run(&s)?);
        mean.insert(name, m100);
        out.push(check(
            9,
            &format!("{name}: 7-day pain AUC reduction vs no treatment"),
            src,
            0.1,
            f64::INFINITY,
            "%",
            100.0 * (1.0 - auc / auc0),
        ));
    }
    let diff = mean["cyclobenzaprine + ibuprofen"] - mean["ibuprofen"];
    out.push(check(
        9,
        "relaxant + NSAID minus NSAID alone: mean 7-day pain",
        src,
        -12.0,
        -3.0,
        "/100",
        diff,
    ));
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
    let (m, y) = rested("healthy")?;
    let src = "model.md §6.12 (voluntary relaxation is fast)";
    let mut out = Vec::new();
    for (level, hold) in [(0.3, 3.0 * MIN), (0.5, 2.0 * MIN)] {
        let s = Schedule::default().window(0.0, hold, Effect::Voluntary(level));
        let tr = go(&m, &y, &s, hold + 30.0 * MIN, 1.0)?;
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
    let (m, y) = rested("healthy")?;
    let src = "Svensson et al. 1998 Muscle Nerve 21:1382; Birznieks et al. 2008 J Physiol 586:2713; Knutson 2000";
    let pain_for = 10.0 * MIN;
    let s = Schedule::default().window(
        0.0,
        pain_for,
        Effect::ExperimentalPain(crate::protocol::catalogue::defaults::EXPERIMENTAL_PAIN_LEVEL),
    );
    let tr = go(&m, &y, &s, pain_for, 1.0)?;
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
    let (m, y) = rested("healthy")?;
    let src = "model.md §6.14";
    let cuff_for = 10.0 * MIN;
    let s = Schedule::default().window(0.0, cuff_for, Effect::Cuff(200.0));
    let tr = go(&m, &y, &s, cuff_for + 20.0 * MIN, 5.0)?;
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

/// Rise of the three node temperatures (°C) and of the temperature at `depth_cm`
/// after `minutes` of ultrasound at `frequency` MHz and `intensity` W/cm².
fn ultrasound_rise(
    m: &Model,
    y: &State,
    frequency: f64,
    intensity: f64,
    minutes: f64,
    depth_cm: f64,
) -> R<([f64; 3], f64)> {
    let t = minutes * MIN;
    let s = Schedule::default().window(
        0.0,
        t,
        Effect::Ultrasound {
            intensity,
            frequency,
        },
    );
    let tr = go(m, y, &s, t, t)?;
    let end = tr.last();
    let rise = crate::model::thermal::NODE_STATES.map(|i| end[i] - y[i]);
    let at = |s: &State| m.temperature_at(&s.data.0[0], depth_cm);
    Ok((rise, at(end) - at(y)))
}

/// Target 15: ultrasound heats superficially at 3 MHz and deeper at 1 MHz.
pub fn target15() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
    let src = "Draper, Castel & Castel 1995 JOSPT 22:142; Hayes et al. 2004 J Athl Train 39:230";
    let (r3, _) = ultrasound_rise(&m, &y, 3.0, 1.5, 10.0, 2.5)?;
    let (r1, _) = ultrasound_rise(&m, &y, 1.0, 1.5, 10.0, 2.5)?;
    let (_, hayes) = ultrasound_rise(&m, &y, 3.0, 1.5, 3.4, 2.5)?;
    let share = |r: [f64; 3]| r[2] / r[0];
    Ok(vec![
        check(
            15,
            "3 MHz 1.5 W/cm² 10 min: rise at 1 cm minus rise at 3 cm",
            src,
            0.0,
            f64::INFINITY,
            "°C",
            r3[0] - r3[2],
        ),
        check(
            15,
            "share reaching 3 cm (ΔT 3 cm / ΔT 1 cm), 1 MHz minus 3 MHz",
            src,
            0.0,
            f64::INFINITY,
            "",
            share(r1) - share(r3),
        ),
        check(
            15,
            "3 MHz 1.5 W/cm² 3.4 min: rise at 2.5 cm (Hayes 2004: +4 °C)",
            src,
            3.0,
            5.0,
            "°C",
            hayes,
        ),
    ])
}

/// Relative strength of Barnes's low-strength group: it occluded at 75.5 %MVC where
/// the high-strength group did at 51.5 %MVC, at the same absolute tension.
pub const BARNES_WEAK_STRENGTH: f64 = 51.5 / 75.5;

/// Target 16: occlusion follows absolute force.
pub fn target16() -> R<Vec<Check>> {
    let (m, y) = rested("healthy")?;
    let src = "Barnes 1980 Ergonomics 23:351";
    let weaker = |fraction: f64| -> R<(Model, State)> {
        let mut p = m.params().clone();
        p.mvc_force = fraction * p.mvc_force_ref;
        let w = Model::new(p);
        let yw = settle(&w, 12.0 * HOUR, &SolverConfig::default())?;
        Ok((w, yw))
    };
    let flow_at_half = |m: &Model, y: &State| -> R<f64> {
        let s = Schedule::default().window(0.0, MIN, Effect::Voluntary(0.5));
        let tr = go(m, y, &s, MIN - 1.0, 1.0)?;
        Ok(alg_at(m, &tr, tr.times.len() - 1).q)
    };
    let (half, y_half) = weaker(0.5)?;
    let (weak, y_weak) = weaker(BARNES_WEAK_STRENGTH)?;
    let onset = |m: &Model, y: &State| {
        (0..=1000)
            .map(|k| k as f64 / 1000.0)
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
            flow_at_half(&half, &y_half)? / flow_at_half(&m, &y)?,
        ),
        check(
            16,
            "onset of full occlusion, Barnes's low-strength group (68 % of reference strength)",
            src,
            65.0,
            86.0,
            "%MVC",
            onset(&weak, &y_weak),
        ),
    ])
}

/// A validation target: its number and the function that measures it.
pub type Target = (u8, fn() -> R<Vec<Check>>);

/// Every target of model.md §6, in order.
pub const TARGETS: [Target; 16] = [
    (1, target1),
    (2, target2),
    (3, target3),
    (4, target4),
    (5, target5),
    (6, target6),
    (7, target7),
    (8, target8),
    (9, target9),
    (10, target10),
    (11, target11),
    (12, target12),
    (13, target13),
    (14, target14),
    (15, target15),
    (16, target16),
];

/// Every target, in order.
pub fn all() -> R<Vec<Check>> {
    let mut v = Vec::new();
    for (_, f) in TARGETS {
        v.extend(f()?);
    }
    Ok(v)
}
