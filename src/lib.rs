//! spasm: a simulator of the spasm–ischemia cycle in back muscles.
//!
//! Library first: the model ([`model`]), its parameters ([`params`]), the solvers
//! ([`solver`]), schedules of interventions ([`schedule`]), and simulation
//! ([`simulate`]) are pure; reading and writing files happens at the edges.

pub mod solver;
pub mod model;
pub mod params;
pub mod units;
pub mod schedule;
pub mod simulate;
pub mod validate;
pub mod metrics;
pub mod output;
pub mod scenario;
pub mod export;
