//! Reading the files a run is given, each up to a size cap for its kind: `/dev/zero`, a
//! runaway pipe or a wrong path to a disk image must end in a clear error naming the file and
//! the cap, not in a run that reads until memory runs out. The caps are generous: each is many
//! times the largest such file anyone should write, and small enough that reading that much is
//! quick and fits in memory. Files are read as streams, so a plan given by process substitution
//! (`check <(envsubst < plan.tmpl)`, a pipe) reads like any other.
//!
//! The files a plan names (password and CA files) are read before any connection, all within
//! one `--timeout` ([`NamedFiles`]): a named pipe nobody writes to, or a terminal as
//! `/dev/stdin`, would otherwise hold the run forever before its first bounded step. Regular
//! files are read as they are; anything else is read on a thread of its own, all of them side
//! by side, and the run stops waiting for them at the deadline (it then exits with a plan
//! error, and the threads with it).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// A kind of input file and the most that is read of one.
#[derive(Debug, Clone, Copy)]
pub struct Cap {
    /// What the file is, for the message: "a plan".
    pub what: &'static str,
    pub bytes: u64,
    /// The first byte past any leading whitespace, when the kind has a fixed one: a stream of
    /// anything else is refused at once instead of read up to the cap.
    pub opens_with: Option<u8>,
}

/// A plan is about 1 KB; a table-level scope of 10,000 tables (`tables = ["db.table", ...]`)
/// about 250 KB. 4 MiB is sixteen times that.
pub const PLAN: Cap = Cap {
    what: "a plan",
    bytes: 4 << 20,
    opens_with: None,
};

/// A waiver is about 200 bytes: 4 MiB holds twenty thousand of them.
pub const WAIVERS: Cap = Cap {
    what: "a waivers file",
    bytes: 4 << 20,
    opens_with: None,
};

/// A bundle of a pair with 10,000 tables per tenant is 43 MB; 512 MiB holds more than ten
/// times that, and a replay of it still fits in a few GB of memory. A bundle is a JSON object.
pub const BUNDLE: Cap = Cap {
    what: "a bundle",
    bytes: 512 << 20,
    opens_with: Some(b'{'),
};

/// A password is at most a few hundred bytes; 64 KiB leaves room for anything around it.
pub const PASSWORD_FILE: Cap = Cap {
    what: "a password file",
    bytes: 64 << 10,
    opens_with: None,
};

/// A CA file holds one certificate or a few (about 2 KB each in PEM); Mozilla's whole root
/// store in PEM is about 230 KB. 1 MiB is four times that. PEM may open with comments or
/// OpenSSL's "Bag Attributes", so no first byte is required.
pub const CA_FILE: Cap = Cap {
    what: "a CA file",
    bytes: 1 << 20,
    opens_with: None,
};

impl Cap {
    /// The cap as people read it: "4 MiB".
    pub fn shown(&self) -> String {
        match self.bytes {
            bytes if bytes >= 1 << 20 && bytes % (1 << 20) == 0 => format!("{} MiB", bytes >> 20),
            bytes if bytes >= 1 << 10 && bytes % (1 << 10) == 0 => format!("{} KiB", bytes >> 10),
            bytes => format!("{bytes} bytes"),
        }
    }

    fn too_large(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than {}, the most read of {}",
                self.shown(),
                self.what
            ),
        )
    }
}

/// The text of the file at `path`, which must be UTF-8 and at most `cap` bytes: past the cap,
/// reading stops and the error says so.
pub fn read_text(path: &Path, cap: Cap) -> std::io::Result<String> {
    utf8(read_bytes(path, cap)?)
}

/// The files a plan names (password and CA files), read side by side and all by one deadline:
/// one `--timeout` from [`NamedFiles::start`]. A regular file is read when asked for, whatever
/// the time: it cannot hold the run. A pipe, a device or a socket is read on a thread of its
/// own from the start, once however many entries name it (`/dev/stdin` read twice would give
/// the second an empty password), and waited for until the deadline. Its kind is asked of its
/// path, which never blocks, as opening a pipe does until someone opens its other end.
pub struct NamedFiles {
    deadline: Instant,
    timeout: Duration,
    reads: RefCell<HashMap<PathBuf, Streamed>>,
}

/// A pipe or device being read, or what reading it gave.
enum Streamed {
    Reading(Receiver<std::io::Result<Vec<u8>>>),
    Read(Result<Vec<u8>, (std::io::ErrorKind, String)>),
}

/// What a thread reads of a pipe or a device at most: the largest cap of a file a plan names.
/// Each entry's own cap is checked when it is asked for.
const STREAMED: Cap = CA_FILE;

impl NamedFiles {
    /// Starts reading the pipes and devices among `paths`; every read ends by `timeout` from now.
    pub fn start<'p>(paths: impl IntoIterator<Item = &'p str>, timeout: Duration) -> NamedFiles {
        let files = NamedFiles {
            deadline: Instant::now() + timeout,
            timeout,
            reads: RefCell::new(HashMap::new()),
        };
        for path in paths {
            files.stream(Path::new(path));
        }
        files
    }

    /// The text of `path`, UTF-8 and at most `cap` bytes.
    pub fn text(&self, path: &Path, cap: Cap) -> std::io::Result<String> {
        utf8(self.bytes(path, cap)?)
    }

    /// The bytes of `path`, at most `cap`.
    pub fn bytes(&self, path: &Path, cap: Cap) -> std::io::Result<Vec<u8>> {
        if !self.stream(path) {
            return read_bytes(path, cap);
        }
        let mut reads = self.reads.borrow_mut();
        let streamed = reads.get_mut(path).expect("streamed above");
        if let Streamed::Reading(receiver) = streamed {
            let wait = self.deadline.saturating_duration_since(Instant::now());
            let result = receiver
                .recv_timeout(wait)
                .unwrap_or_else(|_| Err(self.passed()));
            *streamed = Streamed::Read(result.map_err(|error| (error.kind(), error.to_string())));
        }
        match streamed {
            Streamed::Read(Ok(bytes)) if bytes.len() as u64 > cap.bytes => Err(cap.too_large()),
            Streamed::Read(Ok(bytes)) => Ok(bytes.clone()),
            // Past the largest cap is past this one: said with this file's kind.
            Streamed::Read(Err((std::io::ErrorKind::FileTooLarge, _))) => Err(cap.too_large()),
            Streamed::Read(Err((kind, message))) => {
                Err(std::io::Error::new(*kind, message.as_str()))
            }
            Streamed::Reading(_) => unreachable!("received above"),
        }
    }

    /// Starts reading `path` on a thread when it is not a regular file (nor missing) and no
    /// read of it has started yet; whether it is read that way.
    fn stream(&self, path: &Path) -> bool {
        if self.reads.borrow().contains_key(path) {
            return true;
        }
        let regular = std::fs::metadata(path).map_or(true, |metadata| metadata.is_file());
        if regular {
            return false;
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        let owned = path.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("read-named-file".into())
            .spawn(move || {
                // The receiver is gone when the deadline passed first: nothing to tell.
                let _ = sender.send(read_bytes(&owned, STREAMED));
            });
        let streamed = match spawned {
            Ok(_) => Streamed::Reading(receiver),
            Err(error) => Streamed::Read(Err((error.kind(), error.to_string()))),
        };
        self.reads.borrow_mut().insert(path.to_path_buf(), streamed);
        true
    }

    fn passed(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "it did not end within {}s (--timeout): a pipe or a device nobody writes to and closes?",
                self.timeout.as_secs_f64()
            ),
        )
    }
}

fn utf8(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text".to_string(),
        )
    })
}

/// The bytes of the file at `path`, at most `cap`.
fn read_bytes(path: &Path, cap: Cap) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    // A regular file says its size: refuse it before reading. Anything else (a pipe, a
    // device) is read up to one byte past the cap.
    let size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|metadata| metadata.len());
    if size.is_some_and(|size| size > cap.bytes) {
        return Err(cap.too_large());
    }
    let mut bytes = Vec::with_capacity(size.map_or(64 << 10, |size| size as usize + 1));
    if let Some(expected) = cap.opens_with {
        // Up to the first byte that is not whitespace, one read at a time.
        let mut byte = [0u8];
        while file.read(&mut byte)? == 1 {
            bytes.push(byte[0]);
            if !byte[0].is_ascii_whitespace() {
                break;
            }
            if bytes.len() as u64 > cap.bytes {
                return Err(cap.too_large());
            }
        }
        if let Some(&first) = bytes.last()
            && first != expected
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not {}: it starts with {}, not `{}`",
                    cap.what,
                    shown_byte(first),
                    char::from(expected)
                ),
            ));
        }
    }
    let already = bytes.len() as u64;
    file.take(cap.bytes + 1 - already.min(cap.bytes + 1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap.bytes {
        return Err(cap.too_large());
    }
    Ok(bytes)
}

/// A byte for a message: `x` when printable, else its hex value.
fn shown_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("`{}`", char::from(byte))
    } else {
        format!("byte 0x{byte:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_its_cap_is_refused_naming_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        let small = Cap {
            what: "a test file",
            bytes: 8,
            opens_with: None,
        };
        std::fs::write(&path, "12345678").unwrap();
        assert_eq!(read_text(&path, small).unwrap(), "12345678");
        std::fs::write(&path, "123456789").unwrap();
        let error = read_text(&path, small).unwrap_err();
        assert_eq!(
            error.to_string(),
            "larger than 8 bytes, the most read of a test file"
        );
        assert_eq!(PLAN.shown(), "4 MiB");
        assert_eq!(PASSWORD_FILE.shown(), "64 KiB");
        assert_eq!(BUNDLE.shown(), "512 MiB");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_that_never_ends_stops_at_the_cap() {
        let error = read_text(Path::new("/dev/zero"), PLAN).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(error.to_string().contains("4 MiB"), "{error}");
        // A bundle is a JSON object: a stream of anything else is refused at its first byte.
        let error = read_text(Path::new("/dev/zero"), BUNDLE).unwrap_err();
        assert_eq!(
            error.to_string(),
            "not a bundle: it starts with byte 0x00, not `{`"
        );
    }

    /// A named pipe, made with mkfifo(1).
    #[cfg(unix)]
    fn fifo(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        path
    }

    #[cfg(unix)]
    #[test]
    fn pipes_nobody_writes_to_are_given_up_on_together_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (fifo(dir.path(), "first"), fifo(dir.path(), "second"));
        let started = Instant::now();
        let paths = [
            first.to_str().unwrap(),
            second.to_str().unwrap(),
            "/dev/zero",
        ];
        let files = NamedFiles::start(paths, Duration::from_millis(300));
        for path in [&first, &second] {
            let error = files.bytes(path, PASSWORD_FILE).unwrap_err();
            assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
            assert_eq!(
                error.to_string(),
                "it did not end within 0.3s (--timeout): a pipe or a device nobody writes to and closes?"
            );
        }
        // One deadline for all: the second pipe did not get a wait of its own.
        assert!(started.elapsed() < Duration::from_millis(1000));
        // A device read beside them still says what it is, even past the deadline.
        let error = files.bytes(Path::new("/dev/zero"), CA_FILE).unwrap_err();
        assert_eq!(
            error.to_string(),
            "larger than 1 MiB, the most read of a CA file"
        );
        let error = files
            .bytes(Path::new("/dev/zero"), PASSWORD_FILE)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "larger than 64 KiB, the most read of a password file"
        );
        // A regular file is read whatever the deadline: it cannot hold the run.
        let file = dir.path().join("pw");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(files.text(&file, PASSWORD_FILE).unwrap(), "x");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_written_in_time_reads_once_however_many_entries_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = fifo(dir.path(), "pipe");
        let files = NamedFiles::start([pipe.to_str().unwrap()], Duration::from_secs(10));
        let writer = {
            let pipe = pipe.clone();
            std::thread::spawn(move || std::fs::write(pipe, "pw\n").unwrap())
        };
        assert_eq!(files.text(&pipe, PASSWORD_FILE).unwrap(), "pw\n");
        assert_eq!(files.text(&pipe, PASSWORD_FILE).unwrap(), "pw\n");
        writer.join().unwrap();
    }

    #[test]
    fn leading_whitespace_counts_towards_the_cap_and_the_opening_byte_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let cap = Cap {
            what: "a bundle",
            bytes: 8,
            opens_with: Some(b'{'),
        };
        std::fs::write(&path, "  {}").unwrap();
        assert_eq!(read_text(&path, cap).unwrap(), "  {}");
        std::fs::write(&path, "[]").unwrap();
        assert!(
            read_text(&path, cap)
                .unwrap_err()
                .to_string()
                .contains("starts with `[`")
        );
        std::fs::write(&path, "").unwrap();
        assert_eq!(read_text(&path, cap).unwrap(), "");
    }
}
