//! `spasm report`: one self-contained HTML page of a run directory, for sharing.
//!
//! The directory is recognised by its marker ([`RUN_MARKER`](super::atomic::RUN_MARKER))
//! and its `manifest.json`; only the files the marker lists are read. The page holds,
//! in this order: the summary (`summary.txt`), the figures, every CSV table (cut at
//! [`MAX_TABLE_ROWS`] rows, with a note), the scenario text, the manifest as tables,
//! and the other text files (JSON, Markdown) folded. Any kind of run directory works;
//! the known files get captions and go first.
//!
//! **Figures** are inline: each as its SVG or as its PNG in a data URI, whichever is
//! smaller in the page (a PNG as base64 counts 4 bytes for 3). Charts are 7–40 kB as
//! SVG against 50–175 kB of PNG; a time course is 80–380 kB of SVG against 100–250 kB
//! of PNG, so either may win; the page stays small and most figures stay sharp. An SVG is
//! inlined only after [`sanitize_svg`] has let it through (drawing elements only);
//! otherwise its PNG is used.
//!
//! **Where it goes.** By default beside the directory, `DIR.html`, never inside it:
//! a run directory holds only the files spasm wrote for the run (its marker lists
//! them, its manifest hashes them, and a rerun replaces the directory only if it holds
//! nothing else), so a report inside would block the next run or be deleted by it.
//! An existing file is replaced only if it is a report spasm wrote ([`is_report`]).
//!
//! Length: one reader for every kind of run directory (their figures, tables,
//! scenario, manifest and other files), with the checks that make the page honest
//! (hashes, a scenario that changed, figures that cannot be embedded); splitting it
//! would spread one page over several files.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::atomic::{self, RunListing};
use super::html::{
    base64_len, is_report, render, sanitize_svg, Block, Image, Page, Section, Table, GENERATOR,
    GENERATOR_PROBE_BYTES, PNG_DATA_URI,
};
use super::{sha256_hex, OutputError, SCENARIO_FILE};

/// Rows of a CSV table shown in the page; the rest are counted and named in a note.
pub const MAX_TABLE_ROWS: usize = 50;

/// Characters of a text file (JSON, Markdown) shown in the page; the rest is cut with a
/// note.
pub const MAX_TEXT_CHARS: usize = 64 * 1024;

/// The file every run directory has.
const MANIFEST: &str = "manifest.json";

/// Why a report could not be written. Every variant names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The directory does not exist.
    #[error("'{}' does not exist; spasm report reads a run directory written by spasm (run, compare, sweep, sensitivity, bistability, continuation, escape, phase, merge)", path.display())]
    Missing {
        /// The path given.
        path: PathBuf,
    },
    /// The path is a file, not a directory.
    #[error("'{}' is a file, not a run directory; run it first (for a scenario: spasm run FILE -o DIR) and give the directory", path.display())]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// The directory was not written by spasm.
    #[error("'{}' is not a run directory written by spasm (no readable .spasm-run.json); spasm report reads only the directories spasm writes (run, compare, sweep, sensitivity, bistability, continuation, escape, phase, merge)", path.display())]
    NotARun {
        /// The directory.
        path: PathBuf,
    },
    /// The manifest is missing or not spasm's.
    #[error("'{}' is not the manifest of a spasm run: {reason}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file of the run cannot be read.
    #[error("cannot read '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The output would lie inside the run directory.
    #[error("'{}' would lie inside the run directory '{}', which holds only the files spasm wrote for its run (a file added there would block the next run, or be deleted by it); write the report elsewhere, such as '{}' (the default)", out.display(), dir.display(), suggestion.display())]
    InsideRun {
        /// The output given.
        out: PathBuf,
        /// The run directory.
        dir: PathBuf,
        /// Where the report goes by default.
        suggestion: PathBuf,
    },
    /// The output exists and is not a report spasm wrote.
    #[error("'{}' exists and is not a report written by spasm; not replacing it. Give another -o FILE, or remove it yourself", path.display())]
    NotAReport {
        /// The existing file.
        path: PathBuf,
    },
    /// Writing the report failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// What [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// The HTML file.
    pub path: PathBuf,
    /// The kind of run directory ("run", "compare --cohort", "sweep", …).
    pub kind: String,
    /// Figures embedded.
    pub figures: usize,
    /// Tables shown.
    pub tables: usize,
    /// Size of the file, bytes.
    pub bytes: usize,
}

/// Where the report of `dir` goes by default: beside it, `DIR.html`
/// (`out/ibuprofen` → `out/ibuprofen.html`).
pub fn default_report_path(dir: &Path) -> PathBuf {
    let named = if dir.file_name().is_some() {
        dir.to_path_buf()
    } else {
        fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
    };
    let name = named
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    named.with_file_name(format!("{name}.html"))
}

/// A run directory as read: its listing, its manifest and what its kind is.
struct RunDir {
    /// The directory.
    dir: PathBuf,
    /// The marker's listing.
    listing: RunListing,
    /// `manifest.json`.
    manifest: serde_json::Map<String, Value>,
    /// "run", "compare", "compare --cohort", "sweep", … (with "shard K/N").
    kind: String,
    /// Files the marker lists that are gone (left out of `listing.files`).
    missing: Vec<String>,
}

impl RunDir {
    /// Read the run directory `dir`, or say why it is not one.
    fn open(dir: &Path) -> Result<Self, ReportError> {
        let meta = fs::metadata(dir).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ReportError::Missing {
                    path: dir.to_path_buf(),
                }
            } else {
                ReportError::Read {
                    path: dir.to_path_buf(),
                    source: e,
                }
            }
        })?;
        if !meta.is_dir() {
            return Err(ReportError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        let mut listing = atomic::run_listing(dir).ok_or_else(|| ReportError::NotARun {
            path: dir.to_path_buf(),
        })?;
        let (files, missing) = listing
            .files
            .into_iter()
            .partition(|f| dir.join(f).is_file());
        listing.files = files;
        let path = dir.join(MANIFEST);
        let bad = |reason: String| ReportError::Manifest {
            path: path.clone(),
            reason,
        };
        if !listing.files.iter().any(|f| f == MANIFEST) {
            return Err(bad(
                "it is missing, or the run directory's marker does not list it".into(),
            ));
        }
        let bytes = fs::read(&path).map_err(read_err(&path))?;
        let manifest = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err(bad("not a JSON object".into())),
            Err(e) => return Err(bad(format!("not JSON: {e}"))),
        };
        if manifest.get("program").and_then(Value::as_str) != Some(env!("CARGO_PKG_NAME")) {
            return Err(bad("its \"program\" is not \"spasm\"".into()));
        }
        let mut kind = manifest
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or("run")
            .to_string();
        if manifest.get("cohort").is_some_and(|c| !c.is_null()) {
            kind.push_str(" --cohort");
        }
        if let Some(shard) = manifest.get("shard").and_then(Value::as_str) {
            kind.push_str(&format!(" (shard {shard})"));
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            listing,
            manifest,
            kind,
            missing,
        })
    }

    /// The listed files with extension `ext`, in the marker's (sorted) order.
    fn with_extension<'a>(&'a self, ext: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.listing
            .files
            .iter()
            .filter(move |f| Path::new(f).extension().is_some_and(|e| e == ext))
    }

    fn read(&self, name: &str) -> Result<Vec<u8>, ReportError> {
        let path = self.dir.join(name);
        fs::read(&path).map_err(read_err(&path))
    }

    fn str_field(&self, key: &str) -> Option<&str> {
        self.manifest.get(key).and_then(Value::as_str)
    }
}

/// Captions of the files spasm writes, by file name or figure stem; others are
/// captioned with their name.
const CAPTIONS: [(&str, &str); 19] = [
    ("metrics.csv", "Endpoints per arm"),
    ("comparison.csv", "Arms ranked by pain AUC"),
    ("cohort.csv", "Virtual cohort: per-arm statistics"),
    ("relapse_margin.csv", "Relapse margin per arm"),
    ("escape.csv", "Escape factor and relapse margin per arm"),
    ("indices.csv", "Sensitivity indices"),
    (
        "special_points.csv",
        "Folds, Hopf points and other special points",
    ),
    (
        "bistability.csv",
        "Steady states from rest and after an effort, over injury",
    ),
    ("sweep.csv", "Endpoints at every grid point and arm"),
    ("samples.csv", "Every evaluated design row"),
    ("cohort_patients.csv", "Every patient and arm of the cohort"),
    (
        "trajectories.csv",
        "Trajectories: states and derived quantities over time",
    ),
    ("endpoints", "Main endpoints per arm"),
    (
        "cohort",
        "Virtual cohort: pain AUC and fraction with the cycle broken",
    ),
    (
        "timecourse",
        "Time course of the arms (intervention windows shaded)",
    ),
    ("bifurcation", "Bifurcation diagram"),
    ("folds", "Fold curves in two parameters"),
    ("phase", "Phase portrait: basins of rest and spasm"),
    ("escape", "Escape factor and relapse margin"),
];

fn caption(name: &str) -> String {
    CAPTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| name.to_string(), |(_, c)| (*c).to_string())
}

/// The position of `name` among [`CAPTIONS`] (known files first, in that order).
fn rank(name: &str) -> usize {
    CAPTIONS
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or(CAPTIONS.len())
}

/// Up to [`MAX_TABLE_ROWS`] rows of the CSV `bytes`, and how many there are.
fn read_table(bytes: &[u8]) -> Result<Table, csv::Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    let mut total_rows = 0;
    for record in reader.records() {
        let record = record?;
        if rows.len() < MAX_TABLE_ROWS {
            rows.push(record.iter().map(str::to_string).collect());
        }
        total_rows += 1;
    }
    Ok(Table {
        header,
        rows,
        total_rows,
    })
}

/// `text` cut at [`MAX_TEXT_CHARS`] characters, with a note naming `file`.
fn capped_text(text: &str, file: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => format!(
            "{}\n… (cut at {MAX_TEXT_CHARS} characters; the whole file is {file} in the run directory)",
            &text[..cut]
        ),
        None => text.to_string(),
    }
}

/// The figures of the run, one per stem, each embedded as the smaller of its SVG
/// (checked) and its PNG; a figure that cannot be embedded is a warning.
fn figures(run: &RunDir, warnings: &mut Vec<String>) -> Result<Vec<Block>, ReportError> {
    let mut stems: Vec<&str> = run
        .with_extension("png")
        .chain(run.with_extension("svg"))
        .filter_map(|f| Path::new(f).file_stem()?.to_str())
        .collect();
    stems.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    stems.dedup();
    let mut blocks = Vec::new();
    for stem in stems {
        let (png, svg) = (format!("{stem}.png"), format!("{stem}.svg"));
        let png_bytes = if run.listing.files.contains(&png) {
            Some(run.read(&png)?)
        } else {
            None
        };
        let caption = caption(stem);
        let mut svg_text = None;
        if run.listing.files.contains(&svg) {
            let text = String::from_utf8_lossy(&run.read(&svg)?).into_owned();
            match sanitize_svg(&text, &caption) {
                Ok(s) => svg_text = Some(s),
                Err(why) => warnings.push(format!(
                    "{svg} was not embedded ({why}){}",
                    if png_bytes.is_some() {
                        "; its PNG is shown instead"
                    } else {
                        ""
                    }
                )),
            }
        }
        let (file, image) = match (svg_text, png_bytes) {
            (Some(s), Some(p)) if s.len() > PNG_DATA_URI.len() + base64_len(p.len()) => {
                (png, Image::Png(p))
            }
            (Some(s), _) => (svg, Image::Svg(s)),
            (None, Some(p)) => (png, Image::Png(p)),
            (None, None) => continue,
        };
        blocks.push(Block::Figure {
            caption,
            file,
            image,
        });
    }
    Ok(blocks)
}

/// Every CSV file of the run as a table, known ones first.
fn tables(run: &RunDir) -> Result<Vec<Block>, ReportError> {
    let mut names: Vec<&String> = run.with_extension("csv").collect();
    names.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    let mut blocks = Vec::new();
    for name in names {
        let bytes = run.read(name)?;
        match read_table(&bytes) {
            Ok(table) => blocks.push(Block::Table {
                caption: format!("{} ({name})", caption(name)),
                file: name.clone(),
                table,
            }),
            Err(e) => blocks.push(Block::Text(format!("{name} could not be read as CSV: {e}"))),
        }
    }
    Ok(blocks)
}

/// The scenario text: the run's copy ([`SCENARIO_FILE`]), else the input file the
/// marker names if it still has the SHA-256 the manifest recorded; with a note on
/// where it came from.
fn scenario(run: &RunDir, warnings: &mut Vec<String>) -> Result<Vec<Block>, ReportError> {
    let recorded = run.str_field("scenario_sha256");
    if run.listing.files.iter().any(|f| f == SCENARIO_FILE) {
        let bytes = run.read(SCENARIO_FILE)?;
        if recorded.is_some_and(|h| h != sha256_hex(&bytes)) {
            warnings.push(format!(
                "{SCENARIO_FILE} differs from the scenario the manifest records (SHA-256)"
            ));
        }
        return Ok(vec![
            Block::Text(format!("As run ({SCENARIO_FILE} in the run directory):")),
            Block::Pre(String::from_utf8_lossy(&bytes).into_owned()),
        ]);
    }
    let toml_input = run
        .listing
        .inputs
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "toml"));
    if let Some(input) = toml_input {
        let Ok(bytes) = fs::read(input) else {
            return Ok(vec![Block::Text(format!(
                "The run directory holds no copy of the scenario, and its input '{}' cannot be read any more.",
                input.display()
            ))]);
        };
        let note = match recorded {
            Some(h) if h == sha256_hex(&bytes) => format!(
                "Read from the input '{}' (unchanged since the run: its SHA-256 is the manifest's):",
                input.display()
            ),
            Some(_) => {
                return Ok(vec![Block::Text(format!(
                    "The run directory holds no copy of the scenario, and its input '{}' has changed since the run (its SHA-256 differs from the manifest's); not shown.",
                    input.display()
                ))])
            }
            None => {
                warnings.push(format!(
                    "the scenario text is read from '{}': the manifest records no hash of it, so it may have changed since the run",
                    input.display()
                ));
                format!(
                    "Read from the input '{}' (not checked: the manifest records no hash of it):",
                    input.display()
                )
            }
        };
        return Ok(vec![
            Block::Text(note),
            Block::Pre(String::from_utf8_lossy(&bytes).into_owned()),
        ]);
    }
    let patient = run
        .str_field("patient")
        .or_else(|| run.str_field("parameter_set"))
        .map_or_else(String::new, |p| format!(" The patient: {p}."));
    Ok(vec![Block::Text(format!(
        "This run read no scenario file.{patient}"
    ))])
}

/// A JSON value as one line of text: strings as they are, `null` as "none".
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Flatten `v` into `(dotted key, text)` pairs; arrays of objects go to `tables`.
fn flatten(
    prefix: &str,
    v: &Value,
    pairs: &mut Vec<(String, String)>,
    tables: &mut Vec<(String, Vec<serde_json::Map<String, Value>>)>,
) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, pairs, tables);
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            tables.push((
                prefix.to_string(),
                items
                    .iter()
                    .filter_map(|i| i.as_object().cloned())
                    .collect(),
            ));
        }
        other => pairs.push((prefix.to_string(), value_text(other))),
    }
}

/// `args` as one shell line, quoting what needs it.
fn shell_line(args: &[Value]) -> String {
    args.iter()
        .map(|a| {
            let s = value_text(a);
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+%@".contains(c))
            {
                s
            } else {
                format!("'{}'", s.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Keys shown first in the manifest table, in this order; the rest follow sorted.
const MANIFEST_FIRST: [&str; 12] = [
    "program",
    "version",
    "command",
    "command_line",
    "scenario",
    "scenario_sha256",
    "parameter_set",
    "parameters_sha256",
    "patient",
    "solver",
    "seeds",
    "wall_time_s",
];

/// The manifest as a name–value table plus one table per list of records (arms,
/// files with a check of their SHA-256 against the files now, shards, axes), and the
/// inputs the marker records.
fn manifest_blocks(run: &RunDir, warnings: &mut Vec<String>) -> Result<Vec<Block>, ReportError> {
    let mut keys: Vec<&String> = run.manifest.keys().collect();
    let first = |k: &str| {
        MANIFEST_FIRST
            .iter()
            .position(|f| *f == k)
            .unwrap_or(MANIFEST_FIRST.len())
    };
    keys.sort_by(|a, b| (first(a), a).cmp(&(first(b), b)));
    let mut pairs = Vec::new();
    let mut lists = Vec::new();
    for k in keys {
        let v = &run.manifest[k];
        match (k.as_str(), v) {
            ("command_line", Value::Array(args)) => pairs.push((k.clone(), shell_line(args))),
            _ => flatten(k, v, &mut pairs, &mut lists),
        }
    }
    let inputs: Vec<String> = run
        .listing
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    pairs.push((
        "inputs (.spasm-run.json)".into(),
        if inputs.is_empty() {
            "none".into()
        } else {
            inputs.join(", ")
        },
    ));
    let mut blocks = vec![Block::Pairs(pairs)];
    for (name, records) in lists {
        let mut header: Vec<String> = Vec::new();
        let rows: Vec<Vec<(String, String)>> = records
            .iter()
            .map(|r| {
                let mut cells = Vec::new();
                flatten("", &Value::Object(r.clone()), &mut cells, &mut Vec::new());
                cells
            })
            .collect();
        for (k, _) in rows.iter().flatten() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        let mut table_rows: Vec<Vec<String>> = rows
            .iter()
            .map(|cells| {
                header
                    .iter()
                    .map(|h| {
                        cells
                            .iter()
                            .find(|(k, _)| k == h)
                            .map_or_else(String::new, |(_, v)| v.clone())
                    })
                    .collect()
            })
            .collect();
        if name == "files" {
            header.push("check".into());
            for (row, record) in table_rows.iter_mut().zip(&records) {
                let file = record.get("name").and_then(Value::as_str).unwrap_or("");
                let hash = record.get("sha256").and_then(Value::as_str).unwrap_or("");
                let now = match fs::read(run.dir.join(file)) {
                    Ok(bytes) if sha256_hex(&bytes) == hash => {
                        "unchanged since the run".to_string()
                    }
                    Ok(_) => {
                        warnings.push(format!(
                            "{file} has changed since the run (its SHA-256 differs from the manifest's)"
                        ));
                        "changed".to_string()
                    }
                    Err(_) => {
                        if !run.missing.iter().any(|m| m == file) {
                            warnings.push(format!("{file} is missing from the run directory"));
                        }
                        "missing".to_string()
                    }
                };
                row.push(now);
            }
        }
        let total_rows = table_rows.len();
        blocks.push(Block::Table {
            caption: format!("manifest: {name}"),
            file: MANIFEST.into(),
            table: Table {
                header,
                rows: table_rows,
                total_rows,
            },
        });
    }
    Ok(blocks)
}

/// The other text files (JSON but the manifest, Markdown, text but the summary),
/// folded.
fn other_files(run: &RunDir) -> Result<Vec<Block>, ReportError> {
    let mut blocks = Vec::new();
    for ext in ["md", "json", "txt"] {
        for name in run.with_extension(ext) {
            if name == MANIFEST || name == "summary.txt" {
                continue;
            }
            let text = String::from_utf8_lossy(&run.read(name)?).into_owned();
            blocks.push(Block::Details {
                summary: name.clone(),
                text: capped_text(&text, name),
            });
        }
    }
    Ok(blocks)
}

/// The scenario's `description`, read from its text (empty when there is none).
fn description(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|b| match b {
        Block::Pre(text) => toml::from_str::<toml::Table>(text)
            .ok()?
            .get("description")?
            .as_str()
            .map(str::to_string),
        _ => None,
    })
}

/// A report page and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPage {
    /// The page.
    pub page: Page,
    /// The kind of run directory ("run", "compare --cohort", "sweep", …).
    pub kind: String,
    /// Figures embedded.
    pub figures: usize,
    /// Tables shown.
    pub tables: usize,
}

/// The report page of the run directory `dir`.
pub fn report_page(dir: &Path) -> Result<ReportPage, ReportError> {
    let run = RunDir::open(dir)?;
    let mut warnings: Vec<String> = run
        .missing
        .iter()
        .map(|f| format!("{f} is missing from the run directory"))
        .collect();
    let figure_blocks = figures(&run, &mut warnings)?;
    let table_blocks = tables(&run)?;
    let scenario_blocks = scenario(&run, &mut warnings)?;
    let manifest = manifest_blocks(&run, &mut warnings)?;
    let (n_figures, n_tables) = (figure_blocks.len(), table_blocks.len());

    let dir_text = dir.display().to_string();
    let title = run
        .str_field("scenario")
        .or_else(|| run.str_field("patient"))
        .map_or_else(|| format!("spasm {}: {dir_text}", run.kind), str::to_string);
    let mut subtitle = Vec::new();
    if let Some(d) = description(&scenario_blocks).filter(|d| !d.trim().is_empty()) {
        subtitle.push(d);
    }
    let set = run
        .str_field("parameter_set")
        .map_or_else(String::new, |s| format!(", parameter set {s}"));
    subtitle.push(format!(
        "spasm {} (version {}{set}); run directory {dir_text}",
        run.kind, run.listing.version
    ));

    let mut sections = Vec::new();
    if run.listing.files.iter().any(|f| f == "summary.txt") {
        let text = String::from_utf8_lossy(&run.read("summary.txt")?).into_owned();
        sections.push(Section {
            id: "summary",
            heading: "Summary".into(),
            blocks: vec![Block::Pre(text)],
        });
    }
    for (id, heading, blocks) in [
        ("figures", "Figures", figure_blocks),
        ("tables", "Tables", table_blocks),
        ("scenario", "Scenario", scenario_blocks),
        ("manifest", "Manifest", manifest),
        ("files", "Other files", other_files(&run)?),
    ] {
        if !blocks.is_empty() {
            sections.push(Section {
                id,
                heading: heading.into(),
                blocks,
            });
        }
    }
    Ok(ReportPage {
        page: Page {
            title,
            subtitle,
            warnings,
            sections,
            footer: format!(
                "Written by {GENERATOR} from the run directory {dir_text}. Self-contained: it loads nothing from anywhere."
            ),
        },
        kind: run.kind,
        figures: n_figures,
        tables: n_tables,
    })
}

/// Where the report goes: `out`, or `out/<DIR>.html` when `out` is a directory.
/// Refused: a place inside any run directory spasm wrote (this one or another), or
/// an existing file that is not a report spasm wrote.
fn output_path(dir: &Path, out: &Path) -> Result<PathBuf, ReportError> {
    let out = if out.is_dir() {
        let name = default_report_path(dir);
        out.join(name.file_name().unwrap_or_else(|| "report.html".as_ref()))
    } else {
        out.to_path_buf()
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(parent) = fs::canonicalize(parent) {
        if let Some(run) = parent
            .ancestors()
            .find(|a| atomic::run_listing(a).is_some())
        {
            return Err(ReportError::InsideRun {
                out: out.clone(),
                dir: run.to_path_buf(),
                suggestion: default_report_path(dir),
            });
        }
    }
    match fs::File::open(&out) {
        Ok(f) => {
            use std::io::Read as _;
            let mut head = Vec::with_capacity(GENERATOR_PROBE_BYTES);
            f.take(GENERATOR_PROBE_BYTES as u64)
                .read_to_end(&mut head)
                .map_err(read_err(&out))?;
            if is_report(&head) {
                Ok(out)
            } else {
                Err(ReportError::NotAReport { path: out })
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(out),
        Err(e) => Err(read_err(&out)(e)),
    }
}

/// Write the report of the run directory `dir` to `out` (atomically; see the module
/// docs for what it holds and where it may go; a directory `out` gets
/// `out/<DIR>.html`). The run directory is only read.
///
/// ```no_run
/// use spasm::report::html_report::{default_report_path, write_report};
///
/// let dir = std::path::Path::new("out/ibuprofen");
/// let written = write_report(dir, &default_report_path(dir))?;
/// println!("{} figures, {} tables", written.figures, written.tables);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_report(dir: &Path, out: &Path) -> Result<ReportFile, ReportError> {
    let report = report_page(dir)?;
    let out = output_path(dir, out)?;
    let html = render(&report.page);
    atomic::write_bytes(&out, html.as_bytes())?;
    Ok(ReportFile {
        path: out,
        kind: report.kind,
        figures: report.figures,
        tables: report.tables,
        bytes: html.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_report_lies_beside_the_directory() {
        assert_eq!(
            default_report_path(Path::new("out/ibuprofen")),
            Path::new("out/ibuprofen.html")
        );
        assert_eq!(
            default_report_path(Path::new("out/ibuprofen/")),
            Path::new("out/ibuprofen.html")
        );
        assert_eq!(
            default_report_path(Path::new("out/run.v2")),
            Path::new("out/run.v2.html")
        );
    }

    #[test]
    fn tables_are_cut_and_counted() {
        let mut csv = String::from("a,b\n");
        for i in 0..(MAX_TABLE_ROWS + 7) {
            csv.push_str(&format!("{i},\"x, y\"\n"));
        }
        let t = read_table(csv.as_bytes()).unwrap();
        assert_eq!(t.header, ["a", "b"]);
        assert_eq!(t.rows.len(), MAX_TABLE_ROWS);
        assert_eq!(t.total_rows, MAX_TABLE_ROWS + 7);
        assert_eq!(t.rows[3], ["3", "x, y"]);
    }

    #[test]
    fn manifests_flatten_into_names_and_record_tables() {
        let v: Value = serde_json::from_str(
            r#"{"solver":{"kind":"rodas4","max_step":null},"seeds":[1,2],"arms":[{"name":"a","stats":{"steps":3}}]}"#,
        )
        .unwrap();
        let (mut pairs, mut tables) = (Vec::new(), Vec::new());
        flatten("", &v, &mut pairs, &mut tables);
        assert_eq!(
            pairs,
            [
                ("seeds".to_string(), "1, 2".to_string()),
                ("solver.kind".into(), "rodas4".into()),
                ("solver.max_step".into(), "none".into()),
            ]
        );
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].0, "arms");
        let args: Vec<Value> = ["spasm", "run", "my file.toml", "-o", "it's"]
            .iter()
            .map(|s| Value::from(*s))
            .collect();
        assert_eq!(shell_line(&args), "spasm run 'my file.toml' -o 'it'\\''s'");
    }
}
