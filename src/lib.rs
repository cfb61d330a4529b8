//! spasm: a simulator of the spasm–ischemia cycle in back muscles.
//!
//! A muscle in spasm squeezes its own vessels; less flow means less oxygen and slower
//! washout of metabolites, which excite pain afferents; where injury has facilitated
//! the pathway, that raises the drive to the muscle and deepens the spasm. spasm models
//! this loop as a stiff system of ordinary differential equations and applies
//! interventions (heat, stretching, drugs, ...) as scheduled perturbations.
//!
//! # Quick start
//!
//! Load a scenario, run every arm and compare the endpoints:
//!
//! ```
//! use spasm::analysis::metrics::{endpoints, MetricThresholds};
//! use spasm::scenario::Scenario;
//!
//! let scenario = Scenario::load("examples/ibuprofen.toml".as_ref())?;
//! let mut auc = Vec::new();
//! for arm in scenario.run()? {
//!     let e = endpoints(arm.patient.model(), &arm.trajectory, &MetricThresholds::default());
//!     println!("{}: peak pain {:.1}/10, pain AUC {:.0} NRS·h", arm.name, e.peak_pain_nrs, e.pain_auc_nrs_h);
//!     auc.push(e.pain_auc_nrs_h);
//! }
//! // The arms are "no treatment" and "ibuprofen": the drug lowers the pain burden.
//! assert!(auc[1] < auc[0]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//!
//! Each module uses only those listed before it (`docs/architecture.md`):
//! [`units`] → [`model`] (equations and parameters) → [`solver`] → [`continuation`]
//! (steady states, branches and their bifurcations, for any system) → [`protocol`]
//! (schedules and the intervention catalogue) → [`simulation`] (the one patient
//! runner) → [`scenario`] (the file format) → [`analysis`] (endpoints, comparisons,
//! cohorts, bistability, steady states, escape doses, validation; numbers only) →
//! [`report`] (files). All but the last
//! are pure apart from reading a scenario file.
//!
//! # Features
//!
//! `cli` (default) builds the `spasm` binary; `figures` (with `cli`) draws PNG and SVG
//! figures with an embedded font; `diagnostics` gives scenario errors a
//! `miette::Diagnostic`. With `default-features = false` the library builds without
//! clap, miette, plotters or indicatif.

pub mod analysis;
pub mod continuation;
pub mod model;
pub mod protocol;
pub mod report;
pub mod scenario;
pub mod simulation;
pub mod solver;
pub mod units;
