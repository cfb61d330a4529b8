//! Cross-check of the sensitivity analysis against SALib 1.6.0, the reference
//! implementation: `tests/peers/salib_check.py` runs SALib's `morris.analyze` and
//! `sobol.analyze` on the *same* designs and outputs as ours and checks that the
//! point estimates agree to rounding and the bootstrap half-widths within 25 % (see
//! the script for the exact criteria). Cases: the Ishigami function (Morris r = 500,
//! Sobol' N = 4096, each also with 1 % failed runs), a model of log-scale factors,
//! and one spasm endpoint (7-day pain AUC of the untreated arm of
//! `examples/default.toml` over four parameters; Morris r = 20, Sobol' N = 256).
//!
//! Python: `SPASM_SALIB_PYTHON` if set; else the virtual environment
//! `target/peers-venv-salib`, created on first use (`python3 -m venv`, then
//! `pip install -r tests/peers/requirements-salib.txt`). If it cannot be built (no
//! network), the test prints one line `skipped: could not build the Python
//! environment: <reason>` and passes — unless `SPASM_REQUIRE_PEERS=1`, which makes
//! that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use spasm::analysis::sensitivity::study::{self, Design, Method, StudyOptions};
use spasm::analysis::sensitivity::{morris, sobol};
use spasm::scenario::Scenario;

#[allow(dead_code)]
#[path = "support/ishigami.rs"]
mod ishigami;
#[path = "support/peer_env.rs"]
mod peer_env;
#[path = "support/salib_cases.rs"]
mod salib_cases;

const REQUIREMENTS: &str = include_str!("peers/requirements-salib.txt");

/// The interpreter of `target/peers-venv-salib` (or `SPASM_SALIB_PYTHON`), ready
/// when it runs and imports SALib and numpy.
fn peers_ready() -> Result<PathBuf, String> {
    let python = peer_env::python_env(
        "peers-venv-salib",
        REQUIREMENTS,
        "SPASM_SALIB_PYTHON",
        "SALib, numpy and scipy",
    )?;
    peer_env::run(
        Command::new(&python).args(["-c", "import SALib, numpy"]),
        "import SALib, numpy",
    )?;
    Ok(python)
}

/// The spasm cases: 7-day pain AUC of the untreated arm of the default scenario.
fn spasm_cases(dir: &Path) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let sc = Scenario::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/default.toml")
            .as_path(),
    )?;
    let mut cases = Vec::new();
    for (method, samples, name) in [
        (Method::Morris, 20, "morris_spasm_pain_auc"),
        (Method::Sobol, 256, "sobol_spasm_pain_auc"),
    ] {
        let opts = StudyOptions {
            method,
            parameters: ["h_initial", "gain_gamma", "k_gamma", "kappa"]
                .map(String::from)
                .to_vec(),
            samples,
            seed: 3,
            endpoints: vec!["pain_auc_7d_nrs_h".into()],
            arms: vec!["no treatment".into()],
            bootstrap: salib_cases::BOOTSTRAP,
            ..Default::default()
        };
        let plan = study::plan(&sc, &opts)?;
        let (y, _) = study::evaluate::<()>(&sc, &plan, &|| {}, &mut |_| Ok(()))
            .map_err(|()| "evaluation")?;
        let y = &y[0][0];
        let problem = match &plan.design {
            Design::Morris(d) => &d.problem,
            Design::Sobol(d) => &d.problem,
            Design::Local(_) => unreachable!(),
        };
        cases.push(match &plan.design {
            Design::Morris(d) => salib_cases::case(
                dir,
                name,
                "morris",
                problem,
                &d.unit,
                &d.x,
                y,
                Some(d.levels),
                &serde_json::to_value(morris::analyze(d, y, &salib_cases::BOOTSTRAP)?)?,
            )?,
            Design::Sobol(d) => salib_cases::case(
                dir,
                name,
                "sobol",
                problem,
                &d.unit,
                &d.x,
                y,
                None,
                &serde_json::to_value(sobol::analyze(d, y, &salib_cases::BOOTSTRAP)?)?,
            )?,
            Design::Local(_) => unreachable!(),
        });
    }
    Ok(cases)
}

#[test]
fn salib_agrees() {
    let python = match peers_ready() {
        Ok(p) => p,
        Err(reason) => {
            peer_env::skip(&format!("could not build the Python environment: {reason}"));
            return;
        }
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("salib");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the case directory");
    let extra = spasm_cases(&dir).expect("evaluate the spasm cases");
    salib_cases::write_cases(&dir, extra).expect("write the cases");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/salib_check.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&dir)
        .output()
        .expect("run salib_check.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "salib_check.py failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
