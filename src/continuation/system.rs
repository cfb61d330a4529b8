//! The model interface: right-hand side `f(x, p)` of an autonomous ODE
//! `ẋ = f(x, p)` with its Jacobian, in one parameter ([`System`]) or two
//! ([`System2`]), plus adapters between them and a finite-difference Jacobian for
//! checking hand-written ones.

use nalgebra::{DMatrix, DVector};

/// Relative step of the central differences used by the default parameter
/// derivatives: `h = FD_REL_STEP · max(|p|, 1)`. `∛ε ≈ 6.06e-6` balances the
/// `O(h²)` truncation error against the `O(ε/h)` rounding error, so the
/// derivative has roughly 10 correct digits for a smooth right-hand side.
pub const FD_REL_STEP: f64 = 6.055_454_452_393_343e-6;

/// Central difference `(g(a + h) − g(a − h)) / (h⁺ − h⁻)` with the step actually
/// represented in floating point. `h = FD_REL_STEP · max(|a|, scale)`.
pub(crate) fn central_diff<F>(a: f64, scale: f64, mut g: F) -> DVector<f64>
where
    F: FnMut(f64) -> DVector<f64>,
{
    let h = FD_REL_STEP * a.abs().max(scale);
    let (ap, am) = (a + h, a - h);
    let mut d = g(ap) - g(am);
    d /= ap - am;
    d
}

/// An autonomous ODE `ẋ = f(x, p)` depending on one scalar parameter `p`.
///
/// Implement `rhs` and `jacobian` (an exact Jacobian is expected; check it with
/// [`fd_jacobian`]). `dfdp` has a finite-difference default.
pub trait System {
    /// Number of state components `n`.
    fn dim(&self) -> usize;

    /// Write `f(x, p)` into `out` (length `n`).
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>);

    /// The state Jacobian `∂f/∂x (x, p)`, an `n × n` matrix.
    fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64>;

    /// The parameter derivative `∂f/∂p (x, p)`.
    ///
    /// Default: central difference with step `h = FD_REL_STEP · max(|p|, 1)`
    /// ([`FD_REL_STEP`] `= ∛ε ≈ 6e-6`), about 10 correct digits. Override it when
    /// `p` is tiny compared with 1 in its natural units, or when an exact
    /// derivative is cheap.
    fn dfdp(&self, x: &DVector<f64>, p: f64) -> DVector<f64> {
        central_diff(p, 1.0, |pp| {
            let mut out = DVector::zeros(self.dim());
            self.rhs(x, pp, &mut out);
            out
        })
    }
}

/// An autonomous ODE `ẋ = f(x, p, q)` with two scalar parameters, used for
/// two-parameter (fold curve) continuation. `p` is the primary continuation
/// parameter, `q` the second one.
pub trait System2 {
    /// Number of state components `n`.
    fn dim(&self) -> usize;

    /// Write `f(x, p, q)` into `out`.
    fn rhs(&self, x: &DVector<f64>, p: f64, q: f64, out: &mut DVector<f64>);

    /// The state Jacobian `∂f/∂x (x, p, q)`.
    fn jacobian(&self, x: &DVector<f64>, p: f64, q: f64) -> DMatrix<f64>;

    /// `∂f/∂p`. Default: central difference, step `FD_REL_STEP · max(|p|, 1)`.
    fn dfdp(&self, x: &DVector<f64>, p: f64, q: f64) -> DVector<f64> {
        central_diff(p, 1.0, |pp| {
            let mut out = DVector::zeros(self.dim());
            self.rhs(x, pp, q, &mut out);
            out
        })
    }

    /// `∂f/∂q`. Default: central difference, step `FD_REL_STEP · max(|q|, 1)`.
    fn dfdq(&self, x: &DVector<f64>, p: f64, q: f64) -> DVector<f64> {
        central_diff(q, 1.0, |qq| {
            let mut out = DVector::zeros(self.dim());
            self.rhs(x, p, qq, &mut out);
            out
        })
    }
}

/// A [`System2`] seen as a one-parameter [`System`] in `p` with `q` held fixed.
#[derive(Debug, Clone, Copy)]
pub struct FixedQ<'a, S: ?Sized> {
    /// The two-parameter system.
    pub sys: &'a S,
    /// The fixed value of the second parameter.
    pub q: f64,
}

impl<'a, S: System2 + ?Sized> FixedQ<'a, S> {
    /// View `sys` as a system in `p` at fixed `q`.
    pub fn new(sys: &'a S, q: f64) -> Self {
        Self { sys, q }
    }
}

impl<S: System2 + ?Sized> System for FixedQ<'_, S> {
    fn dim(&self) -> usize {
        self.sys.dim()
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
        self.sys.rhs(x, p, self.q, out);
    }
    fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64> {
        self.sys.jacobian(x, p, self.q)
    }
    fn dfdp(&self, x: &DVector<f64>, p: f64) -> DVector<f64> {
        self.sys.dfdp(x, p, self.q)
    }
}

/// A [`System2`] seen as a one-parameter [`System`] in `q` with `p` held fixed
/// (the `System`'s parameter is `q`).
#[derive(Debug, Clone, Copy)]
pub struct FixedP<'a, S: ?Sized> {
    /// The two-parameter system.
    pub sys: &'a S,
    /// The fixed value of the first parameter.
    pub p: f64,
}

impl<'a, S: System2 + ?Sized> FixedP<'a, S> {
    /// View `sys` as a system in `q` at fixed `p`.
    pub fn new(sys: &'a S, p: f64) -> Self {
        Self { sys, p }
    }
}

impl<S: System2 + ?Sized> System for FixedP<'_, S> {
    fn dim(&self) -> usize {
        self.sys.dim()
    }
    fn rhs(&self, x: &DVector<f64>, q: f64, out: &mut DVector<f64>) {
        self.sys.rhs(x, self.p, q, out);
    }
    fn jacobian(&self, x: &DVector<f64>, q: f64) -> DMatrix<f64> {
        self.sys.jacobian(x, self.p, q)
    }
    fn dfdp(&self, x: &DVector<f64>, q: f64) -> DVector<f64> {
        self.sys.dfdq(x, self.p, q)
    }
}

/// A [`System`] seen as a [`System2`] whose second parameter has no effect
/// (`∂f/∂q = 0`). Used internally to locate folds of one-parameter systems with
/// the two-parameter machinery.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IgnoreQ<'a, S: ?Sized>(pub &'a S);

impl<S: System + ?Sized> System2 for IgnoreQ<'_, S> {
    fn dim(&self) -> usize {
        self.0.dim()
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, _q: f64, out: &mut DVector<f64>) {
        self.0.rhs(x, p, out);
    }
    fn jacobian(&self, x: &DVector<f64>, p: f64, _q: f64) -> DMatrix<f64> {
        self.0.jacobian(x, p)
    }
    fn dfdp(&self, x: &DVector<f64>, p: f64, _q: f64) -> DVector<f64> {
        self.0.dfdp(x, p)
    }
    fn dfdq(&self, _x: &DVector<f64>, _p: f64, _q: f64) -> DVector<f64> {
        DVector::zeros(self.0.dim())
    }
}

/// A [`System`] with some state components pinned to fixed values and removed
/// from the unknowns.
///
/// Use it for states that do not evolve at steady state (for example a state
/// whose time constant is infinite, `ẋ_k ≡ 0`): such a state makes the full
/// Jacobian singular, so Newton and continuation need it removed. The reduced
/// state contains the free components in increasing index order.
#[derive(Debug, Clone)]
pub struct Pinned<'a, S: ?Sized> {
    sys: &'a S,
    free: Vec<usize>,
    full: DVector<f64>,
}

impl<'a, S: System + ?Sized> Pinned<'a, S> {
    /// Pin the components listed in `pinned` (index, value) of `sys`.
    ///
    /// Returns `None` if an index is out of range or repeated.
    pub fn new(sys: &'a S, pinned: &[(usize, f64)]) -> Option<Self> {
        let n = sys.dim();
        let mut full = DVector::zeros(n);
        let mut is_pinned = vec![false; n];
        for &(k, v) in pinned {
            if k >= n || is_pinned[k] {
                return None;
            }
            is_pinned[k] = true;
            full[k] = v;
        }
        let free = (0..n).filter(|&i| !is_pinned[i]).collect();
        Some(Self { sys, free, full })
    }

    /// Indices (in the full system) of the free components, in reduced order.
    pub fn free_indices(&self) -> &[usize] {
        &self.free
    }

    /// The full state built from a reduced state `xr` and the pinned values.
    pub fn expand(&self, xr: &DVector<f64>) -> DVector<f64> {
        let mut x = self.full.clone();
        for (r, &i) in self.free.iter().enumerate() {
            x[i] = xr[r];
        }
        x
    }

    /// The reduced state (free components) of a full state `x`.
    pub fn reduce(&self, x: &DVector<f64>) -> DVector<f64> {
        DVector::from_iterator(self.free.len(), self.free.iter().map(|&i| x[i]))
    }
}

impl<S: System + ?Sized> System for Pinned<'_, S> {
    fn dim(&self) -> usize {
        self.free.len()
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
        let mut full_out = DVector::zeros(self.sys.dim());
        self.sys.rhs(&self.expand(x), p, &mut full_out);
        *out = self.reduce(&full_out);
    }
    fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64> {
        let j = self.sys.jacobian(&self.expand(x), p);
        let m = self.free.len();
        DMatrix::from_fn(m, m, |r, c| j[(self.free[r], self.free[c])])
    }
    fn dfdp(&self, x: &DVector<f64>, p: f64) -> DVector<f64> {
        self.reduce(&self.sys.dfdp(&self.expand(x), p))
    }
}

/// Central-difference Jacobian of `sys` at `(x, p)`, column `j` with step
/// `FD_REL_STEP · max(|x_j|, scale_j)` (`scale_j = 1` when `x_scale` is `None`).
/// Meant for checking exact Jacobians, not for production use.
pub fn fd_jacobian<S: System + ?Sized>(
    sys: &S,
    x: &DVector<f64>,
    p: f64,
    x_scale: Option<&DVector<f64>>,
) -> DMatrix<f64> {
    let n = sys.dim();
    let mut jac = DMatrix::zeros(n, n);
    for j in 0..n {
        let scale = x_scale.map_or(1.0, |s| s[j].abs());
        let col = central_diff(x[j], scale, |xj| {
            let mut xx = x.clone();
            xx[j] = xj;
            let mut out = DVector::zeros(n);
            sys.rhs(&xx, p, &mut out);
            out
        });
        jac.set_column(j, &col);
    }
    jac
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quad;
    impl System for Quad {
        fn dim(&self) -> usize {
            2
        }
        fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
            out[0] = x[0] * x[1] - p * p;
            out[1] = x[1] - 3.0;
        }
        fn jacobian(&self, x: &DVector<f64>, _p: f64) -> DMatrix<f64> {
            DMatrix::from_row_slice(2, 2, &[x[1], x[0], 0.0, 1.0])
        }
    }

    #[test]
    fn default_dfdp_and_fd_jacobian_are_accurate() {
        let x = DVector::from_vec(vec![0.7, -1.3]);
        let d = Quad.dfdp(&x, 2.5);
        assert!((d[0] + 5.0).abs() < 1e-9 && d[1].abs() < 1e-12);
        let j = fd_jacobian(&Quad, &x, 2.5, None);
        assert!((j - Quad.jacobian(&x, 2.5)).abs().max() < 1e-9);
    }

    #[test]
    fn pinned_removes_components() {
        let pin = Pinned::new(&Quad, &[(1, 3.0)]).unwrap();
        assert_eq!(pin.dim(), 1);
        let xr = DVector::from_vec(vec![2.0]);
        let mut out = DVector::zeros(1);
        pin.rhs(&xr, 1.0, &mut out);
        assert_eq!(out[0], 5.0);
        assert_eq!(pin.jacobian(&xr, 1.0)[(0, 0)], 3.0);
        assert!((pin.dfdp(&xr, 1.0)[0] + 2.0).abs() < 1e-9);
        assert_eq!(pin.expand(&xr).as_slice(), &[2.0, 3.0]);
        assert!(Pinned::new(&Quad, &[(2, 0.0)]).is_none());
        assert!(Pinned::new(&Quad, &[(0, 0.0), (0, 1.0)]).is_none());
    }
}
