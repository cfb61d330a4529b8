//! Comparing interventions: every arm of a scenario on one patient (ranked endpoint
//! table, effect sizes against a reference arm, whether and when the spasm–ischemia
//! cycle was broken); the virtual cohort is [`super::cohort`]. Pure: the report layer
//! writes the results, `spasm compare` is the command line.
//!
//! Definitions (units in the names; thresholds from [`MetricThresholds`]):
//!
//! - **Ranking**: by the area under the pain curve over the first 7 days
//!   ([`AUC_WINDOW_S`]; over the whole run if it is shorter), NRS·h, lowest first.
//!   Ties keep the scenario's arm order.
//! - **Reference arm**: the arm named `--reference`, else the arm named
//!   "no treatment" (case-insensitive), else — documented fallback — the first arm;
//!   the tables then say so. Differences are `arm − reference`, absolute and in %
//!   of the reference.
//! - **Mean pain on 0–100**: pain AUC over the window / window length × 10, the scale
//!   of model.md target 9.
//! - **Spasm**: contraction `a` above `spasm_contraction` (10 %MVC) while no
//!   voluntary effort is under way (the lift that triggers the episode is an effort,
//!   not a spasm). The **cycle is broken** when the spasm ends and does not return
//!   within the run; its time is the last exit from spasm ([`Cycle`]). Healing alone
//!   eventually breaks the cycle in this model, so *when* matters more than *whether*.
//! - **Drug exposure**: plasma AUC over the whole run ([`Endpoints`]).

use crate::analysis::metrics::{
    endpoints, intervals_above, trapezoid, Endpoints, MetricThresholds,
};
use crate::model::idx;
use crate::scenario::{parse_scenario, ArmResult, RunError, Scenario};
use crate::simulation::Trajectory;
use crate::units::{DAY, HOUR};

/// The standard benchmark (`examples/benchmark.toml`), embedded: `spasm compare`
/// with no file runs it.
pub const BENCHMARK_TOML: &str = include_str!("../../examples/benchmark.toml");

/// Where the embedded benchmark comes from, as named in messages.
pub const BENCHMARK_PATH: &str = "examples/benchmark.toml";

/// The reference arm's usual name.
pub const REFERENCE_NAME: &str = "no treatment";

/// Window of the ranking pain AUC: the first 7 days, s.
pub const AUC_WINDOW_S: f64 = 7.0 * DAY;

/// Default start of the "loop broken" check of the cohort: 25 h after t = 0, i.e.
/// 24 h after the benchmark's treatment start at 1 h, s.
pub const BROKEN_FROM_S: f64 = 25.0 * HOUR;

/// The embedded benchmark scenario, parsed (checked by the test suite).
pub fn benchmark() -> Scenario {
    match parse_scenario(BENCHMARK_TOML, BENCHMARK_PATH) {
        Ok(s) => s,
        Err(e) => unreachable!("the embedded benchmark is invalid: {e}"),
    }
}

/// Why a comparison failed. Every message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A patient or an arm could not be run.
    #[error(transparent)]
    Run(#[from] RunError),
    /// `--reference` names no arm.
    #[error("no arm is named '{name}' (arms: {available})")]
    UnknownReference {
        /// The name given.
        name: String,
        /// The arm names.
        available: String,
    },
    /// The cohort distribution file is invalid.
    #[error("cohort distributions ({file}): {message}")]
    CohortSpec {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A cohort needs at least one patient.
    #[error("a cohort needs at least 1 patient (got {0})")]
    NoPatients(usize),
    /// Every patient of the cohort failed.
    #[error(
        "no patient of the cohort could be simulated; first failure: patient {patient}: {reason}"
    )]
    AllPatientsFailed {
        /// The first patient that failed.
        patient: usize,
        /// Why it failed.
        reason: String,
    },
}

/// Options of a comparison.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// Thresholds defining the endpoints.
    pub thresholds: MetricThresholds,
    /// Name of the reference arm; `None` = "no treatment", else the first arm.
    pub reference: Option<String>,
    /// Cohort "loop broken" check: no spasm from this time to the end of the run, s.
    pub broken_from_s: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            thresholds: MetricThresholds::default(),
            reference: None,
            broken_from_s: BROKEN_FROM_S,
        }
    }
}

/// Whether and when the spasm–ischemia cycle was broken in one arm.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "state", content = "at_h", rename_all = "snake_case")]
pub enum Cycle {
    /// Never in spasm (outside voluntary efforts).
    NoSpasm,
    /// The last spasm ended at this time, h, and did not return within the run.
    Broken(f64),
    /// Still in spasm at the end of the run.
    NotBroken,
}

impl Cycle {
    /// The time of breaking in h: 0 for no spasm, `INFINITY` for not broken.
    pub fn hours(&self) -> f64 {
        match *self {
            Cycle::NoSpasm => 0.0,
            Cycle::Broken(h) => h,
            Cycle::NotBroken => f64::INFINITY,
        }
    }

    /// Short text: "broken at 6.2 h", "no spasm", "not broken in the run".
    pub fn describe(&self) -> String {
        match *self {
            Cycle::NoSpasm => "no spasm".into(),
            Cycle::Broken(h) => format!("broken at {h:.1} h"),
            Cycle::NotBroken => "not broken in the run".into(),
        }
    }
}

/// Spasm intervals of a trajectory, s: contraction above `thr` (fraction of MVC)
/// while no voluntary effort is under way.
pub fn spasm_intervals(tr: &Trajectory, thr: f64) -> Vec<(f64, f64)> {
    let a: Vec<f64> = tr
        .states
        .iter()
        .enumerate()
        .map(|(k, y)| {
            let effort = tr.drivers.get(k).is_some_and(|d| d.voluntary > 0.0);
            if effort {
                0.0
            } else {
                y[idx::A]
            }
        })
        .collect();
    intervals_above(&tr.times, &a, thr)
}

/// Whether and when the cycle was broken ([`Cycle`]), with spasm as in
/// [`spasm_intervals`].
pub fn cycle(tr: &Trajectory, th: &MetricThresholds) -> Cycle {
    let iv = spasm_intervals(tr, th.spasm_contraction);
    let t_end = tr.times.last().copied().unwrap_or(0.0);
    match iv.last() {
        None => Cycle::NoSpasm,
        Some(&(_, e)) if e >= t_end => Cycle::NotBroken,
        Some(&(_, e)) => Cycle::Broken(e / HOUR),
    }
}

/// Pain AUC over `[t0, t0 + window]` (or the whole run if shorter), NRS·h, and the
/// window actually used, h.
pub fn pain_auc_window(tr: &Trajectory, window_s: f64) -> (f64, f64) {
    let t0 = tr.times.first().copied().unwrap_or(0.0);
    let t1 = tr.times.last().copied().unwrap_or(0.0);
    let hi = (t0 + window_s).min(t1);
    let p = tr.series(idx::P);
    (trapezoid(&tr.times, &p, hi) / HOUR, (hi - t0) / HOUR)
}

/// One arm of a single-patient comparison.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArmRow {
    /// Arm name.
    pub name: String,
    /// Rank by window pain AUC, 1 = lowest.
    pub rank: usize,
    /// Pain AUC over the ranking window, NRS·h.
    pub pain_auc_nrs_h: f64,
    /// Mean pain over the window on 0–100.
    pub mean_pain_0_100: f64,
    /// Pain AUC minus the reference's, NRS·h.
    pub diff_pain_auc_nrs_h: f64,
    /// The same in % of the reference's AUC.
    pub diff_pain_auc_pct: f64,
    /// Whether and when the cycle was broken.
    pub cycle: Cycle,
    /// Every endpoint of the arm over the whole run.
    pub endpoints: Endpoints,
}

/// A single-patient comparison of every arm.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// Parameter set of the patient.
    pub parameter_set: String,
    /// Run length, h.
    pub duration_h: f64,
    /// Ranking window actually used (7 d unless the run is shorter), h.
    pub auc_window_h: f64,
    /// Index of the reference arm in `arms`.
    pub reference: usize,
    /// Set when the reference was chosen by fallback (no arm named "no treatment").
    pub reference_note: Option<String>,
    /// Thresholds used.
    pub thresholds: MetricThresholds,
    /// Arms in scenario order.
    pub arms: Vec<ArmRow>,
    /// Arm indices from best (lowest window pain AUC) to worst.
    pub ranking: Vec<usize>,
}

impl Comparison {
    /// The reference arm.
    pub fn reference_arm(&self) -> &ArmRow {
        &self.arms[self.reference]
    }

    /// Arms in rank order.
    pub fn ranked(&self) -> impl Iterator<Item = &ArmRow> {
        self.ranking.iter().map(|&i| &self.arms[i])
    }
}

/// Pick the reference arm among `names`: `requested` (case-insensitive, must exist),
/// else "no treatment", else the first arm. Returns its index and, for the
/// fallback, a note saying so.
pub fn resolve_reference(
    names: &[&str],
    requested: Option<&str>,
) -> Result<(usize, Option<String>), CompareError> {
    let find = |n: &str| {
        names
            .iter()
            .position(|a| a.trim().eq_ignore_ascii_case(n.trim()))
    };
    match requested {
        Some(r) => find(r)
            .map(|i| (i, None))
            .ok_or_else(|| CompareError::UnknownReference {
                name: r.to_string(),
                available: names.join(", "),
            }),
        None => Ok(match find(REFERENCE_NAME) {
            Some(i) => (i, None),
            None => (
                0,
                Some(format!(
                    "no arm is named \"{REFERENCE_NAME}\": the first arm, \"{}\", is the reference",
                    names.first().copied().unwrap_or("")
                )),
            ),
        }),
    }
}

/// Rank values (lowest first), ties by index: the indices in rank order.
pub fn rank_order(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    order
}

/// Relative difference in %, 0 when the reference is 0.
pub(crate) fn pct(diff: f64, reference: f64) -> f64 {
    if reference != 0.0 {
        100.0 * diff / reference
    } else {
        0.0
    }
}

/// Compare the arms of `results` (from [`Scenario::run`] on `scenario`).
pub fn compare(
    scenario: &Scenario,
    results: &[ArmResult],
    opts: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let names: Vec<&str> = results.iter().map(|r| r.name.as_str()).collect();
    let (reference, reference_note) = resolve_reference(&names, opts.reference.as_deref())?;
    let th = &opts.thresholds;
    let mut window_h = 0.0;
    let mut rows: Vec<ArmRow> = results
        .iter()
        .map(|r| {
            let (auc, w) = pain_auc_window(&r.trajectory, AUC_WINDOW_S);
            window_h = w;
            ArmRow {
                name: r.name.clone(),
                rank: 0,
                pain_auc_nrs_h: auc,
                mean_pain_0_100: if w > 0.0 { 10.0 * auc / w } else { 0.0 },
                diff_pain_auc_nrs_h: 0.0,
                diff_pain_auc_pct: 0.0,
                cycle: cycle(&r.trajectory, th),
                endpoints: endpoints(r.patient.model(), &r.trajectory, th),
            }
        })
        .collect();
    let ref_auc = rows.get(reference).map_or(0.0, |r| r.pain_auc_nrs_h);
    for r in &mut rows {
        r.diff_pain_auc_nrs_h = r.pain_auc_nrs_h - ref_auc;
        r.diff_pain_auc_pct = pct(r.diff_pain_auc_nrs_h, ref_auc);
    }
    let ranking = rank_order(&rows.iter().map(|r| r.pain_auc_nrs_h).collect::<Vec<_>>());
    for (k, &i) in ranking.iter().enumerate() {
        rows[i].rank = k + 1;
    }
    Ok(Comparison {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        parameter_set: scenario.set_name.clone(),
        duration_h: scenario.duration / HOUR,
        auc_window_h: window_h,
        reference,
        reference_note,
        thresholds: *th,
        arms: rows,
        ranking,
    })
}

/// Run every arm of `scenario` and compare them.
///
/// ```
/// use spasm::analysis::compare::{run_and_compare, CompareOptions, Cycle};
/// use spasm::scenario::Scenario;
///
/// let sc = Scenario::load("examples/ibuprofen.toml".as_ref())?;
/// let (_, c) = run_and_compare(&sc, &CompareOptions::default())?;
/// assert_eq!(c.reference_arm().name, "no treatment");
/// let best = c.ranked().next().unwrap();
/// assert_eq!(best.name, "ibuprofen");
/// assert!(best.diff_pain_auc_nrs_h < 0.0); // less pain than without treatment
/// // Untreated, the spasm resolves as the injury heals; ibuprofen ends it sooner.
/// match (best.cycle, c.reference_arm().cycle) {
///     (Cycle::Broken(treated_h), Cycle::Broken(untreated_h)) => assert!(treated_h < untreated_h),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_and_compare(
    scenario: &Scenario,
    opts: &CompareOptions,
) -> Result<(Vec<ArmResult>, Comparison), CompareError> {
    let results = scenario.run()?;
    let c = compare(scenario, &results, opts)?;
    Ok((results, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_resolution() {
        let names = ["heat", "No Treatment", "drug"];
        assert_eq!(resolve_reference(&names, None).unwrap(), (1, None));
        assert_eq!(resolve_reference(&names, Some("drug")).unwrap(), (2, None));
        let (i, note) = resolve_reference(&["heat", "drug"], None).unwrap();
        assert_eq!(i, 0);
        assert!(note.unwrap().contains("\"heat\""));
        let e = resolve_reference(&names, Some("placebo")).unwrap_err();
        assert!(e.to_string().contains("placebo") && e.to_string().contains("heat"));
    }

    #[test]
    fn ranking_is_stable() {
        assert_eq!(rank_order(&[3.0, 1.0, 3.0, 0.5]), vec![3, 1, 0, 2]);
    }

    #[test]
    fn embedded_benchmark_parses() {
        let s = benchmark();
        assert_eq!(s.arms[0].name, REFERENCE_NAME);
        assert!(s.arms.len() >= 15);
    }
}
