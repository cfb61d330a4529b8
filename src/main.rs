//! The `spasm` command line: a thin layer over the library (see `src/cli/`).

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`spasm validate | head`) instead of panicking
    // inside println!, as Unix command-line tools do.
    #[cfg(unix)]
    set_sigpipe(libc::SIG_DFL);
    #[cfg(unix)]
    stop_cleanly_on_signals();
    let args = cli::args::Cli::parse();
    // A server outlives every client that closes its connection early: a write to
    // it must fail with an error, not end the process.
    #[cfg(unix)]
    if matches!(args.command, cli::args::Command::Serve(_)) {
        set_sigpipe(libc::SIG_IGN);
    }
    match cli::dispatch(args.command) {
        Ok(code) => code,
        Err(e) => {
            // Best effort: with standard error gone there is nobody to tell.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "{:?}", e.into_report());
            ExitCode::from(2)
        }
    }
}

/// Set the disposition of SIGPIPE to `handler` (`SIG_DFL` or `SIG_IGN`).
#[cfg(unix)]
fn set_sigpipe(handler: libc::sighandler_t) {
    // SAFETY: setting SIGPIPE to a disposition without a handler function, before
    // any thread but the signal thread (which does not write to pipes) starts. The
    // only unsafe code of the crate.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, handler);
    }
}

/// On SIGINT or SIGTERM: remove the run directories under construction (a run being
/// committed finishes first), say so once, and exit with 128 + the signal number
/// (130, 143), as shells expect. The final output path is never half-written: it
/// holds the previous run, the complete new one, or nothing.
#[cfg(unix)]
fn stop_cleanly_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return; // Without a handler the default (terminate) still applies.
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let removed = spasm::report::atomic::abandon_partial_dirs();
            let name = if signal == SIGINT {
                "interrupted"
            } else {
                "terminated"
            };
            let what = match removed {
                0 => String::new(),
                1 => "; removed the unfinished output directory".into(),
                n => format!("; removed {n} unfinished output directories"),
            };
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "\nspasm: {name}{what}");
            std::process::exit(128 + signal);
        }
    });
}
