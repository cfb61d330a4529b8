//! `spasm compare` as a user runs it: files written, the cohort's determinism across
//! thread counts and reruns, the seed always recorded, and bad input.
#![cfg(feature = "cli")]

use std::path::Path;

#[path = "support/run_dirs.rs"]
mod run_dirs;

use run_dirs::{example, files, spasm};

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

#[test]
fn compare_writes_the_ranked_table_charts_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bench");
    let a = spasm()
        .args(["compare", example("benchmark.toml").to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(stdout.contains("broken at"), "{stdout}");
    let f = files(&out);
    for name in [
        "comparison.md",
        "comparison.csv",
        "summary.txt",
        "endpoints.png",
        "endpoints.svg",
        "timecourse.png",
        "timecourse.svg",
        "manifest.json",
    ] {
        assert!(f.contains_key(name), "{name} missing: {:?}", f.keys());
    }
    assert!(!f.contains_key("cohort.csv"));
    // The printed summary is summary.txt.
    assert!(stdout.starts_with(std::str::from_utf8(&f["summary.txt"]).unwrap()));
    assert_eq!(&f["endpoints.png"][1..4], b"PNG");
    let m = manifest(&out);
    assert_eq!(m["command"], "compare");
    assert!(m["seeds"].is_null());
    // No partial directory is left next to it.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["bench".to_string()]);
}

#[test]
fn default_output_dir_and_embedded_benchmark() {
    let tmp = tempfile::tempdir().unwrap();
    spasm()
        .current_dir(tmp.path())
        .args(["compare", "--quiet"])
        .assert()
        .success()
        .stdout("");
    assert!(tmp
        .path()
        .join("out/benchmark-compare/comparison.md")
        .is_file());
    let scen = tmp.path().join("my_trial.toml");
    std::fs::copy(example("ibuprofen_cyclobenzaprine.toml"), &scen).unwrap();
    spasm()
        .current_dir(tmp.path())
        .args(["compare", "my_trial.toml", "--quiet"])
        .assert()
        .success();
    assert!(tmp
        .path()
        .join("out/my_trial-compare/comparison.csv")
        .is_file());
}

#[test]
fn cohort_is_identical_for_any_thread_count_and_on_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |threads: &str, name: &str| {
        let out = tmp.path().join(name);
        spasm()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "compare",
                example("benchmark.toml").to_str().unwrap(),
                "--cohort",
                "40",
                "--seed",
                "7",
                "--quiet",
                "-o",
            ])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let one = files(&run("1", "t1"));
    let two = files(&run("2", "t2"));
    let again = files(&run("2", "t2-again"));
    for name in ["cohort.md", "cohort.csv", "comparison.csv", "summary.txt"] {
        assert!(one.contains_key(name), "{name} missing");
    }
    for (name, bytes) in &one {
        if name == "manifest.json" {
            continue; // wall times and thread counts differ
        }
        assert!(
            two[name] == *bytes,
            "{name} differs between 1 and 2 threads"
        );
        assert!(again[name] == *bytes, "{name} differs on rerun");
    }
    let m1 = manifest(&tmp.path().join("t1"));
    let m2 = manifest(&tmp.path().join("t2"));
    assert_eq!(m1["seeds"], serde_json::json!([7]));
    assert_eq!(m1["cohort"]["seed"], 7);
    assert_eq!(m1["cohort"]["seed_source"], "given");
    assert_eq!(m1["cohort"]["patients"], 40);
    assert_eq!(m1["cohort"]["threads"], 1);
    assert_eq!(m2["cohort"]["threads"], 2);
    // Same content hashes in both manifests (manifest excluded).
    assert_eq!(m1["files"], m2["files"]);
    // A different seed gives different patients.
    let other = tmp.path().join("s8");
    spasm()
        .args([
            "compare",
            example("benchmark.toml").to_str().unwrap(),
            "--cohort",
            "40",
            "--seed",
            "8",
            "--quiet",
            "-o",
        ])
        .arg(&other)
        .assert()
        .success();
    assert_ne!(files(&other)["cohort.csv"], one["cohort.csv"]);
}

#[test]
fn seed_is_generated_recorded_and_printed_when_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("c");
    let a = spasm()
        .args([
            "compare",
            example("ibuprofen_cyclobenzaprine.toml").to_str().unwrap(),
            "--cohort",
            "5",
            "--quiet",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let m = manifest(&out);
    let seed = m["cohort"]["seed"].as_u64().expect("seed recorded");
    assert_eq!(m["cohort"]["seed_source"], "clock");
    assert_eq!(m["seeds"], serde_json::json!([seed]));
    assert!(
        stderr(&a).contains(&format!("seed {seed}")),
        "{}",
        stderr(&a)
    );
    let cohort_md = String::from_utf8(files(&out)["cohort.md"].clone()).unwrap();
    assert!(cohort_md.contains(&format!("seed {seed}")));
    // Rerunning with the recorded seed reproduces the cohort.
    let again = tmp.path().join("again");
    spasm()
        .args([
            "compare",
            example("ibuprofen_cyclobenzaprine.toml").to_str().unwrap(),
            "--cohort",
            "5",
            "--seed",
            &seed.to_string(),
            "--quiet",
            "-o",
        ])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(files(&out)["cohort.csv"], files(&again)["cohort.csv"]);
}

#[test]
fn json_mode_prints_the_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let a = spasm()
        .args([
            "compare",
            example("ibuprofen_cyclobenzaprine.toml").to_str().unwrap(),
            "--cohort",
            "3",
            "--seed",
            "1",
            "--json",
            "-o",
        ])
        .arg(tmp.path().join("j"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let summary = &v["summary"];
    assert_eq!(summary["comparison"]["arms"].as_array().unwrap().len(), 3);
    assert_eq!(summary["cohort"]["seed"], 1);
    assert_eq!(summary["cohort"]["patients"], 3);
}

/// Runs `spasm compare` with `args` (output dir appended), expects failure with a
/// message containing every `needles`, and checks that nothing was written.
fn fails(args: &[&str], needles: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = spasm()
        .current_dir(tmp.path())
        .arg("compare")
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .failure();
    let err = stderr(&a);
    for n in needles {
        assert!(err.contains(n), "'{n}' not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "something was written: {left:?}");
}

#[test]
fn bad_input_gives_one_clear_error_and_no_directory() {
    let bench = example("benchmark.toml");
    let bench = bench.to_str().unwrap();
    fails(
        &["no_such_file.toml"],
        &["no_such_file.toml", "cannot read"],
    );
    fails(&[bench, "--cohort", "0"], &["--cohort", "0"]);
    fails(&[bench, "--cohort", "-3"], &["-3"]);
    fails(&[bench, "--seed", "3"], &["--cohort"]);
    fails(
        &[bench, "--reference", "placebo"],
        &["placebo", "no treatment"],
    );
    fails(
        &[bench, "--cohort", "2", "--broken-from", "3 parsecs"],
        &["--broken-from"],
    );
    fails(
        &[bench, "--cohort", "2", "--reference", "placebo"],
        &["placebo"],
    );
}

#[test]
fn a_bad_scenario_file_is_reported_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\nduration = \"7 d\"\n[model]\nset = \"acute_injury\"\n[[arm]]\nname = \"a\"\n  [[arm.intervention]]\n  kind = \"ibuprofen\"\n  dose = \"-400 mg\"\n",
    )
    .unwrap();
    let a = spasm()
        .args(["compare", bad.to_str().unwrap(), "-o"])
        .arg(tmp.path().join("out"))
        .assert()
        .failure();
    assert!(stderr(&a).contains("bad.toml:9"), "{}", stderr(&a));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn without_a_no_treatment_arm_the_first_arm_is_the_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example("ibuprofen_cyclobenzaprine.toml"))
        .unwrap()
        .replace("name = \"no treatment\"", "name = \"usual care\"");
    let scen = tmp.path().join("renamed.toml");
    std::fs::write(&scen, text).unwrap();
    let out = tmp.path().join("o");
    let a = spasm()
        .args(["compare", scen.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("no arm is named \"no treatment\""),
        "{stdout}"
    );
    let md = String::from_utf8(files(&out)["comparison.md"].clone()).unwrap();
    assert!(md.contains("reference arm: **usual care**"), "{md}");
}

#[test]
fn refuses_to_replace_a_directory_that_is_not_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("precious");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep").unwrap();
    // Refused before the (long) cohort runs.
    let start = std::time::Instant::now();
    let a = spasm()
        .args([
            "compare",
            example("benchmark.toml").to_str().unwrap(),
            "--cohort",
            "100000",
            "-o",
        ])
        .arg(&mine)
        .assert()
        .failure();
    assert!(start.elapsed().as_secs_f64() < 20.0);
    assert!(
        stderr(&a).contains("(no .spasm-run.json)"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}
