//! Scenarios: a parameter set, arms (schedules on the same patient), run length,
//! output grid and solver settings. The file format (TOML) is read in two steps
//! ([`parse_scenario`]); this module holds the resolved, validated form and runs it.

mod check;
mod entries;
pub mod error;
pub mod figure;
mod resolve;
mod spec;
mod walk;

pub use check::{check_file, check_scenario, Checked, MAX_CHECK_ERRORS};
pub use error::{ErrorKind, ScenarioError};
pub use spec::{default_every, default_time_unit, DEFAULT_SETTLE_S};

/// Read a scenario from TOML `text` in two steps: syntax and units into a spanned
/// specification (`spec.rs`), then meaning — parameter set, overrides, the catalogue of
/// interventions and their schedules — into a [`Scenario`] (`resolve.rs`). `path` names
/// the file in error messages and gives the default scenario name. See
/// docs/scenarios.md for the format; nothing a user writes makes this panic.
///
/// ```
/// let text = "duration = \"1 h\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"rest\"\n";
/// let s = spasm::scenario::parse_scenario(text, "rest.toml").unwrap();
/// assert_eq!((s.name.as_str(), s.duration, s.arms.len()), ("rest", 3600.0, 1));
/// let e = spasm::scenario::parse_scenario("duration = 3", "bad.toml").unwrap_err();
/// assert_eq!((e.line, e.column), (1, 12));
/// ```
pub fn parse_scenario(text: &str, path: &str) -> Result<Scenario, ScenarioError> {
    let cx = walk::Cx {
        text,
        path,
        skip: &[],
    };
    let doc = spec::document(&cx, text)?;
    let spec = spec::read(&cx, &doc, path)?;
    resolve::resolve(&cx, spec, text)
}

use crate::model::params::ParamError;
use crate::model::State;
use crate::protocol::Schedule;
use crate::simulation::{grid, Patient, SolverConfig, Trajectory};
use crate::solver::SolverError;

/// A scenario's `[sweep]` table: the grid `spasm sweep` runs when no `--param` is
/// given on the command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepTable {
    /// `param`: each axis as written (`"NAME=LO:HI:N"`) with its byte span in the
    /// file, for errors that point at it.
    pub params: Vec<(String, std::ops::Range<usize>)>,
    /// `log`: the axes spaced evenly in ln x.
    pub log: Vec<String>,
    /// `endpoints`: the endpoints to draw.
    pub endpoints: Vec<String>,
}

/// The largest scenario file read, bytes (1 MiB: the largest example is a few kB;
/// a cap keeps a mistaken path to a huge file from taking minutes).
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;

/// One arm: a schedule of interventions and triggers applied to the scenario's patient.
#[derive(Debug, Clone)]
pub struct Arm {
    /// Arm name as written ("no treatment", "heat", ...).
    pub name: String,
    /// Everything scheduled in this arm (triggers of the scenario included), times in s.
    pub schedule: Schedule,
    /// Parameters this arm sets for its own patient (`[arm.overrides]`): name and
    /// value in canonical units, applied on top of the scenario's patient.
    pub overrides: Vec<(String, f64)>,
}

impl Arm {
    /// An arm with no parameter overrides.
    pub fn new(name: impl Into<String>, schedule: Schedule) -> Arm {
        Arm {
            name: name.into(),
            schedule,
            overrides: Vec::new(),
        }
    }

    /// This arm's patient: `base` with the arm's overrides applied.
    pub fn patient(&self, base: &Patient) -> Result<Patient, ParamError> {
        if self.overrides.is_empty() {
            return Ok(base.clone());
        }
        base.with_values(
            self.overrides.iter().map(|(n, v)| (n.as_str(), *v)),
            &format!("arm '{}' override", self.name),
        )
    }
}

/// A resolved scenario, ready to run. All times in s.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// What it shows.
    pub description: String,
    /// Name of the parameter set (embedded name or file path).
    pub set_name: String,
    /// The patient: the parameter set with the scenario's overrides
    /// (`[model.overrides]`), with where every value came from, and its model.
    pub patient: Patient,
    /// Arms, at least one.
    pub arms: Vec<Arm>,
    /// Run length, s.
    pub duration: f64,
    /// Output interval, s.
    pub output_every: f64,
    /// Settling period before t = 0 with nothing scheduled, s.
    pub settle: f64,
    /// Unit in which times are written to outputs ("s", "min", "h" or "d").
    pub time_unit: String,
    /// Depths below the skin (cm) whose tissue temperature is an output column.
    pub output_depths: Vec<f64>,
    /// Solver settings.
    pub solver: SolverConfig,
    /// The scenario text it was read from (hashed into the manifest).
    pub source_text: String,
    /// `[sweep]`, if the file has one.
    pub sweep: Option<SweepTable>,
    /// How its time-course figure is drawn (`[figure]`, or the defaults).
    pub figure: figure::FigureSettings,
}

/// The result of one arm.
#[derive(Debug, Clone)]
pub struct ArmResult {
    /// Arm name.
    pub name: String,
    /// The schedule that was run.
    pub schedule: Schedule,
    /// The patient it was run on (the scenario's, with the arm's overrides).
    pub patient: Patient,
    /// The trajectory on the output grid.
    pub trajectory: Trajectory,
}

/// Why an arm of a scenario could not be run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Settling a patient before t = 0 failed.
    #[error(
        "the patient{} could not be settled before t = 0: {source}{}",
        arm_suffix(arm),
        overrides_note(overridden)
    )]
    Settle {
        /// The arm whose own patient was being settled (`None`: the scenario's patient).
        arm: Option<String>,
        /// The solver's error.
        source: SolverError,
        /// The overridden parameters of that patient, `name = value unit (set: value)`.
        overridden: Vec<String>,
    },
    /// An arm could not be integrated.
    #[error(
        "arm '{arm}' could not be integrated: {source}{}",
        overrides_note(overridden)
    )]
    Arm {
        /// The arm.
        arm: String,
        /// The solver's error.
        source: SolverError,
        /// The overridden parameters of the arm's patient, `name = value unit (set: value)`.
        overridden: Vec<String>,
    },
    /// A patient's parameters could not be set.
    #[error("the patient's parameters: {source}")]
    Patient {
        /// What is wrong.
        source: ParamError,
    },
    /// An arm's overrides could not be applied.
    #[error("arm '{arm}': {source}")]
    Overrides {
        /// The arm.
        arm: String,
        /// What is wrong.
        source: ParamError,
    },
}

/// ` (overridden parameters: …)` when a failed patient had overrides: the likeliest
/// cause of a failure in a set that runs without them.
fn overrides_note(overridden: &[String]) -> String {
    if overridden.is_empty() {
        String::new()
    } else {
        format!(" (overridden parameters: {})", overridden.join(", "))
    }
}

/// The overridden parameters of `patient`, `name = value unit (set: value)`.
fn overridden(patient: &Patient) -> Vec<String> {
    patient
        .set()
        .entries
        .iter()
        .filter_map(|(name, p)| {
            p.overridden_from
                .map(|was| format!("{name} = {} {} (set: {was})", p.value, p.unit))
        })
        .collect()
}

fn arm_suffix(arm: &Option<String>) -> String {
    arm.as_ref()
        .map(|a| format!(" of arm '{a}'"))
        .unwrap_or_default()
}

/// The embedded default scenario (`examples/default.toml`): an acute spasm episode on
/// the `acute_injury` set, untreated vs hot pack + stretching, 7 days.
pub const DEFAULT_TOML: &str = include_str!("../../examples/default.toml");

/// The text of a scenario file: a regular file (not a FIFO or a device, which could
/// block or never end) of at most [`MAX_SCENARIO_BYTES`].
fn read_text(path: &std::path::Path) -> Result<String, ScenarioError> {
    let shown = path.display().to_string();
    let io = |what: String| ScenarioError::io(&shown, what);
    let meta =
        std::fs::metadata(path).map_err(|e| io(format!("cannot read the scenario file: {e}")))?;
    if !meta.is_file() {
        return Err(io(
                "is not a regular file (a scenario must be a TOML file, not a directory, pipe or device)".into(),
            ));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(io(format!(
            "is {} bytes; a scenario file may have at most {MAX_SCENARIO_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| io(format!("cannot read the scenario file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&good[line_start..]).chars().count();
        io(format!(
            "is not UTF-8 text: the byte at line {line}, column {column} (byte offset {}) starts no UTF-8 character; save the file as UTF-8",
            good.len()
        ))
    })
}

impl Scenario {
    /// The embedded default scenario ([`DEFAULT_TOML`]), parsed. It is checked by the
    /// test suite, so parsing it cannot fail in a released build.
    pub fn embedded_default() -> Scenario {
        match parse_scenario(DEFAULT_TOML, "examples/default.toml") {
            Ok(s) => s,
            Err(e) => unreachable!("the embedded default scenario is invalid: {e}"),
        }
    }

    /// Read and parse a scenario file: a regular file (not a FIFO or a device, which
    /// could block or never end) of at most [`MAX_SCENARIO_BYTES`].
    pub fn load(path: &std::path::Path) -> Result<Scenario, ScenarioError> {
        let text = read_text(path)?;
        parse_scenario(&text, &path.display().to_string())
    }

    /// The scenario patient's state at t = 0 (after settling).
    pub fn initial_state(&self) -> Result<State, RunError> {
        self.settled(&self.patient)
    }

    /// The state of `patient` (the scenario's, or a cohort's draw of it) after the
    /// scenario's settling period.
    pub fn settled(&self, patient: &Patient) -> Result<State, RunError> {
        patient
            .settle(self.settle, &self.solver)
            .map_err(|source| RunError::Settle {
                arm: None,
                source,
                overridden: overridden(patient),
            })
    }

    /// Run every arm; arms without overrides start from the same settled state, an
    /// arm with its own patient settles that patient.
    pub fn run(&self) -> Result<Vec<ArmResult>, RunError> {
        let y0 = self.initial_state()?;
        self.arms
            .iter()
            .map(|arm| self.run_arm(arm, &self.patient, &y0))
            .collect()
    }

    /// Run one arm on the output grid on `base` (the scenario's patient, or a cohort's
    /// draw of it), whose settled state is `y0`; an arm with overrides gets its own
    /// patient, settled here.
    pub fn run_arm(&self, arm: &Arm, base: &Patient, y0: &State) -> Result<ArmResult, RunError> {
        self.run_arm_at(arm, base, y0, &grid(self.duration, self.output_every))
    }

    /// [`Scenario::run_arm`] with output at `samples` (s, sorted, within the run)
    /// instead of the scenario's grid.
    pub fn run_arm_at(
        &self,
        arm: &Arm,
        base: &Patient,
        y0: &State,
        samples: &[f64],
    ) -> Result<ArmResult, RunError> {
        let patient = arm.patient(base).map_err(|source| RunError::Overrides {
            arm: arm.name.clone(),
            source,
        })?;
        let start = if arm.overrides.is_empty() {
            *y0
        } else {
            patient
                .settle(self.settle, &self.solver)
                .map_err(|source| RunError::Settle {
                    arm: Some(arm.name.clone()),
                    source,
                    overridden: overridden(&patient),
                })?
        };
        let trajectory = patient
            .run(&start, &arm.schedule, self.duration, samples, &self.solver)
            .map_err(|source| RunError::Arm {
                arm: arm.name.clone(),
                source,
                overridden: overridden(&patient),
            })?;
        Ok(ArmResult {
            name: arm.name.clone(),
            schedule: arm.schedule.clone(),
            patient,
            trajectory,
        })
    }
}
