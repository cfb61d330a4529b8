//! The spanned-TOML walker of the scenario reader: typed access to values with their
//! key path and byte span, so that every mistake names its key, line and column, what
//! was expected and what is allowed ([`ScenarioError`]). Quantities (strings with a
//! unit) are read against a [`QuantityKind`] of the one unit table in `crate::units`.

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::error::{ErrorKind, ScenarioError};
use crate::units::{Quantity, QuantityKind, UnitError};

pub(super) type R<T> = Result<T, ScenarioError>;

pub(super) fn num_str(x: f64) -> String {
    let r = (x * 1e6).round() / 1e6;
    format!("{r}")
}

/// A plain number for messages: scientific notation when very small or large.
pub(super) fn fmt_num(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Whether the unit part of `text` is safe to hand to [`Quantity::parse`]: short, and
/// powers (`^n`) small, so dimension exponents cannot overflow.
pub(super) fn unit_text_is_sane(text: &str) -> bool {
    let unit = text.trim_start_matches(|c: char| c.is_ascii_digit() || "+-.eE ".contains(c));
    unit.chars().count() <= 40
        && text.split('^').skip(1).all(|p| {
            let digits: String = p
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
                .collect();
            digits.parse::<i32>().is_ok_and(|n| n.abs() <= 9)
        })
}

// ---------------------------------------------------------------------------------
// Walking the spanned TOML tree
// ---------------------------------------------------------------------------------

/// Parsing context: the text and its name, for error positions.
pub(super) struct Cx<'t> {
    pub(super) text: &'t str,
    pub(super) path: &'t str,
    /// Keys of `[[trigger]]`, `[[arm]]` and `[[arm.intervention]]` entries to read past
    /// as if absent (`trigger[2]`, `arm[3]`, `arm[3].intervention[1]`): entries `spasm
    /// check` has already found a mistake in, so that it can report the mistakes of the
    /// others. Empty when reading for a run.
    pub(super) skip: &'t [String],
}

/// A value with its key path and span.
pub(super) struct Val<'a, 'i> {
    pub(super) key: String,
    pub(super) span: Range<usize>,
    pub(super) v: &'a DeValue<'i>,
}

/// A table with its key path, a description for messages, and span.
pub(super) struct Tbl<'a, 'i> {
    pub(super) key: String,
    pub(super) what: String,
    pub(super) span: Range<usize>,
    pub(super) t: &'a DeTable<'i>,
}

pub(super) type KV<'a, 'i> = (&'a Spanned<Cow<'i, str>>, &'a Spanned<DeValue<'i>>);

impl<'a, 'i> Tbl<'a, 'i> {
    /// Entries in the order they appear in the file.
    pub(super) fn entries(&self) -> Vec<KV<'a, 'i>> {
        let mut v: Vec<KV<'a, 'i>> = self.t.iter().collect();
        v.sort_by_key(|(k, _)| k.span().start);
        v
    }

    pub(super) fn path(&self, name: &str) -> String {
        if self.key.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.key)
        }
    }

    /// Reject any key not in `allowed`.
    pub(super) fn check(&self, cx: &Cx, allowed: &[&str]) -> R<()> {
        for (k, _) in self.entries() {
            let name: &str = k.get_ref();
            if !allowed.contains(&name) {
                let hint = closest(name, allowed.iter().copied())
                    .or_else(|| alias(name, allowed))
                    .map(|c| format!(" (did you mean '{c}'?)"))
                    .unwrap_or_default();
                return Err(cx.err(
                    ErrorKind::UnknownKey,
                    &self.path(name),
                    k.span(),
                    format!("unknown key '{name}' in {}{hint}", self.what),
                    "",
                    Some(allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn get(&self, name: &str) -> Option<Val<'a, 'i>> {
        self.t
            .iter()
            .find(|(k, _)| {
                let s: &str = k.get_ref();
                s == name
            })
            .map(|(_, v)| Val {
                key: self.path(name),
                span: v.span(),
                v: v.get_ref(),
            })
    }

    pub(super) fn req(&self, cx: &Cx, name: &str, expected: &str) -> R<Val<'a, 'i>> {
        self.get(name).ok_or_else(|| {
            cx.err(
                ErrorKind::MissingKey,
                &self.path(name),
                first_line(cx.text, self.span.clone()),
                format!("{} needs the key '{name}'", self.what),
                expected,
                None,
            )
        })
    }
}

/// The part of `span` on its first line (labels on tables point at the header).
pub(super) fn first_line(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len()).max(start);
    let cut = text
        .get(start..end)
        .and_then(|s| s.find('\n'))
        .map_or(end, |i| start + i);
    start..cut
}

/// Keys newcomers write for a key of the format under another name (`interval` for
/// `every`): (what is written, what the format calls it). Suggested, not accepted.
const KEY_ALIASES: &[(&str, &str)] = &[
    ("interval", "every"),
    ("repeat", "every"),
    ("period", "every"),
    ("length", "duration"),
    ("time", "at"),
    ("parameter_set", "set"),
    ("params", "overrides"),
    ("parameters", "overrides"),
];

/// The key of the format that `name` is a common other name for, if it is allowed here.
fn alias<'c>(name: &str, allowed: &[&'c str]) -> Option<&'c str> {
    let (_, key) = KEY_ALIASES
        .iter()
        .find(|(other, _)| other.eq_ignore_ascii_case(name))?;
    allowed.iter().copied().find(|a| a == key)
}

/// The candidate closest to `name` by edit distance, if reasonably close.
pub(super) fn closest<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let lname = name.to_lowercase();
    candidates
        .map(|c| (levenshtein(&lname, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Cx<'_> {
    pub(super) fn err(
        &self,
        kind: ErrorKind,
        key: &str,
        span: Range<usize>,
        message: impl Into<String>,
        expected: impl Into<String>,
        allowed: Option<String>,
    ) -> ScenarioError {
        ScenarioError::new(
            kind, self.path, self.text, key, span, message, expected, allowed,
        )
    }

    /// An error about value `v`.
    pub(super) fn bad(
        &self,
        v: &Val,
        kind: ErrorKind,
        message: impl Into<String>,
        expected: impl Into<String>,
        allowed: Option<String>,
    ) -> ScenarioError {
        self.err(kind, &v.key, v.span.clone(), message, expected, allowed)
    }

    pub(super) fn wrong_type(&self, v: &Val, expected: &str) -> ScenarioError {
        self.bad(
            v,
            ErrorKind::WrongType,
            format!("found {} {}", article(v.v.type_str()), v.v.type_str()),
            expected,
            None,
        )
    }

    pub(super) fn string<'a>(&self, v: &Val<'a, '_>, expected: &str) -> R<&'a str> {
        match v.v {
            DeValue::String(s) => Ok(s.as_ref()),
            _ => Err(self.wrong_type(v, expected)),
        }
    }

    /// A finite number (integer or float).
    pub(super) fn number(&self, v: &Val, expected: &str) -> R<f64> {
        let x = match v.v {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => return Err(self.wrong_type(v, expected)),
        };
        match x {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(self.bad(
                v,
                ErrorKind::NotFinite,
                "not a finite number",
                expected,
                None,
            )),
        }
    }

    /// A whole number.
    pub(super) fn integer(&self, v: &Val, expected: &str) -> R<i64> {
        match v.v {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| {
                self.bad(v, ErrorKind::OutOfRange, "number too large", expected, None)
            }),
            _ => Err(self.wrong_type(v, expected)),
        }
    }

    /// A string "number unit" of kind `q`, converted to `q.canonical`.
    pub(super) fn quantity(&self, v: &Val, q: &QuantityKind) -> R<f64> {
        let expected = format!("{} such as \"{}\"", q.what, q.example);
        let allowed = || Some(format!("units {}", q.units.join(", ")));
        let text = match v.v {
            DeValue::String(s) => s.as_ref(),
            DeValue::Integer(_) | DeValue::Float(_) => {
                return Err(self.bad(
                    v,
                    ErrorKind::WrongType,
                    "found a bare number; quantities are strings with a unit",
                    expected,
                    allowed(),
                ))
            }
            _ => return Err(self.wrong_type(v, &expected)),
        };
        let parsed = if unit_text_is_sane(text) {
            Quantity::parse(text)
        } else {
            Err(UnitError::Unknown {
                token: text.trim().to_string(),
                known: String::new(),
            })
        };
        let qty = parsed.map_err(|e| match e {
            UnitError::Unknown { token, .. } => self.bad(
                v,
                ErrorKind::UnknownUnit,
                format!("unknown unit '{token}'"),
                expected.clone(),
                allowed(),
            ),
            UnitError::NotFinite { .. } => self.bad(
                v,
                ErrorKind::NotFinite,
                format!("'{text}' is not a finite number"),
                expected.clone(),
                allowed(),
            ),
            _ => self.bad(
                v,
                ErrorKind::BadQuantity,
                format!("'{text}' is not a number followed by a unit"),
                expected.clone(),
                allowed(),
            ),
        })?;
        if !q.units.contains(&qty.unit.as_str()) {
            return Err(self.bad(
                v,
                ErrorKind::WrongUnit,
                format!(
                    "'{}' is not a unit of {}",
                    qty.unit,
                    q.what.trim_start_matches("a ").trim_start_matches("an ")
                ),
                expected,
                allowed(),
            ));
        }
        let x = qty.to(q.canonical).map_err(|_| {
            self.bad(
                v,
                ErrorKind::WrongUnit,
                format!("cannot convert '{}'", qty.unit),
                expected.clone(),
                allowed(),
            )
        })?;
        if !x.is_finite() {
            return Err(self.bad(
                v,
                ErrorKind::NotFinite,
                format!("'{text}' is not a finite number"),
                expected,
                allowed(),
            ));
        }
        Ok(x)
    }

    /// A table value.
    pub(super) fn table<'a, 'i>(
        &self,
        v: &Val<'a, 'i>,
        what: &str,
        expected: &str,
    ) -> R<Tbl<'a, 'i>> {
        match v.v {
            DeValue::Table(t) => Ok(Tbl {
                key: v.key.clone(),
                what: what.to_string(),
                span: v.span.clone(),
                t,
            }),
            _ => Err(self.wrong_type(v, expected)),
        }
    }

    /// An array of tables (`[[name]]`), each described as `what N`.
    pub(super) fn tables<'a, 'i>(
        &self,
        v: &Val<'a, 'i>,
        what: &str,
        expected: &str,
    ) -> R<Vec<Tbl<'a, 'i>>> {
        self.items(v, expected)?
            .iter()
            .enumerate()
            .map(|(i, val)| self.table(val, &format!("{what} {}", i + 1), expected))
            .collect()
    }

    /// The items of array `v`, each with its own key (`key[N]`, 1-based) and span.
    pub(super) fn items<'a, 'i>(&self, v: &Val<'a, 'i>, expected: &str) -> R<Vec<Val<'a, 'i>>> {
        let DeValue::Array(items) = v.v else {
            return Err(self.wrong_type(v, expected));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, item)| Val {
                key: format!("{}[{}]", v.key, i + 1),
                span: item.span(),
                v: item.get_ref(),
            })
            .collect())
    }

    /// A quantity with a range check `lo < x ≤ hi` (or `lo ≤ x` when `lo_incl`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ranged(
        &self,
        v: &Val,
        q: &QuantityKind,
        lo: f64,
        lo_incl: bool,
        hi: f64,
        show: impl Fn(f64) -> String,
    ) -> R<f64> {
        let x = self.quantity(v, q)?;
        let low_ok = if lo_incl { x >= lo } else { x > lo };
        if !low_ok || x > hi {
            let lower = if lo_incl { "at least" } else { "more than" };
            let name = q.what.trim_start_matches("a ").trim_start_matches("an ");
            let msg = if low_ok {
                format!("{name} of {} is too large", show(x))
            } else {
                format!("{name} must be {lower} {}", show(lo))
            };
            return Err(self.bad(
                v,
                ErrorKind::OutOfRange,
                msg,
                format!("{} such as \"{}\"", q.what, q.example),
                Some(format!("{lower} {}, at most {}", show(lo), show(hi))),
            ));
        }
        Ok(x)
    }

    /// A plain number in `lo < x ≤ hi` (or `lo ≤ x` when `lo_incl`).
    pub(super) fn fraction(&self, v: &Val, what: &str, lo: f64, lo_incl: bool, hi: f64) -> R<f64> {
        let expected = format!("{what} between {} and {}", fmt_num(lo), fmt_num(hi));
        let x = self.number(v, &expected)?;
        let low_ok = if lo_incl { x >= lo } else { x > lo };
        if !low_ok || x > hi {
            let lower = if lo_incl { "at least" } else { "more than" };
            return Err(self.bad(
                v,
                ErrorKind::OutOfRange,
                format!("{} is outside the allowed range", fmt_num(x)),
                expected,
                Some(format!("{lower} {}, at most {}", fmt_num(lo), fmt_num(hi))),
            ));
        }
        Ok(x)
    }

    /// A clock time "HH:MM", in s after midnight.
    pub(super) fn clock(&self, v: &Val) -> R<f64> {
        let expected = "a clock time such as \"08:00\"";
        let s = self.string(v, expected)?;
        let parsed = s.trim().split_once(':').and_then(|(h, m)| {
            let h: u32 = h.trim().parse().ok()?;
            let m: u32 = m.trim().parse().ok()?;
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(f64::from(h * 3600 + m * 60))
        });
        parsed.ok_or_else(|| {
            self.bad(
                v,
                ErrorKind::BadQuantity,
                format!("'{s}' is not a clock time"),
                expected,
                Some("00:00 to 24:00".into()),
            )
        })
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
