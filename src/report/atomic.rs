//! Atomic writes: a file is written to a hidden temporary name in its own directory
//! and renamed into place, so a reader sees either the old file or the complete new
//! one; a whole run directory is built next to its target as `<out>.partial-XXXX`
//! and renamed at the end, so a failed run leaves nothing behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::OutputError;

/// A suffix unlikely to collide with anything: process id, a per-process counter
/// and the clock, in hex.
pub(crate) fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{:x}{:x}{:08x}", std::process::id(), n, nanos)
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
    /// Replace an empty directory or a previous run directory (one holding
    /// `manifest.json`); refuse anything else.
    RunDirOnly,
}

/// A directory under construction next to its final place; removed on drop unless
/// committed.
#[derive(Debug)]
pub struct PartialDir {
    target: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl PartialDir {
    /// Create `<target>.partial-XXXX` next to `target`, creating missing parent
    /// directories of `target`. Fails early if `target` exists and `replace` would
    /// not allow replacing it.
    pub fn create(target: &Path, replace: Replace) -> Result<Self, OutputError> {
        check_replaceable(target, replace)?;
        let name = target
            .file_name()
            .ok_or_else(|| OutputError::BadTarget {
                path: target.to_path_buf(),
                reason: "has no final component (give a directory name)",
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_err(&parent, "create parent directory"))?;
        for _ in 0..16 {
            let path = parent.join(format!("{name}.partial-{}", unique_suffix()));
            match fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(Self {
                        target: target.to_path_buf(),
                        path,
                        committed: false,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(&path, "create directory")(e)),
            }
        }
        Err(OutputError::BadTarget {
            path: target.to_path_buf(),
            reason: "could not find a free temporary name next to it",
        })
    }

    /// The directory being built.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Move the finished directory to its target, replacing an existing one as
    /// `replace` allows (the old one is moved aside first and deleted after).
    pub fn commit(mut self, replace: Replace) -> Result<PathBuf, OutputError> {
        check_replaceable(&self.target, replace)?;
        let target = self.target.clone();
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
        if let Some(aside) = old {
            let _ = fs::remove_dir_all(aside);
        }
        Ok(target)
    }
}

impl Drop for PartialDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Check, without touching anything, that a run could be written to `target` under
/// `replace` (the check [`PartialDir::create`] and [`PartialDir::commit`] make), so
/// a long computation can fail early on a bad output directory.
pub fn check_target(target: &Path, replace: Replace) -> Result<(), OutputError> {
    check_replaceable(target, replace)
}

fn check_replaceable(target: &Path, replace: Replace) -> Result<(), OutputError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(target, "inspect")(e)),
    };
    let refuse = |reason| {
        Err(OutputError::BadTarget {
            path: target.to_path_buf(),
            reason,
        })
    };
    if !meta.is_dir() {
        return refuse("exists and is not a directory");
    }
    match replace {
        Replace::Never => refuse("exists (overwriting is off)"),
        Replace::RunDirOnly => {
            let empty = fs::read_dir(target)
                .map_err(io_err(target, "list"))?
                .next()
                .is_none();
            if empty || target.join("manifest.json").is_file() {
                Ok(())
            } else {
                refuse("exists and is not a run directory (no manifest.json); not replacing it")
            }
        }
    }
}
