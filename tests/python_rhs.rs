//! The generated Python right-hand side (`spasm export python`, used by the SciPy peer
//! harness) computes what the simulator computes: the same derived constants, the
//! same algebraic quantities and the same `dy/dt`, to 1e-12 relative, and the same
//! Jacobian `∂f/∂y` to 1e-10 relative plus 1e-14 of the row's largest entry (its
//! entries are sums whose terms can cancel, so a last-bit difference between Python's
//! and Rust's `exp`/`pow` grows, and an exact zero can come out as round-off), at random
//! states and inputs of every embedded parameter set.
//!
//! Needs a `python3` on the PATH (standard library only). Without one the test prints
//! one line and passes, unless `SPASM_REQUIRE_PEERS=1`, which makes it fail.

use std::process::Command;

#[path = "support/peer_env.rs"]
#[allow(dead_code)]
mod peer_env;

use spasm::model::params::ParamSet;
use spasm::model::{Algebraic, Derived, Drivers, Model, NS, STATE_NAMES};
use spasm::report::exchange::python_module;
use spasm::solver::OdeSystem;

/// A small deterministic generator (xorshift), uniform in [0, 1).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

const DRIVER: &str = r#"
import json, sys
sys.path.insert(0, sys.argv[1])
import spasm_rhs as m
cases = json.load(open(sys.argv[2]))
out = []
for c in cases:
    k = m.derived(c["p"])
    al = m.algebraic(c["p"], k, c["u"], c["y"])
    dy = m.make_rhs(c["p"], k, c["u"])(0.0, c["y"])
    jac = m.make_jac(c["p"], k, c["u"])(0.0, c["y"])
    out.append({"k": [k[n] for n in m.DERIVED], "al": [al[n] for n in m.ALGEBRAIC], "dy": dy,
                "jac": [v for row in jac for v in row]})
json.dump(out, sys.stdout)
"#;

fn python() -> Option<String> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| "python3".to_string())
}

#[test]
fn generated_python_computes_what_the_simulator_computes() {
    let Some(py) = python() else {
        peer_env::skip("python3 is not available to run the generated right-hand side");
        return;
    };
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for set in spasm::model::params::embedded_names() {
        let base = Model::new(ParamSet::embedded(set).unwrap().to_params().unwrap());
        for _ in 0..40 {
            let mut m = base.clone();
            m.drivers = Drivers {
                es_activation: rng.range(0.0, 0.4),
                cuff_pressure: rng.range(0.0, 200.0),
                activity: rng.range(0.0, 1.0),
                stress_drive: rng.range(0.0, 0.05),
                skin_heat: (rng.next() < 0.5).then(|| rng.range(38.0, 45.0)),
                us_intensity: rng.range(0.0, 2.0),
                us_frequency: rng.range(1.0, 3.0),
                tens: rng.range(0.0, 1.0),
                stretch: f64::from(u8::from(rng.next() < 0.5)),
                massage: f64::from(u8::from(rng.next() < 0.5)),
                voluntary: if rng.next() < 0.5 {
                    rng.range(0.0, 0.8)
                } else {
                    0.0
                },
                disc_source: rng.range(0.0, 1e-6),
                exp_pain: rng.range(0.0, 1.0),
            };
            let mut y = m.initial_state();
            for (i, v) in y.iter_mut().enumerate() {
                *v = match i {
                    8..=10 => rng.range(33.0, 42.0),
                    // Exact zeros hit the x ≤ 0 branches (capacity is never 0).
                    _ if i != spasm::model::idx::CAP && rng.next() < 0.1 => 0.0,
                    _ => rng.range(0.01, 1.0) * spasm::model::TYPICAL[i] * 3.0,
                };
            }
            let p: serde_json::Map<String, serde_json::Value> = m
                .params()
                .values()
                .into_iter()
                .map(|(n, v)| (n.to_string(), v.into()))
                .collect();
            let u: serde_json::Map<String, serde_json::Value> =
                spasm::report::exchange::DRIVER_NAMES
                    .iter()
                    .zip(spasm::report::exchange::driver_values(&m.drivers))
                    .map(|((n, _, _), v)| (n.to_string(), v.into()))
                    .collect();
            cases.push(serde_json::json!({"p": p, "u": u, "y": y.as_slice()}));
            expected.push((
                set,
                m.derived().values().to_vec(),
                m.algebraic(&y.data.0[0]).values().to_vec(),
                m.rhs(0.0, &y),
                m.jacobian(0.0, &y),
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spasm_rhs.py"), python_module()).unwrap();
    std::fs::write(dir.path().join("driver.py"), DRIVER).unwrap();
    std::fs::write(
        dir.path().join("cases.json"),
        serde_json::to_string(&cases).unwrap(),
    )
    .unwrap();
    let out = Command::new(py)
        .arg(dir.path().join("driver.py"))
        .arg(dir.path())
        .arg(dir.path().join("cases.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the generated module failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let within = |rel: f64, floor: f64| {
        move |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() <= rel * a.abs().max(b.abs()) + floor,
                "{what}: Python {a:e} vs spasm {b:e}"
            );
        }
    };
    let close = within(1e-12, 1e-300);
    for (k, (g, (set, derived, algebraic, dy, jac))) in got.iter().zip(&expected).enumerate() {
        let vals = |key: &str| -> Vec<f64> {
            g[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        for ((n, _, _), (a, b)) in Derived::<f64>::NAMES
            .iter()
            .zip(vals("k").iter().zip(derived))
        {
            close(*a, *b, &format!("{set} case {k}: {n}"));
        }
        for ((n, _, _), (a, b)) in Algebraic::<f64>::NAMES
            .iter()
            .zip(vals("al").iter().zip(algebraic))
        {
            close(*a, *b, &format!("{set} case {k}: {n}"));
        }
        let py_dy = vals("dy");
        assert_eq!(py_dy.len(), NS);
        for (i, (a, b)) in py_dy.iter().zip(dy.iter()).enumerate() {
            close(*a, *b, &format!("{set} case {k}: d{}/dt", STATE_NAMES[i].0));
        }
        let py_jac = vals("jac");
        assert_eq!(py_jac.len(), NS * NS);
        for (n, a) in py_jac.iter().enumerate() {
            let (r, c) = (n / NS, n % NS);
            let what = format!(
                "{set} case {k}: d(d{}/dt)/d{}",
                STATE_NAMES[r].0, STATE_NAMES[c].0
            );
            let row_scale = jac.row(r).amax();
            within(1e-10, 1e-14 * row_scale)(*a, jac[(r, c)], &what);
        }
    }
}
