//! The Ishigami–Homma test function and its analytic Sobol' indices.
//!
//! `f(x) = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁`, with `x₁, x₂, x₃` independent and
//! uniform on `[−π, π]` (Ishigami & Homma 1990). Its variance decomposition is known
//! in closed form (e.g. Saltelli et al. 2008, *Global Sensitivity Analysis: The
//! Primer*, §4.4; Sobol' & Levitan 1999):
//!
//! - `V₁ = ½ (1 + b π⁴ / 5)²`, `V₂ = a² / 8`, `V₃ = 0`,
//! - `V₁₃ = b² π⁸ (1/18 − 1/50) = 8 b² π⁸ / 225`, all other terms 0,
//! - `V = V₁ + V₂ + V₁₃`,
//!
//! so `S1 = (V₁, V₂, 0) / V` and `ST = (V₁ + V₁₃, V₂, V₁₃) / V`.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use spasm::analysis::sensitivity::{Factor, Problem};

/// The usual parameter `a = 7`.
pub(crate) const A: f64 = 7.0;
/// The usual parameter `b = 0.1`.
pub(crate) const B: f64 = 0.1;

/// The problem: `x1, x2, x3` uniform on `[−π, π]`.
pub(crate) fn problem() -> Problem {
    Problem::new(
        (1..=3)
            .map(|i| Factor::uniform(format!("x{i}"), -PI, PI))
            .collect(),
    )
    .expect("the Ishigami problem is valid")
}

/// The Ishigami function with `a = 7`, `b = 0.1`.
pub(crate) fn ishigami(x: &[f64; 3]) -> f64 {
    ishigami_ab(x, A, B)
}

/// The Ishigami function with parameters `a`, `b`.
pub(crate) fn ishigami_ab(x: &[f64; 3], a: f64, b: f64) -> f64 {
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

/// Analytic Sobol' indices of the Ishigami function.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct AnalyticIndices {
    /// First-order indices of `x1, x2, x3`.
    pub(crate) s1: [f64; 3],
    /// Total indices of `x1, x2, x3`.
    pub(crate) st: [f64; 3],
    /// Total variance `V` of the output.
    pub(crate) variance: f64,
}

/// The analytic indices for parameters `a`, `b` (see the module documentation).
pub(crate) fn analytic(a: f64, b: f64) -> AnalyticIndices {
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    AnalyticIndices {
        s1: [v1 / v, v2 / v, 0.0],
        st: [(v1 + v13) / v, v2 / v, v13 / v],
        variance: v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Literature values for a = 7, b = 0.1 (e.g. SALib's and UQLab's documentation).
        let s = analytic(A, B);
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            assert!((s.s1[i] - s1[i]).abs() < 1e-4, "S1 {i}: {}", s.s1[i]);
            assert!((s.st[i] - st[i]).abs() < 1e-4, "ST {i}: {}", s.st[i]);
        }
        assert!((s.variance - 13.8446).abs() < 1e-3);
    }

    #[test]
    fn function_values() {
        assert_eq!(ishigami(&[0.0, 0.0, 0.0]), 0.0);
        let x = [PI / 2.0, PI / 2.0, 1.0];
        assert!((ishigami(&x) - (1.0 + 7.0 + 0.1)).abs() < 1e-12);
    }
}
