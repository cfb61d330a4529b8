//! Sensitivity of a scenario's endpoints: factors resolved against the scenario's
//! patient (ranges from `models/*.toml` unless overridden), the design of the chosen
//! method evaluated in parallel (every row a patient, every chosen arm run on it,
//! each run reduced by [`PatientArm::of_run`]), then the indices per arm and endpoint.
//!
//! **Endpoints for the analysis.** A time to an event that is not reached within the
//! run (relief, recovery, end of the cycle) is counted as the run's length (censored
//! at the end), so that it has a value to vary; a run that fails is `NaN` and handled
//! by each method's failure policy (see [`super`]).
//!
//! **Settling.** Each row settles its own patient: the factors of a sensitivity
//! analysis usually shape the resting state, and a shared state would bias them.
//!
//! **Reproducibility and scale.** Rows are evaluated in parallel in chunks of
//! [`CHUNK_ROWS`] (rayon, indexed collect) and handed in row order to the caller's
//! sink, so memory is flat in the number of rows apart from the outputs themselves
//! (8 bytes per row, arm and endpoint), and the results are bit-identical for any
//! number of threads.
//!
//! Length: ≈ 650 lines: one study (design, evaluation in ranges for shards, indices) from options to results.

use rayon::prelude::*;
use serde::Serialize;

use super::{local, morris, sobol, Bootstrap, Factor, GsaError, Problem};
use crate::analysis::cohort::PatientArm;
use crate::analysis::metrics::MetricThresholds;
use crate::analysis::sweep::{evaluate_point, resolve_range, Bound, SweepError};
use crate::scenario::Scenario;
use crate::units::HOUR;

/// Rows evaluated in parallel before they are handed on.
pub const CHUNK_ROWS: usize = 64;

/// Parameters analysed when none are named: the injury, the fusimotor loop, oedema,
/// oxygen supply, nociception and healing (the mechanisms of the acute episode).
pub const DEFAULT_PARAMETERS: &[&str] = &[
    "h_initial",
    "fac_injury",
    "gain_gamma",
    "w2",
    "k_gamma",
    "k_edema",
    "k_o",
    "k_n",
    "kappa",
    "sigma_h",
];

/// Endpoints analysed when none are named.
pub const DEFAULT_ENDPOINTS: &[&str] = &["pain_auc_7d_nrs_h", "spasm_h"];

/// Default number of Sobol' base samples `N` (rows: `N (k + 2)`).
pub const DEFAULT_SOBOL_SAMPLES: usize = 1024;

/// Default number of Morris trajectories `r` (rows: `r (k + 1)`).
pub const DEFAULT_MORRIS_TRAJECTORIES: usize = 20;

/// The methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Normalised local sensitivities by central differences ([`local`]).
    Local,
    /// Morris elementary effects ([`morris`]).
    Morris,
    /// Sobol' first-order and total indices ([`sobol`]).
    Sobol,
}

impl Method {
    /// The names, for messages.
    pub const NAMES: &'static str = "local, morris, sobol";

    /// Read a method name.
    pub fn parse(s: &str) -> Result<Method, StudyError> {
        match s {
            "local" => Ok(Method::Local),
            "morris" => Ok(Method::Morris),
            "sobol" => Ok(Method::Sobol),
            _ => Err(StudyError::UnknownMethod(s.to_string())),
        }
    }
}

/// Why a sensitivity analysis cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StudyError {
    /// Unknown method.
    #[error("unknown method '{0}' (allowed: {names})", names = Method::NAMES)]
    UnknownMethod(String),
    /// Unknown endpoint.
    #[error("unknown endpoint '{0}' (allowed: {names})", names = PatientArm::NAMES.join(", "))]
    UnknownEndpoint(String),
    /// Unknown arm.
    #[error("no arm '{name}' in the scenario (arms: {arms})")]
    UnknownArm {
        /// The name given.
        name: String,
        /// The arms there are.
        arms: String,
    },
    /// A parameter or range is wrong.
    #[error(transparent)]
    Range(#[from] SweepError),
    /// `--range` or `--log` names a parameter that is not analysed.
    #[error("{option} {name}: not an analysed parameter (analysed: {analysed})")]
    NotAnalysed {
        /// `--range` or `--log`.
        option: &'static str,
        /// The name.
        name: String,
        /// The analysed parameters.
        analysed: String,
    },
    /// Sobol' needs a power of two.
    #[error("--samples {0}: Sobol' needs a power of two from 2 to 65536 (e.g. 1024)")]
    NotPowerOfTwo(usize),
    /// Too few samples.
    #[error("--samples {0}: at least 2 are needed")]
    TooFewSamples(usize),
    /// The design or the analysis failed.
    #[error(transparent)]
    Gsa(#[from] GsaError),
}

/// What to analyse and how.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// The method.
    pub method: Method,
    /// Parameters (none: [`DEFAULT_PARAMETERS`]).
    pub parameters: Vec<String>,
    /// Range overrides `(name, lo, hi)`, bounds as written.
    pub ranges: Vec<(String, Bound, Bound)>,
    /// Parameters sampled uniformly in `ln x`.
    pub log: Vec<String>,
    /// Sobol' `N` or Morris `r` (ignored by local).
    pub samples: usize,
    /// Morris levels `p` (even).
    pub levels: usize,
    /// Seed of the design and of the bootstrap.
    pub seed: u64,
    /// Endpoint names (none: [`DEFAULT_ENDPOINTS`]).
    pub endpoints: Vec<String>,
    /// Arm names (none: every arm).
    pub arms: Vec<String>,
    /// Bootstrap of the intervals.
    pub bootstrap: Bootstrap,
    /// Endpoint thresholds.
    pub thresholds: MetricThresholds,
}

impl Default for StudyOptions {
    fn default() -> Self {
        Self {
            method: Method::Sobol,
            parameters: Vec::new(),
            ranges: Vec::new(),
            log: Vec::new(),
            samples: DEFAULT_SOBOL_SAMPLES,
            levels: morris::DEFAULT_LEVELS,
            seed: 0,
            endpoints: Vec::new(),
            arms: Vec::new(),
            bootstrap: Bootstrap::default(),
            thresholds: MetricThresholds::default(),
        }
    }
}

/// A factor of the study with its unit and nominal value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyFactor {
    /// Name, range (in `unit`) and scale.
    #[serde(flatten)]
    pub factor: Factor,
    /// The parameter set's unit.
    pub unit: String,
    /// The scenario patient's value, in `unit`.
    pub nominal: f64,
    /// Where the range comes from: "models" (documented range) or "--range".
    pub range_source: &'static str,
}

/// A checked study: factors, arms and endpoints, and the design rows to evaluate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The options.
    pub options: StudyOptions,
    /// Factors.
    pub factors: Vec<StudyFactor>,
    /// Arm indices into the scenario's arms.
    pub arms: Vec<usize>,
    /// Arm names.
    pub arm_names: Vec<String>,
    /// Endpoint indices into [`PatientArm::NAMES`].
    pub endpoints: Vec<usize>,
    /// The design.
    pub design: Design,
}

/// The design of a plan.
#[derive(Debug, Clone)]
pub enum Design {
    /// Local: rows of [`local::design`].
    Local(Vec<Vec<f64>>),
    /// Morris.
    Morris(Box<morris::MorrisDesign>),
    /// Sobol'.
    Sobol(Box<sobol::SobolDesign>),
}

impl Plan {
    /// Number of rows (model evaluations, each running every chosen arm).
    pub fn rows(&self) -> usize {
        match &self.design {
            Design::Local(r) => r.len(),
            Design::Morris(d) => d.nrows(),
            Design::Sobol(d) => d.nrows(),
        }
    }

    /// Row `i`'s factor values, in the factors' units.
    pub fn row(&self, i: usize) -> &[f64] {
        match &self.design {
            Design::Local(r) => &r[i],
            Design::Morris(d) => d.x.row(i),
            Design::Sobol(d) => d.x.row(i),
        }
    }

    /// Factor names.
    pub fn names(&self) -> Vec<String> {
        self.factors.iter().map(|f| f.factor.name.clone()).collect()
    }
}

fn joined(names: impl IntoIterator<Item = String>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// Check the options against the scenario and build the design.
pub fn plan(scenario: &Scenario, options: &StudyOptions) -> Result<Plan, StudyError> {
    let names: Vec<String> = if options.parameters.is_empty() {
        DEFAULT_PARAMETERS.iter().map(ToString::to_string).collect()
    } else {
        options.parameters.clone()
    };
    for (option, list) in [
        (
            "--range",
            options
                .ranges
                .iter()
                .map(|r| r.0.clone())
                .collect::<Vec<_>>(),
        ),
        ("--log", options.log.clone()),
    ] {
        if let Some(bad) = list.iter().find(|n| !names.contains(n)) {
            return Err(StudyError::NotAnalysed {
                option,
                name: bad.clone(),
                analysed: joined(names.clone()),
            });
        }
    }
    let patient = &scenario.patient;
    let mut factors: Vec<StudyFactor> = Vec::new();
    for name in &names {
        if factors.iter().any(|f| &f.factor.name == name) {
            return Err(SweepError::Duplicate(name.clone()).into());
        }
        let log = options.log.contains(name);
        let entry = patient
            .set()
            .entries
            .get(name)
            .ok_or_else(|| crate::model::params::ParamError::unknown_parameter(name))
            .map_err(SweepError::from)?;
        let (lo, hi, source) =
            if let Some((_, lo, hi)) = options.ranges.iter().find(|r| &r.0 == name) {
                (lo.clone(), hi.clone(), "--range")
            } else {
                let b = |v| Bound {
                    value: v,
                    unit: None,
                };
                (b(entry.range[0]), b(entry.range[1]), "models")
            };
        let (lo, hi, unit) = resolve_range(patient, name, &lo, &hi, log)?;
        factors.push(StudyFactor {
            factor: Factor {
                name: name.clone(),
                lo,
                hi,
                log,
            },
            unit,
            nominal: entry.value,
            range_source: source,
        });
    }
    let endpoint_names: Vec<String> = if options.endpoints.is_empty() {
        DEFAULT_ENDPOINTS.iter().map(ToString::to_string).collect()
    } else {
        options.endpoints.clone()
    };
    let endpoints = endpoint_names
        .iter()
        .map(|e| PatientArm::index_of(e).ok_or_else(|| StudyError::UnknownEndpoint(e.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let arms: Vec<usize> = if options.arms.is_empty() {
        (0..scenario.arms.len()).collect()
    } else {
        options
            .arms
            .iter()
            .map(|a| {
                scenario
                    .arms
                    .iter()
                    .position(|x| &x.name == a)
                    .ok_or_else(|| StudyError::UnknownArm {
                        name: a.clone(),
                        arms: joined(scenario.arms.iter().map(|x| x.name.clone())),
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let problem = Problem::new(factors.iter().map(|f| f.factor.clone()).collect())?;
    let design = match options.method {
        Method::Local => Design::Local(local::design(
            &factors.iter().map(|f| f.nominal).collect::<Vec<_>>(),
            local::LOCAL_STEPS,
        )),
        Method::Morris => {
            if options.samples < 2 {
                return Err(StudyError::TooFewSamples(options.samples));
            }
            Design::Morris(Box::new(morris::design(
                &problem,
                options.samples,
                options.levels,
                options.seed,
            )?))
        }
        Method::Sobol => {
            let n = options.samples;
            if !(n.is_power_of_two() && (2..=sobol::MAX_BASE_SAMPLES).contains(&n)) {
                return Err(StudyError::NotPowerOfTwo(n));
            }
            Design::Sobol(Box::new(sobol::design(&problem, n, options.seed)?))
        }
    };
    Ok(Plan {
        options: options.clone(),
        factors,
        arm_names: arms
            .iter()
            .map(|&a| scenario.arms[a].name.clone())
            .collect(),
        arms,
        endpoints,
        design,
    })
}

/// One evaluated row: its outcome per chosen arm.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyRow {
    /// Row index.
    pub row: usize,
    /// Per chosen arm: the endpoints or why the run failed.
    pub arms: Vec<crate::analysis::sweep::ArmOutcome>,
}

/// The value of endpoint `e` of an outcome for the analysis: `NaN` for a failed
/// run, a time not reached counted as the run's length `t_end_h` (h).
pub fn analysed_value(outcome: &crate::analysis::sweep::ArmOutcome, e: usize, t_end_h: f64) -> f64 {
    match outcome {
        Ok(a) => {
            let v = a.values()[e];
            if v == f64::INFINITY {
                t_end_h
            } else {
                v
            }
        }
        Err(_) => f64::NAN,
    }
}

/// The outputs of a study: `y[arm][endpoint][row]`, chosen arms and endpoints in the
/// plan's order (endpoint units as in [`PatientArm::NAMES`]).
pub type Outputs = Vec<Vec<Vec<f64>>>;

/// Evaluate every row of `plan` on `scenario` in parallel chunks; `sink` receives each
/// chunk in row order (for streaming to disk), `on_row` is called per finished row.
/// Returns the outputs `y[arm][endpoint][row]` (chosen arms and endpoints, in the
/// plan's order) and the number of failed (row, arm) runs. For the local method the
/// solver runs at [`local::LOCAL_RTOL`] (or the scenario's, if tighter).
pub fn evaluate<E>(
    scenario: &Scenario,
    plan: &Plan,
    on_row: &(dyn Fn() + Sync),
    sink: &mut dyn FnMut(&[StudyRow]) -> Result<(), E>,
) -> Result<(Outputs, usize), E> {
    let mut outputs = Collected::new(scenario, plan);
    evaluate_range(scenario, plan, 0..plan.rows(), on_row, &mut |rows| {
        outputs.add(plan, rows);
        sink(rows)
    })?;
    Ok(outputs.finish())
}

/// Evaluate the rows `rows` of `plan` only (a shard, see [`crate::analysis::shard`]),
/// handing them to `sink` in row order in chunks, as [`evaluate`] does; the rows are
/// exactly those rows of the whole design.
pub fn evaluate_range<E>(
    scenario: &Scenario,
    plan: &Plan,
    rows: std::ops::Range<usize>,
    on_row: &(dyn Fn() + Sync),
    sink: &mut dyn FnMut(&[StudyRow]) -> Result<(), E>,
) -> Result<(), E> {
    let tight;
    let scenario = if plan.options.method == Method::Local {
        let mut s = scenario.clone();
        s.solver.rtol = s.solver.rtol.min(local::LOCAL_RTOL);
        tight = s;
        &tight
    } else {
        scenario
    };
    let names = plan.names();
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + CHUNK_ROWS).min(rows.end);
        let chunk: Vec<StudyRow> = (start..end)
            .into_par_iter()
            .map(|i| {
                let arms = evaluate_point(
                    scenario,
                    &names,
                    plan.row(i),
                    None,
                    &plan.arms,
                    &plan.options.thresholds,
                );
                on_row();
                StudyRow { row: i, arms }
            })
            .collect();
        sink(&chunk)?;
        start = end;
    }
    Ok(())
}

/// The outputs of a study gathered from its rows, in row order: what [`analyze`]
/// needs. [`evaluate`] gathers them as it goes; `spasm merge` from the rows of the
/// shards.
#[derive(Debug, Clone)]
pub struct Collected {
    y: Outputs,
    failed: usize,
    t_end_h: f64,
}

impl Collected {
    /// Nothing gathered yet, for `plan` on `scenario`.
    pub fn new(scenario: &Scenario, plan: &Plan) -> Collected {
        let n = plan.rows();
        Collected {
            y: vec![vec![Vec::with_capacity(n); plan.endpoints.len()]; plan.arms.len()],
            failed: 0,
            t_end_h: scenario.duration / HOUR,
        }
    }

    /// Add the next rows (in row order).
    pub fn add(&mut self, plan: &Plan, rows: &[StudyRow]) {
        for r in rows {
            for (a, outcome) in r.arms.iter().enumerate() {
                self.failed += usize::from(outcome.is_err());
                for (k, &e) in plan.endpoints.iter().enumerate() {
                    self.y[a][k].push(analysed_value(outcome, e, self.t_end_h));
                }
            }
        }
    }

    /// The outputs `y[arm][endpoint][row]` and the number of failed (row, arm) runs.
    pub fn finish(self) -> (Outputs, usize) {
        (self.y, self.failed)
    }
}

/// The options of a sensitivity analysis as the command line gives them (names and
/// texts, not yet checked): what a shard records so that `spasm merge` can rebuild
/// the same [`Plan`].
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StudyRequest {
    /// `local`, `morris` or `sobol`.
    pub method: String,
    /// Parameters (none: [`DEFAULT_PARAMETERS`]).
    pub parameters: Vec<String>,
    /// Range overrides, `NAME=LO:HI`.
    pub ranges: Vec<String>,
    /// Parameters sampled uniformly in `ln x`.
    pub log: Vec<String>,
    /// Sobol' `N` or Morris `r` (none: the method's default).
    pub samples: Option<usize>,
    /// Seed of the design and of the bootstrap.
    pub seed: u64,
    /// Endpoint names (none: [`DEFAULT_ENDPOINTS`]).
    pub endpoints: Vec<String>,
    /// Arm names (none: every arm).
    pub arms: Vec<String>,
}

impl StudyRequest {
    /// The checked options (default thresholds, levels and bootstrap).
    pub fn options(&self) -> Result<StudyOptions, StudyError> {
        let method = Method::parse(&self.method)?;
        let ranges = self
            .ranges
            .iter()
            .map(|r| crate::analysis::sweep::parse_range(r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StudyOptions {
            method,
            parameters: self.parameters.clone(),
            ranges,
            log: self.log.clone(),
            samples: self.samples.unwrap_or(match method {
                Method::Morris => DEFAULT_MORRIS_TRAJECTORIES,
                _ => DEFAULT_SOBOL_SAMPLES,
            }),
            seed: self.seed,
            endpoints: self.endpoints.clone(),
            arms: self.arms.clone(),
            ..Default::default()
        })
    }
}

/// One index of one parameter for one arm and endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexRow {
    /// Arm.
    pub arm: String,
    /// Endpoint.
    pub endpoint: String,
    /// Parameter.
    pub parameter: String,
    /// Index name: `S` (local, smaller step), `S_h1` (local, larger step), `mu_star`,
    /// `mu`, `sigma` (Morris, in the endpoint's unit), `S1`, `ST` (Sobol').
    pub index: &'static str,
    /// Value.
    pub value: f64,
    /// Half-width of the confidence interval (bootstrap; `NaN` where there is none;
    /// for local `S`, the step agreement `|S(h₁) − S(h₂)|`).
    pub conf: f64,
    /// Why the value is `NaN`, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The indices of a study, with how many runs were dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyResult {
    /// The method.
    pub method: Method,
    /// Every index, arm-major, then endpoint, then parameter.
    pub indices: Vec<IndexRow>,
    /// Per (arm, endpoint): trajectories (Morris) or base rows (Sobol') dropped
    /// because a run failed, or the reason the analysis could not be done.
    pub dropped: Vec<(String, String, String)>,
    /// Failed (row, arm) runs.
    pub failed_runs: usize,
}

/// The index that ranks the parameters in a figure: local `S`, Morris `mu_star`,
/// Sobol' `ST`.
pub fn headline_index(method: Method) -> &'static str {
    match method {
        Method::Local => "S",
        Method::Morris => "mu_star",
        Method::Sobol => "ST",
    }
}

/// Compute the indices from the outputs of [`evaluate`].
pub fn analyze(plan: &Plan, y: &[Vec<Vec<f64>>], failed_runs: usize) -> StudyResult {
    let names = plan.names();
    let mut indices = Vec::new();
    let mut dropped = Vec::new();
    for (a, arm) in plan.arm_names.iter().enumerate() {
        for (k, &e) in plan.endpoints.iter().enumerate() {
            let endpoint = PatientArm::NAMES[e];
            let yk = &y[a][k];
            let mut push = |p: usize, index, value, conf, note: Option<String>| {
                indices.push(IndexRow {
                    arm: arm.clone(),
                    endpoint: endpoint.to_string(),
                    parameter: names[p].clone(),
                    index,
                    value,
                    conf,
                    note,
                });
            };
            let mut report = |what: String| dropped.push((arm.clone(), endpoint.to_string(), what));
            match &plan.design {
                Design::Local(_) => {
                    let nominal: Vec<f64> = plan.factors.iter().map(|f| f.nominal).collect();
                    for (p, s) in local::analyze(&nominal, local::LOCAL_STEPS, yk)
                        .into_iter()
                        .enumerate()
                    {
                        push(p, "S", s.s_h2, s.agreement, s.note.clone());
                        push(p, "S_h1", s.s_h1, f64::NAN, s.note);
                    }
                }
                Design::Morris(d) => match morris::analyze(d, yk, &plan.options.bootstrap) {
                    Ok(m) => {
                        report(format!("{} trajectories dropped", m.trajectories_dropped));
                        for p in 0..names.len() {
                            push(p, "mu_star", m.mu_star[p], m.mu_star_conf[p], None);
                            push(p, "mu", m.mu[p], f64::NAN, None);
                            push(p, "sigma", m.sigma[p], f64::NAN, None);
                        }
                    }
                    Err(err) => report(format!("not analysed: {err}")),
                },
                Design::Sobol(d) => match sobol::analyze(d, yk, &plan.options.bootstrap) {
                    Ok(s) => {
                        report(format!("{} base rows dropped", s.base_rows_dropped));
                        for p in 0..names.len() {
                            push(p, "S1", s.s1[p], s.s1_conf[p], None);
                            push(p, "ST", s.st[p], s.st_conf[p], None);
                        }
                    }
                    Err(err) => report(format!("not analysed: {err}")),
                },
            }
        }
    }
    StudyResult {
        method: plan.options.method,
        indices,
        dropped,
        failed_runs,
    }
}
