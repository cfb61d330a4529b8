//! spasm: a simulator of the spasm–ischemia cycle in back muscles.
//!
//! Library first: the model ([`model`]), its parameters ([`model::params`]), the
//! solvers ([`solver`]), schedules of interventions ([`protocol`]), and simulation
//! ([`simulation`]) are pure; reading and writing files happens at the edges.

pub mod analysis;
pub mod model;
pub mod protocol;
pub mod report;
pub mod scenario;
pub mod simulation;
pub mod solver;
pub mod units;
