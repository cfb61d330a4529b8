//! The one error type of the command line. Every command returns it; `main` turns it
//! into a report once. Each library error keeps its type here (its `Display` already
//! carries its causes on one line, the crate's convention); a scenario error keeps its
//! source snippet.

use std::path::PathBuf;

use spasm::analysis::bistability::ProbeError;
use spasm::analysis::compare::CompareError;
use spasm::analysis::escape::EscapeError;
use spasm::analysis::sensitivity::study::StudyError;
use spasm::analysis::steady::SteadyError;
use spasm::analysis::sweep::SweepError;
use spasm::analysis::validate::ValidateError;
use spasm::model::params::ParamError;
use spasm::report::exchange::{ExportError, OmexError};
use spasm::report::html_report::ReportError;
use spasm::report::OutputError;
use spasm::scenario::{RunError, ScenarioError};
use spasm::solver::SolverError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A scenario file is wrong.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A parameter set is unknown or wrong.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A scenario could not be integrated.
    #[error("scenario '{scenario}' could not be integrated: {source}")]
    Run {
        /// The scenario's name.
        scenario: String,
        /// Why.
        source: Box<RunError>,
    },
    /// A run of the model failed numerically.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// A comparison (or a cohort) could not run.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// A validation target could not run.
    #[error("target {target} could not run: {source}")]
    Validate {
        /// The target's number.
        target: u8,
        /// Why.
        source: ValidateError,
    },
    /// A bistability probe failed.
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// A sweep's grid is wrong.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// A sensitivity analysis's options are wrong.
    #[error(transparent)]
    Study(#[from] StudyError),
    /// A steady-state or continuation analysis failed.
    #[error(transparent)]
    Steady(#[from] SteadyError),
    /// An escape analysis failed.
    #[error(transparent)]
    Escape(#[from] EscapeError),
    /// A `--shard` value is wrong.
    #[error(transparent)]
    Shard(#[from] spasm::analysis::shard::ShardError),
    /// Shards cannot be merged.
    #[error(transparent)]
    Merge(#[from] spasm::report::merge::MergeError),
    /// `--shard` without `--seed`: the shards would draw different patients.
    #[error("--shard {shard} needs --seed S: every shard of a cohort must draw from the same seed (a seed from the clock differs between shards)")]
    ShardNeedsSeed {
        /// The shard as given.
        shard: String,
    },
    /// Writing outputs failed.
    #[error(transparent)]
    Output(#[from] OutputError),

    /// The lecture pack could not be made.
    #[error(transparent)]
    Lecture(#[from] spasm::report::lecture::LectureError),
    /// A report of a run directory could not be written.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Exporting the model failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// Writing a COMBINE/OMEX archive failed.
    #[error(transparent)]
    Omex(#[from] OmexError),
    /// `--arm` names no arm of the scenario.
    #[error("no arm '{name}' in {} (arms: {})", path.display(), arms.join(", "))]
    NoSuchArm {
        /// The scenario file.
        path: PathBuf,
        /// The name given.
        name: String,
        /// The arms it has.
        arms: Vec<String>,
    },
    /// The default output directory holds the run of another input.
    #[error(
        "the default output directory '{}' holds the run of '{}', not of '{}'; give -o DIR to choose where this run goes",
        dir.display(),
        previous.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("', '"),
        input.display()
    )]
    DefaultOutputTaken {
        /// The default directory.
        dir: PathBuf,
        /// The inputs of the run it holds.
        previous: Vec<PathBuf>,
        /// This run's input.
        input: PathBuf,
    },
    /// `spasm sweep` without `--param` on a scenario without a `[sweep]` table.
    #[error("nothing to sweep: give --param NAME=LO:HI:N, or a [sweep] table with param = [\"NAME=LO:HI:N\"] in {}", path.display())]
    NoSweepAxes {
        /// The scenario file.
        path: PathBuf,
    },
    /// An output file is one of the command's inputs.
    #[error("'{}' is the input; writing the output there would destroy it. Give another -o", path.display())]
    OutputIsInput {
        /// The path given as both.
        path: PathBuf,
    },
    /// The outputs would exceed the size cap (docs/outputs.md "Limits").
    #[error(
        "spasm {command} would need {estimate}, more than the cap of {cap}; use {remedy}, or give --force to go ahead",
        cap = spasm::report::estimate::human_bytes(spasm::report::estimate::MAX_OUTPUT_BYTES)
    )]
    TooLarge {
        /// The command.
        command: &'static str,
        /// The estimate, as text.
        estimate: String,
        /// How to make the outputs smaller.
        remedy: &'static str,
    },
    /// `spasm serve` cannot listen on its address.
    #[error("cannot listen on {addr}: {source}; another program may be using the port: choose another with --port, or --port 0 for a free one")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Writing to standard output or standard error failed (full disk, closed
    /// terminal).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    /// `spasm export … --quiet` without `-o`: the export would go nowhere.
    #[error("spasm {command} --quiet without -o FILE would print nothing: without -o the export goes to standard output, which --quiet keeps empty. Give -o FILE, or --json (its summary holds the text)")]
    QuietExport {
        /// The command (`export sbml`).
        command: &'static str,
    },
    /// A command-line option's value is wrong.
    #[error("{option} '{given}': {reason}; expected {expected}")]
    Option {
        /// The option (`--broken-from`).
        option: &'static str,
        /// The value given.
        given: String,
        /// What is wrong.
        reason: String,
        /// What is expected.
        expected: &'static str,
    },
}

impl CliError {
    /// The option error of `option` with value `given` for a unit error.
    pub(crate) fn option(
        option: &'static str,
        given: &str,
        reason: impl std::fmt::Display,
        expected: &'static str,
    ) -> CliError {
        CliError::Option {
            option,
            given: given.to_string(),
            reason: reason.to_string(),
            expected,
        }
    }

    /// The report to print: a scenario error with its snippet, anything else as its
    /// one-line message.
    pub(crate) fn into_report(self) -> miette::Report {
        match self {
            CliError::Scenario(e) => miette::Report::new(e),
            CliError::Merge(spasm::report::merge::MergeError::Scenario(e)) => {
                miette::Report::new(e)
            }
            other => miette::miette!("{other}"),
        }
    }
}
