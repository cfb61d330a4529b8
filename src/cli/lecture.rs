//! `spasm lecture`: write the lecture pack and say where it is.

use std::process::ExitCode;

use spasm::report::lecture::write_lecture;

use super::args::LectureArgs;
use super::{command_line, output_target, CliError};

/// Run `spasm lecture`.
pub(super) fn lecture(args: LectureArgs) -> Result<ExitCode, CliError> {
    let target = output_target(args.out, None, "lecture", "")?;
    let files = write_lecture(&target.dir, &command_line())?;
    if !args.quiet {
        say!(
            "wrote the lecture pack ({} files) to {}; start with {}",
            files.files.len(),
            files.dir.display(),
            files.dir.join("README.md").display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
