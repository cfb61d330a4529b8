//! How much disk and memory a command's outputs will take, estimated before any
//! simulation, and the cap above which a command refuses to start unless `--force`
//! (docs/outputs.md "Limits").

use crate::model::{Drivers, State};
use crate::scenario::Scenario;
use crate::simulation::grid;

use super::csv::trajectory_header;

/// Largest estimated output (file bytes, or memory bytes) a command starts without
/// `--force`, bytes (500 MB).
pub const MAX_OUTPUT_BYTES: f64 = 500e6;

/// Typical bytes per CSV cell of trajectories and per-patient tables (number and
/// comma), measured on the embedded default's `trajectories.csv`: 12.1.
pub const BYTES_PER_CELL: f64 = 12.0;

/// Columns of a `cohort_patients.csv` row beyond the drawn parameters and endpoints
/// (`patient`, `arm`, `status`, `failure`).
const COHORT_ROW_EXTRA_COLUMNS: f64 = 4.0;

/// Columns of a `cohort_patients.csv` row: the drawn parameters and the endpoints
/// are about this many, for the estimate.
const COHORT_ROW_COLUMNS: f64 = 36.0;

/// An estimate of what a command will need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Bytes written to disk.
    pub file_bytes: f64,
    /// Bytes held in memory at once.
    pub memory_bytes: f64,
}

impl Estimate {
    /// Whether either part exceeds [`MAX_OUTPUT_BYTES`].
    pub fn too_large(&self) -> bool {
        self.file_bytes > MAX_OUTPUT_BYTES || self.memory_bytes > MAX_OUTPUT_BYTES
    }

    /// "about 930 MB on disk and 1.4 GB of memory".
    pub fn describe(&self) -> String {
        format!(
            "about {} on disk and {} of memory",
            human_bytes(self.file_bytes),
            human_bytes(self.memory_bytes)
        )
    }
}

/// `bytes` as "12 MB", "1.4 GB" (powers of 1000).
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = bytes;
    let mut k = 0;
    while v >= 1000.0 && k + 1 < UNITS.len() {
        v /= 1000.0;
        k += 1;
    }
    if v < 10.0 && k > 0 {
        format!("{v:.1} {}", UNITS[k])
    } else {
        format!("{v:.0} {}", UNITS[k])
    }
}

/// Memory of one stored output sample: the state, the drivers in force and the time.
fn sample_bytes() -> f64 {
    (size_of::<State>() + size_of::<Drivers>() + size_of::<f64>()) as f64
}

/// What `spasm run` on `scenario` writes and holds: `trajectories.csv` (every arm at
/// every output time), built in memory before it is written, beside the trajectories.
pub fn run_estimate(scenario: &Scenario) -> Estimate {
    let samples =
        (grid(scenario.duration, scenario.output_every).len() * scenario.arms.len()) as f64;
    let columns = trajectory_header(&scenario.time_unit, &scenario.output_depths).len() as f64;
    let file_bytes = samples * columns * BYTES_PER_CELL;
    Estimate {
        file_bytes,
        memory_bytes: samples * sample_bytes() + file_bytes,
    }
}

/// What `spasm compare` on `scenario` holds (every arm's trajectory, for the tables
/// and the time-course figure) and, with a cohort of `patients`, writes
/// (`cohort_patients.csv`: one row per patient and arm).
pub fn compare_estimate(scenario: &Scenario, patients: Option<u64>) -> Estimate {
    let samples =
        (grid(scenario.duration, scenario.output_every).len() * scenario.arms.len()) as f64;
    let rows = patients.map_or(0.0, |n| n as f64 * scenario.arms.len() as f64);
    let file_bytes = rows * (COHORT_ROW_COLUMNS + COHORT_ROW_EXTRA_COLUMNS) * BYTES_PER_CELL;
    Estimate {
        file_bytes,
        memory_bytes: samples * sample_bytes() + file_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_small_and_ten_second_samples_of_the_benchmark_are_not() {
        let default = run_estimate(&Scenario::embedded_default());
        assert!(!default.too_large(), "{default:?}");
        let mut bench = crate::analysis::compare::benchmark();
        assert!(!compare_estimate(&bench, None).too_large());
        bench.output_every = 10.0;
        let e = run_estimate(&bench);
        assert!(e.too_large() && e.file_bytes > 5e8, "{e:?}");
        assert!(compare_estimate(&bench, None).too_large());
        // A cohort's per-patient table grows with the patients.
        let bench = crate::analysis::compare::benchmark();
        assert!(!compare_estimate(&bench, Some(1000)).too_large());
        assert!(compare_estimate(&bench, Some(10_000_000)).too_large());
    }

    #[test]
    fn bytes_read_as_people_write_them() {
        assert_eq!(human_bytes(930e6), "930 MB");
        assert_eq!(human_bytes(1.4e9), "1.4 GB");
        assert_eq!(human_bytes(512.0), "512 B");
    }
}
