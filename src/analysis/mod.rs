//! Analysis: numbers from simulations — endpoints, comparisons of arms, virtual
//! cohorts, bistability scans and the validation targets.

pub mod bifurcation;
pub mod bistability;
pub mod cohort;
pub mod compare;
pub mod escape;
pub mod lint;
pub mod metrics;
pub mod phase;
pub mod sensitivity;
pub mod shard;
pub mod steady;
pub mod sweep;
pub mod validate;
