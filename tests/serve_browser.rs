//! The page of `spasm serve` in a real browser: headless Chromium from Debian, driven by
//! playwright-core (tests/browser/, `npm ci` there), against the real server started
//! here. tests/browser/browser_test.mjs loads the page, moves sliders and checks the
//! figure is redrawn, downloads the scenario and runs it with `spasm run`, checks that
//! no request leaves the server and nothing is logged as an error, and takes the
//! screenshots serve.png and serve-dark.png (1280×720) into `target/serve-artifacts/`;
//! tests/browser/composer_test.mjs runs every scenario the sliders compose. Without
//! Chromium, Node.js or playwright-core the test prints one `skipped:` line, unless
//! `SPASM_REQUIRE_PEERS=1` (set by .ci/run), which makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/peer_env.rs"]
#[allow(dead_code)]
mod peer_env;
#[path = "support/serve.rs"]
mod serve;

/// The browser the tests drive (Debian's package `chromium`), or `$CHROMIUM`.
fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from)
}

/// Where the screenshots and timings go: `<target>/serve-artifacts`.
fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("serve-artifacts")
}

#[test]
fn the_page_works_in_headless_chromium() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let browser = chromium();
    if !browser.is_file() {
        return peer_env::skip(&format!(
            "no {} (apt-get install chromium fonts-dejavu-core)",
            browser.display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return peer_env::skip("no node (apt-get install nodejs npm)");
    }
    if !dir
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return peer_env::skip("no playwright-core (npm ci in tests/browser)");
    }
    let artifacts = artifacts();
    let _ = std::fs::remove_file(artifacts.join("serve.png"));
    let server = serve::Server::start();
    let out = Command::new("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "browser_test.mjs",
            "composer_test.mjs",
        ])
        .current_dir(&dir)
        .env("SPASM_SERVE_URL", server.url())
        .env("SPASM_BIN", env!("CARGO_BIN_EXE_spasm"))
        .env("SPASM_SERVE_ARTIFACTS", &artifacts)
        .env("CHROMIUM", &browser)
        .output()
        .expect("node runs");
    let server_stderr = server.stop();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{report}");
    assert!(out.status.success(), "the browser tests failed:\n{report}");
    assert_eq!(
        server_stderr, "",
        "the server wrote on standard error (aborted runs must be quiet)"
    );
    let shot = artifacts.join("serve.png");
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot at {}",
        shot.display()
    );
}
