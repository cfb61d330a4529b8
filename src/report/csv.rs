//! `trajectories.csv` and `metrics.csv`.

use std::path::Path;

use super::{atomic, derived, fmt_num, OutputError};
use crate::analysis::metrics::Endpoints;
use crate::model::STATE_NAMES;
use crate::scenario::{ArmResult, Scenario};

/// ASCII column suffix for a unit: `°C` → `degC`, `a.u.` → `au`, `/` → `_per_`.
pub(super) fn ascii_unit(unit: &str) -> String {
    match unit {
        "°C" => "degC".into(),
        "a.u." => "au".into(),
        u => u.replace('/', "_per_").replace(['°', '.', ' '], ""),
    }
}

/// Derived columns after the states: (symbol, unit).
pub(super) const DERIVED_COLUMNS: [(&str, &str); 13] = [
    ("a_tot", "MVC"),
    ("p_im", "mmHg"),
    ("g", "1"),
    ("Q", "1"),
    ("K", "mM"),
    ("phi", "1"),
    ("n", "1"),
    ("spindle", "1"),
    ("relax", "1"),
    ("cox", "1"),
    ("c_ibu", "mg/L"),
    ("c_cbz", "ng/mL"),
    ("c_tiz", "ng/mL"),
];

/// The header of `trajectories.csv`: `arm`, `time_<unit>`, every state
/// `<name>_<unit>` (in [`STATE_NAMES`] order), then the derived quantities
/// [`DERIVED_COLUMNS`]: total activation `a_tot_MVC`, intramuscular pressure
/// `p_im_mmHg`, perfusion fraction `g_1`, blood flow relative to rest `Q_1`,
/// interstitial K⁺ `K_mM`, energy deficit `phi_1`, nociception `n_1`, spindle gain
/// `spindle_1`, relaxant effect `relax_1`, COX activity left `cox_1`, plasma
/// concentrations `c_ibu_mg_per_L`, `c_cbz_ng_per_mL`, `c_tiz_ng_per_mL`; then the
/// tissue temperature at each requested depth (`[output] depths`),
/// `T_at_<depth>cm_degC`.
pub(super) fn trajectory_header(time_unit: &str, depths_cm: &[f64]) -> Vec<String> {
    let mut h = vec!["arm".to_string(), format!("time_{time_unit}")];
    h.extend(
        STATE_NAMES
            .iter()
            .chain(DERIVED_COLUMNS.iter())
            .map(|(n, u)| format!("{n}_{}", ascii_unit(u))),
    );
    h.extend(depths_cm.iter().map(|d| format!("T_at_{d}cm_degC")));
    h
}

/// The `OutputError` of a CSV failure at `path`.
pub(super) fn csv_err(path: &Path) -> impl Fn(::csv::Error) -> OutputError + '_ {
    move |source| OutputError::Csv {
        path: path.to_path_buf(),
        source,
    }
}

fn finish(path: &Path, w: ::csv::Writer<Vec<u8>>) -> Result<(), OutputError> {
    let bytes = w.into_inner().map_err(|e| OutputError::Io {
        path: path.to_path_buf(),
        action: "buffer",
        source: e.into_error(),
    })?;
    atomic::write_bytes(path, &bytes)
}

/// Write `trajectories.csv`: one row per arm and output time, times divided by
/// `unit_s` (seconds per scenario time unit). Rows = samples × arms.
pub(super) fn write_trajectories(
    path: &Path,
    scenario: &Scenario,
    results: &[ArmResult],
    unit_s: f64,
) -> Result<(), OutputError> {
    let err = csv_err(path);
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(trajectory_header(
        &scenario.time_unit,
        &scenario.output_depths,
    ))
    .map_err(&err)?;
    let mut row: Vec<String> = Vec::with_capacity(2 + STATE_NAMES.len() + DERIVED_COLUMNS.len());
    for r in results {
        let tr = &r.trajectory;
        let der = derived(r.patient.model(), tr);
        let mut m = r.patient.model().clone();
        for (k, ((t, y), d)) in tr.times.iter().zip(&tr.states).zip(&der).enumerate() {
            row.clear();
            row.push(r.name.clone());
            row.push(fmt_num(t / unit_s));
            row.extend(y.iter().map(|v| fmt_num(*v)));
            row.extend(
                [
                    d.a_tot,
                    d.p_im,
                    d.g,
                    d.q,
                    d.k,
                    d.phi,
                    d.n,
                    d.spindle,
                    d.relax,
                    d.cox,
                    d.c_ibu_mg_per_l,
                    d.c_cbz_ng_per_ml,
                    d.c_tiz_ng_per_ml,
                ]
                .map(fmt_num),
            );
            if let Some(dr) = tr.drivers.get(k) {
                m.drivers = *dr;
            }
            row.extend(
                scenario
                    .output_depths
                    .iter()
                    .map(|&z| fmt_num(m.temperature_at(&y.data.0[0], z))),
            );
            w.write_record(&row).map_err(&err)?;
        }
    }
    finish(path, w)
}

/// Header and values of one [`Endpoints`] as CSV fields (serde field order, units
/// in the names; `None` → empty).
pub(super) fn endpoint_fields(e: &Endpoints) -> Result<(Vec<String>, Vec<String>), ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.serialize(e)?;
    let bytes = w
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))?;
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let header = r.headers()?.iter().map(String::from).collect();
    let values = r
        .records()
        .next()
        .transpose()?
        .map(|rec| rec.iter().map(String::from).collect())
        .unwrap_or_default();
    Ok((header, values))
}

/// Write `metrics.csv`: header `arm` + the [`Endpoints`] fields, one row per arm.
pub(super) fn write_metrics(path: &Path, eps: &[(String, Endpoints)]) -> Result<(), OutputError> {
    let err = csv_err(path);
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let (header, _) = endpoint_fields(&Endpoints::default()).map_err(&err)?;
    w.write_record(std::iter::once("arm".to_string()).chain(header))
        .map_err(&err)?;
    for (name, e) in eps {
        let (_, values) = endpoint_fields(e).map_err(&err)?;
        w.write_record(std::iter::once(name.clone()).chain(values))
            .map_err(&err)?;
    }
    finish(path, w)
}
