//! Output directories that cannot destroy anything (the reliability audit's findings
//! 1–5): a directory is replaced only when spasm wrote it and nothing else is in it;
//! the input is never inside what is replaced and no output overwrites an input;
//! default output names never collide silently; stale partial directories of killed
//! runs are cleaned up; a full standard output is an error, not a panic.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn spasm() -> Command {
    Command::cargo_bin("spasm").expect("binary builds")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Standard error with the report's line wrapping undone (one space between words).
fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short scenario (one arm, 2 h) in `dir` under `name`.
fn short_scenario(dir: &Path, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(example("hot_pack.toml"))
        .unwrap()
        .replacen("duration = \"7 d\"", "duration = \"2 h\"", 1);
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_directory_with_a_foreign_manifest_is_not_replaced() {
    // Finding 1: any directory holding a manifest.json was replaced wholesale.
    let tmp = tempfile::tempdir().unwrap();
    let scen = short_scenario(tmp.path(), "s.toml");
    let webapp = tmp.path().join("webapp");
    std::fs::create_dir_all(webapp.join("src")).unwrap();
    std::fs::write(webapp.join("manifest.json"), "{}").unwrap();
    std::fs::write(webapp.join("src/important.txt"), "work").unwrap();
    let a = spasm()
        .arg("run")
        .arg(&scen)
        .arg("-o")
        .arg(&webapp)
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("not a run directory written by spasm"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        std::fs::read_to_string(webapp.join("src/important.txt")).unwrap(),
        "work"
    );
    assert_eq!(
        std::fs::read_to_string(webapp.join("manifest.json")).unwrap(),
        "{}"
    );
}

#[test]
fn files_the_user_added_to_a_run_are_never_deleted() {
    // Finding 2: rerunning into a run directory deleted the user's files, and the
    // scenario the run had just read.
    let tmp = tempfile::tempdir().unwrap();
    let scen = short_scenario(tmp.path(), "s.toml");
    let prev = tmp.path().join("prev");
    spasm()
        .arg("run")
        .arg(&scen)
        .arg("-o")
        .arg(&prev)
        .arg("--quiet")
        .assert()
        .success();
    std::fs::write(prev.join("my_notes.txt"), "mine").unwrap();
    let a = spasm()
        .arg("run")
        .arg(&scen)
        .arg("-o")
        .arg(&prev)
        .assert()
        .code(2);
    assert!(stderr(&a).contains("'my_notes.txt'"), "{}", stderr(&a));
    assert_eq!(
        std::fs::read_to_string(prev.join("my_notes.txt")).unwrap(),
        "mine"
    );
    std::fs::remove_file(prev.join("my_notes.txt")).unwrap();

    let inside = short_scenario(&prev, "my_scenario.toml");
    let a = spasm()
        .arg("run")
        .arg(&inside)
        .arg("-o")
        .arg(&prev)
        .assert()
        .code(2);
    assert!(stderr(&a).contains("holds the input"), "{}", stderr(&a));
    assert!(inside.is_file());
    // Without the extra file, the previous run is replaced.
    std::fs::remove_file(&inside).unwrap();
    spasm()
        .arg("run")
        .arg(&scen)
        .arg("-o")
        .arg(&prev)
        .arg("--quiet")
        .assert()
        .success();
}

#[test]
fn an_export_never_overwrites_its_input() {
    // Finding 3: `export sbml scen.toml -o scen.toml` replaced the scenario with XML.
    let tmp = tempfile::tempdir().unwrap();
    let scen = short_scenario(tmp.path(), "scen.toml");
    let before = std::fs::read_to_string(&scen).unwrap();
    for out in [scen.clone(), tmp.path().join(".").join("scen.toml")] {
        let a = spasm()
            .args(["export", "sbml"])
            .arg(&scen)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2);
        assert!(stderr(&a).contains("is the input"), "{}", stderr(&a));
    }
    assert_eq!(std::fs::read_to_string(&scen).unwrap(), before);
}

#[test]
fn default_output_names_do_not_collide_silently() {
    // Finding 4: a/x.toml and b/x.toml both wrote out/x; the second replaced the first.
    let tmp = tempfile::tempdir().unwrap();
    for d in ["a", "b"] {
        std::fs::create_dir(tmp.path().join(d)).unwrap();
        short_scenario(&tmp.path().join(d), "x.toml");
    }
    let run = |input: &str| {
        spasm()
            .current_dir(tmp.path())
            .args(["run", input, "--quiet"])
            .assert()
    };
    run("a/x.toml").success();
    let a = run("b/x.toml").code(2);
    assert!(stderr(&a).contains("holds the run of"), "{}", stderr(&a));
    assert!(stderr(&a).contains("-o"), "{}", stderr(&a));
    // The same input may replace its own previous run.
    run("a/x.toml").success();
}

#[test]
fn stale_partial_directories_of_killed_runs_are_removed() {
    // Finding 6 (part): `out.partial-*` directories of killed runs accumulated.
    let tmp = tempfile::tempdir().unwrap();
    let scen = short_scenario(tmp.path(), "s.toml");
    // A process id that cannot be running (above the kernel's limit).
    let dead = tmp.path().join("res.partial-4194305-1a2b");
    let old = tmp.path().join("res.old-4194305-3c4d");
    let other = tmp.path().join("other.partial-4194305-1a2b");
    for d in [&dead, &old, &other] {
        std::fs::create_dir(d).unwrap();
    }
    spasm()
        .arg("run")
        .arg(&scen)
        .arg("-o")
        .arg(tmp.path().join("res"))
        .arg("--quiet")
        .assert()
        .success();
    assert!(!dead.exists() && !old.exists());
    // Only siblings of the same target are touched.
    assert!(other.exists());
}

#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    // Finding 5: `> /dev/full` panicked with exit 101.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        println!("skipped: no /dev/full on this system");
        return;
    };
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("spasm"));
    let a = assert_cmd::assert::OutputAssertExt::assert(cmd.arg("params").stdout(full)).code(2);
    assert!(
        stderr(&a).contains("cannot write to standard output"),
        "{}",
        stderr(&a)
    );
    assert!(!stderr(&a).contains("panicked"), "{}", stderr(&a));
}

#[test]
fn scenario_inputs_must_be_small_regular_files() {
    // Finding 7: a FIFO or /dev/zero as the scenario blocked or read forever.
    let tmp = tempfile::tempdir().unwrap();
    let mut inputs = vec![PathBuf::from("/dev/zero"), tmp.path().to_path_buf()];
    let fifo = tmp.path().join("fifo.toml");
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        inputs.push(fifo);
    }
    for input in &inputs {
        if !input.exists() {
            continue;
        }
        let a = spasm().arg("run").arg(input).assert().code(2);
        assert!(
            stderr(&a).contains("is not a regular file"),
            "{}",
            stderr(&a)
        );
    }
    let big = tmp.path().join("big.toml");
    std::fs::write(&big, "#".repeat(2 << 20)).unwrap();
    let a = spasm().arg("run").arg(&big).assert().code(2);
    assert!(
        stderr(&a).contains("at most 1048576 bytes"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn a_huge_key_gives_a_short_message() {
    // Finding 7: a 5 MB unknown key echoed 38 MB of "did you mean".
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("key.toml");
    let key = "k".repeat(900_000);
    std::fs::write(
        &path,
        format!("name = \"x\"\nduration = \"1 h\"\n{key} = 1\n"),
    )
    .unwrap();
    let a = spasm().arg("run").arg(&path).assert().code(2);
    let err = stderr(&a);
    assert!(
        err.contains("(900000 characters)"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.len() < 10_000, "{} bytes of error", err.len());
}

#[test]
fn a_failed_run_names_the_overridden_parameters() {
    // Finding 8: a solver breakdown caused by an override never named the override.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("stiff.toml");
    std::fs::write(
        &path,
        "name = \"explicit on a stiff model\"\nduration = \"1 d\"\n[model]\nset = \"acute_injury\"\n\
         [model.overrides]\ntau_a = \"0.5 s\"\n[solver]\nmethod = \"dopri5\"\n[[arm]]\nname = \"a\"\n",
    )
    .unwrap();
    let a = spasm()
        .arg("run")
        .arg(&path)
        .arg("-o")
        .arg(tmp.path().join("o"))
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(err.contains("explicit on a stiff model"), "{err}");
    assert!(
        err.contains("overridden parameters: tau_a = 0.5 s (set: 2)"),
        "{err}"
    );
    assert!(!tmp.path().join("o").exists());
}

#[test]
fn an_unusable_output_fails_before_simulating() {
    // Finding 8: `run` checked the output only after simulating. The scenario here
    // cannot be simulated (an explicit solver on a stiff model): if the output were
    // checked afterwards, the error would be the solver's.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("taken");
    std::fs::write(&file, "a file").unwrap();
    let path = tmp.path().join("stiff.toml");
    std::fs::write(
        &path,
        "name = \"x\"\nduration = \"1 d\"\n[model]\nset = \"acute_injury\"\n\
         [solver]\nmethod = \"dopri5\"\n[[arm]]\nname = \"a\"\n",
    )
    .unwrap();
    let a = spasm()
        .arg("run")
        .arg(&path)
        .arg("-o")
        .arg(&file)
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("exists and is not a directory"),
        "{}",
        stderr(&a)
    );
    assert!(!stderr(&a).contains("stiff"), "{}", stderr(&a));
}

#[test]
fn outputs_estimated_above_the_cap_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("every_10_s.toml");
    let bench = std::fs::read_to_string("examples/benchmark.toml").unwrap();
    std::fs::write(
        &scenario,
        bench.replace("every = \"10 min\"", "every = \"10 s\""),
    )
    .unwrap();
    let out = dir.path().join("o");
    for command in ["run", "compare"] {
        let assert = Command::cargo_bin("spasm")
            .unwrap()
            .arg(command)
            .arg(&scenario)
            .arg("-o")
            .arg(&out)
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(err.contains("--force") && err.contains("MB"), "{err}");
        assert!(!out.exists(), "{command} wrote something");
    }
}
