//! COMBINE/OMEX archive of a scenario: one SBML model per arm, a SED-ML file that
//! simulates each arm on the scenario's output grid with CVODE and reports what
//! `trajectories.csv` reports, a manifest and OMEX metadata; zipped (deflate) with
//! fixed timestamps, so the same scenario always gives the same bytes.
//!
//! | entry | format (manifest) | content |
//! |---|---|---|
//! | `manifest.xml` | — (not listed in itself) | every other entry with its format; the SED-ML is the master file |
//! | `model_<slug>.xml` | SBML L3V2 | [`to_sbml`] of the arm: its patient, settled state and schedule as events |
//! | [`SEDML_FILE`] | SED-ML L1V3 | per arm a model, a uniform time course, a task, data generators, a report |
//! | [`METADATA_FILE`] | OMEX metadata (RDF/XML) | title, description, spasm version, SHA-256 of the scenario text |
//!
//! Arms differ in their events, which SED-ML changes cannot express: hence one SBML
//! file per arm. See docs/exchange.md for what is in each file and how to run it.

use std::io::Write as _;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::equations::equations;
use super::sbml::{to_sbml, ExportError, Xml};
use super::sedml::{sedml, Algorithm, Reported, SedmlArm, TimeCourse};
use crate::model::{STATE_NAMES, TYPICAL};
use crate::report::csv::{ascii_unit, DERIVED_COLUMNS};
use crate::report::{sha256_hex, time_unit_seconds, OutputError};
use crate::scenario::{RunError, Scenario};
use crate::simulation::grid;
use crate::units::Unit;

/// Name of the SED-ML file in the archive (the manifest's master file).
pub const SEDML_FILE: &str = "simulation.sedml";
/// Name of the OMEX metadata file in the archive.
pub const METADATA_FILE: &str = "metadata.rdf";
/// Name of the manifest in the archive (fixed by the OMEX specification).
pub const MANIFEST_FILE: &str = "manifest.xml";

/// Namespace of the OMEX manifest.
const MANIFEST_NS: &str = "http://identifiers.org/combine.specifications/omex-manifest";
/// Manifest format of the archive itself (`location="."`).
const FORMAT_OMEX: &str = "http://identifiers.org/combine.specifications/omex";
/// Manifest format of the SBML files.
const FORMAT_SBML: &str = "http://identifiers.org/combine.specifications/sbml.level-3.version-2";
/// Manifest format of the SED-ML file: the generic URI, which every reader
/// recognises (libCOMBINE 0.2.20, which Tellurium uses to find the SED-ML, does not
/// know `…/sed-ml.level-1.version-4`).
const FORMAT_SEDML: &str = "http://identifiers.org/combine.specifications/sed-ml";
/// Manifest format of the OMEX metadata.
const FORMAT_METADATA: &str = "http://identifiers.org/combine.specifications/omex-metadata";
/// RDF namespace.
const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// Dublin Core elements namespace.
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
/// How BioSimulations names an archive in its metadata: this prefix, a name, `.omex`.
const OMEX_LIBRARY_URI: &str = "http://omex-library.org/";

/// Largest number of CVODE steps per output interval written into the SED-ML
/// (libRoadRunner's default, 20 000, is too few for a long interval at a tight
/// tolerance; the number only bounds runaway integrations).
pub const MAX_STEPS_PER_INTERVAL: u64 = 1_000_000;

/// How far, relative to the run length, a sample of spasm's output grid may be from
/// the evenly spaced SED-ML time course before the grid counts as not uniform
/// (rounding only: spasm's grid is `k × every`).
const GRID_TOLERANCE: f64 = 1e-9;

/// Unix permissions recorded for every entry (rw-r--r--): fixed, so that the bytes do
/// not depend on the umask.
const ENTRY_PERMISSIONS: u32 = 0o644;

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OmexError {
    /// An arm's patient could not be set up or settled.
    #[error("arm '{arm}': {source}")]
    Arm {
        /// The arm.
        arm: String,
        /// Why.
        source: Box<RunError>,
    },
    /// An arm's SBML could not be written.
    #[error("arm '{arm}': {source}")]
    Sbml {
        /// The arm.
        arm: String,
        /// Why.
        source: ExportError,
    },
    /// The output grid has a shorter last interval, which a SED-ML uniform time
    /// course cannot hold.
    #[error(
        "the output grid (every {every_s} s over {duration_s} s) ends with a shorter interval, \
         which a SED-ML uniform time course cannot describe; make the run length a \
         multiple of [output] every"
    )]
    GridNotUniform {
        /// Run length, s.
        duration_s: f64,
        /// Output interval, s.
        every_s: f64,
    },
    /// A reported quantity is not in the SBML model (a bug in the exporter).
    #[error("the reported quantity '{0}' is not a parameter of the SBML model")]
    NotInModel(String),
    /// The scenario's output time unit is not known.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Writing the XML or the zip container failed.
    #[error("writing the COMBINE archive: {0}")]
    Write(#[from] std::io::Error),
}

/// ASCII identifier suffixes for arm names, unique: letters and digits kept, every
/// other run of characters `_`; empty → `arm`; a repeat gets `_2`, `_3`, ….
fn slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut s = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                s.push(c);
            } else if !s.is_empty() && !s.ends_with('_') {
                s.push('_');
            }
        }
        while s.ends_with('_') {
            s.pop();
        }
        if s.is_empty() {
            s = "arm".into();
        }
        let mut unique = s.clone();
        let mut k = 2;
        while out.contains(&unique) {
            unique = format!("{s}_{k}");
            k += 1;
        }
        out.push(unique);
    }
    out
}

/// Derived columns of `trajectories.csv` that the SBML model does not hold: interstitial
/// K⁺ (`K_mM`) is `k_rest + M`, computed for the CSV only.
const NOT_IN_MODEL: [&str; 1] = ["K"];

/// What the reports hold after time: every state, then the derived quantities of
/// `trajectories.csv` that the SBML model has (all but [`NOT_IN_MODEL`]), labelled
/// with its column names and converted to its units where the model's differ (drug
/// concentrations: the model's mg/L to the CSV's ng/mL). The tissue temperatures at
/// chosen depths are not in the model either.
fn reported() -> Result<Vec<Reported>, OmexError> {
    let eq = equations();
    let mut out = Vec::new();
    for (id, unit) in STATE_NAMES {
        out.push(Reported {
            id,
            label: format!("{id}_{}", ascii_unit(unit)),
            scale: 1.0,
        });
    }
    for (id, unit) in DERIVED_COLUMNS {
        if NOT_IN_MODEL.contains(&id) {
            continue;
        }
        let def = eq
            .assignments
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| OmexError::NotInModel(id.to_string()))?;
        let scale = Unit::convert(1.0, def.unit, unit)
            .map_err(|_| OmexError::NotInModel(format!("{id} in {unit}")))?;
        out.push(Reported {
            id,
            label: format!("{id}_{}", ascii_unit(unit)),
            scale,
        });
    }
    Ok(out)
}

/// The scenario's output grid as a uniform time course, or why it is not one.
fn time_course(scenario: &Scenario) -> Result<TimeCourse, OmexError> {
    let (duration_s, every_s) = (scenario.duration, scenario.output_every);
    let samples = grid(duration_s, every_s);
    let not_uniform = || OmexError::GridNotUniform {
        duration_s,
        every_s,
    };
    let intervals = samples
        .len()
        .checked_sub(1)
        .filter(|&n| n > 0)
        .ok_or_else(not_uniform)?;
    let even = samples.iter().enumerate().all(|(k, &t)| {
        (t - duration_s * k as f64 / intervals as f64).abs() <= GRID_TOLERANCE * duration_s
    });
    if !even {
        return Err(not_uniform());
    }
    Ok(TimeCourse {
        end_s: duration_s,
        intervals,
        time_unit: scenario.time_unit.clone(),
        unit_s: time_unit_seconds(&scenario.time_unit)?,
    })
}

/// The loosest relative tolerance the archive asks CVODE for.
///
/// Why: at spasm's default rtol 1e-5, CVODE misses the moments the fusimotor loop
/// switches: on `examples/benchmark.toml` its γ differs from spasm at rtol 1e-9 by
/// 0.43 relative at a transition (TENS arm, 80.8 h), where spasm at 1e-5 is 0.036 off.
/// A tight tolerance costs little in CVODE here (compiling the model dominates), so the
/// archive asks for at most this, and for the scenario's rtol when that is tighter.
pub const ARCHIVE_RTOL_CEILING: f64 = 1e-8;

/// The integrator settings of the archive, from the scenario's `[solver]`: its
/// relative tolerance, at most [`ARCHIVE_RTOL_CEILING`]; as absolute tolerance the
/// tightest of spasm's per-state ones at that relative tolerance (`rtol × min
/// TYPICAL`), so that CVODE controls every state at least as tightly as spasm would;
/// its largest step, if any.
fn algorithm(scenario: &Scenario) -> Algorithm {
    let rtol = scenario.solver.rtol.min(ARCHIVE_RTOL_CEILING);
    let smallest_typical = TYPICAL.iter().copied().fold(f64::INFINITY, f64::min);
    Algorithm {
        rtol,
        atol: round_significant(rtol * smallest_typical),
        max_steps: MAX_STEPS_PER_INTERVAL,
        max_step: Some(scenario.solver.max_step).filter(|h| h.is_finite()),
    }
}

/// Significant digits kept of a tolerance computed from others.
const TOLERANCE_DIGITS: usize = 12;

/// `x` rounded to [`TOLERANCE_DIGITS`] significant digits, so that a product such as
/// 1e-5 × 0.1 is written 1e-6 rather than 1.0000000000000002e-6.
fn round_significant(x: f64) -> f64 {
    format!("{x:.*e}", TOLERANCE_DIGITS - 1)
        .parse()
        .unwrap_or(x)
}

/// The manifest: the archive, every model, the SED-ML (master) and the metadata.
fn manifest(models: &[String]) -> std::io::Result<String> {
    let mut x = Xml::new();
    x.declaration()?;
    x.start("omexManifest", &[("xmlns", MANIFEST_NS)])?;
    x.empty("content", &[("location", "."), ("format", FORMAT_OMEX)])?;
    for m in models {
        x.empty(
            "content",
            &[("location", &format!("./{m}")), ("format", FORMAT_SBML)],
        )?;
    }
    x.empty(
        "content",
        &[
            ("location", &format!("./{SEDML_FILE}")),
            ("format", FORMAT_SEDML),
            ("master", "true"),
        ],
    )?;
    x.empty(
        "content",
        &[
            ("location", &format!("./{METADATA_FILE}")),
            ("format", FORMAT_METADATA),
        ],
    )?;
    x.end("omexManifest")?;
    x.finish()
}

/// OMEX metadata: the archive (named after the scenario, as BioSimulations wants
/// `http://omex-library.org/<name>.omex`) with a title and a description that records
/// spasm's version and the SHA-256 of the scenario text. No date: the same scenario
/// gives the same archive.
fn metadata(scenario: &Scenario, slug: &str) -> std::io::Result<String> {
    let arms: Vec<&str> = scenario.arms.iter().map(|a| a.name.as_str()).collect();
    let mut description = String::new();
    let given = scenario.description.trim();
    if !given.is_empty() {
        description.push_str(given);
        if !given.ends_with('.') {
            description.push('.');
        }
        description.push(' ');
    }
    description.push_str(&format!(
        "Exported by spasm {} from scenario '{}' (SHA-256 of the scenario text: {}), \
         parameter set '{}', arms: {}. One SBML model per arm; the SED-ML runs each with \
         CVODE on the scenario's output grid and reports the columns of spasm's \
         trajectories.csv.",
        env!("CARGO_PKG_VERSION"),
        scenario.name,
        sha256_hex(scenario.source_text.as_bytes()),
        scenario.set_name,
        arms.join(", ")
    ));
    let mut x = Xml::new();
    x.declaration()?;
    x.start("rdf:RDF", &[("xmlns:rdf", RDF_NS), ("xmlns:dc", DC_NS)])?;
    x.start(
        "rdf:Description",
        &[("rdf:about", &format!("{OMEX_LIBRARY_URI}{slug}.omex"))],
    )?;
    x.start("dc:title", &[])?;
    x.text(&scenario.name)?;
    x.end("dc:title")?;
    x.start("dc:description", &[])?;
    x.text(&description)?;
    x.end("dc:description")?;
    x.end("rdf:Description")?;
    x.end("rdf:RDF")?;
    x.finish()
}

/// The files of the archive of `scenario`, in archive order: manifest, one SBML file
/// per arm (`model_<slug>.xml`, the arm's patient settled as `spasm run` settles it),
/// the SED-ML and the metadata. Each is (name in the archive, text).
pub fn omex_files(scenario: &Scenario) -> Result<Vec<(String, String)>, OmexError> {
    let course = time_course(scenario)?;
    let reported = reported()?;
    let slugs = slugs(scenario.arms.iter().map(|a| a.name.as_str()));
    let mut shared_y0 = None;
    let mut models = Vec::new();
    let mut arms = Vec::new();
    for (arm, slug) in scenario.arms.iter().zip(&slugs) {
        let fail = |source: RunError| OmexError::Arm {
            arm: arm.name.clone(),
            source: Box::new(source),
        };
        let patient = arm.patient(&scenario.patient).map_err(|source| {
            fail(RunError::Overrides {
                arm: arm.name.clone(),
                source,
            })
        })?;
        // As `Scenario::run_arm`: arms without overrides share the settled state.
        let y0 = if arm.overrides.is_empty() {
            match shared_y0 {
                Some(y) => y,
                None => *shared_y0.insert(scenario.initial_state().map_err(fail)?),
            }
        } else {
            scenario.settled(&patient).map_err(fail)?
        };
        let xml =
            to_sbml(&patient, &y0, Some(&arm.schedule), scenario.duration).map_err(|source| {
                OmexError::Sbml {
                    arm: arm.name.clone(),
                    source,
                }
            })?;
        let file = format!("model_{slug}.xml");
        models.push((file.clone(), xml));
        arms.push(SedmlArm {
            name: arm.name.clone(),
            slug: slug.clone(),
            source: file,
        });
    }
    let names: Vec<String> = models.iter().map(|(n, _)| n.clone()).collect();
    let mut files = vec![(MANIFEST_FILE.to_string(), manifest(&names)?)];
    files.extend(models);
    files.push((
        SEDML_FILE.to_string(),
        sedml(&arms, &course, &algorithm(scenario), &reported)?,
    ));
    let archive_slug = slug_of(&scenario.name);
    files.push((
        METADATA_FILE.to_string(),
        metadata(scenario, &archive_slug)?,
    ));
    Ok(files)
}

/// The slug of one name (see [`slugs`]).
fn slug_of(name: &str) -> String {
    slugs([name]).remove(0)
}

/// The COMBINE/OMEX archive of `scenario` as zip bytes ([`omex_files`], deflated,
/// every entry dated 1980-01-01 00:00 with permissions rw-r--r--): the same scenario
/// and spasm version give the same bytes.
///
/// ```
/// let sc = spasm::scenario::parse_scenario(
///     "duration = \"1 h\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"rest\"\n",
///     "rest.toml",
/// )?;
/// let zip = spasm::report::exchange::to_omex(&sc)?;
/// assert_eq!(&zip[..2], b"PK");
/// assert_eq!(zip, spasm::report::exchange::to_omex(&sc)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_omex(scenario: &Scenario) -> Result<Vec<u8>, OmexError> {
    let files = omex_files(scenario)?;
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(ENTRY_PERMISSIONS);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in &files {
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(text.as_bytes())?;
    }
    let bytes = zip.finish().map_err(std::io::Error::other)?.into_inner();
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_unique() {
        assert_eq!(
            slugs([
                "no treatment",
                "hot pack + stretching",
                "a-b",
                "a b",
                "",
                "é"
            ]),
            [
                "no_treatment",
                "hot_pack_stretching",
                "a_b",
                "a_b_2",
                "arm",
                "arm_2"
            ]
        );
    }

    #[test]
    fn every_csv_column_the_model_has_is_reported() {
        let r = reported().unwrap();
        assert_eq!(
            r.len(),
            STATE_NAMES.len() + DERIVED_COLUMNS.len() - NOT_IN_MODEL.len()
        );
        assert_eq!(r[6].label, "P_NRS");
        let cbz = r.iter().find(|x| x.label == "c_cbz_ng_per_mL").unwrap();
        assert_eq!(cbz.scale, 1000.0);
        assert!(r
            .iter()
            .filter(|x| x.scale != 1.0)
            .all(|x| x.id.starts_with("c_")));
    }

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "duration = \"2 h\"\nsettle = \"0 s\"\n{extra}\n[model]\nset = \"healthy\"\n\
             [[arm]]\nname = \"rest\"\n[[arm]]\nname = \"dose\"\n  [[arm.intervention]]\n  \
             kind = \"ibuprofen\"\n  at = \"0 s\"\n  dose = \"400 mg\"\n"
        );
        crate::scenario::parse_scenario(&text, "t.toml").unwrap()
    }

    #[test]
    fn archive_lists_every_file_and_grid_must_be_uniform() {
        let sc = scenario("[output]\nevery = \"10 min\"\ntime_unit = \"min\"");
        let files = omex_files(&sc).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                MANIFEST_FILE,
                "model_rest.xml",
                "model_dose.xml",
                SEDML_FILE,
                METADATA_FILE
            ]
        );
        let manifest = &files[0].1;
        for n in &names[1..] {
            assert!(manifest.contains(&format!("location=\"./{n}\"")), "{n}");
        }
        assert!(!manifest.contains("manifest.xml"));
        let sed = &files[3].1;
        assert!(sed.contains("numberOfPoints=\"12\"") && sed.contains("outputEndTime=\"7200\""));
        assert!(sed.contains("<cn> 60 </cn>") && sed.contains("label=\"time_min\""));
        // The default rtol 1e-5 is tightened to the ceiling; atol = rtol × 0.1.
        assert!(sed.contains("value=\"1e-8\"") && sed.contains("value=\"1e-9\""));
        // The dose at t = 0 is an event of the second model only.
        assert!(!files[1].1.contains("<event ") && files[2].1.contains("<event id=\"ev_0\""));
        assert!(files[4].1.contains(&sha256_hex(sc.source_text.as_bytes())));

        let bad = scenario("[output]\nevery = \"7 min\"");
        assert!(matches!(
            omex_files(&bad),
            Err(OmexError::GridNotUniform { .. })
        ));
    }
}
