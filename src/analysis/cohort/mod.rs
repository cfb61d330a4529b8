//! Virtual cohorts: N patients drawn from the parameter distributions of
//! `models/cohort.toml`, every arm of a scenario run on every patient (common random
//! numbers), each (patient, arm) reduced to a few endpoint numbers at once.
//!
//! **Reproducibility.** Patient `p` draws its parameters from ChaCha8 seeded with
//! the cohort seed and stream `p` (`ChaCha8Rng::seed_from_u64(seed)` +
//! `set_stream(p)`), parameters in alphabetical order. Patients run in parallel
//! (rayon `par_iter` over patient indices, indexed collect), and every statistic is
//! reduced sequentially in patient order, so the results are bit-identical for any
//! number of threads and on every rerun with the same seed.
//!
//! **Memory.** No trajectory is kept: a patient's arm is simulated, reduced to
//! [`PatientArm`] (8 numbers, 64 bytes) and dropped. What stays per patient is
//! arms × 64 bytes plus 8 bytes per drawn parameter (≈ 1.1 kB for the 16-arm
//! benchmark), needed for exact quantiles; everything else is flat in N.
//!
//! **Statistics** (per arm, over the patients that could be simulated):
//! - quartiles (type 7, linear interpolation) of each endpoint; times to events that
//!   a patient does not reach within the run count as later than the end of the run
//!   (censored), so a quartile is "not reached" when more than that fraction of
//!   patients do not reach the event;
//! - the paired difference to the reference arm (same patient, arm − reference):
//!   mean with a 95 % normal-approximation interval, mean ± 1.96·SD/√N;
//! - the fraction of patients in whom the loop was broken: no spasm (contraction
//!   above the spasm threshold outside voluntary efforts) from `broken_from`
//!   (default 25 h, 24 h after the benchmark's treatment start) to the end of the run;
//! - the fraction of patients whose pain AUC is lower than under the reference.
//!
//! The distributions and the draws are in `spec.rs`, the statistics in `summary.rs`;
//! this file runs the patients.

mod spec;
mod summary;

pub use spec::{draw_patient, CohortSpec, Draw, ParamDistribution, Resolved, Shape, COHORT_TOML};
pub use summary::{
    mean_ci, quantile_sorted, quartiles, summarise, CohortArm, CohortSummary, DrawnSummary, MeanCi,
    Quartiles,
};

use rayon::prelude::*;

use super::compare::AUC_WINDOW_S;
use super::compare::{cycle, pain_auc_window, resolve_reference, CompareError, CompareOptions};
use crate::analysis::metrics::{endpoints, MetricThresholds};
use crate::scenario::{ArmResult, RunError, Scenario};
use crate::simulation::Patient;
use crate::units::{HOUR, MINUTE};

/// Patient `index` of the cohort with seed `seed`: the scenario's patient with the
/// parameters of `resolved` drawn ([`draw_patient`]), the draws recorded as the
/// values' source.
pub fn drawn_patient(
    scenario: &Scenario,
    resolved: &[Resolved],
    seed: u64,
    index: usize,
) -> Result<Patient, RunError> {
    let drawn = draw_patient(resolved, seed, index as u64);
    scenario
        .patient
        .with_values(
            resolved.iter().map(|r| r.name.as_str()).zip(drawn),
            &format!("virtual cohort, seed {seed}, patient {index}"),
        )
        .map_err(|source| RunError::Patient { source })
}

/// The endpoints of one patient in one arm that the cohort statistics need.
/// Times to events not reached within the run are `INFINITY`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PatientArm {
    /// Pain AUC over the ranking window (7 d), NRS·h.
    pub pain_auc: f64,
    /// Peak pain, NRS.
    pub peak_pain: f64,
    /// Time in spasm over the run, h.
    pub spasm_h: f64,
    /// Time ischemic over the run, min.
    pub ischemic_min: f64,
    /// Time to relief, h (`INFINITY`: not reached).
    pub relief_h: f64,
    /// Time to recovery, h (`INFINITY`: not reached).
    pub recovery_h: f64,
    /// Last exit from spasm, h (0: no spasm; `INFINITY`: not broken).
    pub cycle_h: f64,
    /// Relapses (re-entries into spasm after a remission).
    pub relapses: f64,
}

impl PatientArm {
    /// The endpoint names, in the order of [`PatientArm::values`], each with its unit
    /// in the name (`_nrs_h`: NRS·h, `_nrs`: NRS 0–10, `_h`: hours, `_min`: minutes,
    /// `relapses`: a count). Sweeps, sensitivity analyses and cohorts all compute
    /// their endpoints through [`PatientArm::of_run`].
    pub const NAMES: [&'static str; 8] = [
        "pain_auc_7d_nrs_h",
        "peak_pain_nrs",
        "spasm_h",
        "ischemic_min",
        "relief_h",
        "recovery_h",
        "cycle_h",
        "relapses",
    ];

    /// The endpoints of one arm's run: the one place where a run becomes the numbers
    /// that cohorts, sweeps and sensitivity analyses report.
    pub fn of_run(run: &ArmResult, th: &MetricThresholds) -> PatientArm {
        let tr = &run.trajectory;
        let e = endpoints(run.patient.model(), tr, th);
        let inf = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
        PatientArm {
            pain_auc: pain_auc_window(tr, AUC_WINDOW_S).0,
            peak_pain: e.peak_pain_nrs,
            spasm_h: e.spasm_min / (HOUR / MINUTE),
            ischemic_min: e.ischemic_min,
            relief_h: inf(e.time_to_relief_h),
            recovery_h: inf(e.time_to_recovery_h),
            cycle_h: cycle(tr, th).hours(),
            relapses: e.relapses as f64,
        }
    }

    /// The endpoints from values in the order of [`PatientArm::NAMES`].
    pub fn from_values(v: [f64; 8]) -> PatientArm {
        let [pain_auc, peak_pain, spasm_h, ischemic_min, relief_h, recovery_h, cycle_h, relapses] =
            v;
        PatientArm {
            pain_auc,
            peak_pain,
            spasm_h,
            ischemic_min,
            relief_h,
            recovery_h,
            cycle_h,
            relapses,
        }
    }

    /// The endpoints in the order of [`PatientArm::NAMES`].
    pub fn values(&self) -> [f64; 8] {
        [
            self.pain_auc,
            self.peak_pain,
            self.spasm_h,
            self.ischemic_min,
            self.relief_h,
            self.recovery_h,
            self.cycle_h,
            self.relapses,
        ]
    }

    /// The index of endpoint `name` in [`PatientArm::NAMES`].
    pub fn index_of(name: &str) -> Option<usize> {
        PatientArm::NAMES.iter().position(|n| *n == name)
    }
}

/// Options of a cohort run.
#[derive(Debug, Clone)]
pub struct CohortOptions {
    /// Number of patients (at least 1).
    pub patients: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Endpoint and reference options.
    pub compare: CompareOptions,
}

/// A patient that could not be simulated (excluded from every arm).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Excluded {
    /// Patient index.
    pub patient: usize,
    /// Why.
    pub reason: String,
}

/// The raw result of a cohort: per patient, per arm, the reduced endpoints.
#[derive(Debug, Clone)]
pub struct CohortRun {
    /// Seed of the draws.
    pub seed: u64,
    /// Patients asked for.
    pub requested: usize,
    /// Arm names, scenario order.
    pub arms: Vec<String>,
    /// Index of the reference arm.
    pub reference: usize,
    /// Set when the reference was chosen by fallback.
    pub reference_note: Option<String>,
    /// Ranking window, h.
    pub auc_window_h: f64,
    /// Loop-broken check from this time, h.
    pub broken_from_h: f64,
    /// Spasm threshold, %MVC.
    pub spasm_threshold_pct_mvc: f64,
    /// The varied parameters as resolved against the patient.
    pub resolved: Vec<Resolved>,
    /// Indices of the patients kept, ascending.
    pub kept: Vec<usize>,
    /// Per kept patient, per arm.
    pub results: Vec<Vec<PatientArm>>,
    /// Per kept patient, the drawn parameters (canonical units, `resolved` order).
    pub drawn: Vec<Vec<f64>>,
    /// Patients that failed, ascending.
    pub excluded: Vec<Excluded>,
}

/// One patient's draws and either its reduced arms or why it failed.
type PatientOutcome = (Vec<f64>, Result<Vec<PatientArm>, RunError>);

/// Simulate one drawn patient in every arm and reduce each arm to [`PatientArm`].
fn run_patient(
    scenario: &Scenario,
    resolved: &[Resolved],
    seed: u64,
    index: usize,
    opts: &CompareOptions,
) -> Result<Vec<PatientArm>, RunError> {
    let patient = drawn_patient(scenario, resolved, seed, index)?;
    let y0 = scenario.settled(&patient)?;
    scenario
        .arms
        .iter()
        .map(|arm| {
            let r = scenario.run_arm(arm, &patient, &y0)?;
            Ok(PatientArm::of_run(&r, &opts.thresholds))
        })
        .collect()
}

/// Run a cohort: draw `opts.patients` patients from `spec` around the scenario's
/// patient and run every arm on each, in parallel. `on_patient` is called once per
/// finished patient (from worker threads; for progress bars).
///
/// ```
/// use spasm::analysis::cohort::{run_cohort, summarise, CohortOptions, CohortSpec};
/// use spasm::scenario::Scenario;
///
/// let sc = Scenario::load("examples/ibuprofen.toml".as_ref())?;
/// let opts = CohortOptions { patients: 4, seed: 7, compare: Default::default() };
/// let run = run_cohort(&sc, &CohortSpec::embedded()?, &opts, &|| {})?;
/// let summary = summarise(&run);
/// assert_eq!((summary.patients, summary.arms.len()), (4, 2));
/// // The same seed draws the same patients, whatever the number of threads.
/// let again = summarise(&run_cohort(&sc, &CohortSpec::embedded()?, &opts, &|| {})?);
/// assert_eq!(format!("{summary:?}"), format!("{again:?}"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_cohort(
    scenario: &Scenario,
    spec: &CohortSpec,
    opts: &CohortOptions,
    on_patient: &(dyn Fn() + Sync),
) -> Result<CohortRun, CompareError> {
    let run = run_cohort_range(scenario, spec, opts, 0..opts.patients, on_patient)?;
    run.check_some_kept()?;
    Ok(run)
}

/// Run the patients `patients` (indices into the cohort of `opts.patients`) of a
/// cohort, as [`run_cohort`] does for all of them: patient `i` is drawn from its own
/// stream `i`, so these rows are exactly those rows of the whole cohort (a shard,
/// see [`crate::analysis::shard`]). The run's statistics need every patient; a
/// range with no patient kept is not an error here ([`CohortRun::check_some_kept`]).
///
/// ```
/// use spasm::analysis::cohort::{run_cohort, run_cohort_range, CohortOptions, CohortSpec};
/// use spasm::scenario::Scenario;
///
/// let sc = Scenario::load("examples/ibuprofen.toml".as_ref())?;
/// let spec = CohortSpec::embedded()?;
/// let opts = CohortOptions { patients: 4, seed: 7, compare: Default::default() };
/// let all = run_cohort(&sc, &spec, &opts, &|| {})?;
/// let last = run_cohort_range(&sc, &spec, &opts, 2..4, &|| {})?;
/// assert_eq!(last.kept, vec![2, 3]);
/// assert_eq!(last.results[..], all.results[2..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_cohort_range(
    scenario: &Scenario,
    spec: &CohortSpec,
    opts: &CohortOptions,
    patients: std::ops::Range<usize>,
    on_patient: &(dyn Fn() + Sync),
) -> Result<CohortRun, CompareError> {
    let mut run = CohortRun::frame(scenario, spec, opts)?;
    let resolved = &run.resolved;
    let seed = opts.seed;
    let first = patients.start;
    let per_patient: Vec<PatientOutcome> = patients
        .into_par_iter()
        .map(|i| {
            let drawn = draw_patient(resolved, seed, i as u64);
            let r = run_patient(scenario, resolved, seed, i, &opts.compare);
            on_patient();
            (drawn, r)
        })
        .collect();
    for (offset, (drawn, r)) in per_patient.into_iter().enumerate() {
        let i = first + offset;
        match r {
            Ok(v) => {
                run.kept.push(i);
                run.results.push(v);
                run.drawn.push(drawn);
            }
            Err(e) => run.excluded.push(Excluded {
                patient: i,
                reason: e.to_string(),
            }),
        }
    }
    Ok(run)
}

impl CohortRun {
    /// A cohort run with everything but its patients: the arms, the reference, the
    /// windows and the resolved distributions of `opts` on `scenario`. The patients'
    /// rows are added by [`run_cohort_range`], or read back from files when shards
    /// are merged.
    pub fn frame(
        scenario: &Scenario,
        spec: &CohortSpec,
        opts: &CohortOptions,
    ) -> Result<CohortRun, CompareError> {
        if opts.patients == 0 {
            return Err(CompareError::NoPatients(0));
        }
        let names: Vec<&str> = scenario.arms.iter().map(|a| a.name.as_str()).collect();
        let (reference, reference_note) =
            resolve_reference(&names, opts.compare.reference.as_deref())?;
        let resolved = spec.resolve(scenario)?;
        let t_end = scenario.duration;
        Ok(CohortRun {
            seed: opts.seed,
            requested: opts.patients,
            arms: names.iter().map(ToString::to_string).collect(),
            reference,
            reference_note,
            auc_window_h: AUC_WINDOW_S.min(t_end) / HOUR,
            broken_from_h: opts.compare.broken_from_s / HOUR,
            spasm_threshold_pct_mvc: 100.0 * opts.compare.thresholds.spasm_contraction,
            resolved,
            kept: Vec::new(),
            results: Vec::new(),
            drawn: Vec::new(),
            excluded: Vec::new(),
        })
    }

    /// An error when no patient could be simulated (the statistics need at least
    /// one), naming the first failure.
    pub fn check_some_kept(&self) -> Result<(), CompareError> {
        match (self.results.is_empty(), self.excluded.first()) {
            (true, Some(first)) => Err(CompareError::AllPatientsFailed {
                patient: first.patient,
                reason: first.reason.clone(),
            }),
            _ => Ok(()),
        }
    }
}
