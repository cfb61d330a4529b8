//! The COMBINE/OMEX export (`spasm export omex`), run in Tellurium and validated with
//! the COMBINE/BioSimulators utilities.
//!
//! [`SCENARIO`] has four arms with scheduled events: doses at t = 0 (the schedule
//! must fire at t = 0, not later), two doses of one drug and a relaxant at the same
//! time, a dose at the moment an effort ends, a hot pack from t = 0, a TENS session
//! between two output times, and an arm with its own patient (`[arm.overrides]`,
//! settled on its own) with a local anaesthetic at t = 0. spasm runs it (RODAS4,
//! `[solver] rtol = 1e-9`, `spasm run`), Tellurium runs the archive (CVODE with the
//! tolerances the archive names), and every reported quantity of every arm must agree
//! at every output time to 1e-4 relative, with an absolute floor per variable
//! ([`floors`]). The archive must validate without errors.
//!
//! Tellurium and biosimulators-utils live in `target/peers-venv-omex`, built on first
//! use from `tests/peers/requirements-omex.txt` (`python3 -m venv`, then `pip install`
//! from the package index: a few minutes, about 1 GB); `SPASM_OMEX_PYTHON` may name
//! another interpreter that has them. If the environment cannot be built (no network,
//! no `python3`), the test prints one `skipped:` line and passes, unless
//! `SPASM_REQUIRE_PEERS=1`, which makes it fail and say why. The checks of the archive
//! itself ([`archive_is_deterministic_complete_and_refuses_bad_input`]) need nothing.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use spasm::model::{STATE_NAMES, TYPICAL};

#[path = "support/peer_env.rs"]
mod peer_env;

const REQUIREMENTS: &str = include_str!("peers/requirements-omex.txt");
const DRIVER: &str = include_str!("peers/omex_check.py");

/// The scenario exported and run (two days, output every 10 min, in hours).
const SCENARIO: &str = r#"
name = "OMEX cross-check"
description = "Events at t = 0, simultaneous doses, a session between samples, an arm with its own patient"
duration = "2 d"
settle = "12 h"

[model]
set = "acute_injury"

[output]
every = "10 min"
time_unit = "h"

[solver]
rtol = 1e-9

[[trigger]]
kind = "effort"
at = "0 s"
duration = "2 min"
level = "50 %MVC"

[[arm]]
name = "ibuprofen from t = 0"

  [[arm.intervention]]
  kind = "ibuprofen"
  at = "0 s"
  dose = "400 mg"
  every = "8 h"

[[arm]]
name = "double dose + relaxant at 30 min"

  [[arm.intervention]]
  kind = "ibuprofen"
  at = "30 min"
  dose = "400 mg"

  [[arm.intervention]]
  kind = "ibuprofen"
  at = "30 min"
  dose = "200 mg"

  [[arm.intervention]]
  kind = "cyclobenzaprine"
  at = "30 min"
  dose = "5 mg"
  every = "8 h"

  [[arm.intervention]]
  kind = "tizanidine"
  at = "2 min"
  dose = "4 mg"

[[arm]]
name = "hot pack from t = 0 + TENS"

  [[arm.intervention]]
  kind = "hot_pack"
  at = "0 s"
  duration = "20 min"
  every = "8 h"

  [[arm.intervention]]
  kind = "tens"
  at = "63 min"
  duration = "3 min"

[[arm]]
name = "smaller injury, lidocaine at t = 0"

  [arm.overrides]
  h_initial = 0.3

  [[arm.intervention]]
  kind = "local_anaesthetic"
  at = "0 s"
  dose = "100 mg"
"#;

/// Relative agreement required between Tellurium and spasm.
const RTOL: f64 = 1e-4;

/// The absolute floor of a column is this fraction of its scale: a state's
/// `TYPICAL` size, or a derived quantity's largest magnitude over all arms.
///
/// Why: drug amounts before the first dose and long after it, γ, X, Y and the depot
/// sit at or near zero, where a relative comparison is meaningless. Below
/// `FLOOR_FRACTION × scale` a difference counts against that floor, i.e. must be under
/// `RTOL × FLOOR_FRACTION × scale` = 1e-7 of the scale. spasm's local absolute
/// tolerance is `rtol × TYPICAL` = 1e-9 × TYPICAL (CVODE's at most that), and the
/// global error over two days is commonly tens of times the local tolerance: 1e-7 ×
/// TYPICAL is the resolution both runs have. (Measured: an ibuprofen gut amount
/// decayed to 5e-4 mg, 5e-6 of its typical 100 mg, differs by 1.3e-7 mg, 1.3 × spasm's
/// absolute tolerance there.)
const FLOOR_FRACTION: f64 = 1e-3;

/// Columns of `trajectories.csv` the archive does not report: the arm (the report's
/// name), interstitial K⁺ (k_rest + M, not an SBML quantity) and tissue temperatures
/// at chosen depths.
fn not_reported(column: &str) -> bool {
    column == "arm" || column == "K_mM" || column.starts_with("T_at_")
}

fn spasm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spasm"))
}

/// `trajectories.csv`: header and rows (without `arm`) per arm.
fn read_trajectories(path: &Path) -> (Vec<String>, HashMap<String, Vec<Vec<f64>>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut arms: HashMap<String, Vec<Vec<f64>>> = HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let row = record
            .iter()
            .skip(1)
            .map(|x| x.parse::<f64>().unwrap())
            .collect();
        arms.entry(record[0].to_string()).or_default().push(row);
    }
    (header, arms)
}

/// The absolute floor of every column (without `arm`), see [`FLOOR_FRACTION`].
fn floors(header: &[String], arms: &HashMap<String, Vec<Vec<f64>>>) -> Vec<f64> {
    header[1..]
        .iter()
        .enumerate()
        .map(|(j, column)| {
            let scale = match (0..STATE_NAMES.len()).find(|&i| *column == csv_name(i)) {
                Some(i) => TYPICAL[i],
                None => arms
                    .values()
                    .flatten()
                    .fold(0.0f64, |m, row| m.max(row[j].abs())),
            };
            FLOOR_FRACTION * scale
        })
        .collect()
}

/// The `trajectories.csv` column of state `i`: `<name>_<unit>` in ASCII.
fn csv_name(i: usize) -> String {
    let (n, u) = STATE_NAMES[i];
    let unit = match u {
        "°C" => "degC".to_string(),
        "a.u." => "au".to_string(),
        u => u.replace('/', "_per_"),
    };
    format!("{n}_{unit}")
}

#[test]
fn omex_archive_runs_in_tellurium_like_spasm_and_validates() {
    let python = match peer_env::python_env(
        "peers-venv-omex",
        REQUIREMENTS,
        "SPASM_OMEX_PYTHON",
        "tellurium and biosimulators-utils",
    ) {
        Ok(p) => p,
        Err(reason) => {
            peer_env::skip(&format!("could not build the Python environment: {reason}"));
            return;
        }
    };

    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("omex_check.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let archive = dir.path().join("omex_check.omex");
    let run_dir = dir.path().join("run");
    let out = spasm()
        .args(["export", "omex"])
        .arg(&scenario)
        .arg("-o")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = spasm()
        .arg("run")
        .arg(&scenario)
        .arg("-o")
        .arg(&run_dir)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let script = dir.path().join("omex_check.py");
    std::fs::write(&script, DRIVER).unwrap();
    let result_path = dir.path().join("result.json");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&archive)
        .arg(dir.path().join("tellurium"))
        .arg(&result_path)
        .output()
        .expect("run the peers' python");
    assert!(
        out.status.success(),
        "omex_check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&result_path).unwrap()).unwrap();
    println!(
        "Tellurium {} (libRoadRunner {}) ran the archive in {:.1} s; report files: {}",
        res["tellurium_version"],
        res["roadrunner_version"],
        res["wall_s"].as_f64().unwrap_or(f64::NAN),
        res["report_files"]
    );
    for w in res["warnings"].as_array().unwrap() {
        println!("  warning: {}", w.as_str().unwrap_or(""));
    }

    // Validation: no errors (warnings are printed).
    let v = &res["validation"];
    if v["available"].as_bool() == Some(true) {
        let errors = v["errors"].as_str().unwrap_or("");
        println!(
            "biosimulators-utils {}: {}",
            v["version"],
            if errors.is_empty() {
                "valid"
            } else {
                "INVALID"
            }
        );
        let warnings = v["warnings"].as_str().unwrap_or("");
        if !warnings.is_empty() {
            println!("  warnings:\n{warnings}");
        }
        assert!(errors.is_empty(), "the archive is invalid:\n{errors}");
    } else {
        peer_env::skip(&format!(
            "validation with biosimulators-utils: it does not import ({})",
            v["reason"].as_str().unwrap_or("?")
        ));
    }

    // Tellurium vs spasm.
    let (header, spasm_arms) = read_trajectories(&run_dir.join("trajectories.csv"));
    let floor = floors(&header, &spasm_arms);
    let expected: Vec<&String> = header.iter().filter(|c| !not_reported(c)).collect();
    let reports = res["reports"].as_array().unwrap();
    assert_eq!(reports.len(), spasm_arms.len(), "one report per arm");
    let mut worst = (0.0f64, String::new());
    let mut failures = Vec::new();
    for report in reports {
        let name = report["name"].as_str().unwrap();
        let labels: Vec<&str> = report["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(labels, expected, "report {name}: columns");
        let sp = &spasm_arms[name];
        let rows = report["rows"].as_array().unwrap();
        assert_eq!(rows.len(), sp.len(), "report {name}: output times");
        println!("arm '{name}' ({} times):", rows.len());
        for (k, label) in labels.iter().enumerate() {
            // Column of `label` in trajectories.csv, without `arm`.
            let j = header.iter().position(|c| c == label).unwrap() - 1;
            let mut col = (0.0f64, 0usize);
            for (r, row) in rows.iter().enumerate() {
                let te = row[k].as_f64().unwrap_or(f64::NAN);
                let s = sp[r][j];
                let diff = (te - s).abs();
                if diff.is_nan() || diff > RTOL * s.abs().max(floor[j]) {
                    failures.push(format!(
                        "{name}: {label} at t = {} h: spasm {s:e}, tellurium {te:e}",
                        sp[r][0]
                    ));
                }
                let rel = diff / s.abs().max(floor[j]).max(f64::MIN_POSITIVE);
                if rel > col.0 || rel.is_nan() {
                    col = (rel, r);
                }
            }
            println!(
                "  {label:18} worst relative difference {:.2e} at t = {} h",
                col.0, sp[col.1][0]
            );
            if col.0 > worst.0 || col.0.is_nan() {
                worst = (col.0, format!("{name}: {label} at t = {} h", sp[col.1][0]));
            }
        }
    }
    println!("worst relative difference: {:.2e} ({})", worst.0, worst.1);
    assert!(
        failures.is_empty(),
        "{} disagreements beyond {RTOL:e} relative, first:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

/// Without any peer: the archive is the same bytes every time, holds what the manifest
/// lists, names CVODE and the tolerances by KiSAO, and bad requests write nothing.
#[test]
fn archive_is_deterministic_complete_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let (a, b) = (dir.path().join("a.omex"), dir.path().join("b.omex"));
    for path in [&a, &b] {
        let out = spasm()
            .args(["export", "omex"])
            .arg(&scenario)
            .arg("-o")
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(&b).unwrap(),
        "same scenario, same bytes"
    );

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files: HashMap<String, String> = HashMap::new();
    for k in 0..zip.len() {
        let mut f = zip.by_index(k).unwrap();
        assert_eq!(f.compression(), zip::CompressionMethod::Deflated);
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        files.insert(f.name().to_string(), text);
    }
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "manifest.xml",
            "metadata.rdf",
            "model_double_dose_relaxant_at_30_min.xml",
            "model_hot_pack_from_t_0_TENS.xml",
            "model_ibuprofen_from_t_0.xml",
            "model_smaller_injury_lidocaine_at_t_0.xml",
            "simulation.sedml",
        ]
    );
    let manifest = &files["manifest.xml"];
    for n in names.iter().filter(|n| **n != "manifest.xml") {
        assert!(
            manifest.contains(&format!("location=\"./{n}\"")),
            "{n} listed"
        );
    }
    assert!(manifest.contains(
        "format=\"http://identifiers.org/combine.specifications/sed-ml\" master=\"true\""
    ));
    let sedml = &files["simulation.sedml"];
    assert_eq!(sedml.matches("kisaoID=\"KISAO:0000019\"").count(), 4);
    assert!(sedml.contains("kisaoID=\"KISAO:0000209\" value=\"1e-9\""));
    assert!(sedml.contains("numberOfPoints=\"288\"") && sedml.contains("outputEndTime=\"172800\""));
    // The t = 0 dose is an event that fires at t = 0, with a priority; the initial
    // amount in the gut is the settled one (zero).
    let ibu = &files["model_ibuprofen_from_t_0.xml"];
    let ev0 = &ibu[ibu.find("<event id=\"ev_0\"").unwrap()..];
    let ev0 = &ev0[..ev0.find("</event>").unwrap()];
    assert!(ev0.contains("<trigger initialValue=\"false\" persistent=\"true\">"));
    assert!(ev0.contains("<cn sbml:units=\"second\"> 0 </cn>") && ev0.contains("<priority>"));
    assert!(ev0.contains("variable=\"ibu_gut\""));
    let gut = &ibu[ibu.find("<parameter id=\"ibu_gut\"").unwrap()..];
    assert!(gut[..gut.find('>').unwrap()].contains(" value=\"0\" "));

    // The output is the input: refused, input intact.
    let out = spasm()
        .args(["export", "omex"])
        .arg(&scenario)
        .arg("-o")
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the input"));
    assert_eq!(std::fs::read_to_string(&scenario).unwrap(), SCENARIO);

    // A grid a uniform time course cannot hold: one message, exit 2, no file.
    let uneven = dir.path().join("uneven.toml");
    std::fs::write(
        &uneven,
        SCENARIO.replace("every = \"10 min\"", "every = \"7 min\""),
    )
    .unwrap();
    let target = dir.path().join("uneven.omex");
    let out = spasm()
        .args(["export", "omex"])
        .arg(&uneven)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("uniform time course"), "{err}");
    assert!(!err.contains("panicked"));
    assert!(!target.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
