//! How much of a treatment is enough to break the cycle, and how close to relapse the
//! patient is afterwards (docs/analysis.md "Escape dose and relapse margin"). Pure.
//!
//! - **Treatment**: what an arm schedules beyond the reference arm (its windows and
//!   events that the reference does not have; the triggers they share stay as they
//!   are).
//! - **Escape scale**: the smallest factor on the treatment's doses, intensities or
//!   session durations ([`Knob`]) for which the cycle is broken by `broken_from` and
//!   stays broken: no spasm (contraction above the spasm threshold outside voluntary
//!   efforts) from then to the end of the run, the cohort's definition of a broken
//!   cycle. Found by doubling up to [`MAX_SCALE`], then bisection to [`SCALE_TOL`];
//!   this assumes that more treatment never un-breaks the cycle, and the factor found
//!   is checked again at [`MAX_SCALE`].
//! - **Relapse margin**: from the state at `broken_from` (injury then held where it
//!   is), the smallest effort held for 2 min (as in target 8) after which the muscle
//!   settles into spasm instead of rest; 0 while still in spasm; none when no effort
//!   up to 100 %MVC tips it (the loop can no longer hold a spasm).

use crate::model::idx;
use crate::model::params::ParamError;
use crate::protocol::{Effect, Impulse, Schedule};
use crate::scenario::{Arm, RunError, Scenario};
use crate::simulation::{Patient, SolverConfig};
use crate::solver::SolverError;
use crate::units::HOUR;

use super::bistability::{PROBE_EFFORT, PROBE_TIME};
use super::compare::cycle;
use super::metrics::MetricThresholds;

/// Largest factor tried on a treatment.
pub const MAX_SCALE: f64 = 8.0;

/// Relative width at which the bisection on the factor stops.
pub const SCALE_TOL: f64 = 0.01;

/// Width at which the bisection on the effort of the relapse margin stops, fraction
/// of MVC (0.5 %MVC).
pub const EFFORT_TOL: f64 = 0.005;

/// Contraction difference (fraction of MVC) between settling after the effort and
/// settling without it above which the effort tipped the muscle into spasm (5 %MVC,
/// as in the bistability scan).
const TIPPED: f64 = super::bistability::BISTABLE_THRESHOLD;

/// What is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// Every dose and injection, mg.
    Dose,
    /// Every session's level (TENS, stimulation, ultrasound, activity, stress, cuff,
    /// voluntary effort, experimental pain); heat, stretch, massage and bed rest have
    /// no level to scale.
    Intensity,
    /// Every session's duration.
    Duration,
}

impl Knob {
    /// The knob called `name` ("dose", "intensity", "duration").
    pub fn parse(name: &str) -> Option<Knob> {
        match name {
            "dose" => Some(Knob::Dose),
            "intensity" => Some(Knob::Intensity),
            "duration" => Some(Knob::Duration),
            _ => None,
        }
    }

    /// The natural knob of a treatment: its doses if it has any, else its durations.
    pub fn natural(treatment: &Schedule) -> Knob {
        if treatment.events.is_empty() {
            Knob::Duration
        } else {
            Knob::Dose
        }
    }
}

/// Why an escape analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum EscapeError {
    /// An arm could not be run.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A probe of the relapse margin could not be integrated.
    #[error("relapse margin: {0}")]
    Solver(#[from] SolverError),
    /// A probe's patient could not be made.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// The arm adds nothing to the reference arm.
    #[error("arm '{arm}' schedules nothing beyond the reference arm '{reference}'")]
    NoTreatment {
        /// The arm.
        arm: String,
        /// The reference arm.
        reference: String,
    },
    /// The knob does not apply to the treatment.
    #[error("arm '{arm}': nothing to scale by {knob:?} (its treatment has {what})")]
    NothingToScale {
        /// The arm.
        arm: String,
        /// The knob asked for.
        knob: Knob,
        /// What the treatment has.
        what: String,
    },
}

/// `arm` minus `reference`: the windows and events of `arm` that `reference` does not
/// have (each of the reference's elements cancels one equal element of the arm).
pub fn treatment(arm: &Schedule, reference: &Schedule) -> Schedule {
    fn minus<T: PartialEq + Copy>(a: &[T], b: &[T]) -> Vec<T> {
        let mut left: Vec<Option<T>> = b.iter().copied().map(Some).collect();
        a.iter()
            .copied()
            .filter(|x| match left.iter_mut().find(|y| y.as_ref() == Some(x)) {
                Some(slot) => {
                    *slot = None;
                    false
                }
                None => true,
            })
            .collect()
    }
    Schedule {
        windows: minus(&arm.windows, &reference.windows),
        events: minus(&arm.events, &reference.events),
    }
}

/// The level of an effect scaled by `s`, or `None` when it has no level.
fn scaled_effect(e: Effect, s: f64) -> Option<Effect> {
    Some(match e {
        Effect::Tens(x) => Effect::Tens((x * s).min(1.0)),
        Effect::ElectricalStimulation(x) => Effect::ElectricalStimulation((x * s).min(1.0)),
        Effect::Activity(x) => Effect::Activity((x * s).min(1.0)),
        Effect::Stress(x) => Effect::Stress(x * s),
        Effect::Cuff(x) => Effect::Cuff(x * s),
        Effect::Voluntary(x) => Effect::Voluntary((x * s).min(1.0)),
        Effect::ExperimentalPain(x) => Effect::ExperimentalPain((x * s).min(1.0)),
        Effect::DiscSource(x) => Effect::DiscSource(x * s),
        Effect::Ultrasound {
            intensity,
            frequency,
        } => Effect::Ultrasound {
            intensity: intensity * s,
            frequency,
        },
        Effect::Stretch | Effect::Massage | Effect::SkinHeat(_) | Effect::BedRest => return None,
    })
}

/// `treatment` with its doses, levels or durations multiplied by `s` (levels capped
/// at their maximum of 1 where they have one); elements the knob does not apply to
/// are kept as they are. `None` when the knob applies to no element.
pub fn scaled(treatment: &Schedule, knob: Knob, s: f64) -> Option<Schedule> {
    let mut out = treatment.clone();
    let mut touched = false;
    match knob {
        Knob::Dose => {
            for e in &mut out.events {
                e.impulse = match e.impulse {
                    Impulse::Dose(d, mg) => Impulse::Dose(d, mg * s),
                    Impulse::LocalAnaesthetic(mg) => Impulse::LocalAnaesthetic(mg * s),
                    other => other,
                };
                touched |= !matches!(e.impulse, Impulse::Injury(_));
            }
        }
        Knob::Intensity => {
            for w in &mut out.windows {
                if let Some(e) = scaled_effect(w.effect, s) {
                    w.effect = e;
                    touched = true;
                }
            }
        }
        Knob::Duration => {
            for w in &mut out.windows {
                w.end = w.start + s * (w.end - w.start);
                touched = true;
            }
        }
    }
    touched.then_some(out)
}

/// One arm's escape analysis.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Escape {
    /// The arm.
    pub arm: String,
    /// What was scaled.
    pub knob: Knob,
    /// Whether the arm as scheduled breaks the cycle by `broken_from`.
    pub breaks_as_scheduled: bool,
    /// The smallest factor that breaks it (0 when the reference breaks it by then
    /// too); `None` when even [`MAX_SCALE`] does not.
    pub escape_scale: Option<f64>,
    /// Whether [`MAX_SCALE`] also breaks it (the factor found is not an isolated
    /// window of success).
    pub monotone_check: bool,
    /// Relapse margin of the arm as scheduled, fraction of MVC: `Some(0.0)` in spasm
    /// at `broken_from`, `None` when no effort up to 100 %MVC tips it back.
    pub relapse_margin: Option<f64>,
    /// Runs of the arm made.
    pub runs: usize,
}

/// Options of the escape analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EscapeOptions {
    /// The cycle must be broken from this time on, s (default: 25 h, as the cohort's
    /// "broken" rate).
    pub broken_from_s: f64,
    /// What to scale (`None`: doses if the treatment has any, else durations).
    pub knob: Option<Knob>,
    /// Spasm threshold and the other endpoint definitions.
    pub thresholds: MetricThresholds,
}

impl Default for EscapeOptions {
    fn default() -> Self {
        Self {
            broken_from_s: super::compare::BROKEN_FROM_S,
            knob: None,
            thresholds: MetricThresholds::default(),
        }
    }
}

/// The escape scale and relapse margin of arm `arm` against arm `reference` (indices
/// into the scenario's arms).
///
/// ```
/// use spasm::analysis::escape::{escape, EscapeOptions};
/// use spasm::analysis::compare::benchmark;
///
/// let s = benchmark();
/// let arm = s.arms.iter().position(|a| a.name == "hot pack").unwrap();
/// let e = escape(&s, arm, 0, &EscapeOptions::default())?;
/// // Three 20-min hot packs a day do not break the cycle within 24 h; longer ones do.
/// assert!(!e.breaks_as_scheduled && e.escape_scale.unwrap() > 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn escape(
    scenario: &Scenario,
    arm: usize,
    reference: usize,
    opts: &EscapeOptions,
) -> Result<Escape, EscapeError> {
    let this = &scenario.arms[arm];
    let refr = &scenario.arms[reference];
    let rx = treatment(&this.schedule, &refr.schedule);
    if rx.windows.is_empty() && rx.events.is_empty() {
        return Err(EscapeError::NoTreatment {
            arm: this.name.clone(),
            reference: refr.name.clone(),
        });
    }
    let base = treatment(&this.schedule, &rx);
    let knob = opts.knob.unwrap_or_else(|| Knob::natural(&rx));
    if scaled(&rx, knob, 1.0).is_none() {
        return Err(EscapeError::NothingToScale {
            arm: this.name.clone(),
            knob,
            what: format!(
                "{} session(s), {} dose(s)",
                rx.windows.len(),
                rx.events.len()
            ),
        });
    }
    let patient = this.patient(&scenario.patient)?;
    let y0 = scenario.settled(&patient)?;
    let runs = std::cell::Cell::new(0);
    let run = |s: f64| -> Result<crate::simulation::Trajectory, EscapeError> {
        runs.set(runs.get() + 1);
        let rx_s = scaled(&rx, knob, s).unwrap_or_else(|| rx.clone());
        let mut schedule = base.clone();
        schedule.windows.extend(rx_s.windows);
        schedule.events.extend(rx_s.events);
        let variant = Arm {
            name: this.name.clone(),
            schedule,
            overrides: this.overrides.clone(),
        };
        Ok(scenario
            .run_arm(&variant, &scenario.patient, &y0)?
            .trajectory)
    };
    let from_h = opts.broken_from_s / HOUR;
    let broken = |tr: &crate::simulation::Trajectory| cycle(tr, &opts.thresholds).hours() <= from_h;
    let breaks = |s: f64| -> Result<bool, EscapeError> { Ok(broken(&run(s)?)) };
    let scheduled = run(1.0)?;
    let as_scheduled = broken(&scheduled);
    // A bracket [lo, hi] with a failure at lo (or lo = 0) and a success at hi.
    let bracket = if as_scheduled {
        Some((0.0, 1.0))
    } else {
        let mut s = 1.0;
        loop {
            if s >= MAX_SCALE {
                break None;
            }
            s *= 2.0;
            if breaks(s)? {
                break Some((s / 2.0, s));
            }
        }
    };
    let escape_scale = match bracket {
        None => None,
        Some(_) if as_scheduled && breaks(0.0)? => Some(0.0),
        Some((mut lo, mut hi)) => {
            while hi - lo > SCALE_TOL * hi {
                let mid = 0.5 * (lo + hi);
                if breaks(mid)? {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            Some(hi)
        }
    };
    let monotone_check = match escape_scale {
        Some(h) if h < MAX_SCALE => breaks(MAX_SCALE)?,
        _ => true,
    };
    let relapse_margin = relapse_margin_at(
        &patient,
        &scheduled,
        opts.broken_from_s,
        &scenario.solver,
        &opts.thresholds,
    )?;
    Ok(Escape {
        arm: this.name.clone(),
        knob,
        breaks_as_scheduled: as_scheduled,
        escape_scale,
        monotone_check,
        relapse_margin,
        runs: runs.get(),
    })
}

/// [`relapse_margin`] from the state of trajectory `tr` at time `at_s` (the first
/// sample at or after it; the last sample if the run is shorter).
pub fn relapse_margin_at(
    patient: &Patient,
    tr: &crate::simulation::Trajectory,
    at_s: f64,
    cfg: &SolverConfig,
    thresholds: &MetricThresholds,
) -> Result<Option<f64>, EscapeError> {
    let k = tr
        .times
        .iter()
        .position(|&t| t >= at_s)
        .unwrap_or(tr.times.len() - 1);
    relapse_margin(patient, &tr.states[k], cfg, thresholds)
}

/// The relapse margin from state `y` of `patient` (fraction of MVC): the smallest
/// effort held for 2 min after which the muscle, injury held at `y`'s level and
/// nothing else scheduled, settles into spasm (above `thresholds.spasm_contraction`).
/// `Some(0.0)` when it settles into spasm without any effort; `None` when not even 100 %MVC tips it.
pub fn relapse_margin(
    patient: &Patient,
    y: &crate::model::State,
    cfg: &SolverConfig,
    thresholds: &MetricThresholds,
) -> Result<Option<f64>, EscapeError> {
    let held = patient.with_values(
        [
            ("h_initial", y[idx::H]),
            ("tau_heal", f64::INFINITY),
            ("h_disc", 0.0),
        ],
        "relapse margin: injury held",
    )?;
    let (dur, _) = PROBE_EFFORT;
    let still = held.run(y, &Schedule::default(), PROBE_TIME, &[PROBE_TIME], cfg)?;
    let a_still = still.last()[idx::A];
    let settled = *still.last();
    if a_still > thresholds.spasm_contraction {
        return Ok(Some(0.0));
    }
    let tipped = |level: f64| -> Result<bool, EscapeError> {
        let effort = Schedule::default().window(0.0, dur, Effect::Voluntary(level));
        let t = dur + PROBE_TIME;
        let after = held.run(&settled, &effort, t, &[t], cfg)?;
        Ok(after.last()[idx::A] - a_still > TIPPED)
    };
    if !tipped(1.0)? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    while hi - lo > EFFORT_TOL {
        let mid = 0.5 * (lo + hi);
        if tipped(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Drug, Event, Window};

    #[test]
    fn treatment_is_the_arm_minus_the_reference() {
        let trigger = Schedule::default().window(0.0, 120.0, Effect::Voluntary(0.5));
        let arm = trigger
            .clone()
            .window(3600.0, 1200.0, Effect::SkinHeat(42.0))
            .event(3600.0, Impulse::Dose(Drug::Ibuprofen, 400.0));
        let rx = treatment(&arm, &trigger);
        assert_eq!(rx.windows.len(), 1);
        assert_eq!(rx.events.len(), 1);
        assert_eq!(treatment(&trigger, &trigger), Schedule::default());
        let doubled = scaled(&rx, Knob::Dose, 2.0).unwrap();
        assert_eq!(
            doubled.events[0].impulse,
            Impulse::Dose(Drug::Ibuprofen, 800.0)
        );
        let longer = scaled(&rx, Knob::Duration, 1.5).unwrap();
        assert_eq!(longer.windows[0].end - longer.windows[0].start, 1800.0);
        // Heat has no level to scale.
        assert!(scaled(&rx, Knob::Intensity, 2.0).is_none());
        assert_eq!(Knob::natural(&rx), Knob::Dose);
    }

    #[test]
    fn equal_elements_cancel_once() {
        let w = Window {
            start: 0.0,
            end: 1.0,
            effect: Effect::Massage,
        };
        let e = Event {
            time: 0.0,
            impulse: Impulse::LocalAnaesthetic(50.0),
        };
        let arm = Schedule {
            windows: vec![w, w],
            events: vec![e, e],
        };
        let reference = Schedule {
            windows: vec![w],
            events: vec![e],
        };
        let rx = treatment(&arm, &reference);
        assert_eq!((rx.windows.len(), rx.events.len()), (1, 1));
    }
}
