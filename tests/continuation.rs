//! The continuation engine (`spasm::continuation`) on textbook systems with known
//! answers: Newton and its failure modes, the cusp normal form (analytic folds and
//! cusp), the Gardner–Cantor–Collins toggle switch (folds from the analytic fold
//! condition), Hopf points of the Brusselator and the Hopf normal form, and branch
//! control (stops, bounds, scaling, pinned states).

#![allow(clippy::wildcard_imports)]

#[path = "continuation/branch_control.rs"]
mod branch_control;
#[path = "continuation/cusp.rs"]
mod cusp;
#[path = "continuation/hopf.rs"]
mod hopf;
#[path = "continuation/newton.rs"]
mod newton;
#[path = "continuation/toggle.rs"]
mod toggle;
