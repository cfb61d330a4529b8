//! `spasm report DIR`: one self-contained HTML page of a run directory, as a user
//! makes it: the figures inline, the tables, the scenario text, the manifest, user text
//! escaped, nothing loaded from anywhere; the run directory untouched; a directory
//! spasm did not write refused.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

#[path = "support/run_dirs.rs"]
mod run_dirs;

use run_dirs::{example, files, spasm};

/// A cheap scenario (6 h) whose name, description and arm names are markup.
const HOSTILE: &str = r#"name = "<script>alert('name')</script> & co"
description = "a <b>bold</b> \"claim\" & more"
duration = "6 h"
settle = "1 h"

[model]
set = "acute_injury"

[output]
every = "10 min"
time_unit = "h"

[[trigger]]
kind = "effort"
at = "0 s"
duration = "2 min"
level = "50 %MVC"

[[arm]]
name = "no <i>treatment</i>"

[[arm]]
name = "ibu <img src=x onerror=alert(1)>"

  [[arm.intervention]]
  kind = "ibuprofen"
  at = "30 min"
  dose = "400 mg"
"#;

/// `text` with the five HTML-special characters escaped, written independently of
/// the code under test.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Run `spasm ARGS` in `cwd`; it must succeed.
fn ok(cwd: &Path, args: &[&str]) -> String {
    let out = spasm().current_dir(cwd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "spasm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run `spasm ARGS` in `cwd`; it must fail with status 2. Returns standard error with
/// the report's line wrapping undone (one space between words).
fn refused(cwd: &Path, args: &[&str]) -> String {
    let out = spasm().current_dir(cwd).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "spasm {args:?} should fail");
    String::from_utf8_lossy(&out.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A directory with the hostile scenario written into it.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("hostile.toml");
    std::fs::write(&scenario, HOSTILE).unwrap();
    (tmp, scenario)
}

/// Report `dir` (relative to `cwd`) to its default place and read the page back,
/// checking that the run directory was left exactly as it was.
fn report(cwd: &Path, dir: &str) -> String {
    let before = files(&cwd.join(dir));
    let stdout = ok(cwd, &["report", dir]);
    let page = cwd.join(format!("{dir}.html"));
    assert!(
        stdout.contains(&format!(
            "wrote {}",
            Path::new(&format!("{dir}.html")).display()
        )),
        "{stdout}"
    );
    assert_eq!(files(&cwd.join(dir)), before, "the run directory changed");
    std::fs::read_to_string(page).unwrap()
}

/// The page loads nothing from anywhere and runs nothing.
fn assert_self_contained(html: &str) {
    for bad in [
        "http://", "https://", "<script", "url(", "@import", "<link", "<iframe",
    ] {
        assert!(!html.contains(bad), "the page contains '{bad}'");
    }
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                value.starts_with("data:image/png;base64,") || value.starts_with('#'),
                "{attr}{}",
                &value[..value.len().min(40)]
            );
        }
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
}

/// The number of figures embedded.
fn figures(html: &str) -> usize {
    html.matches("<svg class=\"figure\"").count() + html.matches("<img class=\"figure\"").count()
}

#[test]
fn a_run_report_holds_figures_tables_scenario_and_manifest_with_user_text_escaped() {
    let (tmp, _) = workspace();
    ok(tmp.path(), &["run", "hostile.toml", "-o", "run", "--quiet"]);
    let html = report(tmp.path(), "run");
    assert_self_contained(&html);
    assert_eq!(figures(&html), 1, "the time course");
    // Tables: the endpoints and the (cut) trajectories, with the arms escaped.
    assert!(html.contains("<th>peak_pain_nrs</th>"));
    assert!(html.contains("<th>P_NRS</th>"));
    assert!(html.contains("<td>ibu &lt;img src=x onerror=alert(1)&gt;</td>"));
    assert!(html.contains("the whole table is trajectories.csv in the run directory"));
    // The scenario text as run, escaped.
    assert!(html.contains(&escaped(HOSTILE)), "scenario text missing");
    // User text never as markup.
    assert!(html.contains("<h1>&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; co</h1>"));
    assert!(html.contains("a &lt;b&gt;bold&lt;/b&gt; &quot;claim&quot; &amp; more"));
    for raw in ["<b>bold", "<i>treatment", "<img src=x"] {
        assert!(!html.contains(raw), "raw '{raw}' in the page");
    }
    // The manifest, with every file checked against its hash.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("run/manifest.json")).unwrap())
            .unwrap();
    let hash = manifest["scenario_sha256"].as_str().unwrap();
    assert!(html.contains(&format!("<td>scenario_sha256</td><td>{hash}</td>")));
    assert!(html.contains("<td>rodas4</td>"));
    assert_eq!(
        html.matches("<td>unchanged since the run</td>").count(),
        manifest["files"].as_array().unwrap().len()
    );
    assert!(!html.contains("Check before you trust this report"));
}

#[test]
fn compare_and_cohort_reports_hold_their_charts_and_tables() {
    let (tmp, _) = workspace();
    ok(
        tmp.path(),
        &["compare", "hostile.toml", "-o", "cmp", "--quiet"],
    );
    let html = report(tmp.path(), "cmp");
    assert_self_contained(&html);
    assert_eq!(figures(&html), 2, "endpoints and time course");
    assert!(html.contains("Arms ranked by pain AUC (comparison.csv)"));
    assert!(html.contains("<th>pain_auc_nrs_h</th>"));
    assert!(html.contains("<h2>Summary</h2>"));
    assert!(html.contains(&escaped(HOSTILE)));

    ok(
        tmp.path(),
        &[
            "compare",
            "hostile.toml",
            "-o",
            "cohort",
            "--cohort",
            "3",
            "--seed",
            "1",
            "--quiet",
        ],
    );
    let html = report(tmp.path(), "cohort");
    assert_self_contained(&html);
    assert_eq!(figures(&html), 3, "endpoints, cohort and time course");
    assert!(html.contains("Virtual cohort: per-arm statistics (cohort.csv)"));
    assert!(html.contains("spasm compare --cohort"));
    assert!(html.contains("<td>cohort.seed</td><td>1</td>"));
}

#[test]
fn each_figure_is_embedded_as_the_smaller_of_its_svg_and_its_png_as_base64() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = example("ibuprofen.toml");
    ok(
        tmp.path(),
        &[
            "compare",
            scenario.to_str().unwrap(),
            "-o",
            "week",
            "--quiet",
        ],
    );
    let dir = tmp.path().join("week");
    let html = report(tmp.path(), "week");
    assert_self_contained(&html);
    for stem in ["timecourse", "endpoints"] {
        let size = |ext: &str| {
            std::fs::metadata(dir.join(format!("{stem}.{ext}")))
                .unwrap()
                .len()
        };
        let (svg, png) = (size("svg"), size("png"));
        // A PNG goes in as base64: 4 bytes for every 3 (the data URI's prefix aside).
        let png_embedded = 4 * png.div_ceil(3);
        let chosen = if svg <= png_embedded { "svg" } else { "png" };
        assert!(
            html.contains(&format!("({stem}.{chosen})</figcaption>")),
            "{stem}: {svg} B of SVG, {png_embedded} B of PNG as base64; expected the {chosen}"
        );
    }
}

#[test]
fn other_run_directories_report_generically() {
    let (tmp, _) = workspace();
    ok(tmp.path(), &["bistability", "--steps", "2", "-o", "bist"]);
    let html = report(tmp.path(), "bist");
    assert_self_contained(&html);
    assert_eq!(figures(&html), 1);
    assert!(html.contains("(bistability.csv)</h3>"));
    assert!(html.contains("This run read no scenario file. The patient: healthy."));

    ok(
        tmp.path(),
        &[
            "sweep",
            "hostile.toml",
            "--param",
            "fac_injury=0:4:2",
            "-o",
            "sweep",
            "--quiet",
        ],
    );
    let html = report(tmp.path(), "sweep");
    assert_self_contained(&html);
    assert_eq!(figures(&html), 2, "one per endpoint");
    assert!(html.contains("(sweep.csv)</h3>"));
    assert!(html.contains(&escaped(HOSTILE)));
}

#[test]
fn a_changed_file_and_a_figure_with_a_script_are_flagged_not_embedded() {
    let (tmp, _) = workspace();
    ok(tmp.path(), &["run", "hostile.toml", "-o", "run", "--quiet"]);
    let dir = tmp.path().join("run");
    let svg = std::fs::read_to_string(dir.join("timecourse.svg")).unwrap();
    let tampered = svg.replacen("<rect", "<script>alert(1)</script><rect", 1);
    std::fs::write(dir.join("timecourse.svg"), tampered).unwrap();
    ok(tmp.path(), &["report", "run"]);
    let html = std::fs::read_to_string(tmp.path().join("run.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("Check before you trust this report"));
    assert!(html.contains(
        "timecourse.svg was not embedded (element &lt;script&gt; is not allowed in a figure); its PNG is shown instead"
    ));
    assert!(html.contains("timecourse.svg has changed since the run"));
    assert!(html.contains("(timecourse.png)</figcaption>"));
}

#[test]
fn a_directory_spasm_did_not_write_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("manifest.json"), r#"{"program": "spasm"}"#).unwrap();
    let e = refused(tmp.path(), &["report", "other"]);
    assert!(
        e.contains("'other' is not a run directory written by spasm"),
        "{e}"
    );
    let e = refused(tmp.path(), &["report", "missing"]);
    assert!(e.contains("'missing' does not exist"), "{e}");
    std::fs::write(tmp.path().join("s.toml"), HOSTILE).unwrap();
    let e = refused(tmp.path(), &["report", "s.toml"]);
    assert!(e.contains("is a file, not a run directory"), "{e}");
    assert!(!tmp.path().join("other.html").exists());
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
}

#[test]
fn the_report_never_goes_into_a_run_directory_nor_over_a_users_file() {
    let (tmp, _) = workspace();
    ok(tmp.path(), &["run", "hostile.toml", "-o", "run", "--quiet"]);
    let before = files(&tmp.path().join("run"));
    let e = refused(tmp.path(), &["report", "run", "-o", "run/report.html"]);
    assert!(e.contains("would lie inside the run directory"), "{e}");
    let e = refused(tmp.path(), &["report", "run", "-o", "run"]);
    assert!(e.contains("would lie inside the run directory"), "{e}");
    assert_eq!(files(&tmp.path().join("run")), before);
    // A user's file is not replaced; the scenario least of all.
    let e = refused(tmp.path(), &["report", "run", "-o", "hostile.toml"]);
    assert!(
        e.contains("exists and is not a report written by spasm"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("hostile.toml")).unwrap(),
        HOSTILE
    );
    // A report is replaced by the next one; a directory gets DIR.html inside it; and
    // the run directory can still be replaced by a rerun.
    ok(tmp.path(), &["report", "run", "-o", "shared.html"]);
    ok(tmp.path(), &["report", "run", "-o", "shared.html"]);
    std::fs::create_dir(tmp.path().join("reports")).unwrap();
    ok(tmp.path(), &["report", "run", "-o", "reports", "--quiet"]);
    assert!(tmp.path().join("reports/run.html").is_file());
    ok(tmp.path(), &["run", "hostile.toml", "-o", "run", "--quiet"]);
}
