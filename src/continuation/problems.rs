//! Textbook systems with known bifurcations, used by the tests and as
//! templates for implementing [`System`] / [`System2`].

use super::system::{System, System2};
use nalgebra::{DMatrix, DVector};

/// Cusp normal form `ẋ = p + q·x − x³`.
///
/// For `q > 0` there are folds at `p = ±2 (q/3)^{3/2}` (`x = ∓√(q/3)`), with
/// three equilibria (bistability) in between; the fold curve
/// `(p, q) = (−2x³, 3x²)` has its cusp at `(0, 0)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CuspNormalForm;

impl System2 for CuspNormalForm {
    fn dim(&self) -> usize {
        1
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, q: f64, out: &mut DVector<f64>) {
        out[0] = p + q * x[0] - x[0].powi(3);
    }
    fn jacobian(&self, x: &DVector<f64>, _p: f64, q: f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, q - 3.0 * x[0] * x[0])
    }
    fn dfdp(&self, _x: &DVector<f64>, _p: f64, _q: f64) -> DVector<f64> {
        DVector::from_element(1, 1.0)
    }
    fn dfdq(&self, x: &DVector<f64>, _p: f64, _q: f64) -> DVector<f64> {
        DVector::from_element(1, x[0])
    }
}

/// Bogdanov–Takens normal form `ẋ = y`, `ẏ = p + q y + x² − x y` (Kuznetsov,
/// *Elements of Applied Bifurcation Theory*, §8.4, with `s = −1`). Equilibria
/// `(±√−p, 0)`; the fold curve is `p = 0` for every `q`, where the Jacobian
/// `[[0, 1], [0, q]]` has eigenvalues `0` and `q`: a Bogdanov–Takens point at
/// `p = q = 0`, and no cusp.
#[derive(Debug, Clone, Copy)]
pub struct BogdanovTakensNormalForm;

impl System2 for BogdanovTakensNormalForm {
    fn dim(&self) -> usize {
        2
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, q: f64, out: &mut DVector<f64>) {
        out[0] = x[1];
        out[1] = p + q * x[1] + x[0] * x[0] - x[0] * x[1];
    }
    fn jacobian(&self, x: &DVector<f64>, _p: f64, q: f64) -> DMatrix<f64> {
        DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 2.0 * x[0] - x[1], q - x[0]])
    }
    fn dfdp(&self, _x: &DVector<f64>, _p: f64, _q: f64) -> DVector<f64> {
        DVector::from_column_slice(&[0.0, 1.0])
    }
    fn dfdq(&self, x: &DVector<f64>, _p: f64, _q: f64) -> DVector<f64> {
        DVector::from_column_slice(&[0.0, x[1]])
    }
}

/// Genetic toggle switch of Gardner, Cantor & Collins (Nature 403, 2000):
///
/// `u̇ = α₁ / (1 + v^β) − u`, `v̇ = α₂ / (1 + u^γ) − v`,
///
/// with parameters `(p, q) = (α₁, α₂)`. Equilibria satisfy
/// `α₁ = u (1 + v^β)` with `v = α₂ / (1 + u^γ)`; for `β = γ = 2` the fold
/// condition `det f_x = 0` reduces to `4u²v² = (1 + u²)(1 + v²)`, and the fold
/// curve has a cusp at `α₁ = α₂ = 2`, `u = v = 1`.
#[derive(Debug, Clone, Copy)]
pub struct ToggleSwitch {
    /// Cooperativity of repression of `u` by `v`.
    pub beta: f64,
    /// Cooperativity of repression of `v` by `u`.
    pub gamma: f64,
}

impl ToggleSwitch {
    fn hill(z: f64, n: f64) -> (f64, f64) {
        // 1/(1+z^n) and its derivative.
        let zn = z.powf(n);
        let d = 1.0 + zn;
        let dz = if z == 0.0 { 0.0 } else { -n * zn / z / (d * d) };
        (1.0 / d, dz)
    }
}

impl System2 for ToggleSwitch {
    fn dim(&self) -> usize {
        2
    }
    fn rhs(&self, x: &DVector<f64>, a1: f64, a2: f64, out: &mut DVector<f64>) {
        out[0] = a1 * Self::hill(x[1], self.beta).0 - x[0];
        out[1] = a2 * Self::hill(x[0], self.gamma).0 - x[1];
    }
    fn jacobian(&self, x: &DVector<f64>, a1: f64, a2: f64) -> DMatrix<f64> {
        let (_, dv) = Self::hill(x[1], self.beta);
        let (_, du) = Self::hill(x[0], self.gamma);
        DMatrix::from_row_slice(2, 2, &[-1.0, a1 * dv, a2 * du, -1.0])
    }
    fn dfdp(&self, x: &DVector<f64>, _a1: f64, _a2: f64) -> DVector<f64> {
        DVector::from_vec(vec![Self::hill(x[1], self.beta).0, 0.0])
    }
    fn dfdq(&self, x: &DVector<f64>, _a1: f64, _a2: f64) -> DVector<f64> {
        DVector::from_vec(vec![0.0, Self::hill(x[0], self.gamma).0])
    }
}

/// The toggle switch in badly scaled units: `X₁ = u_unit · u`,
/// `X₂ = v_unit · v`, parameter `P = p_unit · α₁` (α₂ fixed). With
/// `u_unit = 1e-3`, `v_unit = 1e3`, `p_unit = 1e3` the states differ by six
/// orders of magnitude and the Jacobian's off-diagonal entries by twelve. Its
/// folds are those of [`ToggleSwitch`] with `P = p_unit · α₁`.
#[derive(Debug, Clone, Copy)]
pub struct ScaledToggle {
    /// The underlying toggle.
    pub toggle: ToggleSwitch,
    /// Fixed `α₂`.
    pub alpha2: f64,
    /// Unit of the first state.
    pub u_unit: f64,
    /// Unit of the second state.
    pub v_unit: f64,
    /// Unit of the parameter.
    pub p_unit: f64,
}

impl ScaledToggle {
    fn unscale(&self, x: &DVector<f64>) -> DVector<f64> {
        DVector::from_vec(vec![x[0] / self.u_unit, x[1] / self.v_unit])
    }
}

impl System for ScaledToggle {
    fn dim(&self) -> usize {
        2
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
        let mut f = DVector::zeros(2);
        self.toggle
            .rhs(&self.unscale(x), p / self.p_unit, self.alpha2, &mut f);
        out[0] = self.u_unit * f[0];
        out[1] = self.v_unit * f[1];
    }
    fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64> {
        let j = self
            .toggle
            .jacobian(&self.unscale(x), p / self.p_unit, self.alpha2);
        let units = [self.u_unit, self.v_unit];
        DMatrix::from_fn(2, 2, |r, c| units[r] * j[(r, c)] / units[c])
    }
    fn dfdp(&self, x: &DVector<f64>, p: f64) -> DVector<f64> {
        let d = self
            .toggle
            .dfdp(&self.unscale(x), p / self.p_unit, self.alpha2);
        DVector::from_vec(vec![
            self.u_unit * d[0] / self.p_unit,
            self.v_unit * d[1] / self.p_unit,
        ])
    }
}

/// Brusselator `ẋ = a − (b+1)x + x²y`, `ẏ = bx − x²y` with parameter `p = b`.
///
/// Unique equilibrium `(a, b/a)`; Jacobian `[[b−1, a²], [−b, −a²]]` has
/// determinant `a² > 0` and trace `b − 1 − a²`, so a Hopf point with frequency
/// `ω = a` occurs at `b = 1 + a²`.
#[derive(Debug, Clone, Copy)]
pub struct Brusselator {
    /// The feed parameter `a > 0`.
    pub a: f64,
}

impl System for Brusselator {
    fn dim(&self) -> usize {
        2
    }
    fn rhs(&self, x: &DVector<f64>, b: f64, out: &mut DVector<f64>) {
        let (u, v) = (x[0], x[1]);
        out[0] = self.a - (b + 1.0) * u + u * u * v;
        out[1] = b * u - u * u * v;
    }
    fn jacobian(&self, x: &DVector<f64>, b: f64) -> DMatrix<f64> {
        let (u, v) = (x[0], x[1]);
        DMatrix::from_row_slice(
            2,
            2,
            &[-(b + 1.0) + 2.0 * u * v, u * u, b - 2.0 * u * v, -u * u],
        )
    }
    fn dfdp(&self, x: &DVector<f64>, _b: f64) -> DVector<f64> {
        DVector::from_vec(vec![-x[0], x[0]])
    }
}

/// Hopf normal form `ẋ = μx − ωy + σx r²`, `ẏ = ωx + μy + σy r²`
/// (`r² = x² + y²`) with parameter `p = μ`: the origin has eigenvalues
/// `μ ± iω`, a Hopf point at `μ = 0` (supercritical for `σ < 0`).
#[derive(Debug, Clone, Copy)]
pub struct HopfNormalForm {
    /// Frequency `ω`.
    pub omega: f64,
    /// Cubic coefficient `σ`.
    pub sigma: f64,
}

impl System for HopfNormalForm {
    fn dim(&self) -> usize {
        2
    }
    fn rhs(&self, x: &DVector<f64>, mu: f64, out: &mut DVector<f64>) {
        let (u, v) = (x[0], x[1]);
        let r2 = u * u + v * v;
        out[0] = mu * u - self.omega * v + self.sigma * u * r2;
        out[1] = self.omega * u + mu * v + self.sigma * v * r2;
    }
    fn jacobian(&self, x: &DVector<f64>, mu: f64) -> DMatrix<f64> {
        let (u, v) = (x[0], x[1]);
        let r2 = u * u + v * v;
        let s = self.sigma;
        DMatrix::from_row_slice(
            2,
            2,
            &[
                mu + s * (r2 + 2.0 * u * u),
                -self.omega + 2.0 * s * u * v,
                self.omega + 2.0 * s * u * v,
                mu + s * (r2 + 2.0 * v * v),
            ],
        )
    }
    fn dfdp(&self, x: &DVector<f64>, _mu: f64) -> DVector<f64> {
        x.clone()
    }
}

/// Pitchfork normal form `ẋ = p·x − x³`: the trivial branch `x = 0` has a
/// simple branch point at `p = 0`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pitchfork;

impl System for Pitchfork {
    fn dim(&self) -> usize {
        1
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
        out[0] = p * x[0] - x[0].powi(3);
    }
    fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, p - 3.0 * x[0] * x[0])
    }
    fn dfdp(&self, x: &DVector<f64>, _p: f64) -> DVector<f64> {
        x.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::super::system::{fd_jacobian, FixedQ};
    use super::*;

    fn check<S: System>(s: &S, x: &[f64], p: f64, scale: Option<&DVector<f64>>) {
        let x = DVector::from_column_slice(x);
        let j = s.jacobian(&x, p);
        let fd = fd_jacobian(s, &x, p, scale);
        for (a, b) in j.iter().zip(fd.iter()) {
            assert!((a - b).abs() <= 1e-7 * (1.0 + a.abs()), "{j} vs {fd}");
        }
        let mut f0 = DVector::zeros(s.dim());
        s.rhs(&x, p, &mut f0);
        let h = 1e-6 * p.abs().max(1.0);
        let mut fp = DVector::zeros(s.dim());
        s.rhs(&x, p + h, &mut fp);
        let dp = s.dfdp(&x, p);
        let num = (fp - f0) / h;
        assert!((&dp - num).amax() <= 1e-5 * (1.0 + dp.amax()));
    }

    #[test]
    fn exact_jacobians_match_finite_differences() {
        check(&FixedQ::new(&CuspNormalForm, 1.3), &[0.4], 0.2, None);
        let t = ToggleSwitch {
            beta: 2.0,
            gamma: 2.5,
        };
        check(&FixedQ::new(&t, 7.0), &[1.3, 0.8], 4.0, None);
        let st = ScaledToggle {
            toggle: t,
            alpha2: 10.0,
            u_unit: 1e-3,
            v_unit: 1e3,
            p_unit: 1e3,
        };
        let sc = DVector::from_vec(vec![1e-3, 1e3]);
        check(&st, &[1.3e-3, 0.8e3], 4e3, Some(&sc));
        check(&Brusselator { a: 1.5 }, &[1.2, 0.7], 2.5, None);
        check(
            &HopfNormalForm {
                omega: 2.0,
                sigma: -1.0,
            },
            &[0.3, -0.2],
            0.1,
            None,
        );
        check(&Pitchfork, &[0.6], 0.3, None);
    }
}
