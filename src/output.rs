//! Every output the tool writes, checked: stdout, `--report` files, the GitHub job summary,
//! bundles, fix scripts and the plan `init` writes.
//!
//! A file is written whole or not at all: the text goes to a temporary file beside the target,
//! which is then renamed over it. A reader, or the CI step after a run that was killed or ran
//! out of disk, finds the old file or the whole new one, never a truncated report that parses
//! as one. A failed write names the path and ends the run with [`exit::OUTPUT_FAILED`]: a CI
//! gate must not pass on a report nobody can read.
//!
//! A closed pipe on stdout (`check | head -1`) is the reader's choice, not a failure: it stays
//! quiet and the run keeps its own exit code, as ripgrep does.
//!
//! [`exit::OUTPUT_FAILED`]: crate::exit::OUTPUT_FAILED

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// An output that could not be written, naming it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write {path}: {error}")]
#[diagnostic(code(output::write))]
pub struct WriteError {
    /// The path as given, or `stdout` with the file it points to when that is known.
    pub path: String,
    pub error: std::io::Error,
    #[help]
    pub help: Option<&'static str>,
}

impl WriteError {
    /// A file that was not replaced: what was there before is still there, whole.
    fn file(path: &Path, error: std::io::Error) -> WriteError {
        WriteError {
            path: path.display().to_string(),
            error: without_temporary_name(error),
            help: Some(
                "the file was left as it was (the temporary file beside it is removed); free space or fix the path, and run again",
            ),
        }
    }

    /// A device, pipe or stream written in place: part of it may have been written.
    fn in_place(path: String, error: std::io::Error) -> WriteError {
        WriteError {
            path,
            error,
            help: None,
        }
    }

    /// Whether the write was refused because the target exists (`init --out`, which never
    /// overwrites).
    pub fn already_exists(&self) -> bool {
        self.error.kind() == ErrorKind::AlreadyExists
    }
}

/// Writes `text` to stdout. A reader that closed the pipe is not an error.
pub fn stdout(text: &str) -> Result<(), WriteError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(WriteError::in_place(stdout_name(), error)),
    }
}

/// Writes `text` to stderr, best effort: when stderr is gone (`2>&1 | head`) there is nowhere
/// left to say anything, and a note must not turn into a panic.
pub fn stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// "stdout", with the file it is redirected to when the system says (`stdout (/dev/full)`).
fn stdout_name() -> String {
    match std::fs::read_link("/proc/self/fd/1") {
        Ok(target) if target.is_absolute() => format!("stdout ({})", target.display()),
        _ => "stdout".to_string(),
    }
}

/// Replaces the file at `path` with `bytes`, atomically: a temporary file in the same
/// directory, written, synced and renamed over `path`. An existing file keeps its permissions;
/// a new one gets the usual `0666` less the umask, as a plain write would. A symbolic link is
/// followed, so the link stays and its target is replaced. A path that exists but is not a
/// regular file (`/dev/stdout`, `/dev/null`, a named pipe) is written in place: there is
/// nothing to rename over, and a temporary file in `/dev` would be wrong.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    if std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes))
            .map_err(|error| WriteError::in_place(path.display().to_string(), error));
    }
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let temporary =
        temporary_beside(&target, bytes).map_err(|error| WriteError::file(path, error))?;
    temporary
        .persist(&target)
        .map(drop)
        .map_err(|error| WriteError::file(path, error.error))
}

/// Writes `bytes` to a new file at `path`, atomically, and never over an existing one
/// (`init --out`): the rename refuses to replace a file that appeared meanwhile.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let failed = |error| WriteError::file(path, error);
    if path.symlink_metadata().is_ok() {
        return Err(failed(std::io::Error::new(
            ErrorKind::AlreadyExists,
            "it exists, and is never overwritten",
        )));
    }
    temporary_beside(path, bytes)
        .map_err(failed)?
        .persist_noclobber(path)
        .map(drop)
        .map_err(|error| failed(error.error))
}

/// Creates the directory `path` and its parents, for the files a command writes into it.
pub fn create_dir_all(path: &Path) -> Result<(), WriteError> {
    std::fs::create_dir_all(path)
        .map_err(|error| WriteError::in_place(path.display().to_string(), error))
}

/// Appends `bytes` to the file at `path`, creating it: for files whose contract is appending,
/// like `$GITHUB_STEP_SUMMARY` (GitHub gives each step its own, and several tools may add to it).
pub fn append(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|error| WriteError::in_place(path.display().to_string(), error))
}

/// The system's error without the temporary file's name tempfile adds to it (`… at path
/// "/dir/.report.json.x1Y2z3.tmp"`): the message names the target, the file people asked for.
/// tempfile keeps the original error private, so the suffix is cut from the text.
fn without_temporary_name(error: std::io::Error) -> std::io::Error {
    let text = error.to_string();
    match (error.get_ref().is_some(), text.rfind(" at path \"")) {
        (true, Some(cut)) => std::io::Error::new(error.kind(), &text[..cut]),
        _ => error,
    }
}

/// A temporary file beside `target` holding `bytes`, synced to disk: renamed over `target` it
/// is whole even after a crash. Named `.NAME.XXXXXX.tmp`, so one left by a killed run says
/// what it was; dropped, it is deleted, so a failed write leaves nothing behind.
fn temporary_beside(target: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{name}.");
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target)
            .map(|metadata| metadata.permissions().mode() & 0o7777)
            .unwrap_or(0o666);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut file = builder.tempfile_in(directory)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        replace(&path, b"first").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace(&path, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        // Nothing else is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace(&link, b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn a_failed_write_names_the_path_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("report.json");
        let error = replace(&missing, b"x").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("cannot write {}: ", missing.display()))
        );
        // A directory in the way: the rename fails, and the temporary file is removed.
        let in_the_way = dir.path().join("taken");
        std::fs::create_dir(&in_the_way).unwrap();
        assert!(replace(&in_the_way, b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_written_in_place() {
        replace(Path::new("/dev/null"), b"x").unwrap();
        let error = replace(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(error.error.kind(), ErrorKind::StorageFull);
        assert!(error.to_string().starts_with("cannot write /dev/full: "));
    }

    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dr.toml");
        create_new(&path, b"first").unwrap();
        let error = create_new(&path, b"second").unwrap_err();
        assert!(error.already_exists());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn appending_keeps_what_was_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append(&path, b"one\n").unwrap();
        append(&path, b"two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    }
}
