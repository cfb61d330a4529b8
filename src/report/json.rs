//! `summary.json`: scenario, thresholds, and per arm its schedule and endpoints.

use std::path::Path;

use serde::Serialize;

use super::{atomic, OutputError};
use crate::analysis::metrics::{Endpoints, MetricThresholds};
use crate::protocol::Schedule;
use crate::scenario::{ArmResult, Scenario};

/// One arm in `summary.json`.
#[derive(Debug, Serialize)]
pub(super) struct ArmSummary<'a> {
    /// Arm name.
    pub name: &'a str,
    /// Endpoints (units in the field names).
    pub endpoints: &'a Endpoints,
    /// The schedule that was run (times in s, levels in the units of
    /// [`crate::protocol::Effect`]).
    pub schedule: &'a Schedule,
}

/// The content of `summary.json`.
#[derive(Debug, Serialize)]
pub(super) struct Summary<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// Scenario description.
    pub description: &'a str,
    /// Parameter set name.
    pub parameter_set: &'a str,
    /// Run length, s.
    pub duration_s: f64,
    /// Output interval, s.
    pub output_every_s: f64,
    /// Time unit of the CSV and figures.
    pub time_unit: &'a str,
    /// Thresholds that define the endpoints.
    pub thresholds: &'a MetricThresholds,
    /// Arms in scenario order.
    pub arms: Vec<ArmSummary<'a>>,
}

/// Serialise `value` as pretty JSON (with a final newline) and write it atomically.
pub(super) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|source| OutputError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    bytes.push(b'\n');
    atomic::write_bytes(path, &bytes)
}

/// Write `summary.json`.
pub(super) fn write_summary(
    path: &Path,
    scenario: &Scenario,
    results: &[ArmResult],
    eps: &[(String, Endpoints)],
    thresholds: &MetricThresholds,
) -> Result<(), OutputError> {
    let s = Summary {
        scenario: &scenario.name,
        description: &scenario.description,
        parameter_set: &scenario.set_name,
        duration_s: scenario.duration,
        output_every_s: scenario.output_every,
        time_unit: &scenario.time_unit,
        thresholds,
        arms: results
            .iter()
            .zip(eps)
            .map(|(r, (name, e))| ArmSummary {
                name,
                endpoints: e,
                schedule: &r.schedule,
            })
            .collect(),
    };
    write_json(path, &s)
}
