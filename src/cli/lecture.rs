//! `spasm lecture`: write the lecture pack and say where it is.

use std::process::ExitCode;

use spasm::report::lecture::write_lecture;

use super::args::LectureArgs;
use super::output::{Output, Written};
use super::{command_line, output_target, CliError};

/// Run `spasm lecture`.
pub(super) fn lecture(args: LectureArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("lecture", args.output);
    let target = output_target(args.out, None, "lecture", "")?;
    let files = write_lecture(&target.dir, &command_line())?;
    if out.text() {
        say!(
            "wrote the lecture pack ({} files) to {}; start with {}",
            files.files.len(),
            files.dir.display(),
            files.dir.join("README.md").display()
        );
    }
    out.emit(
        Written::Dir(&files.dir),
        serde_json::json!({ "figures": files.figures }),
    )?;
    Ok(ExitCode::SUCCESS)
}
