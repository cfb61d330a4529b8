//! Steady states and numerical continuation of ODE equilibria
//!
//! For an autonomous ODE `ẋ = f(x, p)` (or `f(x, p, q)`) with an exact
//! Jacobian, this crate provides
//!
//! * damped Newton with typed termination reasons, multi-start root search
//!   with de-duplication, and the stability of each equilibrium
//!   ([`mod@newton`], [`mod@stability`]);
//! * pseudo-arclength continuation of equilibrium branches in one parameter
//!   with adaptive steps, fold / Hopf / branch-point detection and location,
//!   and bistable intervals ([`branch`]);
//! * fold refinement and two-parameter fold-curve continuation with cusp
//!   detection ([`fold2`]);
//! * textbook systems with known answers ([`problems`]).
//!
//! All norms and arclengths are measured in user-supplied per-component scales
//! so that states of very different magnitudes are treated evenly. Every loop
//! is capped; every failure is a typed error.
//!
//! ```
//! use spasm::continuation::{continue_branch, problems::CuspNormalForm, ContOptions, FixedQ};
//! use nalgebra::DVector;
//!
//! // ẋ = p + x − x³ has folds at p = ±2/(3√3) ≈ ±0.3849.
//! let sys = FixedQ::new(&CuspNormalForm, 1.0);
//! let x0 = DVector::from_element(1, -1.5);
//! let branch = continue_branch(&sys, &x0, -2.0, &ContOptions::new(-2.0, 2.0)).unwrap();
//! let folds = branch.folds();
//! assert_eq!(folds.len(), 2);
//! assert!((folds[0].p - 0.3849).abs() < 1e-4);
//! let bistable = branch.bistable_intervals();
//! assert!((bistable[0].lo + 0.3849).abs() < 1e-4 && (bistable[0].hi - 0.3849).abs() < 1e-4);
//! ```

pub mod branch;
pub mod fold2;
pub mod linalg;
pub mod newton;
pub mod pac;
pub mod problems;
pub mod stability;
pub mod system;

pub use branch::{
    bistable_intervals, continue_branch, Branch, BranchPoint, ContError, ContOptions, Interval,
    Param, SpecialKind, SpecialPoint, StopReason,
};
pub use fold2::{
    continue_fold, refine_fold, Fold2Options, FoldCurve, FoldCurveKind, FoldCurvePoint,
    FoldCurveSpecial, FoldError, LocatedFold,
};
pub use linalg::{rms_norm, scaled_distance};
pub use newton::{
    find_equilibria, find_equilibrium, grid_starts, newton, random_starts, solve_nonlinear,
    BoxBounds, DivergenceKind, Equilibrium, EquilibriumError, MultiStartResult, NewtonError,
    NewtonOptions, NewtonSolution,
};
pub use pac::{StepControl, StepFailure};
pub use stability::{
    classify, eigenvalues, stability, Eigenvalue, Stability, StabilityError, StabilityOptions,
    StabilityReport,
};
pub use system::{fd_jacobian, FixedP, FixedQ, Pinned, System, System2, FD_REL_STEP};
