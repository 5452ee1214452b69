//! Writing files safely: into a temporary file beside the target, renamed into place only when
//! complete, so a failure never leaves a half-written file; special files and links are never
//! replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Write `path` with the bytes `fill` writes, so that a failure never leaves half a file and
/// nothing but the target is ever changed:
///
/// - a regular file (or a new one) is written to a temporary file in the same directory and
///   renamed over the target only when complete; a replaced file keeps its permissions, a new
///   one gets the usual ones (0666 less the umask); on error the temporary file is removed;
/// - a link is followed: the file it points to is replaced, the link stays a link;
/// - a special file (`/dev/null`, `/dev/stdout`, a pipe) is written through, never replaced;
/// - a directory is refused.
pub fn atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut std::fs::File) -> Result<()>,
{
    let refuse = |message: String| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(message),
    };
    // `metadata` follows links: this is what the target really is.
    let existing = std::fs::metadata(path).ok();
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(refuse("a directory, not a file".into()));
        }
        if !m.is_file() {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(write_err(path))?;
            fill(&mut f)?;
            return f.flush().map_err(write_err(path));
        }
    }
    let target: PathBuf = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() && existing.is_some() => {
            std::fs::canonicalize(path).map_err(write_err(path))?
        }
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            ),
        });
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let prefix = format!(".{name}.");
    // Registered for removal on interruption before it exists, so that no moment is left in
    // which an interrupted run could leave it behind.
    let mut registered = None;
    // Removed when dropped: on every error path below.
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tradestat.tmp")
        .make_in(&dir, |p| {
            registered = Some(crate::cleanup::register(p.to_path_buf()));
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                // The usual permissions of a new file (0666 less the umask).
                open.mode(0o666);
            }
            open.open(p)
        })
        .map_err(write_err(path))?;
    fill(tmp.as_file_mut())?;
    tmp.as_file_mut().flush().map_err(write_err(path))?;
    tmp.as_file().sync_all().map_err(write_err(path))?;
    if let Some(m) = &existing {
        tmp.as_file()
            .set_permissions(m.permissions())
            .map_err(write_err(path))?;
    }
    tmp.persist(&target).map_err(|e| write_err(path)(e.error))?;
    Ok(())
}

/// Write bytes atomically.
pub fn bytes(path: &Path, content: &[u8]) -> Result<()> {
    atomic(path, |f| f.write_all(content).map_err(write_err(path)))
}

/// Write text atomically.
pub fn text(path: &Path, content: &str) -> Result<()> {
    atomic(path, |f| {
        f.write_all(content.as_bytes()).map_err(write_err(path))
    })
}

/// Write a frame as CSV (header, comma, `.` decimals) atomically.
pub fn csv(path: &Path, df: &mut DataFrame) -> Result<()> {
    atomic(path, |f| {
        CsvWriter::new(f)
            .include_header(true)
            .finish(df)
            .map_err(Error::polars(format!(
                "{}: cannot write CSV",
                path.display()
            )))
    })
}

/// Write a frame as Parquet atomically.
pub fn parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    atomic(path, |f| {
        ParquetWriter::new(f)
            .finish(df)
            .map(|_| ())
            .map_err(Error::polars(format!(
                "{}: cannot write Parquet",
                path.display()
            )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_device_is_written_through_not_replaced() {
        // /dev/null exists on every Unix; writing must not turn it into a regular file.
        text(Path::new("/dev/null"), "hello").unwrap();
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null became a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions_and_a_link_stays_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("out.txt");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        text(&f, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        text(&link, "via link").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "via link");
        // Nothing left beside the output.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("out.txt");
        let r = atomic(&f, |_| Err(Error::Request("stop".into())));
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(text(dir.path(), "x").is_err());
    }
}
