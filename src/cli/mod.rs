//! The command line, read in two steps as the scenario reader is: [`args`] holds the
//! syntax (clap), one module per command gives it meaning by calling the library, and
//! every command returns the one error type [`CliError`], which `main` turns into a
//! report once.

pub(crate) mod args;
mod bistability;
mod compare;
mod error;
mod export;
mod params;
mod progress;
mod run;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) use error::CliError;

use args::{Command, ExportFormat};

/// Run one command.
pub(crate) fn dispatch(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Validate(a) => validate::validate(&a),
        Command::Compare(a) => compare::compare(a),
        Command::Bistability(a) => bistability::bistability(a),
        Command::Params(a) => params::params(a),
        Command::Export(ExportFormat::Sbml(a)) => export::sbml(a),
        Command::Export(ExportFormat::Python(a)) => {
            export::text(&spasm::report::exchange::python_module(), a.out)
        }
        Command::Export(ExportFormat::Equations(a)) => {
            export::text(&spasm::report::exchange::markdown_table(), a.out)
        }
    }
}

/// The output directory: `out` if given, else `out/<stem of scenario><suffix>`, or
/// `out/<fallback><suffix>` without a scenario file.
fn output_dir(
    out: Option<PathBuf>,
    scenario: Option<&Path>,
    fallback: &str,
    suffix: &str,
) -> PathBuf {
    out.unwrap_or_else(|| {
        let stem = scenario
            .and_then(Path::file_stem)
            .map_or(fallback.into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("out").join(format!("{stem}{suffix}"))
    })
}

/// The command line as given, for manifests.
fn command_line() -> Vec<String> {
    std::env::args().collect()
}
