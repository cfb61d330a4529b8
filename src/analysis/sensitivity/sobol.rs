//! Sobol' first-order and total indices from a Saltelli design, laid out and estimated
//! exactly as SALib's `saltelli.sample(problem, N, calc_second_order=False)` and
//! `sobol.analyze(problem, Y, calc_second_order=False)`.
//!
//! **Design.** `N` points of a `2k`-dimensional Owen-scrambled Sobol' sequence
//! (`sobol_burley`, scramble seed drawn from ChaCha8 stream 0 of the seed; points
//! `0..N`, no skipping, which scrambling makes unnecessary) give, for base row `j`,
//! `A_j` (the first `k` coordinates) and `B_j` (the last `k`). `AB_ij` is `A_j` with
//! column `i` taken from `B_j`. The design has `N (k + 2)` rows, grouped by base row:
//! `A_j, AB_1j, …, AB_kj, B_j` — SALib's layout, so SALib's `sobol.analyze` can analyse
//! our outputs. Use a power of two for `N` (the sequence is balanced there);
//! `2 ≤ N ≤ 65536` and `k ≤ 128`.
//!
//! **Estimators.** As SALib, the outputs are first standardised,
//! `y ← (y − mean(y)) / sd(y)` over all retained rows (ddof = 0). With
//! `V = var([f(A); f(B)])` (ddof = 0, over the `2N` values):
//! - first order (Saltelli et al. 2010): `S1_i = mean(f(B) · (f(AB_i) − f(A))) / V`;
//! - total (Jansen 1999): `ST_i = ½ mean((f(A) − f(AB_i))²) / V`.
//!
//! Both are 0 when the outputs are constant (`V ≤ ε`). Confidence half-widths are
//! `z · sd` over bootstrap resamples of the base rows (the same resampled rows for
//! all factors), see [`super::bootstrap`].
//!
//! **Failed runs.** A base-row group containing any non-finite output is dropped
//! whole; the indices are those of the remaining `N'` groups (at least 2 needed).

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::bootstrap::{resample, std_ddof1, stream_rng, Bootstrap, BOOTSTRAP_STREAM};
use super::factor::{Points, Problem};
use super::{GsaError, Result};

/// Largest number of factors: the `2k` columns must fit the 256 dimensions of
/// `sobol_burley`.
pub const MAX_FACTORS: usize = sobol_burley::NUM_DIMENSIONS as usize / 2;

/// Largest base sample `N` (sequence length of `sobol_burley`).
pub const MAX_BASE_SAMPLES: usize = 1 << 16;

/// A Saltelli design: `base_samples · (k + 2)` rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolDesign {
    /// The factors.
    pub problem: Problem,
    /// Base sample size `N`.
    pub base_samples: usize,
    /// Seed of the design (and of the bootstrap of its analysis).
    pub seed: u64,
    /// The points on the unit hypercube, one row per run, values in [0, 1).
    pub unit: Points,
    /// The factor values of each run, in the factors' units.
    pub x: Points,
}

impl SobolDesign {
    /// Number of rows (model runs), `N (k + 2)`.
    pub fn nrows(&self) -> usize {
        self.base_samples.saturating_mul(self.problem.len() + 2)
    }
}

/// Builds a Saltelli design with base sample `base_samples` (`N`).
///
/// Errors if `N < 2`, `N > 65536` or `k > 128`.
pub fn design(problem: &Problem, base_samples: usize, seed: u64) -> Result<SobolDesign> {
    let k = problem.len();
    if k > MAX_FACTORS {
        return Err(GsaError::TooManyFactors {
            factors: k,
            max: MAX_FACTORS,
        });
    }
    if !(2..=MAX_BASE_SAMPLES).contains(&base_samples) {
        return Err(GsaError::InvalidOption(format!(
            "Sobol' base sample must be in 2..=65536, got {base_samples}"
        )));
    }
    let scramble: u32 = stream_rng(seed, 0).random();
    let mut unit = Vec::with_capacity(base_samples * (k + 2) * k);
    let mut a = vec![0.0; k];
    let mut b = vec![0.0; k];
    for j in 0..base_samples as u32 {
        for i in 0..k {
            a[i] = f64::from(sobol_burley::sample(j, i as u32, scramble));
            b[i] = f64::from(sobol_burley::sample(j, (k + i) as u32, scramble));
        }
        unit.extend_from_slice(&a);
        for i in 0..k {
            unit.extend((0..k).map(|c| if c == i { b[c] } else { a[c] }));
        }
        unit.extend_from_slice(&b);
    }
    let unit = Points::from_row_major(k, unit)
        .ok_or_else(|| GsaError::InvalidDesign("empty problem".into()))?;
    let x = problem.map_unit(&unit)?;
    Ok(SobolDesign {
        problem: problem.clone(),
        base_samples,
        seed,
        unit,
        x,
    })
}

/// Sobol' indices, one entry per factor (in problem order). Dimensionless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolIndices {
    /// Factor names.
    pub names: Vec<String>,
    /// First-order indices `S1`.
    pub s1: Vec<f64>,
    /// Bootstrap half-widths of the confidence intervals of `S1`.
    pub s1_conf: Vec<f64>,
    /// Total indices `ST`.
    pub st: Vec<f64>,
    /// Bootstrap half-widths of the confidence intervals of `ST`.
    pub st_conf: Vec<f64>,
    /// Number of base rows used.
    pub base_rows_used: usize,
    /// Number of base rows dropped for a non-finite output in their group.
    pub base_rows_dropped: usize,
}

/// `f64::EPSILON`, SALib's threshold for a constant output / zero variance.
const EPS: f64 = f64::EPSILON;

/// Standardised outputs of the retained groups: `a[j]`, `b[j]`, `ab[j * k + i]`.
struct Split {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<f64>,
}

/// Running minimum and maximum of `f(A)` and `f(B)` over some rows.
struct Range {
    lo: f64,
    hi: f64,
}

impl Default for Range {
    fn default() -> Self {
        Self {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
        }
    }
}

impl Range {
    fn add(&mut self, s: &Split, rows: &[usize]) {
        for &j in rows {
            for v in [s.a[j], s.b[j]] {
                self.lo = self.lo.min(v);
                self.hi = self.hi.max(v);
            }
        }
    }

    /// Peak-to-peak range (`-inf` when empty).
    fn ptp(&self) -> f64 {
        self.hi - self.lo
    }
}

/// Population variance of the concatenation of `a` and `b` at rows `rows`.
fn var_ab(s: &Split, rows: &[usize]) -> f64 {
    let n = 2.0 * rows.len() as f64;
    let m = rows.iter().map(|&j| s.a[j] + s.b[j]).sum::<f64>() / n;
    rows.iter()
        .map(|&j| (s.a[j] - m).powi(2) + (s.b[j] - m).powi(2))
        .sum::<f64>()
        / n
}

/// S1 and ST of all factors on rows `rows`, written to `s1`, `st` (0 where `V ≤ ε`).
fn indices(s: &Split, k: usize, rows: &[usize], s1: &mut [f64], st: &mut [f64]) {
    let v = var_ab(s, rows);
    let n = rows.len() as f64;
    for i in 0..k {
        if v > EPS {
            let (mut f, mut t) = (0.0, 0.0);
            for &j in rows {
                let (a, b, ab) = (s.a[j], s.b[j], s.ab[j * k + i]);
                f += b * (ab - a);
                t += (a - ab).powi(2);
            }
            s1[i] = f / n / v;
            st[i] = 0.5 * (t / n) / v;
        } else {
            s1[i] = 0.0;
            st[i] = 0.0;
        }
    }
}

/// Analyses the outputs `y` (one per design row, `NaN` for a failed run) of a Saltelli
/// design. The bootstrap uses ChaCha8 stream [`BOOTSTRAP_STREAM`] of the design's seed.
///
/// Errors on a wrong output length, invalid bootstrap options, an inconsistent design,
/// or fewer than 2 valid base rows.
pub fn analyze(design: &SobolDesign, y: &[f64], bootstrap: &Bootstrap) -> Result<SobolIndices> {
    bootstrap.validate()?;
    let k = design.problem.len();
    let group = k + 2;
    if design.unit.ncols() != k || design.unit.as_slice().len() != design.nrows().saturating_mul(k)
    {
        return Err(GsaError::InvalidDesign(
            "the unit points do not have N (k + 2) rows of k columns".into(),
        ));
    }
    if y.len() != design.nrows() {
        return Err(GsaError::OutputLength {
            expected: design.nrows(),
            got: y.len(),
        });
    }
    let kept: Vec<&[f64]> = y
        .chunks_exact(group)
        .filter(|g| g.iter().all(|v| v.is_finite()))
        .collect();
    let n = kept.len();
    let dropped = design.base_samples - n;
    if n < 2 {
        return Err(GsaError::TooFewValid {
            valid: n,
            needed: 2,
            unit: "base rows",
        });
    }
    // Standardise over all retained outputs, as SALib does.
    let count = (n * group) as f64;
    let m = kept.iter().flat_map(|g| g.iter()).sum::<f64>() / count;
    let sd = (kept
        .iter()
        .flat_map(|g| g.iter())
        .map(|v| (v - m).powi(2))
        .sum::<f64>()
        / count)
        .sqrt();
    let scale = |v: f64| if sd > 0.0 { (v - m) / sd } else { 0.0 };
    let split = Split {
        a: kept.iter().map(|g| scale(g[0])).collect(),
        b: kept.iter().map(|g| scale(g[k + 1])).collect(),
        ab: kept
            .iter()
            .flat_map(|g| g[1..=k].iter().map(|&v| scale(v)))
            .collect(),
    };
    // A constant output (SALib: peak-to-peak of [f(A); f(B)] ≤ ε) gives zero indices,
    // and zero intervals when it holds over all resampled rows.
    let all: Vec<usize> = (0..n).collect();
    let mut s1 = vec![0.0; k];
    let mut st = vec![0.0; k];
    let mut range = Range::default();
    range.add(&split, &all);
    if range.ptp() > EPS {
        indices(&split, k, &all, &mut s1, &mut st);
    }

    let r = bootstrap.resamples;
    let mut rng = stream_rng(design.seed, BOOTSTRAP_STREAM);
    let mut idx = vec![0usize; n];
    let mut s1_b = vec![0.0; r * k];
    let mut st_b = vec![0.0; r * k];
    let mut range = Range::default();
    for b in 0..r {
        resample(&mut rng, n, &mut idx);
        range.add(&split, &idx);
        indices(
            &split,
            k,
            &idx,
            &mut s1_b[b * k..(b + 1) * k],
            &mut st_b[b * k..(b + 1) * k],
        );
    }
    let z = bootstrap.z();
    let conf = |vals: &[f64], i: usize| {
        if range.ptp() > EPS {
            let col: Vec<f64> = (0..r).map(|b| vals[b * k + i]).collect();
            z * std_ddof1(&col)
        } else {
            0.0
        }
    };
    Ok(SobolIndices {
        names: design.problem.names(),
        s1_conf: (0..k).map(|i| conf(&s1_b, i)).collect(),
        st_conf: (0..k).map(|i| conf(&st_b, i)).collect(),
        s1,
        st,
        base_rows_used: n,
        base_rows_dropped: dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::super::Factor;
    use super::*;

    fn problem(k: usize) -> Problem {
        Problem::new(
            (0..k)
                .map(|i| Factor::uniform(format!("x{i}"), 0.0, 1.0))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn options_are_checked() {
        assert!(design(&problem(2), 1, 0).is_err());
        assert!(design(&problem(2), MAX_BASE_SAMPLES + 1, 0).is_err());
        assert!(matches!(
            design(&problem(MAX_FACTORS + 1), 4, 0),
            Err(GsaError::TooManyFactors { .. })
        ));
        assert!(design(&problem(MAX_FACTORS), 2, 0).is_ok());
    }

    #[test]
    fn constant_output_gives_zeros() {
        let d = design(&problem(3), 64, 5).unwrap();
        let y = vec![4.2; d.nrows()];
        let s = analyze(&d, &y, &Bootstrap::default()).unwrap();
        assert!(s
            .s1
            .iter()
            .chain(&s.st)
            .chain(&s.s1_conf)
            .all(|&v| v == 0.0));
    }

    #[test]
    fn additive_model() {
        // y = x0 + 2 x1 (x2 inert): S1 = ST = (1/5, 4/5, 0).
        let d = design(&problem(3), 4096, 3).unwrap();
        let y: Vec<f64> = d.x.rows().map(|r| r[0] + 2.0 * r[1]).collect();
        let s = analyze(&d, &y, &Bootstrap::default()).unwrap();
        let want = [0.2, 0.8, 0.0];
        for (i, w) in want.iter().enumerate() {
            assert!((s.s1[i] - w).abs() < 0.02, "S1 {i}: {}", s.s1[i]);
            assert!((s.st[i] - w).abs() < 0.02, "ST {i}: {}", s.st[i]);
        }
        assert_eq!(s.st[2], 0.0);
        assert_eq!(s.st_conf[2], 0.0);
    }
}
