//! Atomic writes: a file is written to a hidden temporary name in its own directory
//! and renamed into place, so a reader sees either the old file or the complete new
//! one; a whole run directory is built next to its target as `<out>.partial-XXXX`
//! and renamed at the end, so a failed run leaves nothing behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::OutputError;

/// A suffix unlikely to collide with anything: process id (decimal, so a later run
/// can tell whether the process that left a directory behind still runs), then a
/// per-process counter and the clock, in hex.
pub(crate) fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}-{n:x}{nanos:08x}", std::process::id())
}

/// A hidden temporary path next to `path` that keeps its extension (so encoders
/// that pick a format from the extension still work): `.tmp-XXXX-<name>`.
pub(crate) fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".tmp-{}-{name}", unique_suffix()))
}

fn io_err<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// Run `produce` on a temporary path next to `path`, then rename the result to
/// `path`. On any error the temporary file is removed and `path` is untouched.
pub fn write_via_temp<F>(path: &Path, produce: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), OutputError>,
{
    let tmp = temp_sibling(path);
    let result = produce(&tmp)
        .and_then(|()| fs::rename(&tmp, path).map_err(io_err(path, "rename into place")));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Write `bytes` to `path` atomically (temporary file in the same directory,
/// flushed to disk, then renamed).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_via_temp(path, |tmp| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
            .map_err(io_err(path, "create"))?;
        f.write_all(bytes).map_err(io_err(path, "write"))?;
        f.sync_all().map_err(io_err(path, "flush"))?;
        Ok(())
    })
}

/// What [`PartialDir::commit`] does when the target directory exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Refuse: error if the target exists.
    Never,
    /// Replace an empty directory or a run directory spasm wrote (one carrying
    /// [`RUN_MARKER`] and nothing but the files it lists); refuse anything else.
    RunDirOnly,
}

/// The file that marks a directory as a run spasm wrote: its schema id, the program
/// and version, every file of the run and the input files it read. Only a directory
/// with this marker and no other files is ever replaced.
pub const RUN_MARKER: &str = ".spasm-run.json";

/// Schema id of [`RUN_MARKER`].
const RUN_SCHEMA: &str = "spasm-run-directory/1";

/// How many unexpected entries a refusal names.
const NAMED_ENTRIES: usize = 5;

/// The content of [`RUN_MARKER`].
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct RunMarker {
    schema: String,
    program: String,
    version: String,
    /// Every entry of the run directory but the marker, sorted.
    files: Vec<String>,
    /// The input files the run read (absolute paths).
    inputs: Vec<PathBuf>,
}

/// The run directories under construction in this process, so that a signal handler
/// can remove them ([`abandon_partial_dirs`]); the lock also keeps a commit from
/// being interrupted half-way.
static UNDER_CONSTRUCTION: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNDER_CONSTRUCTION
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Remove every run directory this process is still building and return how many;
/// for a signal handler before it exits. A commit under way finishes first, and no
/// new directory can be committed afterwards.
pub fn abandon_partial_dirs() -> usize {
    let mut dirs = registry();
    let n = dirs.len();
    for d in dirs.drain(..) {
        let _ = fs::remove_dir_all(d);
    }
    // Hold the lock for the rest of the process: the caller exits.
    std::mem::forget(dirs);
    n
}

/// A directory under construction next to its final place; removed on drop unless
/// committed.
#[derive(Debug)]
pub struct PartialDir {
    target: PathBuf,
    path: PathBuf,
    inputs: Vec<PathBuf>,
    committed: bool,
}

impl PartialDir {
    /// Create `<target>.partial-XXXX` next to `target`, creating missing parent
    /// directories of `target`, after removing what killed runs to the same target
    /// left behind. Fails early if `target` exists and `replace` would not allow
    /// replacing it, or if it holds one of `inputs` (the files the run reads).
    pub fn create(
        target: &Path,
        replace: Replace,
        inputs: &[PathBuf],
    ) -> Result<Self, OutputError> {
        let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
        check_replaceable(target, replace, &inputs)?;
        let name = target
            .file_name()
            .ok_or_else(|| bad_target(target, "has no final component (give a directory name)"))?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_err(&parent, "create parent directory"))?;
        remove_stale_siblings(&parent, &name);
        for _ in 0..16 {
            let path = parent.join(format!("{name}.partial-{}", unique_suffix()));
            let mut dirs = registry();
            match fs::create_dir(&path) {
                Ok(()) => {
                    dirs.push(path.clone());
                    return Ok(Self {
                        target: target.to_path_buf(),
                        path,
                        inputs,
                        committed: false,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(&path, "create directory")(e)),
            }
        }
        Err(bad_target(
            target,
            "could not find a free temporary name next to it",
        ))
    }

    /// The directory being built.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Mark the finished directory as a spasm run ([`RUN_MARKER`]) and move it to its
    /// target, replacing an existing one as `replace` allows (the old one is moved
    /// aside first and deleted after).
    pub fn commit(mut self, replace: Replace) -> Result<PathBuf, OutputError> {
        check_replaceable(&self.target, replace, &self.inputs)?;
        let mut files: Vec<String> = fs::read_dir(&self.path)
            .map_err(io_err(&self.path, "list"))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let marker = RunMarker {
            schema: RUN_SCHEMA.into(),
            program: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            files,
            inputs: self.inputs.clone(),
        };
        let marker_path = self.path.join(RUN_MARKER);
        let text = serde_json::to_string_pretty(&marker).map_err(|source| OutputError::Json {
            path: marker_path.clone(),
            source,
        })?;
        write_bytes(&marker_path, text.as_bytes())?;

        let target = self.target.clone();
        let mut dirs = registry();
        let old = if target.exists() {
            let aside = target.with_file_name(format!(
                "{}.old-{}",
                target.file_name().unwrap_or_default().to_string_lossy(),
                unique_suffix()
            ));
            fs::rename(&target, &aside).map_err(io_err(&target, "move the previous run aside"))?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = fs::rename(&self.path, &target) {
            if let Some(aside) = &old {
                let _ = fs::rename(aside, &target);
            }
            return Err(io_err(&target, "rename the finished run into place")(e));
        }
        self.committed = true;
        dirs.retain(|d| *d != self.path);
        drop(dirs);
        if let Some(aside) = old {
            let _ = fs::remove_dir_all(aside);
        }
        Ok(target)
    }
}

impl Drop for PartialDir {
    fn drop(&mut self) {
        if !self.committed {
            let mut dirs = registry();
            let _ = fs::remove_dir_all(&self.path);
            dirs.retain(|d| *d != self.path);
        }
    }
}

/// `path` made absolute (canonical where it exists), for comparing locations.
fn absolute(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| std::path::absolute(path).unwrap_or(path.into()))
}

/// Remove `<name>.partial-<pid>-…` and `<name>.old-<pid>-…` directories in `parent`
/// whose process no longer runs: what a killed run to the same target left behind.
/// Where a process's liveness cannot be told (no `/proc`), nothing is removed.
fn remove_stale_siblings(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = [".partial-", ".old-"]
            .iter()
            .find_map(|tag| file_name.strip_prefix(&format!("{name}{tag}")))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Check, without touching anything, that a run could be written to `target` under
/// `replace` (the check [`PartialDir::create`] and [`PartialDir::commit`] make), so
/// a long computation can fail early on a bad output directory.
pub fn check_target(
    target: &Path,
    replace: Replace,
    inputs: &[PathBuf],
) -> Result<(), OutputError> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    check_replaceable(target, replace, &inputs)
}

/// The inputs of the run directory at `target` when it is a spasm run of other
/// inputs than `inputs` (compared as absolute paths); `None` when it is not a run
/// directory or holds a run of the same inputs.
pub fn run_of_other_inputs(target: &Path, inputs: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let ours: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    read_marker(target).and_then(|m| (m.inputs != ours).then_some(m.inputs))
}

/// Whether `a` and `b` name the same file (compared as absolute, canonical paths).
pub fn same_file(a: &Path, b: &Path) -> bool {
    absolute(a) == absolute(b)
}

/// What the marker of a run directory lists ([`RUN_MARKER`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunListing {
    /// The version of spasm that wrote the run.
    pub version: String,
    /// Every file of the run but the marker, sorted.
    pub files: Vec<String>,
    /// The input files the run read (absolute paths).
    pub inputs: Vec<PathBuf>,
}

/// The listing of the run directory `dir`, or `None` when `dir` carries no readable
/// marker of this schema (it is not a run directory spasm wrote).
pub fn run_listing(dir: &Path) -> Option<RunListing> {
    read_marker(dir).map(|m| RunListing {
        version: m.version,
        files: m.files,
        inputs: m.inputs,
    })
}

fn read_marker(dir: &Path) -> Option<RunMarker> {
    let text = fs::read_to_string(dir.join(RUN_MARKER)).ok()?;
    let m: RunMarker = serde_json::from_str(&text).ok()?;
    (m.schema == RUN_SCHEMA).then_some(m)
}

fn bad_target(target: &Path, reason: impl Into<String>) -> OutputError {
    OutputError::BadTarget {
        path: target.to_path_buf(),
        reason: reason.into(),
    }
}

fn check_replaceable(
    target: &Path,
    replace: Replace,
    inputs: &[PathBuf],
) -> Result<(), OutputError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(target, "inspect")(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(bad_target(
            target,
            "is a symbolic link; give the directory itself, or a new name",
        ));
    }
    if !meta.is_dir() {
        return Err(bad_target(target, "exists and is not a directory"));
    }
    let here = absolute(target);
    if let Some(input) = inputs.iter().find(|i| i.starts_with(&here)) {
        return Err(bad_target(
            target,
            format!(
                "holds the input '{}', which replacing it would delete; choose another output directory",
                input.display()
            ),
        ));
    }
    if replace == Replace::Never {
        return Err(bad_target(target, "exists (overwriting is off)"));
    }
    let mut entries: Vec<String> = fs::read_dir(target)
        .map_err(io_err(target, "list"))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    let Some(marker) = read_marker(target) else {
        return Err(bad_target(
            target,
            format!(
                "exists and is not a run directory written by spasm (no {RUN_MARKER}); not replacing it. Choose another output directory, or remove it yourself"
            ),
        ));
    };
    entries.retain(|n| n != RUN_MARKER && !marker.files.contains(n));
    if !entries.is_empty() {
        entries.sort();
        let more = entries.len().saturating_sub(NAMED_ENTRIES);
        entries.truncate(NAMED_ENTRIES);
        let list = entries.join("', '");
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        return Err(bad_target(
            target,
            format!(
                "holds files spasm did not write ('{list}'{more}); not replacing it. Move them away or choose another output directory"
            ),
        ));
    }
    Ok(())
}
