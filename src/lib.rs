//! spasm: a simulator of the spasm–ischemia cycle in back muscles.
//!
//! Library first: the model ([`model`]), its parameters ([`params`]), the solvers
//! ([`solver`]), schedules of interventions ([`schedule`]), and simulation
//! ([`simulate`]) are pure; reading and writing files happens at the edges.

pub mod bistability;
pub mod compare;
pub mod export;
pub mod metrics;
pub mod model;
pub mod output;
pub mod params;
pub mod scenario;
pub mod schedule;
pub mod simulate;
pub mod solver;
pub mod units;
pub mod validate;
