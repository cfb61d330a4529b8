//! Exporting the model to exchange formats (SBML Level 3 Version 2).
//!
//! [`to_sbml`] writes the model, a parameter set and one arm's schedule as SBML;
//! [`equations()`] holds the model's equations as expression trees (the single source
//! of the exported formulas, checked against the simulator's right-hand side).

pub mod equations;
pub mod math;
pub mod sbml;

pub use equations::{driver_values, equations, Definition, Equations, DRIVER_NAMES};
pub use sbml::{derived_constant_values, parameter_values, plan, to_sbml, ExportError, Plan, Step};
