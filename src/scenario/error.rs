//! Errors in scenario files: every one names the file, line and column, the key, what
//! is wrong, what was expected and what is allowed. It renders two ways:
//!
//! * [`std::fmt::Display`] — one line for plain terminals and logs:
//!   `scenario.toml:12:8: arm[2].intervention[1].dose: a dose must be more than 0 mg; expected a dose such as "400 mg" (allowed: more than 0 mg, at most 10 g)`
//! * `miette::Diagnostic` (feature `diagnostics`) — the same line, then the source
//!   snippet with the offending value underlined and labelled.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// What kind of mistake a [`ScenarioError`] reports (stable, for tests and scripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// Not valid TOML.
    Syntax,
    /// A key the format does not have (or one not allowed for this intervention kind).
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong TOML type (a number where a string with a unit is needed, ...).
    WrongType,
    /// A unit symbol nobody knows (`"20 parsecs"`).
    UnknownUnit,
    /// A known unit that measures something else (`duration = "400 mg"`).
    WrongUnit,
    /// A string that is not a number followed by a unit, or not a clock time.
    BadQuantity,
    /// NaN or infinity.
    NotFinite,
    /// A value outside its allowed range (zero or negative dose, rtol of 5, ...).
    OutOfRange,
    /// A schedule that starts before t = 0 or at/after the end of the run.
    OutsideRun,
    /// Two keys that exclude each other (`at` and `start`; `count` and `until`), or a
    /// key that needs another (`count` without `every`).
    Conflict,
    /// A parameter override names no model parameter.
    UnknownParameter,
    /// `[model] set` names no embedded parameter set.
    UnknownSet,
    /// An intervention or trigger `kind` that does not exist.
    UnknownKind,
    /// The run (or the settling period) is longer than one year.
    Horizon,
    /// No `[[arm]]`.
    EmptyArms,
    /// Two arms with the same name.
    DuplicateArm,
}

/// Everything an error says; reached through [`ScenarioError`] by `Deref`.
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    /// What kind of mistake.
    pub kind: ErrorKind,
    /// The file (as given to the parser).
    pub path: String,
    /// Line, 1-based (0 when there is no position, e.g. an unreadable file).
    pub line: usize,
    /// Column in characters, 1-based (0 when there is no position).
    pub column: usize,
    /// The key, as a dotted path with 1-based indices (`arm[2].intervention[1].dose`);
    /// `TOML syntax` for syntax errors.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// What was expected (may be empty).
    pub expected: String,
    /// What is allowed (units, names, ranges), if there is a short list.
    pub allowed: Option<String>,
    /// Byte range of the offending text in the file.
    pub span: Range<usize>,
    src: Arc<Source>,
}

/// The file an error is in: its name and text.
#[derive(Debug)]
struct Source {
    /// The file's name, shown above the snippet.
    #[cfg_attr(not(feature = "diagnostics"), allow(dead_code))]
    name: String,
    text: String,
}

impl ErrorDetails {
    /// Whether the error has a position on a line short enough to show as a snippet.
    #[cfg(feature = "diagnostics")]
    fn has_snippet(&self) -> bool {
        let text = &self.src.text;
        let start = text[..self.span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[self.span.start..]
            .find('\n')
            .map_or(text.len(), |i| self.span.start + i);
        self.line > 0 && text[start..end].chars().count() <= MAX_SNIPPET_LINE_CHARS
    }

    /// The text of the file the error is in (empty for [`ErrorKind::Io`]).
    pub fn source_text(&self) -> &str {
        &self.src.text
    }
}

/// A mistake in a scenario file. Cheap to move (boxed); read its fields through
/// `Deref` (`err.kind`, `err.line`, ...).
#[derive(Debug, Clone)]
pub struct ScenarioError(Box<ErrorDetails>);

impl Deref for ScenarioError {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

/// The most characters of a key, message or list of names an error repeats from the
/// file; longer ones are cut with a note of their length, so that a mistaken
/// megabyte-long key gives one readable line, not megabytes of echo.
pub const MAX_SHOWN_CHARS: usize = 200;

/// The longest source line shown as a snippet under an error, in characters.
#[cfg(feature = "diagnostics")]
const MAX_SNIPPET_LINE_CHARS: usize = 400;

/// `text` cut to [`MAX_SHOWN_CHARS`] characters, saying how long it was.
fn shorten(text: &str) -> String {
    let n = text.chars().count();
    if n <= MAX_SHOWN_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_SHOWN_CHARS).collect();
    format!("{head}… ({n} characters)")
}

/// Line (1-based) and column (1-based, in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl ScenarioError {
    /// An error at byte range `span` of `text` (the file `path`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: ErrorKind,
        path: &str,
        text: &str,
        key: &str,
        span: Range<usize>,
        message: impl Into<String>,
        expected: impl Into<String>,
        allowed: Option<String>,
    ) -> Self {
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let (line, column) = line_col(text, start);
        ScenarioError(Box::new(ErrorDetails {
            kind,
            path: path.to_string(),
            line,
            column,
            key: shorten(key),
            message: shorten(&message.into()),
            expected: expected.into(),
            allowed: allowed.map(|a| shorten(&a)),
            span: start..end,
            src: Arc::new(Source {
                name: path.to_string(),
                text: text.to_string(),
            }),
        }))
    }

    /// An error without a position (the file could not be read).
    pub fn io(path: &str, message: impl Into<String>) -> Self {
        ScenarioError(Box::new(ErrorDetails {
            kind: ErrorKind::Io,
            path: path.to_string(),
            line: 0,
            column: 0,
            key: String::new(),
            message: message.into(),
            expected: String::new(),
            allowed: None,
            span: 0..0,
            src: Arc::new(Source {
                name: path.to_string(),
                text: String::new(),
            }),
        }))
    }
}

impl fmt::Display for ErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)?;
        } else {
            write!(f, "{}:{}:{}: ", self.path, self.line, self.column)?;
            if !self.key.is_empty() {
                write!(f, "{}: ", self.key)?;
            }
            write!(f, "{}", self.message)?;
        }
        if !self.expected.is_empty() {
            write!(f, "; expected {}", self.expected)?;
        }
        if let Some(a) = &self.allowed {
            write!(f, " (allowed: {a})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(feature = "diagnostics")]
mod diagnostic {
    //! The rendering with a source snippet.

    use std::fmt;

    use miette::{
        Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
        SpanContents,
    };

    use super::{ScenarioError, Source};

    impl SourceCode for Source {
        fn read_span<'a>(
            &'a self,
            span: &SourceSpan,
            before: usize,
            after: usize,
        ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
            let inner = self.text.read_span(span, before, after)?;
            Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                *inner.span(),
                inner.line(),
                inner.column(),
                inner.line_count(),
            )))
        }
    }

    /// The label under the snippet: the expectation, or the message.
    fn label(e: &ScenarioError) -> String {
        if e.expected.is_empty() {
            e.message.clone()
        } else {
            format!("expected {}", e.expected)
        }
    }

    impl Diagnostic for ScenarioError {
        fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            let code = serde_json::to_value(self.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            Some(Box::new(format!("scenario::{code}")))
        }

        fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            Some(Box::new(
                "the scenario format is described in docs/scenarios.md",
            ))
        }

        fn source_code(&self) -> Option<&dyn SourceCode> {
            self.has_snippet().then_some(&*self.src as &dyn SourceCode)
        }

        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            if !self.has_snippet() {
                return None;
            }
            let len = self.span.end - self.span.start;
            Some(Box::new(std::iter::once(
                LabeledSpan::new_primary_with_span(Some(label(self)), (self.span.start, len)),
            )))
        }
    }
}
