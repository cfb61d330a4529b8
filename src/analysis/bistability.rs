//! Where the spasm–ischemia loop becomes self-sustaining: for each injury level H
//! (held fixed), the state the muscle settles into from rest and the state it
//! settles into after a brief strong effort. Where the two differ the loop is
//! bistable (hysteresis): the same muscle can rest or stay in spasm. Pure.

use crate::model::params::ParamError;
use crate::model::{idx, State};
use crate::protocol::{Effect, Schedule};
use crate::simulation::{Patient, SolverConfig};
use crate::solver::SolverError;
use crate::units::DAY;

/// Settling time before each probe, and the time allowed to reach a steady state
/// after it, s (one day each: every loop time constant except healing and central
/// sensitisation, both frozen or irrelevant here, is minutes to hours).
pub const PROBE_TIME: f64 = DAY;

/// The effort that probes for the upper branch: 2 min at 50 %MVC (model.md target 8).
pub const PROBE_EFFORT: (f64, f64) = (120.0, 0.5);

/// Contraction difference between the two branches (fraction of MVC) above which an
/// injury level counts as bistable.
pub const BISTABLE_THRESHOLD: f64 = 0.05;

/// Two steady states at one injury level.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Branches {
    /// Injury level H (0–1), held fixed.
    pub injury: f64,
    /// Contraction settled from rest, fraction of MVC.
    pub a_rest: f64,
    /// Contraction settled after the effort, fraction of MVC.
    pub a_after_effort: f64,
    /// Pain settled from rest, NRS.
    pub pain_rest: f64,
    /// Pain settled after the effort, NRS.
    pub pain_after_effort: f64,
}

impl Branches {
    /// Whether the effort left the muscle in a different state (spasm) than rest:
    /// contraction differs by more than `threshold` (fraction of MVC).
    pub fn bistable(&self, threshold: f64) -> bool {
        self.a_after_effort - self.a_rest > threshold
    }
}

/// The lowest and highest injury level of `rows` that are bistable (by
/// [`BISTABLE_THRESHOLD`]), or `None` when the loop never sustains itself.
pub fn bistable_range(rows: &[Branches]) -> Option<(f64, f64)> {
    let mut bistable = rows.iter().filter(|r| r.bistable(BISTABLE_THRESHOLD));
    let lo = bistable.next()?.injury;
    Some((lo, bistable.next_back().map_or(lo, |r| r.injury)))
}

/// Why a probe failed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The probe's patient could not be made.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A probe could not be integrated.
    #[error("injury {injury}: {source}")]
    Solver {
        /// The injury level probed.
        injury: f64,
        /// The solver's error.
        source: SolverError,
    },
}

/// Probe the loop of `patient` at each injury level in `injuries` (0–1). Healing and
/// any disc source are switched off so H stays where it is put.
///
/// ```
/// use spasm::analysis::bistability::{bistable_range, scan};
/// use spasm::simulation::Patient;
///
/// // A healthy muscle lets go after the effort when uninjured, holds a spasm when
/// // badly injured.
/// let rows = scan(&Patient::embedded("healthy")?, &[0.0, 0.9], &Default::default())?;
/// assert!(!rows[0].bistable(0.05) && rows[1].bistable(0.05));
/// assert_eq!(bistable_range(&rows), Some((0.9, 0.9)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scan(
    patient: &Patient,
    injuries: &[f64],
    cfg: &SolverConfig,
) -> Result<Vec<Branches>, ProbeError> {
    injuries
        .iter()
        .map(|&h| {
            let probe = patient.with_values(
                [
                    ("tau_heal", f64::INFINITY),
                    ("h_disc", 0.0),
                    ("h_initial", h),
                ],
                "bistability probe: injury held fixed",
            )?;
            let solver = |source| ProbeError::Solver { injury: h, source };
            let rest = probe.settle(PROBE_TIME, cfg).map_err(solver)?;
            let (dur, level) = PROBE_EFFORT;
            let effort = Schedule::default().window(0.0, dur, Effect::Voluntary(level));
            let t_after = dur + PROBE_TIME;
            let after = *probe
                .run(&rest, &effort, t_after, &[t_after], cfg)
                .map_err(solver)?
                .last();
            let still = *probe
                .run(&rest, &Schedule::default(), PROBE_TIME, &[PROBE_TIME], cfg)
                .map_err(solver)?
                .last();
            let get = |y: &State, i: usize| y[i];
            Ok(Branches {
                injury: h,
                a_rest: get(&still, idx::A),
                a_after_effort: get(&after, idx::A),
                pain_rest: get(&still, idx::P),
                pain_after_effort: get(&after, idx::P),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(set: &str) -> Patient {
        Patient::embedded(set).unwrap()
    }

    #[test]
    fn healthy_is_monostable_and_injury_opens_a_bistable_range() {
        let b = scan(
            &model("healthy"),
            &[0.0, 0.5, 0.9],
            &SolverConfig::default(),
        )
        .unwrap();
        assert!(!b[0].bistable(0.05), "{:?}", b[0]);
        assert!(b[1].bistable(0.05), "{:?}", b[1]);
        assert!(b[1].pain_after_effort > b[1].pain_rest);
        // Resting contraction never rises with injury (pain adaptation).
        assert!(b[1].a_rest <= b[0].a_rest + 1e-9 && b[2].a_rest <= b[0].a_rest + 1e-9);
    }

    #[test]
    fn the_pain_adaptation_variant_never_sustains_a_spasm() {
        let b = scan(
            &model("pain_adaptation"),
            &[0.0, 0.25, 0.5, 0.75, 1.0],
            &SolverConfig::default(),
        )
        .unwrap();
        // Injury does not facilitate its fusimotor loop: monostable at every injury
        // level, including its own (0.5), where the default loop is bistable.
        assert!(b.iter().all(|x| !x.bistable(0.05)), "{b:?}");
    }
}
