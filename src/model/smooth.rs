//! Smooth building blocks for the right-hand side (no hard min/max on states), generic
//! over dual numbers so the Jacobian is exact.

use num_dual::DualNum;

/// Scalar type usable in the right-hand side: `f64` or a forward-mode dual number.
pub trait Real: DualNum<Primitive = f64> + Copy {}
impl<T: DualNum<Primitive = f64> + Copy> Real for T {}

/// C¹ smoothstep: 0 for x ≤ 0, 1 for x ≥ 1, `3x² − 2x³` between.
pub fn smoothstep<D: Real>(x: D) -> D {
    if x.re() <= 0.0 {
        D::from(0.0)
    } else if x.re() >= 1.0 {
        D::from(1.0)
    } else {
        x * x * (D::from(3.0) - x * 2.0)
    }
}

/// Softplus of width `w`: `w·ln(1 + e^{x/w})`, a smooth positive part (same unit as x).
pub fn softplus<D: Real>(x: D, w: f64) -> D {
    let z = x / w;
    if z.re() > 30.0 {
        x
    } else if z.re() < -30.0 {
        z.exp() * w
    } else {
        z.exp().ln_1p() * w
    }
}

/// Smooth minimum of `x` and `cap` with width `w`.
pub fn soft_min<D: Real>(x: D, cap: f64, w: f64) -> D {
    D::from(cap) - softplus(D::from(cap) - x, w)
}

/// `x^h` for x > 0, with the cheaper integer power when `h` is a small whole number
/// (every Hill exponent of the embedded sets is).
pub fn pow<D: Real>(x: D, h: f64) -> D {
    if h.fract() == 0.0 && h.abs() <= 16.0 {
        x.powi(h as i32)
    } else {
        x.powf(h)
    }
}

/// Hill function `x^h / (x^h + k^h)`, 0 for x ≤ 0.
pub fn hill<D: Real>(x: D, k: f64, h: f64) -> D {
    if x.re() <= 0.0 {
        D::from(0.0)
    } else {
        let xh = pow(x, h);
        xh / (xh + pow(k, h))
    }
}

/// Hill function with a state-dependent half-point `k` (a dual number too).
pub fn hill_k<D: Real>(x: D, k: D, h: f64) -> D {
    if x.re() <= 0.0 {
        D::from(0.0)
    } else {
        let xh = pow(x, h);
        xh / (xh + pow(k, h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_dual::{first_derivative, Dual64};

    #[test]
    fn shapes() {
        assert_eq!(smoothstep(-1.0f64), 0.0);
        assert_eq!(smoothstep(2.0f64), 1.0);
        assert!((smoothstep(0.5f64) - 0.5).abs() < 1e-15);
        assert!((softplus(5.0f64, 0.01) - 5.0).abs() < 1e-12);
        assert!(softplus(-5.0f64, 0.01) > 0.0);
        assert!((soft_min(0.02f64, 1.0, 0.005) - 0.02).abs() < 1e-12);
        assert!((soft_min(3.0f64, 1.0, 0.005) - 1.0).abs() < 1e-12);
        assert!((hill(2.0f64, 2.0, 3.0) - 0.5).abs() < 1e-15);
        assert_eq!(hill(-1.0f64, 2.0, 3.0), 0.0);
        // Integer and fractional exponents agree with powf.
        assert!((pow(1.7f64, 4.0) - 1.7f64.powf(4.0)).abs() < 1e-12);
        assert!((pow(1.7f64, 2.5) - 1.7f64.powf(2.5)).abs() < 1e-15);
    }

    #[test]
    fn derivatives_are_continuous_at_the_joins() {
        let d = |f: &dyn Fn(Dual64) -> Dual64, x: f64| first_derivative(f, x).1;
        // smoothstep is C¹: slope 0 at both ends.
        assert!(d(&smoothstep, 1e-9).abs() < 1e-8);
        assert!(d(&smoothstep, 1.0 - 1e-9).abs() < 1e-8);
        // softplus branch joins agree.
        let sp = |x: Dual64| softplus(x, 1.0);
        assert!((d(&sp, 30.0 - 1e-9) - d(&sp, 30.0 + 1e-9)).abs() < 1e-9);
    }
}
