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

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Deserialize;

use super::compare::{
    cycle, pain_auc_window, pct, resolve_reference, CompareError, CompareOptions,
};
use super::compare::{AUC_WINDOW_S, REFERENCE_NAME};
use crate::analysis::metrics::endpoints;
use crate::model::params::{ParamSet, Params};
use crate::scenario::{RunError, Scenario};
use crate::units::{Unit, HOUR, MINUTE};

/// The embedded distribution file `models/cohort.toml`.
pub const COHORT_TOML: &str = include_str!("../../models/cohort.toml");

/// Redraws of a truncated distribution before the value is clamped.
const MAX_REDRAWS: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    name: String,
    description: String,
    parameters: BTreeMap<String, EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    distribution: String,
    cv: Option<f64>,
    sd: Option<f64>,
    unit: String,
    range: Option<[f64; 2]>,
    source: String,
}

/// The shape of one parameter's distribution.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "distribution", rename_all = "snake_case")]
pub enum Shape {
    /// Lognormal with median = the patient's value and this coefficient of variation.
    Lognormal {
        /// Coefficient of variation, 1.
        cv: f64,
    },
    /// Normal with mean = the patient's value and this SD (in the entry's unit).
    Normal {
        /// Standard deviation in the entry's unit.
        sd: f64,
    },
}

/// One varied parameter as declared in the distribution file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamDistribution {
    /// Parameter name (a field of [`Params`]).
    pub name: String,
    /// Distribution and spread.
    pub shape: Shape,
    /// Unit of the parameter as the file writes it (and of `sd` and `range`).
    pub unit: String,
    /// Truncation range in `unit`, if the file gives one (else the documented range).
    pub range: Option<[f64; 2]>,
    /// Where the spread comes from.
    pub source: String,
}

/// A parsed distribution file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortSpec {
    /// Name of the file's cohort.
    pub name: String,
    /// What it describes.
    pub description: String,
    /// Varied parameters, alphabetical (the order of the draws).
    pub parameters: Vec<ParamDistribution>,
}

fn spec_err(file: &str, message: impl Into<String>) -> CompareError {
    CompareError::CohortSpec {
        file: file.to_string(),
        message: message.into(),
    }
}

impl CohortSpec {
    /// The embedded `models/cohort.toml`.
    pub fn embedded() -> Result<CohortSpec, CompareError> {
        Self::parse(COHORT_TOML, "models/cohort.toml")
    }

    /// Parse a distribution file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<CohortSpec, CompareError> {
        let f: SpecFile = toml::from_str(text).map_err(|e| spec_err(file, e.to_string()))?;
        let mut parameters = Vec::new();
        for (name, e) in f.parameters {
            let at = |m: String| spec_err(file, format!("parameter '{name}': {m}"));
            let canonical = Params::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, u)| *u)
                .ok_or_else(|| at("no such model parameter (see docs/model.md §7)".into()))?;
            Unit::convert(1.0, &e.unit, canonical)
                .map_err(|u| at(format!("unit '{}' does not fit: {u}", e.unit)))?;
            let positive = |x: Option<f64>, what: &str| match x {
                Some(v) if v.is_finite() && v > 0.0 => Ok(v),
                Some(v) => Err(at(format!("{what} must be a positive number (got {v})"))),
                None => Err(at(format!(
                    "a {} distribution needs `{what}`",
                    e.distribution
                ))),
            };
            let shape = match e.distribution.as_str() {
                "lognormal" => {
                    if e.sd.is_some() {
                        return Err(at("a lognormal distribution takes `cv`, not `sd`".into()));
                    }
                    Shape::Lognormal {
                        cv: positive(e.cv, "cv")?,
                    }
                }
                "normal" => {
                    if e.cv.is_some() {
                        return Err(at("a normal distribution takes `sd`, not `cv`".into()));
                    }
                    Shape::Normal {
                        sd: positive(e.sd, "sd")?,
                    }
                }
                other => {
                    return Err(at(format!(
                        "unknown distribution '{other}' (allowed: lognormal, normal)"
                    )))
                }
            };
            if let Some([lo, hi]) = e.range {
                if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                    return Err(at(format!(
                        "range [{lo}, {hi}] must be finite with lo < hi"
                    )));
                }
            }
            if e.source.trim().is_empty() {
                return Err(at("needs a source (or \"assumed\" with a reason)".into()));
            }
            parameters.push(ParamDistribution {
                name,
                shape,
                unit: e.unit,
                range: e.range,
                source: e.source,
            });
        }
        Ok(CohortSpec {
            name: f.name,
            description: f.description,
            parameters,
        })
    }

    /// Resolve against a patient: the centre (the patient's value) and truncation
    /// bounds of every parameter, in canonical units.
    pub fn resolve(&self, scenario: &Scenario) -> Result<Vec<Resolved>, CompareError> {
        let set = ParamSet::embedded(&scenario.set_name).map_err(|e| {
            spec_err(
                "models/cohort.toml",
                format!("cannot read the patient's set: {e}"),
            )
        })?;
        let mut p = scenario.patient.params().clone();
        self.parameters
            .iter()
            .map(|d| {
                let at = |m: String| spec_err("models/cohort.toml", format!("'{}': {m}", d.name));
                let canonical = Params::NAMES
                    .iter()
                    .find(|(n, _)| *n == d.name)
                    .map_or("1", |(_, u)| *u);
                let to_canon = |x: f64, unit: &str| {
                    Unit::convert(x, unit, canonical).map_err(|e| at(e.to_string()))
                };
                let info = set
                    .entries
                    .get(&d.name)
                    .ok_or_else(|| at(format!("not in the set '{}'", set.name)))?;
                if Unit::convert(1.0, &d.unit, &info.unit).is_err() {
                    return Err(at(format!(
                        "unit '{}' does not fit the set's unit '{}'",
                        d.unit, info.unit
                    )));
                }
                let (lo, hi) = match d.range {
                    Some([lo, hi]) => (to_canon(lo, &d.unit)?, to_canon(hi, &d.unit)?),
                    None => (
                        to_canon(info.range[0], &info.unit)?,
                        to_canon(info.range[1], &info.unit)?,
                    ),
                };
                let centre = *p
                    .get_mut(&d.name)
                    .ok_or_else(|| at("is not a model parameter".into()))?;
                let shape = match d.shape {
                    Shape::Lognormal { cv } => Draw::Lognormal {
                        sigma: (1.0 + cv * cv).ln().sqrt(),
                    },
                    Shape::Normal { sd } => Draw::Normal {
                        // A spread converts without the offset of affine units.
                        sd: to_canon(sd, &d.unit)? - to_canon(0.0, &d.unit)?,
                    },
                };
                Ok(Resolved {
                    name: d.name.clone(),
                    centre,
                    lo: lo.min(centre),
                    hi: hi.max(centre),
                    draw: shape,
                    unit: info.unit.clone(),
                    to_unit: to_canon(1.0, &info.unit)? - to_canon(0.0, &info.unit)?,
                    offset: to_canon(0.0, &info.unit)?,
                })
            })
            .collect()
    }
}

/// How a resolved parameter is drawn (canonical units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Draw {
    /// centre · exp(sigma · z).
    Lognormal {
        /// Log-scale SD.
        sigma: f64,
    },
    /// centre + sd · z.
    Normal {
        /// SD, canonical unit.
        sd: f64,
    },
}

/// A varied parameter resolved against a patient, canonical units.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// Parameter name.
    pub name: String,
    /// The patient's value (median or mean), canonical unit.
    pub centre: f64,
    /// Lower truncation bound, canonical unit.
    pub lo: f64,
    /// Upper truncation bound, canonical unit.
    pub hi: f64,
    /// Distribution.
    pub draw: Draw,
    /// The set's unit for reports.
    pub unit: String,
    /// Canonical units per set unit (scale), for reports.
    pub to_unit: f64,
    /// Canonical value of 0 in the set's unit (offset of affine units).
    pub offset: f64,
}

impl Resolved {
    /// A canonical value in the set's unit.
    pub fn in_unit(&self, x: f64) -> f64 {
        (x - self.offset) / self.to_unit
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let mut v = self.centre;
        for _ in 0..MAX_REDRAWS {
            let z: f64 = StandardNormal.sample(rng);
            v = match self.draw {
                Draw::Lognormal { sigma } => self.centre * (sigma * z).exp(),
                Draw::Normal { sd } => self.centre + sd * z,
            };
            if (self.lo..=self.hi).contains(&v) {
                return v;
            }
        }
        v.clamp(self.lo, self.hi)
    }
}

/// Draw patient `index`'s parameters: values in canonical units, in the order of
/// `resolved`. Depends only on `seed`, `index` and `resolved`.
pub fn draw_patient(resolved: &[Resolved], seed: u64, index: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    resolved.iter().map(|r| r.sample(&mut rng)).collect()
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
type PatientOutcome = (Vec<f64>, Result<Vec<PatientArm>, String>);

/// Simulate one drawn patient in every arm and reduce each arm to [`PatientArm`].
fn run_patient(
    scenario: &Scenario,
    resolved: &[Resolved],
    drawn: &[f64],
    seed: u64,
    index: usize,
    opts: &CompareOptions,
) -> Result<Vec<PatientArm>, RunError> {
    let patient = scenario
        .patient
        .with_values(
            resolved
                .iter()
                .map(|r| r.name.as_str())
                .zip(drawn.iter().copied()),
            &format!("virtual cohort, seed {seed}, patient {index}"),
        )
        .map_err(|source| RunError::Patient { source })?;
    let y0 = patient
        .settle(scenario.settle, &scenario.solver)
        .map_err(|source| RunError::Settle { arm: None, source })?;
    let th = &opts.thresholds;
    scenario
        .arms
        .iter()
        .map(|arm| {
            let r = scenario.run_arm(arm, &patient, &y0)?;
            let tr = &r.trajectory;
            let e = endpoints(r.patient.model(), tr, th);
            let inf = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
            Ok(PatientArm {
                pain_auc: pain_auc_window(tr, AUC_WINDOW_S).0,
                peak_pain: e.peak_pain_nrs,
                spasm_h: e.spasm_min / (HOUR / MINUTE),
                ischemic_min: e.ischemic_min,
                relief_h: inf(e.time_to_relief_h),
                recovery_h: inf(e.time_to_recovery_h),
                cycle_h: cycle(tr, th).hours(),
                relapses: e.relapses as f64,
            })
        })
        .collect()
}

/// Run a cohort: draw `opts.patients` patients from `spec` around the scenario's
/// patient and run every arm on each, in parallel. `on_patient` is called once per
/// finished patient (from worker threads; for progress bars).
pub fn run_cohort(
    scenario: &Scenario,
    spec: &CohortSpec,
    opts: &CohortOptions,
    on_patient: &(dyn Fn() + Sync),
) -> Result<CohortRun, CompareError> {
    if opts.patients == 0 {
        return Err(CompareError::NoPatients(0));
    }
    let names: Vec<&str> = scenario.arms.iter().map(|a| a.name.as_str()).collect();
    let (reference, reference_note) = resolve_reference(&names, opts.compare.reference.as_deref())?;
    let resolved = spec.resolve(scenario)?;
    let seed = opts.seed;
    let per_patient: Vec<PatientOutcome> = (0..opts.patients)
        .into_par_iter()
        .map(|i| {
            let drawn = draw_patient(&resolved, seed, i as u64);
            let r = run_patient(scenario, &resolved, &drawn, seed, i, &opts.compare)
                .map_err(|e| e.to_string());
            on_patient();
            (drawn, r)
        })
        .collect();
    let mut kept = Vec::new();
    let mut results = Vec::new();
    let mut drawn_kept = Vec::new();
    let mut excluded = Vec::new();
    for (i, (drawn, r)) in per_patient.into_iter().enumerate() {
        match r {
            Ok(v) => {
                kept.push(i);
                results.push(v);
                drawn_kept.push(drawn);
            }
            Err(reason) => excluded.push(Excluded { patient: i, reason }),
        }
    }
    if results.is_empty() {
        let first = excluded.first().map_or(String::new(), |e| {
            format!("patient {}: {}", e.patient, e.reason)
        });
        return Err(CompareError::AllPatientsFailed(first));
    }
    let t_end = scenario.duration;
    Ok(CohortRun {
        seed,
        requested: opts.patients,
        arms: names.iter().map(ToString::to_string).collect(),
        reference,
        reference_note,
        auc_window_h: AUC_WINDOW_S.min(t_end) / HOUR,
        broken_from_h: opts.compare.broken_from_s / HOUR,
        spasm_threshold_pct_mvc: 100.0 * opts.compare.thresholds.spasm_contraction,
        resolved,
        kept,
        results,
        drawn: drawn_kept,
        excluded,
    })
}

/// Quartiles; `None` = not reached (the quantile falls among censored patients).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Quartiles {
    /// 25th percentile.
    pub q1: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 75th percentile.
    pub q3: Option<f64>,
}

/// Quantile `q` (0–1) of sorted values, type 7 (linear interpolation between order
/// statistics); infinite values stand for "not reached" and give `INFINITY`.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (a, b) = (sorted[lo], sorted[hi]);
    if a.is_infinite() || b.is_infinite() {
        return if lo == hi || h == lo as f64 {
            a
        } else {
            f64::INFINITY
        };
    }
    a + (h - lo as f64) * (b - a)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Quartiles of `values` (any order).
pub fn quartiles(values: &[f64]) -> Quartiles {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    Quartiles {
        q1: finite(quantile_sorted(&v, 0.25)),
        median: finite(quantile_sorted(&v, 0.5)),
        q3: finite(quantile_sorted(&v, 0.75)),
    }
}

/// A mean with a 95 % interval (normal approximation: mean ± 1.96·SD/√N).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MeanCi {
    /// Mean.
    pub mean: f64,
    /// Sample SD (N − 1); `None` for one value.
    pub sd: Option<f64>,
    /// Lower 95 % bound; `None` for one value.
    pub lo: Option<f64>,
    /// Upper 95 % bound; `None` for one value.
    pub hi: Option<f64>,
}

/// Mean and 95 % interval of `values`, summed in order (deterministic).
pub fn mean_ci(values: &[f64]) -> MeanCi {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return MeanCi {
            mean,
            sd: None,
            lo: None,
            hi: None,
        };
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let sd = var.sqrt();
    let half = 1.96 * sd / n.sqrt();
    MeanCi {
        mean,
        sd: Some(sd),
        lo: Some(mean - half),
        hi: Some(mean + half),
    }
}

/// Cohort statistics of one arm.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortArm {
    /// Arm name.
    pub name: String,
    /// Rank by mean pain AUC (1 = lowest).
    pub rank: usize,
    /// Patients in the statistics.
    pub patients: usize,
    /// Pain AUC over the window, NRS·h.
    pub pain_auc_nrs_h: Quartiles,
    /// Mean pain AUC, NRS·h.
    pub pain_auc_mean_nrs_h: f64,
    /// Paired difference of pain AUC to the reference, NRS·h.
    pub diff_pain_auc_nrs_h: MeanCi,
    /// Mean paired difference in % of the reference's mean AUC.
    pub diff_pain_auc_pct: f64,
    /// Paired difference of mean pain over the window on 0–100.
    pub diff_mean_pain_0_100: MeanCi,
    /// Time in spasm, h.
    pub spasm_h: Quartiles,
    /// Paired difference of time in spasm, h.
    pub diff_spasm_h: MeanCi,
    /// Peak pain, NRS.
    pub peak_pain_nrs: Quartiles,
    /// Time ischemic, min.
    pub ischemic_min: Quartiles,
    /// Time to relief, h.
    pub time_to_relief_h: Quartiles,
    /// Time to recovery, h.
    pub time_to_recovery_h: Quartiles,
    /// Time the cycle was broken (last exit from spasm), h.
    pub cycle_broken_h: Quartiles,
    /// Mean number of relapses.
    pub relapses_mean: f64,
    /// Fraction of patients with no spasm from `broken_from_h` to the end.
    pub fraction_broken: f64,
    /// Fraction of patients whose pain AUC is below the reference's.
    pub fraction_better: f64,
    /// Pain AUC at the 5th and 95th percentiles, NRS·h (for box plots).
    pub pain_auc_p5_p95: [f64; 2],
}

/// Distribution of one drawn parameter over the kept patients, in the set's unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DrawnSummary {
    /// Parameter name.
    pub name: String,
    /// The set's unit.
    pub unit: String,
    /// The patient's value.
    pub centre: f64,
    /// Truncation bounds.
    pub range: [f64; 2],
    /// Quartiles of the drawn values.
    pub quartiles: Quartiles,
    /// Smallest and largest drawn value.
    pub min_max: [f64; 2],
}

/// Cohort statistics of every arm.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortSummary {
    /// Seed of the draws.
    pub seed: u64,
    /// Patients asked for.
    pub requested: usize,
    /// Patients in the statistics.
    pub patients: usize,
    /// Patients excluded (could not be simulated).
    pub excluded: Vec<Excluded>,
    /// Reference arm name.
    pub reference: String,
    /// Set when the reference was chosen by fallback.
    pub reference_note: Option<String>,
    /// Ranking window, h.
    pub auc_window_h: f64,
    /// Loop-broken check from this time, h.
    pub broken_from_h: f64,
    /// Spasm threshold, %MVC.
    pub spasm_threshold_pct_mvc: f64,
    /// Arms in scenario order.
    pub arms: Vec<CohortArm>,
    /// Arm indices by mean pain AUC, lowest first.
    pub ranking: Vec<usize>,
    /// The drawn parameters.
    pub drawn: Vec<DrawnSummary>,
}

/// Reduce a cohort run to per-arm statistics (sequential, in patient order).
pub fn summarise(run: &CohortRun) -> CohortSummary {
    let n = run.results.len();
    let col = |a: usize, f: &dyn Fn(&PatientArm) -> f64| -> Vec<f64> {
        run.results.iter().map(|p| f(&p[a])).collect()
    };
    let r = run.reference;
    let ref_auc = col(r, &|x| x.pain_auc);
    let ref_spasm = col(r, &|x| x.spasm_h);
    let ref_mean_auc = ref_auc.iter().sum::<f64>() / n as f64;
    let w = run.auc_window_h;
    let mut arms: Vec<CohortArm> = (0..run.arms.len())
        .map(|a| {
            let auc = col(a, &|x| x.pain_auc);
            let spasm = col(a, &|x| x.spasm_h);
            let d_auc: Vec<f64> = auc.iter().zip(&ref_auc).map(|(x, y)| x - y).collect();
            let d_pain: Vec<f64> = d_auc
                .iter()
                .map(|d| if w > 0.0 { 10.0 * d / w } else { 0.0 })
                .collect();
            let d_spasm: Vec<f64> = spasm.iter().zip(&ref_spasm).map(|(x, y)| x - y).collect();
            let mut sorted_auc = auc.clone();
            sorted_auc.sort_by(f64::total_cmp);
            let diff = mean_ci(&d_auc);
            let frac =
                |f: &dyn Fn(usize) -> bool| (0..n).filter(|&i| f(i)).count() as f64 / n as f64;
            CohortArm {
                name: run.arms[a].clone(),
                rank: 0,
                patients: n,
                pain_auc_nrs_h: quartiles(&auc),
                pain_auc_mean_nrs_h: auc.iter().sum::<f64>() / n as f64,
                diff_pain_auc_pct: pct(diff.mean, ref_mean_auc),
                diff_pain_auc_nrs_h: diff,
                diff_mean_pain_0_100: mean_ci(&d_pain),
                spasm_h: quartiles(&spasm),
                diff_spasm_h: mean_ci(&d_spasm),
                peak_pain_nrs: quartiles(&col(a, &|x| x.peak_pain)),
                ischemic_min: quartiles(&col(a, &|x| x.ischemic_min)),
                time_to_relief_h: quartiles(&col(a, &|x| x.relief_h)),
                time_to_recovery_h: quartiles(&col(a, &|x| x.recovery_h)),
                cycle_broken_h: quartiles(&col(a, &|x| x.cycle_h)),
                relapses_mean: col(a, &|x| x.relapses).iter().sum::<f64>() / n as f64,
                fraction_broken: frac(&|i| run.results[i][a].cycle_h <= run.broken_from_h),
                fraction_better: frac(&|i| auc[i] < ref_auc[i]),
                pain_auc_p5_p95: [
                    quantile_sorted(&sorted_auc, 0.05),
                    quantile_sorted(&sorted_auc, 0.95),
                ],
            }
        })
        .collect();
    let ranking = super::compare::rank_order(
        &arms
            .iter()
            .map(|a| a.pain_auc_mean_nrs_h)
            .collect::<Vec<_>>(),
    );
    for (k, &i) in ranking.iter().enumerate() {
        arms[i].rank = k + 1;
    }
    let drawn = run
        .resolved
        .iter()
        .enumerate()
        .map(|(j, res)| {
            let v: Vec<f64> = run.drawn.iter().map(|d| res.in_unit(d[j])).collect();
            let q = quartiles(&v);
            DrawnSummary {
                name: res.name.clone(),
                unit: res.unit.clone(),
                centre: res.in_unit(res.centre),
                range: [res.in_unit(res.lo), res.in_unit(res.hi)],
                quartiles: q,
                min_max: [
                    v.iter().copied().fold(f64::INFINITY, f64::min),
                    v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ],
            }
        })
        .collect();
    CohortSummary {
        seed: run.seed,
        requested: run.requested,
        patients: n,
        excluded: run.excluded.clone(),
        reference: run
            .arms
            .get(r)
            .cloned()
            .unwrap_or_else(|| REFERENCE_NAME.into()),
        reference_note: run.reference_note.clone(),
        auc_window_h: run.auc_window_h,
        broken_from_h: run.broken_from_h,
        spasm_threshold_pct_mvc: run.spasm_threshold_pct_mvc,
        arms,
        ranking,
        drawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_fields_are_distinct_and_cover_the_cohort_file() {
        let mut p = ParamSet::embedded("healthy").unwrap().to_params().unwrap();
        let mut seen = std::collections::HashSet::new();
        for (name, _) in Params::NAMES {
            let f = p.get_mut(name).expect("every parameter is reachable");
            assert!(seen.insert(f as *mut f64 as usize), "{name} aliases");
        }
        for d in CohortSpec::embedded().unwrap().parameters {
            assert!(p.get_mut(&d.name).is_some(), "{}", d.name);
        }
        assert!(p.get_mut("nope").is_none());
    }

    #[test]
    fn embedded_spec_is_valid_and_documented() {
        let s = CohortSpec::embedded().unwrap();
        assert!(s.parameters.len() >= 10);
        for d in &s.parameters {
            assert!(!d.source.trim().is_empty());
        }
        let sc = crate::analysis::compare::benchmark();
        let r = s.resolve(&sc).unwrap();
        for x in &r {
            assert!(x.lo <= x.centre && x.centre <= x.hi, "{}", x.name);
        }
    }

    #[test]
    fn spec_errors_are_clear() {
        let bad = |t: &str| CohortSpec::parse(t, "x.toml").unwrap_err().to_string();
        let head = "name = \"c\"\ndescription = \"d\"\n[parameters]\n";
        assert!(bad(&format!(
            "{head}tau_hael = {{ distribution = \"lognormal\", cv = 0.2, unit = \"d\", source = \"s\" }}"
        ))
        .contains("no such model parameter"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"gamma\", cv = 0.2, unit = \"d\", source = \"s\" }}"
        ))
        .contains("unknown distribution"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"lognormal\", cv = -1, unit = \"d\", source = \"s\" }}"
        ))
        .contains("positive"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"lognormal\", cv = 0.2, unit = \"mg\", source = \"s\" }}"
        ))
        .contains("does not fit"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"lognormal\", cv = 0.2, unit = \"d\", source = \" \" }}"
        ))
        .contains("source"));
    }

    #[test]
    fn draws_are_reproducible_truncated_and_centred() {
        let sc = crate::analysis::compare::benchmark();
        let r = CohortSpec::embedded().unwrap().resolve(&sc).unwrap();
        assert_eq!(draw_patient(&r, 7, 3), draw_patient(&r, 7, 3));
        assert_ne!(draw_patient(&r, 7, 3), draw_patient(&r, 7, 4));
        assert_ne!(draw_patient(&r, 7, 3), draw_patient(&r, 8, 3));
        let n = 4000;
        let all: Vec<Vec<f64>> = (0..n).map(|i| draw_patient(&r, 1, i)).collect();
        for (j, x) in r.iter().enumerate() {
            let mut v: Vec<f64> = all.iter().map(|d| d[j]).collect();
            assert!(v.iter().all(|y| (x.lo..=x.hi).contains(y)), "{}", x.name);
            v.sort_by(f64::total_cmp);
            let med = quantile_sorted(&v, 0.5);
            // Truncation shifts the median a little; within 12 % of the centre.
            assert!(
                (med / x.centre - 1.0).abs() < 0.12,
                "{}: median {med} vs {}",
                x.name,
                x.centre
            );
        }
    }

    #[test]
    fn quantiles_and_intervals() {
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0], 0.25), 1.5);
        let inf = f64::INFINITY;
        let q = quartiles(&[1.0, 2.0, inf, inf, inf]);
        assert_eq!(q.q1, Some(2.0));
        assert_eq!(q.median, None);
        let m = mean_ci(&[1.0, 3.0]);
        assert_eq!(m.mean, 2.0);
        assert!((m.sd.unwrap() - 2f64.sqrt()).abs() < 1e-12);
        assert!((m.hi.unwrap() - (2.0 + 1.96)).abs() < 1e-12);
        assert_eq!(mean_ci(&[5.0]).lo, None);
    }
}
