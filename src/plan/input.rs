//! Reading the files a run is given, each up to a size cap for its kind: `/dev/zero`, a
//! runaway pipe or a wrong path to a disk image must end in a clear error naming the file and
//! the cap, not in a run that reads until memory runs out. The caps are generous: each is many
//! times the largest such file anyone should write, and small enough that reading that much is
//! quick and fits in memory. Files are read as streams, so a plan given by process substitution
//! (`check <(envsubst < plan.tmpl)`, a pipe) reads like any other.

use std::io::Read;
use std::path::Path;

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
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text".to_string(),
        )
    })
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
