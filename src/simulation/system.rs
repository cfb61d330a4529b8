//! The model as an ODE system for the solvers: the right-hand side, the exact
//! Jacobian (one evaluation with forward-mode dual numbers), and which states are
//! physically non-negative.

use nalgebra::SMatrix;

use crate::model::scalar::Dual;
use crate::model::{thermal, Model, State, NS};
use crate::solver::OdeSystem;

impl OdeSystem<NS> for Model {
    fn rhs(&self, _t: f64, y: &State) -> State {
        State::from(self.rhs_generic(&y.data.0[0]))
    }

    fn jacobian(&self, _t: f64, y: &State) -> SMatrix<f64, NS, NS> {
        // Seed state k with the k-th unit derivative, evaluate once, and read row i
        // of the Jacobian from the derivative part of dy_i (zero when absent).
        let x: [Dual<NS>; NS] = std::array::from_fn(|k| Dual::<NS>::from_re(y[k]).derivative(k));
        let dy = self.rhs_generic(&x);
        let mut j = SMatrix::<f64, NS, NS>::zeros();
        for (i, d) in dy.iter().enumerate() {
            if let Some(eps) = &d.eps.0 {
                j.set_row(i, &eps.transpose());
            }
        }
        j
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
}
