//! `spasm export`: the model (with a scenario's patient and schedule) as SBML, a
//! scenario as a COMBINE/OMEX archive, and the generated Python right-hand side and
//! equation table.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use spasm::report::exchange::{to_omex, to_sbml};
use spasm::scenario::Scenario;
use spasm::simulation::Patient;
use spasm::units::DAY;

use super::args::{OmexArgs, SbmlArgs};
use super::{find_arm, CliError, Output, Written};

/// The parameter set exported without a scenario.
const DEFAULT_SET: &str = "healthy";

/// Run `spasm export sbml`.
pub(super) fn sbml(args: SbmlArgs) -> Result<ExitCode, CliError> {
    let output = Output::new("export sbml", args.output);
    // Before any work: the output must not be the input, and must go somewhere.
    stdout_allowed(&output, args.out.as_deref())?;
    if let (Some(out), Some(input)) = (&args.out, &args.scenario) {
        if spasm::report::atomic::same_file(out, input) {
            return Err(CliError::OutputIsInput { path: out.clone() });
        }
    }
    let xml = if let Some(path) = args.scenario {
        let sc = Scenario::load(&path)?;
        let chosen = match &args.arm {
            Some(name) => &sc.arms[find_arm(&sc, &path, name)?],
            None => &sc.arms[0],
        };
        let patient = chosen.patient(&sc.patient)?;
        let y0 = sc.settled(&patient).map_err(|source| CliError::Run {
            scenario: format!("{} (arm '{}')", sc.name, chosen.name),
            source: Box::new(source),
        })?;
        to_sbml(&patient, &y0, Some(&chosen.schedule), sc.duration)?
    } else {
        let patient = Patient::embedded(args.set.as_deref().unwrap_or(DEFAULT_SET))?;
        let y0 = patient.rested()?;
        to_sbml(&patient, &y0, None, DAY)?
    };
    text(output, &xml, args.out.as_deref())
}

/// Directory of the default output file of `spasm export omex` (as for run
/// directories).
const DEFAULT_OUT_DIR: &str = "out";

/// File stem of the default archive without a scenario file.
const DEFAULT_STEM: &str = "default";

/// Run `spasm export omex`: the archive of a scenario (or of the embedded default),
/// written atomically to `-o FILE` or `out/<stem>.omex`.
pub(super) fn omex(args: OmexArgs) -> Result<ExitCode, CliError> {
    let output = Output::new("export omex", args.output);
    let out = args.out.unwrap_or_else(|| {
        let stem = args
            .scenario
            .as_deref()
            .and_then(Path::file_stem)
            .map_or(DEFAULT_STEM.into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from(DEFAULT_OUT_DIR).join(format!("{stem}.omex"))
    });
    // Before any work: the output must not be the input.
    if let Some(input) = &args.scenario {
        if spasm::report::atomic::same_file(&out, input) {
            return Err(CliError::OutputIsInput { path: out });
        }
    }
    let sc = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::embedded_default(),
    };
    let bytes = to_omex(&sc)?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() && dir == Path::new(DEFAULT_OUT_DIR) {
            std::fs::create_dir_all(dir).map_err(|source| spasm::report::OutputError::Io {
                path: dir.to_path_buf(),
                action: "create",
                source,
            })?;
        }
    }
    spasm::report::atomic::write_bytes(&out, &bytes)?;
    if output.text() {
        say!(
            "wrote {} ({} arm(s), {} bytes)",
            out.display(),
            sc.arms.len(),
            bytes.len()
        );
    }
    output.emit(
        Written::File(&out),
        serde_json::json!({ "scenario": sc.name, "arms": sc.arms.len(), "bytes": bytes.len() }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Write `text` to `file` atomically, or to standard output (under `--json`, into the
/// summary: standard output holds only the document).
pub(super) fn text(out: Output, text: &str, file: Option<&Path>) -> Result<ExitCode, CliError> {
    let bytes = text.len();
    let written = if let Some(path) = file {
        spasm::report::atomic::write_bytes(path, text.as_bytes())?;
        if out.text() {
            say!("wrote {} ({bytes} bytes)", path.display());
        }
        Written::File(path)
    } else {
        stdout_allowed(&out, None)?;
        if !out.json() {
            super::stdout(format_args!("{text}"))?;
        }
        Written::Nothing
    };
    out.emit(
        written,
        serde_json::json!({ "bytes": bytes, "text": file.is_none().then_some(text) }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Refuse `--quiet` without `--json` for an export to standard output (no `file`): it
/// would print nothing.
fn stdout_allowed(out: &Output, file: Option<&Path>) -> Result<(), CliError> {
    if file.is_none() && out.quiet() && !out.json() {
        return Err(CliError::QuietExport {
            command: out.command(),
        });
    }
    Ok(())
}
