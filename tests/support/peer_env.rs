//! The Python peer environments of the cross-check tests, written once: a virtual
//! environment under `target/` built from a requirements file (`python3 -m venv`, then
//! `pip install -r`), shared between test processes by a lock directory and rebuilt when
//! the requirements change; and the rule for a missing peer: one `skipped:` line and a
//! pass, unless `SPASM_REQUIRE_PEERS=1`, which makes it a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How long to wait for another process building the same environment, s.
const WAIT_FOR_BUILDER_S: u64 = 1200;

/// Run `cmd`; `Err` with `what` and the last line of its standard error on failure.
pub(crate) fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot start {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            err.trim().lines().last().unwrap_or("")
        ))
    }
}

/// The interpreter of the environment `target/<name>` with `requirements` installed,
/// building it if needed, or the interpreter named by the environment variable
/// `override_var`. `what` says what pip installs, for messages.
pub(crate) fn python_env(
    name: &str,
    requirements: &str,
    override_var: &str,
    what: &str,
) -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var(override_var) {
        return Ok(PathBuf::from(p));
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .to_path_buf();
    let venv = target.join(name);
    let python = venv.join("bin").join("python");
    let ready = venv.join(".spasm-peers-ready");
    let wanted = requirements.trim();
    let is_ready = || std::fs::read_to_string(&ready).is_ok_and(|s| s.trim() == wanted);
    if is_ready() {
        return Ok(python);
    }
    // One builder at a time (the benchmark script uses the same lock for peers-venv).
    let lock = target.join(format!("{name}.lock"));
    let start = Instant::now();
    while std::fs::create_dir(&lock).is_err() {
        if is_ready() {
            return Ok(python);
        }
        if start.elapsed() > Duration::from_secs(WAIT_FOR_BUILDER_S) {
            return Err(format!(
                "waited {} min for another process to create {} (remove {} if stale)",
                WAIT_FOR_BUILDER_S / 60,
                venv.display(),
                lock.display()
            ));
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    let result = (|| {
        if is_ready() {
            return Ok(());
        }
        let tmp = target.join(format!("{name}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        run(
            Command::new("python3").arg("-m").arg("venv").arg(&tmp),
            "python3 -m venv (on Debian: apt-get install python3-venv)",
        )?;
        let req = tmp.join("requirements.txt");
        std::fs::write(&req, requirements).map_err(|e| e.to_string())?;
        let installed = run(
            Command::new(tmp.join("bin").join("python"))
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "-q",
                    "-r",
                ])
                .arg(&req),
            &format!("pip install {what} from the package index"),
        );
        if let Err(e) = installed {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        std::fs::write(tmp.join(".spasm-peers-ready"), wanted).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&venv);
        std::fs::rename(&tmp, &venv).map_err(|e| e.to_string())
    })();
    let _ = std::fs::remove_dir(&lock);
    result.map(|()| python)
}

/// A peer is missing: print one `skipped:` line (the test then returns and passes),
/// or fail when `SPASM_REQUIRE_PEERS=1`. The line goes straight to standard error,
/// past the test harness's capture, so that a plain `cargo test` shows it.
pub(crate) fn skip(reason: &str) {
    use std::io::Write as _;
    assert!(
        std::env::var("SPASM_REQUIRE_PEERS").as_deref() != Ok("1"),
        "SPASM_REQUIRE_PEERS=1 but {reason}"
    );
    let _ = writeln!(std::io::stderr().lock(), "skipped: {reason}");
}
