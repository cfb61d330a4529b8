//! Reading a scenario for `spasm check`: every mistake, not only the first.
//!
//! The reader stops at the first mistake ([`super::parse_scenario`]). To find more,
//! the part that mistake is in is set aside and the file read again, until it reads
//! or the mistake is in a part nothing can be read without. What is set aside, by the
//! mistake's key:
//!
//! * an unknown key anywhere (`colour`, `output.interval`, `arm[2].intervention[1].dos`)
//!   — that key is dropped: it is never read, so nothing else changes;
//! * `model.overrides.NAME` or `arm[N].overrides.NAME` — that one override is dropped;
//! * `arm[N].intervention[M].…` — that `[[arm.intervention]]` entry is read past as if
//!   absent (the arm's other interventions are read, and keep their numbers);
//! * `trigger[N]…` or any other `arm[N]…` (its name, its overrides as a whole, its
//!   sessions and doses together beyond the limit) — that `[[trigger]]` or `[[arm]]`
//!   entry is read past as if absent; the others keep their numbers;
//! * `output`, `solver`, `sweep`, `name`, `description`, `settle` or `start_clock` —
//!   that key (or table) is dropped and its default used.
//!
//! A key found missing from a table in which an unknown key was reported as its
//! misspelling ("did you mean 'dose'?") is not reported again: the table's entry is
//! set aside (or reading stops) as for any other mistake in it.
//!
//! Reading stops at a mistake in TOML syntax, in `duration`, in `[model]` (other than
//! an unknown key or one override) or in the `arm` key itself, at a mistake found
//! again, and after [`MAX_CHECK_ERRORS`] mistakes. Mistakes are therefore reported in
//! file order within each reading, and a mistake that only shows once an earlier one
//! is fixed (e.g. a schedule outside a run whose `duration` is itself wrong) is not
//! reported.

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
#[derive(Debug, PartialEq)]
enum Aside {
    /// An entry read past as if absent, by key: `trigger[2]`, `arm[3]`,
    /// `arm[3].intervention[2]`.
    Entry(String),
    /// A key dropped from the document, by path: `colour`, `output`,
    /// `arm[1].intervention[2].dos`, `model.overrides.tau_heal`.
    Key(String),
}

/// Whether `part` of a key is an entry of the array of tables `array`: `arm[2]`.
fn is_entry(part: &str, array: &str) -> bool {
    part.strip_prefix(array)
        .and_then(|rest| rest.strip_prefix('['))
        .is_some_and(|rest| rest.ends_with(']'))
}

/// What to set aside after mistake `e`, if reading can go on without that part.
fn aside(e: &ScenarioError) -> Option<Aside> {
    let key = e.key.as_str();
    if key.is_empty() {
        return None;
    }
    if e.kind == ErrorKind::UnknownKey {
        return Some(Aside::Key(key.to_string()));
    }
    let parts: Vec<&str> = key.split('.').collect();
    let first = parts[0];
    let override_of = |owner: bool| owner && parts.len() == 3 && parts[1] == "overrides";
    if override_of(first == "model" || is_entry(first, "arm")) {
        return Some(Aside::Key(key.to_string()));
    }
    if is_entry(first, "arm") {
        // A mistake inside one intervention sets that intervention aside; one of the
        // intervention as a whole (the arm's sessions beyond the limit), the arm.
        if let [_, intervention, _, ..] = parts.as_slice() {
            if is_entry(intervention, "intervention") {
                return Some(Aside::Entry(format!("{first}.{intervention}")));
            }
        }
        return Some(Aside::Entry(first.to_string()));
    }
    if is_entry(first, "trigger") {
        return Some(Aside::Entry(first.to_string()));
    }
    OPTIONAL_TOP
        .contains(&first)
        .then(|| Aside::Key(first.to_string()))
}

/// The table of `key`: `arm[1].intervention[2]` for `arm[1].intervention[2].dose`,
/// empty at the top level.
fn table_of(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(table, _)| table)
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
    // Unknown keys dropped: (their table, the message that named what they misspell).
    let mut misspelt: Vec<(String, String)> = Vec::new();
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
        let arm_aside = |k: &String| is_entry(k, "arm");
        if e.kind == ErrorKind::EmptyArms && skip.iter().any(arm_aside) {
            break;
        }
        // Found again: setting its part aside did not get past it.
        if errors
            .iter()
            .any(|old| old.key == e.key && old.span == e.span && old.kind == e.kind)
        {
            break;
        }
        let next = aside(&e);
        let table = table_of(&e.key).to_string();
        let missing = e.key.rsplit('.').next().unwrap_or_default();
        let named = format!("did you mean '{missing}'?");
        let consequence = e.kind == ErrorKind::MissingKey
            && misspelt
                .iter()
                .any(|(t, message)| *t == table && message.contains(&named));
        let unknown = (e.kind == ErrorKind::UnknownKey).then(|| e.message.clone());
        if !consequence {
            errors.push(e);
            if errors.len() >= MAX_CHECK_ERRORS {
                break;
            }
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
            Some(Aside::Key(k)) => {
                let dropped = drop_key(&mut doc, &k);
                if let (true, Some(message)) = (dropped, unknown) {
                    misspelt.push((table, message));
                }
                dropped
            }
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

/// Drop the key at `path` (`colour`, `output.interval`, `arm[2].intervention[1].dos`,
/// `model.overrides.tau_hael`; `[N]` numbers an array of tables from 1) from the
/// document; whether it was there. Entries keep their numbers: only a key inside one
/// is dropped.
fn drop_key(doc: &mut DeTable<'_>, path: &str) -> bool {
    let mut segments: Vec<&str> = path.split('.').collect();
    let Some(last) = segments.pop() else {
        return false;
    };
    let mut table = doc;
    for segment in segments {
        let (name, index) = match segment.strip_suffix(']').and_then(|s| s.split_once('[')) {
            Some((name, n)) => match n.parse::<usize>() {
                Ok(n) if n >= 1 => (name, Some(n - 1)),
                _ => return false,
            },
            None => (segment, None),
        };
        let Some((_, value)) = table.iter_mut().find(|(k, _)| k.get_ref().as_ref() == name) else {
            return false;
        };
        let mut value = value.get_mut();
        if let Some(i) = index {
            let DeValue::Array(items) = value else {
                return false;
            };
            let Some(item) = items.get_mut(i) else {
                return false;
            };
            value = item.get_mut();
        }
        let DeValue::Table(t) = value else {
            return false;
        };
        table = t;
    }
    remove(table, last)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_key_finds_keys_inside_numbered_entries_only() {
        let text =
            "a = 1\n[t]\nb = 2\n[[arm]]\nx = 1\n[[arm]]\nx = 2\n[[arm.intervention]]\ny = 3\n";
        let cx = Cx {
            text,
            path: "t.toml",
            skip: &[],
        };
        let mut doc = spec::document(&cx, text).unwrap();
        let has = |doc: &DeTable<'_>, path: &str| drop_key(&mut doc.clone(), path);
        assert!(drop_key(&mut doc, "arm[2].intervention[1].y"));
        assert!(!has(&doc, "arm[2].intervention[1].y"));
        assert!(drop_key(&mut doc, "arm[1].x"));
        // Arm 2 keeps its x and its number.
        assert!(has(&doc, "arm[2].x"));
        assert!(!has(&doc, "arm[1].x"));
        assert!(!has(&doc, "arm[3].x"));
        assert!(!has(&doc, "arm[0].x"));
        assert!(!has(&doc, "t.c"));
        assert!(drop_key(&mut doc, "t.b"));
        assert!(drop_key(&mut doc, "a"));
        assert!(!has(&doc, "a"));
    }

    #[test]
    fn aside_is_the_smallest_part_that_holds_the_mistake() {
        let text = "duration = \"1 d\"\n";
        let e =
            |kind, key: &str| ScenarioError::new(kind, "t.toml", text, key, 0..1, "m", "", None);
        let key = |k: &str| Some(Aside::Key(k.into()));
        let entry = |k: &str| Some(Aside::Entry(k.into()));
        use ErrorKind::*;
        assert_eq!(aside(&e(UnknownKey, "model.sett")), key("model.sett"));
        assert_eq!(
            aside(&e(OutOfRange, "model.overrides.x")),
            key("model.overrides.x")
        );
        assert_eq!(
            aside(&e(OutOfRange, "arm[2].overrides.x")),
            key("arm[2].overrides.x")
        );
        assert_eq!(aside(&e(OutOfRange, "arm[2].overrides")), entry("arm[2]"));
        assert_eq!(
            aside(&e(OutOfRange, "arm[2].intervention[3].dose")),
            entry("arm[2].intervention[3]")
        );
        assert_eq!(
            aside(&e(OutOfRange, "arm[2].intervention[3]")),
            entry("arm[2]")
        );
        assert_eq!(
            aside(&e(MissingKey, "trigger[1].level")),
            entry("trigger[1]")
        );
        assert_eq!(aside(&e(OutOfRange, "output.every")), key("output"));
        assert_eq!(aside(&e(MissingKey, "model.set")), None);
        assert_eq!(aside(&e(OutOfRange, "duration")), None);
    }
}
