//! Reading a scenario for `spasm check`: every mistake, not only the first.
//!
//! The reader stops at the first mistake ([`super::parse_scenario`]). To find more,
//! the entry that mistake is in is set aside and the file read again, until it reads
//! or the mistake is in a part nothing can be read without. An entry is set aside
//! when the mistake's key starts with:
//!
//! * `trigger[N]` or `arm[N]` — that `[[trigger]]` or `[[arm]]` entry (its
//!   interventions and overrides with it) is read past as if absent; the others keep
//!   their numbers;
//! * `output`, `solver`, `sweep`, `name`, `description`, `settle` or `start_clock` —
//!   that key (or table) is dropped and its default used;
//! * `model.overrides.NAME` — that one override is dropped;
//! * an unknown top-level key — it is dropped.
//!
//! Reading stops at a mistake in TOML syntax, in `duration`, in `[model]` (other than
//! one override) or in the `arm` key itself, and after [`MAX_CHECK_ERRORS`] mistakes.
//! Mistakes are therefore reported in file order within each reading, and a mistake
//! that only shows once an earlier one is fixed (e.g. a schedule outside a run whose
//! `duration` is itself wrong) is not reported.

use toml::de::{DeTable, DeValue};

use super::error::ErrorKind;
use super::walk::Cx;
use super::{resolve, spec, Scenario, ScenarioError};

/// The most mistakes `spasm check` reports for one file.
pub const MAX_CHECK_ERRORS: usize = 100;

/// Top-level keys that can be dropped (their defaults used) to read on.
const OPTIONAL_TOP: &[&str] = &[
    "name",
    "description",
    "settle",
    "start_clock",
    "output",
    "solver",
    "sweep",
    "figure",
];

/// A scenario read by [`check_scenario`]: the scenario if the file has no mistake,
/// and every mistake found.
#[derive(Debug)]
pub struct Checked {
    /// The scenario, when `errors` is empty.
    pub scenario: Option<Scenario>,
    /// Every mistake found, in the order found (file order within each part).
    pub errors: Vec<ScenarioError>,
}

/// What to set aside after a mistake.
enum Aside {
    /// A `[[trigger]]` or `[[arm]]` entry, by key (`arm[2]`).
    Entry(String),
    /// A top-level key.
    Top(String),
    /// One `[model.overrides]` entry.
    ModelOverride(String),
}

/// What to set aside after mistake `e`, if reading can go on without that part.
fn aside(e: &ScenarioError) -> Option<Aside> {
    let key = e.key.as_str();
    let mut parts = key.split('.');
    let first = parts.next()?;
    if first.starts_with("trigger[") || first.starts_with("arm[") {
        return Some(Aside::Entry(first.to_string()));
    }
    if OPTIONAL_TOP.contains(&first) {
        return Some(Aside::Top(first.to_string()));
    }
    if first == "model" && parts.next() == Some("overrides") {
        let name = parts.next()?;
        return (parts.next().is_none()).then(|| Aside::ModelOverride(name.to_string()));
    }
    if e.kind == ErrorKind::UnknownKey && !key.contains(['.', '[']) && !key.is_empty() {
        return Some(Aside::Top(first.to_string()));
    }
    None
}

/// Read `text` (the file `path`) as [`super::parse_scenario`] does, but report every
/// mistake found by setting aside the part each one is in (see the module
/// documentation for what is set aside and where reading stops). The first mistake
/// is always the one [`super::parse_scenario`] reports.
///
/// ```
/// let text = "duration = \"1 d\"\n[model]\nset = \"healthy\"\n\
///             [[arm]]\nname = \"a\"\n[[arm.intervention]]\nkind = \"ibuprofen\"\ndose = \"0 mg\"\n\
///             [[arm]]\nname = \"b\"\n[[arm.intervention]]\nkind = \"hot_pak\"\n";
/// let c = spasm::scenario::check_scenario(text, "two.toml");
/// assert!(c.scenario.is_none());
/// let lines: Vec<usize> = c.errors.iter().map(|e| e.line).collect();
/// assert_eq!(lines, [8, 12]);
/// ```
pub fn check_scenario(text: &str, path: &str) -> Checked {
    let mut skip: Vec<String> = Vec::new();
    let mut errors: Vec<ScenarioError> = Vec::new();
    let first = Cx {
        text,
        path,
        skip: &[],
    };
    let mut doc = match spec::document(&first, text) {
        Ok(d) => d,
        Err(e) => {
            return Checked {
                scenario: None,
                errors: vec![e],
            }
        }
    };
    loop {
        let cx = Cx {
            text,
            path,
            skip: &skip,
        };
        let read = spec::read(&cx, &doc, path).and_then(|s| resolve::resolve(&cx, s, text));
        let e = match read {
            Ok(s) => {
                let scenario = errors.is_empty().then_some(s);
                return Checked { scenario, errors };
            }
            Err(e) => e,
        };
        // No arm left because every arm was set aside: not a mistake of its own.
        if e.kind == ErrorKind::EmptyArms && skip.iter().any(|k| k.starts_with("arm[")) {
            break;
        }
        let next = aside(&e);
        errors.push(e);
        if errors.len() >= MAX_CHECK_ERRORS {
            break;
        }
        let progressed = match next {
            None => false,
            Some(Aside::Entry(k)) => {
                if skip.contains(&k) {
                    false
                } else {
                    skip.push(k);
                    true
                }
            }
            Some(Aside::Top(k)) => remove(&mut doc, &k),
            Some(Aside::ModelOverride(name)) => remove_override(&mut doc, &name),
        };
        if !progressed {
            break;
        }
    }
    Checked {
        scenario: None,
        errors,
    }
}

/// Drop top-level key `name`; whether it was there.
fn remove(doc: &mut DeTable<'_>, name: &str) -> bool {
    let before = doc.len();
    let old = std::mem::take(doc);
    *doc = old
        .into_iter()
        .filter(|(k, _)| k.get_ref().as_ref() != name)
        .collect();
    doc.len() < before
}

/// Drop `[model.overrides] name`; whether it was there.
fn remove_override(doc: &mut DeTable<'_>, name: &str) -> bool {
    let Some((_, model)) = doc
        .iter_mut()
        .find(|(k, _)| k.get_ref().as_ref() == "model")
    else {
        return false;
    };
    let DeValue::Table(model) = model.get_mut() else {
        return false;
    };
    let Some((_, ov)) = model
        .iter_mut()
        .find(|(k, _)| k.get_ref().as_ref() == "overrides")
    else {
        return false;
    };
    let DeValue::Table(ov) = ov.get_mut() else {
        return false;
    };
    remove(ov, name)
}

/// [`check_scenario`] on a file, read as [`Scenario::load`] reads it (an unreadable
/// file is one [`ErrorKind::Io`] mistake).
pub fn check_file(path: &std::path::Path) -> Checked {
    let shown = path.display().to_string();
    match super::read_text(path) {
        Ok(text) => check_scenario(&text, &shown),
        Err(e) => Checked {
            scenario: None,
            errors: vec![e],
        },
    }
}
