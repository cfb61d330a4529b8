//! Small dense linear-algebra helpers: scaled norms, an LU solve with a
//! singularity verdict, null vectors.

use nalgebra::{DMatrix, DVector, LU};

/// Weighted root-mean-square norm `sqrt( (1/n) Σ (v_i / s_i)² )`.
///
/// `scale` holds the characteristic magnitude `s_i > 0` of each component; with
/// `None` every `s_i = 1`. This is the norm used for Newton tolerances and for
/// de-duplicating roots: a value of `1e-10` means "ten significant digits in
/// every component, measured in its own units".
pub fn rms_norm(v: &DVector<f64>, scale: Option<&DVector<f64>>) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let sum: f64 = match scale {
        Some(s) => v.iter().zip(s.iter()).map(|(a, b)| (a / b).powi(2)).sum(),
        None => v.iter().map(|a| a * a).sum(),
    };
    (sum / n as f64).sqrt()
}

/// Weighted RMS distance between two states (see [`rms_norm`]).
pub fn scaled_distance(a: &DVector<f64>, b: &DVector<f64>, scale: Option<&DVector<f64>>) -> f64 {
    rms_norm(&(a - b), scale)
}

/// Check a scale vector: right length, finite, strictly positive.
pub(crate) fn check_scale(s: &DVector<f64>, n: usize) -> Result<(), String> {
    if s.len() != n {
        return Err(format!("scale vector has length {}, expected {n}", s.len()));
    }
    if s.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return Err("scale entries must be finite and > 0".into());
    }
    Ok(())
}

/// LU factorisation of `a` with a reciprocal-condition estimate.
pub(crate) struct Factor {
    lu: LU<f64, nalgebra::Dyn, nalgebra::Dyn>,
    /// Row equilibration factors applied before factorising.
    row: DVector<f64>,
    /// `min |U_ii| / max |U_ii|` of the row-equilibrated matrix: a cheap
    /// (optimistic) reciprocal condition estimate.
    pub rcond: f64,
}

impl Factor {
    /// Factorise a square matrix after scaling each row to unit max-norm.
    /// Returns `None` for a matrix with a zero or non-finite row.
    pub(crate) fn new(a: &DMatrix<f64>) -> Option<Self> {
        let n = a.nrows();
        let mut row = DVector::zeros(n);
        let mut m = a.clone();
        for i in 0..n {
            let r = m.row(i).amax();
            if !(r.is_finite() && r > 0.0) {
                return None;
            }
            row[i] = 1.0 / r;
            m.row_mut(i).scale_mut(1.0 / r);
        }
        let lu = m.lu();
        let u = lu.u();
        let (mut lo, mut hi) = (f64::INFINITY, 0.0_f64);
        for i in 0..n {
            let d = u[(i, i)].abs();
            lo = lo.min(d);
            hi = hi.max(d);
        }
        let rcond = if hi > 0.0 && hi.is_finite() {
            lo / hi
        } else {
            0.0
        };
        Some(Self { lu, row, rcond })
    }

    /// Solve `A x = b`. `None` if the factor is exactly singular.
    pub(crate) fn solve(&self, b: &DVector<f64>) -> Option<DVector<f64>> {
        let rb = b.component_mul(&self.row);
        let x = self.lu.solve(&rb)?;
        x.iter().all(|v| v.is_finite()).then_some(x)
    }
}

/// Right and left singular vectors of the smallest singular value of a square
/// matrix, and that singular value.
pub(crate) fn smallest_singular(a: &DMatrix<f64>) -> Option<(DVector<f64>, DVector<f64>, f64)> {
    let n = a.nrows();
    let svd = a.clone().try_svd(true, true, f64::EPSILON, 10_000)?;
    let (u, vt) = (svd.u.as_ref()?, svd.v_t.as_ref()?);
    let k = (0..n).min_by(|&i, &j| svd.singular_values[i].total_cmp(&svd.singular_values[j]))?;
    let right = vt.row(k).transpose();
    let left = u.column(k).into_owned();
    Some((right, left, svd.singular_values[k]))
}

/// A unit null vector of an `m × (m+1)` matrix (the right singular vector of
/// the smallest singular value of the matrix padded with a zero row).
pub(crate) fn null_vector(a: &DMatrix<f64>) -> Option<DVector<f64>> {
    let (m, n) = a.shape();
    let mut sq = DMatrix::zeros(n, n);
    sq.view_mut((0, 0), (m, n)).copy_from(a);
    smallest_singular(&sq).map(|(r, _, _)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norms_and_factor() {
        let v = DVector::from_vec(vec![3e-3, 4e3]);
        let s = DVector::from_vec(vec![1e-3, 1e3]);
        assert!((rms_norm(&v, Some(&s)) - (12.5f64).sqrt()).abs() < 1e-12);
        let a = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 3.0]);
        let f = Factor::new(&a).unwrap();
        let x = f.solve(&DVector::from_vec(vec![3.0, 4.0])).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 1.0).abs() < 1e-14);
        let sing = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 4.0]);
        assert!(Factor::new(&sing).unwrap().rcond < 1e-15);
        let nv = null_vector(&DMatrix::from_row_slice(1, 2, &[1.0, 1.0])).unwrap();
        assert!((nv[0] + nv[1]).abs() < 1e-14 && (nv.norm() - 1.0).abs() < 1e-14);
    }
}
