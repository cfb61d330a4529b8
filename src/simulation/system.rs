//! The model as an ODE system for the solvers: the right-hand side and the exact
//! Jacobian from the generated straight-line code (checked here against the generic
//! equations and their dual-number derivatives), and which states are physically
//! non-negative.

use nalgebra::SMatrix;

use crate::model::{thermal, Model, State, NS};
use crate::solver::OdeSystem;

impl OdeSystem<NS> for Model {
    fn rhs(&self, _t: f64, y: &State) -> State {
        State::from(self.rhs_at(&y.data.0[0]))
    }

    fn jacobian(&self, _t: f64, y: &State) -> SMatrix<f64, NS, NS> {
        let (_, values) = self.rhs_and_jacobian_at(&y.data.0[0]);
        let mut j = SMatrix::<f64, NS, NS>::zeros();
        for (&(r, c), v) in Model::jacobian_pattern().iter().zip(values) {
            j[(r, c)] = v;
        }
        j
    }

    fn rhs_and_jacobian(&self, _t: f64, y: &State, jac: &mut [f64]) -> State {
        let (f, values) = self.rhs_and_jacobian_at(&y.data.0[0]);
        jac.copy_from_slice(&values);
        State::from(f)
    }

    fn jacobian_pattern(&self) -> Option<&[(usize, usize)]> {
        Some(Model::jacobian_pattern())
    }

    fn nonnegative(&self) -> [bool; NS] {
        let mut m = [true; NS];
        for i in thermal::NODE_STATES {
            m[i] = false;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::ParamSet;
    use crate::model::scalar::Dual;

    fn model(set: &str) -> Model {
        Model::new(ParamSet::embedded(set).unwrap().to_params().unwrap())
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        let mut m = model("acute_injury");
        m.drivers.voluntary = 0.3;
        m.drivers.skin_heat = Some(42.0);
        m.drivers.us_intensity = 1.0;
        m.drivers.us_frequency = 3.0;
        m.drivers.exp_pain = 0.3;
        let mut y = m.initial_state();
        for (i, v) in [
            0.2, 0.8, 0.4, 0.5, 2.0, 1.0, 4.0, 0.1, 36.0, 36.4, 36.8, 0.5, 0.2, 0.1, 50.0, 100.0,
            1.0, 3.0, 0.5, 0.2, 40.0,
        ]
        .iter()
        .enumerate()
        {
            y[i] = *v;
        }
        let j = m.jacobian(0.0, &y);
        for k in 0..NS {
            let h = 1e-6 * y[k].abs().max(1e-3);
            let mut yp = y;
            let mut ym = y;
            yp[k] += h;
            ym[k] -= h;
            let fd = (m.rhs(0.0, &yp) - m.rhs(0.0, &ym)) / (2.0 * h);
            for i in 0..NS {
                let scale = j[(i, k)].abs().max(1e-6);
                assert!(
                    (fd[i] - j[(i, k)]).abs() / scale < 1e-5,
                    "J[{i},{k}] = {} vs FD {}",
                    j[(i, k)],
                    fd[i]
                );
            }
        }
    }

    /// The dual-number Jacobian of the generic equations, for checking the generated
    /// one.
    fn dual_jacobian(m: &Model, y: &State) -> SMatrix<f64, NS, NS> {
        let x: [Dual<NS>; NS] = std::array::from_fn(|k| Dual::<NS>::from_re(y[k]).derivative(k));
        let mut j = SMatrix::<f64, NS, NS>::zeros();
        for (i, d) in m.rhs_generic(&x).iter().enumerate() {
            if let Some(eps) = &d.eps.0 {
                j.set_row(i, &eps.transpose());
            }
        }
        j
    }

    #[test]
    fn generated_code_equals_the_generic_equations() {
        // States spread over and beyond the physiological range (every branch of the
        // smooth helpers), under inputs that switch every input-dependent branch.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut uniform = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut checked = 0;
        for set in [
            "healthy",
            "acute_injury",
            "disc_herniation",
            "pain_adaptation",
        ] {
            for case in 0..200 {
                let mut m = model(set);
                if case % 2 == 0 {
                    m.drivers.voluntary = 0.5 * uniform();
                    m.drivers.skin_heat = Some(38.0 + 8.0 * uniform());
                    m.drivers.us_intensity = 2.0 * uniform();
                    m.drivers.us_frequency = 1.0 + 2.0 * uniform();
                    m.drivers.tens = uniform();
                    m.drivers.cuff_pressure = 250.0 * uniform();
                    m.drivers.exp_pain = uniform();
                }
                let rest = m.initial_state();
                let mut y = rest;
                for i in 0..NS {
                    // From below zero to three times the resting or typical value.
                    let scale = rest[i].abs().max(crate::model::TYPICAL[i]);
                    y[i] = if thermal::NODE_STATES.contains(&i) {
                        rest[i] + 10.0 * (uniform() - 0.5)
                    } else {
                        scale * (3.0 * uniform() - 0.2)
                    };
                }
                let generic = m.rhs_generic(&y.data.0[0]);
                let fast = m.rhs_at(&y.data.0[0]);
                let dual = dual_jacobian(&m, &y);
                let (f, entries) = m.rhs_and_jacobian_at(&y.data.0[0]);
                let mut seen = SMatrix::<f64, NS, NS>::zeros();
                for (&(r, c), v) in Model::jacobian_pattern().iter().zip(entries) {
                    seen[(r, c)] = 1.0;
                    let want = dual[(r, c)];
                    // Relative to the entry, or to the row where an entry is the small
                    // remainder of a cancellation.
                    let row = dual.row(r).amax();
                    assert!(
                        (v - want).abs() <= 1e-12 * want.abs() + 1e-14 * row,
                        "{set} case {case}: J[{r},{c}] = {v:e}, dual numbers {want:e}"
                    );
                }
                for i in 0..NS {
                    let tol = 1e-13 * generic[i].abs().max(1e-12);
                    assert!(
                        (fast[i] - generic[i]).abs() <= tol,
                        "{set} case {case}: f[{i}]"
                    );
                    assert_eq!(f[i].to_bits(), fast[i].to_bits());
                    for k in 0..NS {
                        assert!(
                            seen[(i, k)] == 1.0 || dual[(i, k)] == 0.0,
                            "{set}: J[{i},{k}] = {} outside the pattern",
                            dual[(i, k)]
                        );
                    }
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 800);
    }
}
