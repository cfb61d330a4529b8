//! Targets 9–11: interventions against no treatment, the natural history of a virtual
//! cohort over 12 months, and numerics; and the standard protocols they use.

use super::{check, go, rested, Check, ValidateError, R};
use crate::analysis::cohort::{drawn_patient, CohortSpec};
use crate::model::idx;
use crate::protocol::catalogue::defaults::HOT_PACK_C;
use crate::protocol::{Drug, Effect, Impulse, Schedule};
use crate::scenario::parse_scenario;
use crate::simulation::{grid, SolverConfig, SolverKind, Trajectory};
use crate::units::{DAY, HOUR, MINUTE as MIN};

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

/// The 12-month episode scenario of target 10 (also `examples/episode_12_months.toml`).
pub const EPISODE_TOML: &str = include_str!("../../../examples/episode_12_months.toml");

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
    let sc = parse_scenario(EPISODE_TOML, "examples/episode_12_months.toml")?;
    let spec = CohortSpec::embedded().and_then(|c| c.resolve(&sc))?;
    let (n, seed) = EPISODE_COHORT;
    // Every 10 min over the first day (to catch the pain peak), then daily.
    let mut samples = grid(DAY, 10.0 * MIN);
    samples.extend((2..=365).map(|d| f64::from(d) * DAY));
    let patients: Vec<Vec<EpisodeOutcome>> = (0..n)
        .into_par_iter()
        .map(|k| -> R<Vec<EpisodeOutcome>> {
            let patient = drawn_patient(&sc, &spec, seed, k)?;
            let y0 = sc.settled(&patient)?;
            sc.arms
                .iter()
                .map(|arm| {
                    let tr = sc.run_arm_at(arm, &patient, &y0, &samples)?.trajectory;
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
        sc.arms
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| ValidateError::MissingArm(name.to_string()))
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
    let (p, y) = rested("acute_injury")?;
    let s = effort();
    let t_end = HOUR;
    let samples = grid(t_end, MIN);
    let tight = SolverConfig {
        rtol: 1e-9,
        ..SolverConfig::default()
    };
    let stiff = p.run(&y, &s, t_end, &samples, &tight)?;
    let expl = p.run(
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
        let tr = p.run(&y, &day, DAY, &grid(DAY, MIN), &cfg)?;
        let p = tr.series(idx::P);
        let auc: f64 = p.windows(2).map(|w| 0.5 * (w[0] + w[1]) * MIN).sum();
        Ok([
            p.iter().copied().fold(0.0, f64::max),
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
                t0 + f64::from(k) * three_daily,
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
            sch = sch.window(t0 + f64::from(k) * DAY, 14.0 * HOUR, Effect::Activity(0.3));
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
    let (p, y) = rested("acute_injury")?;
    let week = 7.0 * DAY;
    let run = |s: &Schedule| go(&p, &y, &merged(&effort(), s), week, 10.0 * MIN);
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
