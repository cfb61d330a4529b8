//! Sensitivity analysis: which parameters move which endpoints, and how much.
//!
//! Three methods, all pure numerics (no I/O):
//!
//! - **local** ([`local`]): normalised sensitivities ∂ ln y / ∂ ln p at the nominal
//!   parameters by central differences at two steps, with their agreement;
//! - **Morris** ([`morris`]): elementary effects, μ* and σ, on each parameter's range;
//! - **Sobol'** ([`sobol`]): first-order and total indices (Saltelli 2010 / Jansen
//!   1999 estimators on an Owen-scrambled Sobol' sequence) with bootstrap intervals.
//!
//! The global methods never run the model: `design(...)` returns the sample (one row
//! of factor values per run, laid out as SALib lays it out, so that SALib can analyse
//! the same outputs), the caller evaluates the rows (in parallel, streaming), and
//! `analyze(&design, &y, &bootstrap)` returns the indices. [`study`] does that for
//! the endpoints of a scenario.
//!
//! ```
//! use spasm::analysis::sensitivity::{sobol, Bootstrap, Factor, Problem};
//!
//! let problem = Problem::new(vec![
//!     Factor::uniform("a", 0.0, 1.0),
//!     Factor::uniform("b", 0.0, 1.0),
//! ])?;
//! let design = sobol::design(&problem, 256, 42)?;
//! // y = 4a + b: a carries 16/17 of the variance, b 1/17.
//! let y: Vec<f64> = design.x.rows().map(|r| 4.0 * r[0] + r[1]).collect();
//! let si = sobol::analyze(&design, &y, &Bootstrap::default())?;
//! assert!((si.st[0] - 16.0 / 17.0).abs() < 0.05 && (si.st[1] - 1.0 / 17.0).abs() < 0.05);
//! # Ok::<(), spasm::analysis::sensitivity::GsaError>(())
//! ```
//!
//! **Failed evaluations.** Any non-finite output (`NaN`, `±inf`) counts as a failed
//! run. Morris drops every trajectory that contains one; Sobol' drops every base-row
//! group (the `k + 2` rows `A_j, AB_1j, …, AB_kj, B_j`) that contains one. The
//! indices are then exactly those of the remaining sample, and the number of dropped
//! trajectories / groups is reported in the result. Analysis never panics: too few
//! valid runs give [`GsaError::TooFewValid`].
//!
//! **Reproducibility.** Everything random is drawn from ChaCha8
//! (`ChaCha8Rng::seed_from_u64(seed)` with a documented stream per use, see
//! [`bootstrap::BOOTSTRAP_STREAM`]), so a design and its analysis are a pure function
//! of the seed, the options and the outputs; identical to SALib 1.6.0 on the same
//! design (`tests/salib.rs`).

pub mod bootstrap;
pub mod factor;
pub mod local;
pub mod morris;
pub mod sobol;
pub mod study;

pub use bootstrap::Bootstrap;
pub use factor::{Factor, Points, Problem};
pub use morris::{MorrisDesign, MorrisIndices};
pub use sobol::{SobolDesign, SobolIndices};

/// Errors of problem definition, design and analysis.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GsaError {
    /// A problem must have at least one factor.
    #[error("the problem has no factors")]
    NoFactors,
    /// Two factors share a name.
    #[error("two factors are named `{0}`")]
    DuplicateName(String),
    /// A factor's range is unusable (not finite, `lo >= hi`, or `lo <= 0` on a log scale).
    #[error("factor `{name}`: {reason}")]
    InvalidFactor {
        /// Name of the offending factor.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An option is out of its allowed range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The design has more factors than the method supports.
    #[error("{factors} factors is more than the {max} supported by this method")]
    TooManyFactors {
        /// Number of factors of the problem.
        factors: usize,
        /// Maximum supported.
        max: usize,
    },
    /// The output vector does not have one value per design row.
    #[error("expected {expected} outputs (one per design row), got {got}")]
    OutputLength {
        /// Number of rows of the design.
        expected: usize,
        /// Length of the output slice given.
        got: usize,
    },
    /// After dropping failed runs, too few trajectories / base rows remain.
    #[error("only {valid} valid {unit} after dropping failed runs; at least {needed} needed")]
    TooFewValid {
        /// Number of valid trajectories (Morris) or base rows (Sobol').
        valid: usize,
        /// Minimum required.
        needed: usize,
        /// `"trajectories"` or `"base rows"`.
        unit: &'static str,
    },
    /// A design whose internal structure is inconsistent (e.g. edited or badly
    /// deserialised).
    #[error("inconsistent design: {0}")]
    InvalidDesign(String),
}

/// Result alias of the sensitivity module.
pub type Result<T> = std::result::Result<T, GsaError>;
