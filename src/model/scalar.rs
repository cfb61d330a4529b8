//! The number types the equations are written over, so that one source of the
//! equations serves every use: `f64` (simulation), forward-mode dual numbers (exact
//! Jacobians) and a symbolic expression type ([`super::symbolic::Sym`], for the SBML
//! export, the peer harness and the equation table of docs/model.md).
//!
//! The equations are generic over two types: `C`, the type of parameters and scheduled
//! inputs, and `D: Real<C>`, the type of states and everything computed from them. For
//! simulation both are `f64`; for the dual-number Jacobian `C = f64` (parameters are
//! constants) and `D` is a dual number; for the symbolic form both are
//! [`Sym`](super::symbolic::Sym), so parameters keep their names.
//!
//! Branches (the smooth helpers and the one switch on an input) are methods of the
//! trait: numeric types branch on the value, the symbolic type records a piecewise
//! expression. No hard `min`/`max` acts on a state (model.md §3).

use std::ops::{Add, Div, Mul, Neg, Sub};

use num_dual::{DualNum, DualSVec64};

/// Arithmetic shared by parameters and states: the field operations, with `f64`
/// literals on the right, and the elementary functions the model uses.
pub trait Num:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A literal number.
    fn lit(x: f64) -> Self;
    /// The numeric value (the real part of a dual number; NaN for a symbol).
    fn value(self) -> f64;
    /// `e^x`.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + x)`.
    fn ln_1p(self) -> Self;
    /// `1/x`.
    fn recip(self) -> Self;
    /// Integer power.
    fn powi(self, n: i32) -> Self;
    /// Real power with a literal exponent.
    fn powf(self, e: f64) -> Self;
}

/// A state-side number over parameters of type `C`: arithmetic with `C` on the right,
/// and the model's smooth building blocks (with numeric defaults that branch on the
/// value).
///
/// ```
/// use spasm::model::scalar::Real;
/// // Hill function x^h/(x^h + k^h): one half at x = k.
/// assert!((2.0f64.hill(2.0, 3.0) - 0.5).abs() < 1e-15);
/// // softplus is a smooth positive part of width w.
/// assert!((5.0f64.softplus(0.01) - 5.0).abs() < 1e-12);
/// ```
pub trait Real<C: Num>:
    Num + Add<C, Output = Self> + Sub<C, Output = Self> + Mul<C, Output = Self> + Div<C, Output = Self>
{
    /// Lift a parameter (a constant) into this type.
    fn c(x: C) -> Self;

    /// `x^h` for an exponent that is a parameter; whole exponents up to 16 use the
    /// cheaper integer power (every Hill exponent of the embedded sets is whole).
    fn pow(self, h: C) -> Self {
        let e = h.value();
        if e.fract() == 0.0 && e.abs() <= 16.0 {
            self.powi(e as i32)
        } else {
            self.powf(e)
        }
    }

    /// C¹ smoothstep: 0 for x ≤ 0, 1 for x ≥ 1, `x·x·(3 − 2x)` between.
    fn smoothstep(self) -> Self {
        let v = self.value();
        if v <= 0.0 {
            Self::lit(0.0)
        } else if v >= 1.0 {
            Self::lit(1.0)
        } else {
            self * self * (Self::lit(3.0) - self * 2.0)
        }
    }

    /// Softplus of width `w`: `w·ln(1 + e^{x/w})`, a smooth positive part (same unit
    /// as x); `x` itself above x/w = 30 and `w·e^{x/w}` below −30 (no overflow).
    fn softplus(self, w: C) -> Self {
        let z = self / w;
        let v = z.value();
        if v > 30.0 {
            self
        } else if v < -30.0 {
            z.exp() * w
        } else {
            z.exp().ln_1p() * w
        }
    }

    /// Smooth minimum of `x` and `cap` with width `w`.
    fn soft_min(self, cap: C, w: C) -> Self {
        Self::c(cap) - (Self::c(cap) - self).softplus(w)
    }

    /// Hill function `x^h/(x^h + k^h)`, 0 for x ≤ 0 (k may depend on the state).
    fn hill(self, k: Self, h: C) -> Self {
        if self.value() <= 0.0 {
            Self::lit(0.0)
        } else {
            let xh = self.pow(h);
            xh / (xh + k.pow(h))
        }
    }

    /// `then` while the input `cond` is positive, else `otherwise` (a switch on a
    /// scheduled input, never on a state).
    fn select_positive(cond: C, then: Self, otherwise: Self) -> Self {
        if cond.value() > 0.0 {
            then
        } else {
            otherwise
        }
    }
}

impl Num for f64 {
    fn lit(x: f64) -> Self {
        x
    }
    fn value(self) -> f64 {
        self
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn ln_1p(self) -> Self {
        f64::ln_1p(self)
    }
    fn recip(self) -> Self {
        f64::recip(self)
    }
    fn powi(self, n: i32) -> Self {
        f64::powi(self, n)
    }
    fn powf(self, e: f64) -> Self {
        f64::powf(self, e)
    }
}

impl Real<f64> for f64 {
    fn c(x: f64) -> Self {
        x
    }
}

/// Slopes of the smooth building blocks of [`Real`] for `f64` (the generated Jacobian
/// of `super::generated` and its symbolic form use them): each is the derivative of
/// the function of the same name, branch for branch. The tests check them against
/// dual numbers.
pub mod slopes {
    use super::Real;

    /// d smoothstep(x) / dx: `6 x (1 − x)` on (0, 1), 0 outside.
    pub fn smoothstep(x: f64) -> f64 {
        if x > 0.0 && x < 1.0 {
            6.0 * x * (1.0 - x)
        } else {
            0.0
        }
    }

    /// ∂ softplus(x, w) / ∂x: the logistic function of z = x/w (1 above z = 30, e^z
    /// below −30, as the branches of softplus).
    pub fn softplus(x: f64, w: f64) -> f64 {
        let z = x / w;
        if z > 30.0 {
            1.0
        } else if z < -30.0 {
            z.exp()
        } else {
            let e = z.exp();
            e / (1.0 + e)
        }
    }

    /// ∂ hill(x, k, h) / ∂x = h·v·(1 − v)/x with v = hill(x, k, h); 0 for x ≤ 0. The
    /// slope in k is −(x/k) times this.
    pub fn hill(x: f64, k: f64, h: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            let v = x.hill(k, h);
            h * v * (1.0 - v) / x
        }
    }
}

/// Forward-mode dual number with `N` derivative directions (exact Jacobians).
pub type Dual<const N: usize> = DualSVec64<N>;

impl<const N: usize> Num for Dual<N> {
    fn lit(x: f64) -> Self {
        Self::from_re(x)
    }
    fn value(self) -> f64 {
        self.re
    }
    fn exp(self) -> Self {
        DualNum::exp(&self)
    }
    fn ln(self) -> Self {
        DualNum::ln(&self)
    }
    fn ln_1p(self) -> Self {
        DualNum::ln_1p(&self)
    }
    fn recip(self) -> Self {
        DualNum::recip(&self)
    }
    fn powi(self, n: i32) -> Self {
        DualNum::powi(&self, n)
    }
    fn powf(self, e: f64) -> Self {
        DualNum::powf(&self, e)
    }
}

impl<const N: usize> Real<f64> for Dual<N> {
    fn c(x: f64) -> Self {
        Self::from_re(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_dual::{first_derivative, Dual64};

    impl Num for Dual64 {
        fn lit(x: f64) -> Self {
            Self::from_re(x)
        }
        fn value(self) -> f64 {
            self.re
        }
        fn exp(self) -> Self {
            DualNum::exp(&self)
        }
        fn ln(self) -> Self {
            DualNum::ln(&self)
        }
        fn ln_1p(self) -> Self {
            DualNum::ln_1p(&self)
        }
        fn recip(self) -> Self {
            DualNum::recip(&self)
        }
        fn powi(self, n: i32) -> Self {
            DualNum::powi(&self, n)
        }
        fn powf(self, e: f64) -> Self {
            DualNum::powf(&self, e)
        }
    }
    impl Real<f64> for Dual64 {
        fn c(x: f64) -> Self {
            Self::from_re(x)
        }
    }

    #[test]
    fn shapes() {
        assert_eq!((-1.0f64).smoothstep(), 0.0);
        assert_eq!(2.0f64.smoothstep(), 1.0);
        assert!((0.5f64.smoothstep() - 0.5).abs() < 1e-15);
        assert!((5.0f64.softplus(0.01) - 5.0).abs() < 1e-12);
        assert!((-5.0f64).softplus(0.01) > 0.0);
        assert!((0.02f64.soft_min(1.0, 0.005) - 0.02).abs() < 1e-12);
        assert!((3.0f64.soft_min(1.0, 0.005) - 1.0).abs() < 1e-12);
        assert!((2.0f64.hill(2.0, 3.0) - 0.5).abs() < 1e-15);
        assert_eq!((-1.0f64).hill(2.0, 3.0), 0.0);
        // Whole and fractional exponents agree with powf.
        assert!((1.7f64.pow(4.0) - 1.7f64.powf(4.0)).abs() < 1e-12);
        assert!((1.7f64.pow(2.5) - 1.7f64.powf(2.5)).abs() < 1e-15);
        assert_eq!(f64::select_positive(1.0, 2.0, 3.0), 2.0);
        assert_eq!(f64::select_positive(0.0, 2.0, 3.0), 3.0);
    }

    #[test]
    fn slopes_are_the_derivatives() {
        let d = |f: &dyn Fn(Dual64) -> Dual64, x: f64| first_derivative(f, x).1;
        for x in [-0.5, 0.0, 1e-9, 0.3, 0.5, 0.99, 1.0, 1.5] {
            let (s, dual) = (slopes::smoothstep(x), d(&|x| x.smoothstep(), x));
            assert!(
                (s - dual).abs() <= 1e-14 * dual.abs(),
                "x = {x}: {s} {dual}"
            );
        }
        for x in [-1.0, -0.31, -0.2, 0.0, 0.05, 0.29, 0.31, 2.0] {
            let (s, dual) = (slopes::softplus(x, 0.01), d(&|x| x.softplus(0.01), x));
            assert!(
                (s - dual).abs() <= 1e-14 * dual.abs().max(1e-300),
                "x = {x}: {s} {dual}"
            );
        }
        for (x, h) in [
            (0.5, 3.0),
            (2.0, 2.0),
            (1.3, 2.5),
            (1e-3, 4.0),
            (0.0, 2.0),
            (-1.0, 2.0),
        ] {
            let s = slopes::hill(x, 0.8, h);
            let dual = d(&|x| x.hill(Dual64::from_re(0.8), h), x);
            assert!(
                (s - dual).abs() <= 1e-13 * dual.abs().max(1e-300),
                "x = {x}: {s} {dual}"
            );
            // The slope in k.
            let dk = d(&|k| Dual64::from_re(x).hill(k, h), 0.8);
            assert!(
                (-(x / 0.8) * s - dk).abs() <= 1e-13 * dk.abs().max(1e-300),
                "x = {x}"
            );
        }
    }

    #[test]
    fn derivatives_are_continuous_at_the_joins() {
        let d = |f: &dyn Fn(Dual64) -> Dual64, x: f64| first_derivative(f, x).1;
        // smoothstep is C¹: slope 0 at both ends.
        assert!(d(&|x| x.smoothstep(), 1e-9).abs() < 1e-8);
        assert!(d(&|x| x.smoothstep(), 1.0 - 1e-9).abs() < 1e-8);
        // softplus branch joins agree.
        let sp = |x: Dual64| x.softplus(1.0);
        assert!((d(&sp, 30.0 - 1e-9) - d(&sp, 30.0 + 1e-9)).abs() < 1e-9);
    }
}
