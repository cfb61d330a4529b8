//! Eigenvalues of a Jacobian and the linear-stability verdict of an equilibrium.
//!
//! Eigenvalues come from a real Schur decomposition (nalgebra) of the
//! *balanced* matrix `D⁻¹ J D` (Parlett–Reinsch diagonal balancing with powers
//! of two, which changes no eigenvalue but evens out rows and columns of very
//! different size, as in models whose states live on different scales). The
//! Schur iteration is capped, so the computation always terminates.

use nalgebra::{DMatrix, Schur};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One eigenvalue `re + i·im`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Eigenvalue {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

impl Eigenvalue {
    /// Modulus `|λ|`.
    pub fn abs(&self) -> f64 {
        self.re.hypot(self.im)
    }
}

/// Linear-stability verdict of an equilibrium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stability {
    /// Every eigenvalue has real part `< −tol`.
    Stable,
    /// At least one eigenvalue has real part `> tol`.
    Unstable,
    /// No eigenvalue has real part `> tol`, but at least one lies in
    /// `[−tol, tol]`: linearisation does not decide (fold, Hopf, or a
    /// conserved quantity).
    NonHyperbolic,
}

/// Tolerances and limits of the stability computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StabilityOptions {
    /// Absolute part of the tolerance on real parts.
    pub tol_abs: f64,
    /// Relative part: the tolerance is `tol_abs + tol_rel · max|λ|`, so that
    /// rounding in the small eigenvalues of a stiff Jacobian (error about
    /// `ε · max|λ|`) is not mistaken for instability.
    pub tol_rel: f64,
    /// Balance the matrix before the Schur decomposition.
    pub balance: bool,
    /// Cap on the total number of QR sweeps of the Schur iteration per
    /// dimension (total cap `max_sweeps_per_dim · n`).
    pub max_sweeps_per_dim: usize,
}

impl Default for StabilityOptions {
    fn default() -> Self {
        Self {
            tol_abs: 1e-10,
            tol_rel: 1e-9,
            balance: true,
            max_sweeps_per_dim: 200,
        }
    }
}

impl StabilityOptions {
    /// The real-part tolerance for a spectrum whose largest modulus is `max_abs`.
    pub fn tol(&self, max_abs: f64) -> f64 {
        self.tol_abs + self.tol_rel * max_abs
    }
}

/// Why the eigenvalues could not be computed.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum StabilityError {
    /// The Jacobian holds NaN or infinite entries.
    #[error("the Jacobian has non-finite entries")]
    NonFinite,
    /// The matrix is not square.
    #[error("the Jacobian is {rows}×{cols}, not square")]
    NotSquare {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// The Schur iteration hit its sweep cap.
    #[error("the Schur iteration did not converge within {sweeps} sweeps")]
    NoConvergence {
        /// The cap that was hit.
        sweeps: usize,
    },
}

/// Eigenvalues, verdict and counts for one Jacobian.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityReport {
    /// All eigenvalues, sorted by decreasing real part (complex pairs adjacent,
    /// positive imaginary part first).
    pub eigenvalues: Vec<Eigenvalue>,
    /// The verdict.
    pub verdict: Stability,
    /// Number of eigenvalues with real part `> tol`.
    pub n_unstable: usize,
    /// Number of eigenvalues with `|re| ≤ tol`.
    pub n_neutral: usize,
    /// Largest real part (the spectral abscissa); `−∞` for an empty system.
    pub max_real: f64,
    /// The real-part tolerance that was used.
    pub tol: f64,
}

/// Balance a square matrix in place (Parlett–Reinsch, radix 2, no permutations).
/// Each sweep changes a row/column pair by at most `2^±100`, and at most 64
/// sweeps are made.
pub(crate) fn balance(a: &mut DMatrix<f64>) {
    let n = a.nrows();
    const RADIX: f64 = 2.0;
    for _sweep in 0..64 {
        let mut done = true;
        for i in 0..n {
            let mut c = 0.0;
            let mut r = 0.0;
            for j in 0..n {
                if j != i {
                    c += a[(j, i)].abs();
                    r += a[(i, j)].abs();
                }
            }
            if c == 0.0 || r == 0.0 {
                continue;
            }
            let s = c + r;
            let mut f = 1.0;
            let mut g = r / RADIX;
            let mut cc = c;
            let mut guard = 0;
            while cc < g && guard < 100 {
                f *= RADIX;
                cc *= RADIX * RADIX;
                guard += 1;
            }
            g = r * RADIX;
            while cc > g && guard < 200 {
                f /= RADIX;
                cc /= RADIX * RADIX;
                guard += 1;
            }
            if (cc + r) / f < 0.95 * s {
                done = false;
                a.row_mut(i).scale_mut(1.0 / f);
                a.column_mut(i).scale_mut(f);
            }
        }
        if done {
            break;
        }
    }
}

/// Eigenvalues of a square real matrix, sorted by decreasing real part.
pub fn eigenvalues(
    j: &DMatrix<f64>,
    opts: &StabilityOptions,
) -> Result<Vec<Eigenvalue>, StabilityError> {
    let (rows, cols) = j.shape();
    if rows != cols {
        return Err(StabilityError::NotSquare { rows, cols });
    }
    if j.iter().any(|v| !v.is_finite()) {
        return Err(StabilityError::NonFinite);
    }
    let n = rows;
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut a = j.clone();
    if opts.balance {
        balance(&mut a);
    }
    let sweeps = opts.max_sweeps_per_dim.max(1) * n;
    let schur =
        Schur::try_new(a, f64::EPSILON, sweeps).ok_or(StabilityError::NoConvergence { sweeps })?;
    let (_, t) = schur.unpack();
    let mut out = Vec::with_capacity(n);
    let mut m = 0;
    while m < n {
        let small = |k: usize| {
            let sub = t[(k + 1, k)].abs();
            sub == 0.0 || sub <= f64::EPSILON * (t[(k, k)].abs() + t[(k + 1, k + 1)].abs())
        };
        if m + 1 < n && !small(m) {
            // 2×2 diagonal block: eigenvalues of [[a, b], [c, d]].
            let (a11, a12, a21, a22) = (t[(m, m)], t[(m, m + 1)], t[(m + 1, m)], t[(m + 1, m + 1)]);
            let half_tr = 0.5 * (a11 + a22);
            let half_diff = 0.5 * (a11 - a22);
            let disc = half_diff * half_diff + a12 * a21;
            if disc >= 0.0 {
                let r = disc.sqrt();
                out.push(Eigenvalue {
                    re: half_tr + r,
                    im: 0.0,
                });
                out.push(Eigenvalue {
                    re: half_tr - r,
                    im: 0.0,
                });
            } else {
                let w = (-disc).sqrt();
                out.push(Eigenvalue { re: half_tr, im: w });
                out.push(Eigenvalue {
                    re: half_tr,
                    im: -w,
                });
            }
            m += 2;
        } else {
            out.push(Eigenvalue {
                re: t[(m, m)],
                im: 0.0,
            });
            m += 1;
        }
    }
    out.sort_by(|a, b| b.re.total_cmp(&a.re).then(b.im.total_cmp(&a.im)));
    Ok(out)
}

/// Classify a spectrum (see [`Stability`] for the rules).
pub fn classify(eigs: &[Eigenvalue], opts: &StabilityOptions) -> StabilityReport {
    let max_abs = eigs.iter().map(Eigenvalue::abs).fold(0.0, f64::max);
    let tol = opts.tol(max_abs);
    let n_unstable = eigs.iter().filter(|e| e.re > tol).count();
    let n_neutral = eigs.iter().filter(|e| e.re.abs() <= tol).count();
    let max_real = eigs.iter().map(|e| e.re).fold(f64::NEG_INFINITY, f64::max);
    let verdict = if n_unstable > 0 {
        Stability::Unstable
    } else if n_neutral > 0 {
        Stability::NonHyperbolic
    } else {
        Stability::Stable
    };
    let mut eigenvalues = eigs.to_vec();
    eigenvalues.sort_by(|a, b| b.re.total_cmp(&a.re).then(b.im.total_cmp(&a.im)));
    StabilityReport {
        eigenvalues,
        verdict,
        n_unstable,
        n_neutral,
        max_real,
        tol,
    }
}

/// Eigenvalues and stability verdict of the Jacobian `j`.
pub fn stability(
    j: &DMatrix<f64>,
    opts: &StabilityOptions,
) -> Result<StabilityReport, StabilityError> {
    Ok(classify(&eigenvalues(j, opts)?, opts))
}

/// Imaginary parts above this fraction of the spectral radius count as
/// "complex" for Hopf detection (rounding in a 2×2 Schur block is about `ε`).
pub(crate) const COMPLEX_REL: f64 = 64.0 * f64::EPSILON;

/// The eigenvalues with positive imaginary part (one per complex pair) as
/// `(re, im)`, sorted by decreasing real part, and the number of real
/// eigenvalues with positive real part. Used by Hopf detection, with exact
/// signs (no tolerance).
pub(crate) fn complex_pairs(eigs: &[Eigenvalue]) -> (Vec<(f64, f64)>, usize) {
    let max_abs = eigs.iter().map(Eigenvalue::abs).fold(1e-300, f64::max);
    let cut = COMPLEX_REL * max_abs;
    let mut pairs: Vec<(f64, f64)> = eigs
        .iter()
        .filter(|e| e.im > cut)
        .map(|e| (e.re, e.im))
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let real_pos = eigs
        .iter()
        .filter(|e| e.im.abs() <= cut && e.re > 0.0)
        .count();
    (pairs, real_pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spectra_of_known_matrices() {
        let o = StabilityOptions::default();
        // Rotation-dilation: eigenvalues -0.5 ± 2i, plus a real -3.
        let j = DMatrix::from_row_slice(3, 3, &[-0.5, -2.0, 0.0, 2.0, -0.5, 0.0, 0.0, 0.0, -3.0]);
        let r = stability(&j, &o).unwrap();
        assert_eq!(r.verdict, Stability::Stable);
        assert!(
            (r.eigenvalues[0].re + 0.5).abs() < 1e-12 && (r.eigenvalues[0].im - 2.0).abs() < 1e-12
        );
        assert!((r.eigenvalues[2].re + 3.0).abs() < 1e-12);
        // Saddle.
        let s = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, -1.0]);
        let r = stability(&s, &o).unwrap();
        assert_eq!((r.verdict, r.n_unstable), (Stability::Unstable, 1));
        // Centre: non-hyperbolic.
        let c = DMatrix::from_row_slice(2, 2, &[0.0, -1.0, 1.0, 0.0]);
        let r = stability(&c, &o).unwrap();
        assert_eq!((r.verdict, r.n_neutral), (Stability::NonHyperbolic, 2));
        // Badly scaled similarity of diag(-1, -2): balancing keeps it accurate.
        let d = DMatrix::from_row_slice(2, 2, &[-1.0, 1e8, 0.0, -2.0]);
        let r = stability(&d, &o).unwrap();
        assert!(
            (r.eigenvalues[0].re + 1.0).abs() < 1e-9 && (r.eigenvalues[1].re + 2.0).abs() < 1e-9
        );
        assert_eq!(
            eigenvalues(&DMatrix::from_element(1, 1, f64::NAN), &o),
            Err(StabilityError::NonFinite)
        );
    }
}
