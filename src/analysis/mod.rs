//! Analysis: numbers from simulations — endpoints, comparisons of arms, virtual
//! cohorts, bistability scans and the validation targets.

pub mod bistability;
pub mod cohort;
pub mod compare;
pub mod metrics;
pub mod sensitivity;
pub mod sweep;
pub mod validate;
