//! The command line, read in two steps as the scenario reader is: [`args`] holds the
//! syntax (clap), one module per command gives it meaning by calling the library, and
//! every command returns the one error type [`CliError`], which `main` turns into a
//! report once.

/// `println!` that returns [`CliError::Stdout`] from the calling function instead of
/// panicking when standard output cannot be written (`> /dev/full`).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::stdout(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// `eprintln!` that ignores a failed write: a message on standard error is
/// best-effort, never a reason to panic.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub(crate) mod args;
mod bistability;
mod check;
mod compare;
mod continuation;
mod error;
mod escape;
mod export;
mod lecture;
mod merge;
mod output;
mod params;
mod phase;
mod progress;
mod report;
mod run;
mod sensitivity;
mod serve;
mod steady;
mod sweep;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) use error::CliError;

use args::{Command, ExportFormat};
use output::{Output, Written};
use spasm::analysis::shard::Shard;
use spasm::report::{atomic, Replace};

/// Run one command.
pub(crate) fn dispatch(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::check(&a),
        Command::Validate(a) => validate::validate(&a),
        Command::Compare(a) => compare::compare(a),
        Command::Bistability(a) => bistability::bistability(a),
        Command::Params(a) => params::params(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Sensitivity(a) => sensitivity::sensitivity(a),
        Command::Serve(a) => serve::serve(&a),
        Command::Steady(a) => steady::steady(&a),
        Command::Escape(a) => escape::escape(a),
        Command::Phase(a) => phase::phase(a),
        Command::Continuation(a) => continuation::continuation(a),
        Command::Merge(a) => merge::merge(&a),
        Command::Lecture(a) => lecture::lecture(a),
        Command::Report(a) => report::report(&a),
        Command::Export(ExportFormat::Sbml(a)) => export::sbml(a),
        Command::Export(ExportFormat::Omex(a)) => export::omex(a),
        Command::Export(ExportFormat::Python(a)) => export::text(
            Output::new("export python", a.output),
            &spasm::report::exchange::python_module(),
            a.out.as_deref(),
        ),
        Command::Export(ExportFormat::Equations(a)) => export::text(
            Output::new("export equations", a.output),
            &spasm::report::exchange::markdown_table(),
            a.out.as_deref(),
        ),
    }
}

/// Where a command writes its run directory, and the input file it read.
struct Target {
    /// The run directory.
    dir: PathBuf,
    /// The scenario file, if one was read.
    inputs: Vec<PathBuf>,
}

/// The output directory, checked before any computation: `out` if given, else
/// `out/<stem of scenario><suffix>`, or `out/<fallback><suffix>` without a scenario
/// file. A default directory that holds the run of another input (`a/x.toml` and
/// `b/x.toml` share `out/x`) is refused rather than silently replaced.
fn output_target(
    out: Option<PathBuf>,
    scenario: Option<&Path>,
    fallback: &str,
    suffix: &str,
) -> Result<Target, CliError> {
    let inputs: Vec<PathBuf> = scenario.into_iter().map(Path::to_path_buf).collect();
    let dir = if let Some(dir) = out {
        dir
    } else {
        let stem = scenario
            .and_then(Path::file_stem)
            .map_or(fallback.into(), |s| s.to_string_lossy().into_owned());
        let dir = PathBuf::from("out").join(format!("{stem}{suffix}"));
        if let (Some(previous), Some(input)) =
            (atomic::run_of_other_inputs(&dir, &inputs), scenario)
        {
            return Err(CliError::DefaultOutputTaken {
                dir,
                previous,
                input: input.to_path_buf(),
            });
        }
        dir
    };
    atomic::check_target(&dir, Replace::RunDirOnly, &inputs)?;
    Ok(Target { dir, inputs })
}

/// The shard of `--shard`, read ([`Shard::parse`]).
fn shard_option(text: Option<&str>) -> Result<Option<Shard>, CliError> {
    text.map(Shard::parse).transpose().map_err(CliError::from)
}

/// The default directory suffix of shard `s`: `-shard-K-of-N`.
fn shard_suffix(s: Option<Shard>) -> String {
    s.map_or(String::new(), |s| {
        format!("-shard-{}-of-{}", s.index, s.count)
    })
}

/// Finish a shard directory (`spasm merge` combines them) and say what it holds:
/// `done`, e.g. "40 patients" or "12 points", and the time of `record`; the summary
/// of `--json` is the shard record.
fn finish_shard(
    writer: spasm::report::shard::ShardWriter,
    sc: &spasm::scenario::Scenario,
    record: &spasm::report::shard::ShardRecord,
    out: Output,
    done: &str,
) -> Result<ExitCode, CliError> {
    let (dir, files) = writer.finish(
        sc,
        record,
        &spasm::report::shard::ShardMeta {
            threads: rayon::current_num_threads(),
            command_line: command_line(),
            replace: Replace::RunDirOnly,
        },
    )?;
    if out.text() {
        say!(
            "shard {}: {done} in {:.1} s; wrote {} files to {}",
            record.shard,
            record.wall_time_s,
            files.len(),
            dir.display()
        );
    }
    out.emit(Written::Dir(&dir), record)?;
    Ok(ExitCode::SUCCESS)
}

/// Refuse to start `command` when its estimated outputs exceed the cap, unless
/// `force`; `remedy` says how to make them smaller.
fn check_size(
    command: &'static str,
    estimate: &spasm::report::estimate::Estimate,
    force: bool,
    remedy: &'static str,
) -> Result<(), CliError> {
    if estimate.too_large() && !force {
        return Err(CliError::TooLarge {
            command,
            estimate: estimate.describe(),
            remedy,
        });
    }
    Ok(())
}

/// A scenario's name and description as a title: "name — description", or the name
/// alone when the description is empty (no dangling separator).
fn titled(name: &str, description: &str) -> String {
    if description.trim().is_empty() {
        name.to_string()
    } else {
        format!("{name} — {description}")
    }
}

/// Times for the console in a scenario's output unit (`[output] time_unit`), as its
/// CSV files and figures show them.
struct Clock<'a> {
    /// The unit's name: s, min, h or d.
    unit: &'a str,
    /// Units per hour.
    per_hour: f64,
}

impl<'a> Clock<'a> {
    /// The clock of `sc`.
    fn of(sc: &'a spasm::scenario::Scenario) -> Result<Self, CliError> {
        let unit = sc.time_unit.as_str();
        Ok(Self {
            unit,
            per_hour: spasm::units::HOUR / spasm::report::time_unit_seconds(unit)?,
        })
    }

    /// `h` hours in the unit, one decimal: "1.5 h", "90.0 min".
    fn hours(&self, h: f64) -> String {
        format!("{:.1} {}", h * self.per_hour, self.unit)
    }
}

/// The index of the arm called `name` in `sc`, read from `path`; the error names the
/// arms it has.
fn find_arm(sc: &spasm::scenario::Scenario, path: &Path, name: &str) -> Result<usize, CliError> {
    sc.arms
        .iter()
        .position(|a| a.name == name)
        .ok_or_else(|| CliError::NoSuchArm {
            path: path.to_path_buf(),
            name: name.to_string(),
            arms: sc.arms.iter().map(|a| a.name.clone()).collect(),
        })
}

/// Write to standard output and flush; a failed write is an error, not a panic.
fn stdout(args: std::fmt::Arguments<'_>) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// The command line as given, for manifests.
fn command_line() -> Vec<String> {
    std::env::args().collect()
}
