//! The streamed table of sweeps and sensitivity analyses, written once for both: one
//! row per (sample, arm) with the sample's index and parameter values, the arm,
//! `ok` or `failed`, every endpoint of [`PatientArm`] and the failure reason.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use crate::analysis::cohort::PatientArm;
use crate::analysis::sweep::ArmOutcome;
use crate::report::csv::csv_err;
use crate::report::OutputError;

/// A CSV of outcomes being streamed to disk.
#[derive(Debug)]
pub(super) struct OutcomeCsv {
    csv: ::csv::Writer<BufWriter<File>>,
    path: PathBuf,
    arms: Vec<String>,
}

/// A number for the CSV: shortest round-trip decimal, `inf` for +∞ (not reached),
/// empty for NaN (no value).
pub(super) fn number(v: f64) -> String {
    if v == f64::INFINITY {
        "inf".into()
    } else if v.is_nan() {
        String::new()
    } else {
        format!("{v:?}")
    }
}

/// The ASCII column name of a parameter in `unit`: `<name>_<unit>`.
pub(super) fn parameter_column(name: &str, unit: &str) -> String {
    let unit = unit
        .replace('°', "deg")
        .replace('/', "_per_")
        .replace(['.', ' '], "");
    format!("{name}_{unit}")
}

impl OutcomeCsv {
    /// Create `path` with the header: `index_column`, the `parameters` columns, then
    /// `arm, status`, every endpoint and `failure`. `arms` names the arms by index.
    pub(super) fn create(
        path: PathBuf,
        index_column: &str,
        parameters: impl Iterator<Item = String>,
        arms: Vec<String>,
    ) -> Result<OutcomeCsv, OutputError> {
        let file = File::create(&path).map_err(|source| OutputError::Io {
            path: path.clone(),
            action: "create",
            source,
        })?;
        let mut csv = ::csv::Writer::from_writer(BufWriter::new(file));
        let mut header = vec![index_column.to_string()];
        header.extend(parameters);
        header.extend(["arm".to_string(), "status".to_string()]);
        header.extend(PatientArm::NAMES.iter().map(ToString::to_string));
        header.push("failure".into());
        csv.write_record(&header).map_err(csv_err(&path))?;
        Ok(OutcomeCsv { csv, path, arms })
    }

    /// The arm names, by index.
    pub(super) fn arms(&self) -> &[String] {
        &self.arms
    }

    /// One row: sample `index` with parameter `values`, arm `arm`, and its outcome.
    pub(super) fn write(
        &mut self,
        index: usize,
        values: &[f64],
        arm: usize,
        outcome: &ArmOutcome,
    ) -> Result<(), OutputError> {
        let mut rec = vec![index.to_string()];
        rec.extend(values.iter().map(|v| format!("{v:?}")));
        rec.push(self.arms[arm].clone());
        match outcome {
            Ok(e) => {
                rec.push("ok".into());
                rec.extend(e.values().iter().map(|&v| number(v)));
                rec.push(String::new());
            }
            Err(reason) => {
                rec.push("failed".into());
                rec.extend(PatientArm::NAMES.iter().map(|_| String::new()));
                rec.push(reason.clone());
            }
        }
        self.csv.write_record(&rec).map_err(csv_err(&self.path))
    }

    /// Flush everything to disk.
    pub(super) fn flush(&mut self) -> Result<(), OutputError> {
        self.csv.flush().map_err(|source| OutputError::Io {
            path: self.path.clone(),
            action: "write",
            source,
        })
    }
}
