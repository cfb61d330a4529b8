//! The `spasm` command line: a thin layer over the library (see `src/cli/`).

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`spasm validate | head`) instead of panicking
    // inside println!, as Unix command-line tools do.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    // The only unsafe code of the crate.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::args::Cli::parse();
    match cli::dispatch(args.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{:?}", e.into_report());
            ExitCode::from(2)
        }
    }
}
