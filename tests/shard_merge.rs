//! `--shard K/N` and `spasm merge` as a user runs them: shards of a cohort, a sweep and
//! a sensitivity analysis merge into exactly the files of the unsharded run (the
//! manifest differs only in what describes the merge, and lists the shards), and
//! every mistake is refused with one message, exit status 2 and nothing written.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

#[path = "support/run_dirs.rs"]
mod run_dirs;

use run_dirs::{example, files, spasm};

/// Patients of the test cohort: enough for four shards of unequal size.
const PATIENTS: usize = 14;
/// Shards of the cohort.
const SHARDS: usize = 4;
/// Seed of the cohort.
const SEED: &str = "5";

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sha256(path: &Path) -> String {
    spasm::report::sha256_hex(&std::fs::read(path).unwrap())
}

/// Standard error with the report's line wrapping undone (one space between words).
fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Remove what describes one execution rather than the results: command line,
/// threads, wall times, and the merged run's list of shards.
fn without_execution(mut m: serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        if let Some(o) = v.as_object_mut() {
            for k in ["command_line", "threads", "wall_time_s", "shards"] {
                o.remove(k);
            }
            for (_, x) in o.iter_mut() {
                strip(x);
            }
        }
    }
    strip(&mut m);
    m
}

/// The merged directory holds the unsharded run's files, byte for byte, except the
/// manifest, which differs only in what describes the execution and lists `shards`
/// with the hash of each shard's manifest.
fn assert_merge_identical(whole: &Path, merged: &Path, shards: &[PathBuf]) {
    let (a, b) = (files(whole), files(merged));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (name, bytes) in &a {
        if name != "manifest.json" && name != ".spasm-run.json" {
            assert!(
                bytes == &b[name],
                "{name} differs between the whole run and the merge"
            );
        }
    }
    let (ma, mb) = (
        json(&whole.join("manifest.json")),
        json(&merged.join("manifest.json")),
    );
    assert!(ma.get("shards").is_none());
    let listed = mb["shards"].as_array().expect("the merge lists its shards");
    assert_eq!(listed.len(), shards.len());
    for (k, (entry, dir)) in listed.iter().zip(shards).enumerate() {
        assert_eq!(entry["shard"], format!("{}/{}", k + 1, shards.len()));
        assert_eq!(entry["manifest_sha256"], sha256(&dir.join("manifest.json")));
        assert_eq!(
            entry["directory"],
            std::fs::canonicalize(dir).unwrap().display().to_string()
        );
    }
    assert_eq!(without_execution(ma), without_execution(mb));
}

fn cohort_args(out: &Path) -> Vec<String> {
    vec![
        "compare".into(),
        example("benchmark.toml").display().to_string(),
        "--cohort".into(),
        PATIENTS.to_string(),
        "--seed".into(),
        SEED.into(),
        "-o".into(),
        out.display().to_string(),
        "--quiet".into(),
    ]
}

/// Run shards 1..=n of `args`, each into `<tmp>/<stem>-<k>`.
fn run_shards(
    tmp: &Path,
    stem: &str,
    args: impl Fn(&Path) -> Vec<String>,
    n: usize,
) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let out = tmp.join(format!("{stem}-{k}"));
            spasm()
                .args(args(&out))
                .args(["--shard", &format!("{k}/{n}")])
                .assert()
                .success();
            out
        })
        .collect()
}

#[test]
fn four_shard_cohort_merges_byte_identical_to_the_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    spasm().args(cohort_args(&whole)).assert().success();
    let shards = run_shards(tmp.path(), "shard", cohort_args, SHARDS);
    // Each shard holds its contiguous slice of the patients' rows, exactly.
    let whole_rows = std::fs::read_to_string(whole.join("cohort_patients.csv")).unwrap();
    let mut lines = whole_rows.lines();
    let header = lines.next().unwrap();
    let patients = json(&whole.join("manifest.json"))["cohort"]["patients"].as_u64();
    assert_eq!(patients, Some(PATIENTS as u64));
    let body: Vec<&str> = lines.collect();
    let mut concatenated = Vec::new();
    for (k, dir) in shards.iter().enumerate() {
        let text = std::fs::read_to_string(dir.join("cohort_patients.csv")).unwrap();
        let mut l = text.lines();
        assert_eq!(l.next().unwrap(), header);
        concatenated.extend(l.map(str::to_string));
        let record = json(&dir.join("shard.json"));
        let (first, end) = (
            record["first"].as_u64().unwrap(),
            record["end"].as_u64().unwrap(),
        );
        assert_eq!(
            (first, end),
            (
                (k * PATIENTS / SHARDS) as u64,
                ((k + 1) * PATIENTS / SHARDS) as u64
            )
        );
        let m = json(&dir.join("manifest.json"));
        assert_eq!(m["shard"], format!("{}/{SHARDS}", k + 1));
        assert_eq!(m["slice"], serde_json::json!([first, end]));
    }
    assert_eq!(
        concatenated, body,
        "the shards' rows are the unsharded rows"
    );
    // The order of the directories on the command line does not matter.
    let merged = tmp.path().join("merged");
    spasm()
        .arg("merge")
        .args([&shards[2], &shards[0], &shards[3], &shards[1]])
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    assert_merge_identical(&whole, &merged, &shards);
    // The merged statistics are those of the whole cohort, not of one shard.
    let cohort_md = std::fs::read_to_string(merged.join("cohort.md")).unwrap();
    assert!(
        cohort_md.contains(&format!("{PATIENTS} patients")),
        "{cohort_md}"
    );
}

#[test]
fn sweep_and_sensitivity_shards_merge_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = |out: &Path| -> Vec<String> {
        vec![
            "sweep".into(),
            example("sweep_gain_injury.toml").display().to_string(),
            "--param".into(),
            "fac_injury=0:10:5".into(),
            "--param".into(),
            "h_initial=0:1:3".into(),
            "-o".into(),
            out.display().to_string(),
            "--quiet".into(),
        ]
    };
    let whole = tmp.path().join("sweep");
    spasm().args(sweep(&whole)).assert().success();
    // 15 points in 4 shards: slices of 3 and 4 points.
    let shards = run_shards(tmp.path(), "sweep-shard", sweep, 4);
    let merged = tmp.path().join("sweep-merged");
    spasm()
        .arg("merge")
        .args(&shards)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    assert_merge_identical(&whole, &merged, &shards);

    for (method, samples) in [("sobol", "4"), ("morris", "3")] {
        let study = |out: &Path| -> Vec<String> {
            vec![
                "sensitivity".into(),
                example("default.toml").display().to_string(),
                "--method".into(),
                method.into(),
                "--samples".into(),
                samples.into(),
                "--params".into(),
                "k_o,kappa".into(),
                "--seed".into(),
                "3".into(),
                "-o".into(),
                out.display().to_string(),
                "--quiet".into(),
            ]
        };
        let whole = tmp.path().join(method);
        spasm().args(study(&whole)).assert().success();
        let shards = run_shards(tmp.path(), &format!("{method}-shard"), study, 3);
        let merged = tmp.path().join(format!("{method}-merged"));
        spasm()
            .arg("merge")
            .args(&shards)
            .arg("-o")
            .arg(&merged)
            .assert()
            .success();
        assert_merge_identical(&whole, &merged, &shards);
    }
}

/// Run `spasm args…`, expect exit status 2 and a message containing every one of
/// `needles`, and that `target` was not written (nor a sibling left behind).
fn refused(args: &[&std::ffi::OsStr], needles: &[&str], target: &Path) {
    let a = spasm().args(args).assert().code(2);
    let err = stderr(&a);
    for n in needles {
        assert!(err.contains(n), "'{n}' not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!target.exists(), "{} was written", target.display());
    let parent = target.parent().unwrap();
    let stem = target.file_name().unwrap().to_string_lossy().into_owned();
    for e in std::fs::read_dir(parent).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(&format!("{stem}.")),
            "left behind: {name}"
        );
    }
}

fn os<'a>(v: &'a [&'a str]) -> Vec<&'a std::ffi::OsStr> {
    v.iter().map(std::ffi::OsStr::new).collect()
}

#[test]
fn bad_shard_options_are_refused_before_any_computation() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    let out_s = out.display().to_string();
    let bench = example("benchmark.toml").display().to_string();
    for (shard, why) in [
        ("5/4", "K = 5 is larger than N = 4"),
        ("0/4", "K counts from 1"),
        ("a/b", "'a' is not a whole number"),
        ("1/0", "N must be at least 1"),
        ("3", "no '/'"),
    ] {
        let args = [
            "compare", &bench, "--cohort", "8", "--seed", "1", "--shard", shard, "-o", &out_s,
        ];
        refused(&os(&args), &[why, "expected K/N", "1/4"], &out);
    }
    let no_seed = [
        "compare", &bench, "--cohort", "8", "--shard", "1/2", "-o", &out_s,
    ];
    refused(&os(&no_seed), &["needs --seed"], &out);
    let too_many = [
        "compare", &bench, "--cohort", "3", "--seed", "1", "--shard", "1/4", "-o", &out_s,
    ];
    refused(&os(&too_many), &["3 patients", "at most 3 shards"], &out);
    let sweep = example("sweep_gain_injury.toml").display().to_string();
    let sweep_args = [
        "sweep",
        &sweep,
        "--param",
        "fac_injury=0:1:2",
        "--shard",
        "3/2",
        "-o",
        &out_s,
    ];
    refused(&os(&sweep_args), &["K = 3 is larger than N = 2"], &out);
}

#[test]
fn merge_refuses_shards_that_do_not_form_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let small = |seed: &'static str| {
        move |out: &Path| -> Vec<String> {
            vec![
                "compare".into(),
                example("ibuprofen.toml").display().to_string(),
                "--cohort".into(),
                "6".into(),
                "--seed".into(),
                seed.into(),
                "-o".into(),
                out.display().to_string(),
                "--quiet".into(),
            ]
        }
    };
    let shards = run_shards(t, "a", small("1"), 3);
    let other_seed = run_shards(t, "seed2", small("2"), 3);
    let halves = run_shards(t, "halves", small("1"), 2);
    let whole = t.join("whole");
    spasm().args(small("1")(&whole)).assert().success();
    let out = t.join("merged");
    let merge = |dirs: &[&Path], needles: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
        args.extend(dirs.iter().map(|d| d.as_os_str()));
        args.extend(["-o".as_ref(), out.as_os_str()]);
        refused(&args, needles, &out);
    };
    let [s1, s2, s3] = [&shards[0], &shards[1], &shards[2]].map(PathBuf::as_path);
    merge(&[s1, s2], &["shard 3/3 of 3 missing", "give all 3"]);
    merge(&[s1, s2, s2, s3], &["shard 2/3 is given twice", "overlap"]);
    merge(
        &[s1, &other_seed[1], s3],
        &["different runs", "seed differs (1 vs 2)"],
    );
    merge(&[s1, &halves[1]], &["different runs", "number of shards N"]);
    merge(
        &[s1, s2, s3, &whole],
        &["not a shard directory", "shard.json"],
    );
    merge(
        &[s1, &t.join("nowhere")],
        &["not a shard directory", "no such directory"],
    );
    // The output may not be one of the shards.
    let a = spasm()
        .arg("merge")
        .args([s1, s2, s3])
        .arg("-o")
        .arg(s1)
        .assert()
        .code(2);
    assert!(stderr(&a).contains("holds the input"), "{}", stderr(&a));
    assert!(s1.join("shard.json").is_file());
    // A shard whose rows changed after it was written.
    let rows = s2.join("cohort_patients.csv");
    let original = std::fs::read(&rows).unwrap();
    std::fs::write(&rows, [&original[..], b"\n"].concat()).unwrap();
    merge(
        &[s1, s2, s3],
        &["cohort_patients.csv", "changed since the shard was written"],
    );
    std::fs::write(&rows, &original).unwrap();
    spasm()
        .arg("merge")
        .args([s1, s2, s3])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(files(&out)["cohort.csv"] == files(&whole)["cohort.csv"]);
}

#[test]
fn merge_refuses_a_scenario_changed_since_the_shards_ran() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let scenario = t.join("scenario.toml");
    std::fs::copy(example("ibuprofen.toml"), &scenario).unwrap();
    let args = |out: &Path| -> Vec<String> {
        vec![
            "compare".into(),
            scenario.display().to_string(),
            "--cohort".into(),
            "2".into(),
            "--seed".into(),
            "1".into(),
            "-o".into(),
            out.display().to_string(),
            "--quiet".into(),
        ]
    };
    let shards = run_shards(t, "s", args, 2);
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(&scenario, format!("{text}\n# edited\n")).unwrap();
    let out = t.join("merged");
    let mut a: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
    a.extend(shards.iter().map(|d| d.as_os_str()));
    a.extend(["-o".as_ref(), out.as_os_str()]);
    refused(
        &a,
        &["scenario.toml", "merge needs the scenario the shards ran"],
        &out,
    );
}
