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

/// Whether this process may write into (or, for a special file, to) `path`.
fn writable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path for the duration of the call.
        unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
    }
}

/// Check, before any work is done, that `path` can be written, so that a run that could not
/// write its output fails at once instead of after reading its inputs. A file (`folder`
/// false): its folder exists and is writable; a special file (`/dev/null`) is writable itself;
/// a directory is refused. A folder (`folder` true, report and deck outputs): the nearest
/// existing folder on its path is writable, and no file stands where a folder must be created.
pub fn check_target(path: &Path, folder: bool) -> Result<()> {
    let fail = |p: &Path, kind: std::io::ErrorKind, why: String| Error::Write {
        path: p.to_path_buf(),
        source: std::io::Error::new(kind, why),
    };
    let existing = std::fs::metadata(path).ok();
    if folder {
        if existing.as_ref().is_some_and(|m| !m.is_dir()) {
            // The commands say it in their own words (an output folder is needed).
            return Ok(());
        }
        let mut at = path.to_path_buf();
        loop {
            if std::fs::metadata(&at).is_ok() {
                break;
            }
            match at.parent() {
                Some(p) if !p.as_os_str().is_empty() => at = p.to_path_buf(),
                _ => {
                    at = PathBuf::from(".");
                    break;
                }
            }
        }
        if !at.is_dir() {
            return Err(fail(
                path,
                std::io::ErrorKind::NotADirectory,
                format!("{} is a file, not a folder", at.display()),
            ));
        }
        if !writable(&at) {
            return Err(fail(
                path,
                std::io::ErrorKind::PermissionDenied,
                format!("the folder {} is not writable", at.display()),
            ));
        }
        return Ok(());
    }
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(fail(
                path,
                std::io::ErrorKind::IsADirectory,
                "a directory, not a file".into(),
            ));
        }
        if !m.is_file() {
            return if writable(path) {
                Ok(())
            } else {
                Err(fail(
                    path,
                    std::io::ErrorKind::PermissionDenied,
                    "not writable".into(),
                ))
            };
        }
    }
    // A link to a file is replaced where the file is (see [`atomic`]).
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(fail(
            path,
            std::io::ErrorKind::NotFound,
            format!("directory {} does not exist", dir.display()),
        ));
    }
    if !writable(&dir) {
        return Err(fail(
            path,
            std::io::ErrorKind::PermissionDenied,
            format!("the folder {} is not writable", dir.display()),
        ));
    }
    Ok(())
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

/// The first characters that make a spreadsheet run a CSV cell as a formula (see
/// [`crate::output::formula_safe`], the same rule for the tables).
const FORMULA_STARTS: [&str; 6] = ["=", "+", "-", "@", "\t", "\r"];

/// Whether text begins, after any quotes, with a character that starts a formula.
fn risky(s: &Expr) -> Expr {
    let rest = s.clone().str().strip_chars_start(lit("'"));
    FORMULA_STARTS
        .iter()
        .map(|c| rest.clone().str().starts_with(lit(*c)))
        .reduce(|a, b| a.or(b))
        .expect("formula characters")
}

/// Text that a reader of [`guard_formulas`]'s CSV takes one quote off: it begins with a quote,
/// then (after any more quotes) a formula character.
fn quoted_and_risky(s: &Expr) -> Expr {
    s.clone().str().starts_with(lit("'")).and(risky(s))
}

/// The text columns of a canonical table for a CSV file that is read back by tradestat
/// ([`unguarded`] undoes this exactly) and opened in spreadsheets. With the guard
/// (`keep_formulas` false), text that begins with a formula character after any quotes gets a
/// leading `'` (OWASP's rule, as for `--output csv`). With `--keep-formulas` formulas are
/// written as they are, but text that already begins with a quote before one still gets a
/// `'`, so that reading the file back gives it as it was. Numbers are never changed.
pub fn guard_formulas(df: DataFrame, keep_formulas: bool) -> Result<DataFrame> {
    let exprs: Vec<Expr> = df
        .columns()
        .iter()
        .map(|c| {
            let s = col(c.name().clone());
            if c.dtype() != &DataType::String {
                return s;
            }
            let guard = if keep_formulas {
                quoted_and_risky(&s)
            } else {
                risky(&s)
            };
            when(guard)
                .then(concat_str([lit("'"), s.clone()], "", false))
                .otherwise(s)
                .alias(c.name().clone())
        })
        .collect();
    df.lazy()
        .select(exprs)
        .collect()
        .map_err(Error::polars("cannot neutralise formulas in the CSV table"))
}

/// A text column of a canonical CSV file as it was before [`guard_formulas`]: one leading `'`
/// off text that begins with quotes before a formula character. A guarded file (tradestat's,
/// or any writer following OWASP's rule) reads back exactly; a hand-made file's cell
/// `'=x` reads `=x`, as a spreadsheet shows it.
pub(crate) fn unguarded(s: Expr) -> Expr {
    when(quoted_and_risky(&s))
        .then(s.clone().str().strip_prefix(lit("'")))
        .otherwise(s)
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
    fn targets_are_checked_before_work() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(check_target(&tmp.path().join("new.xlsx"), false).is_ok());
        assert!(check_target(&file, false).is_ok());
        assert!(check_target(Path::new("/dev/null"), false).is_ok());
        let e = check_target(&tmp.path().join("no/such/x.xlsx"), false).unwrap_err();
        assert!(e.to_string().contains("x.xlsx"), "{e}");
        assert!(check_target(tmp.path(), false).is_err(), "a directory");
        assert!(check_target(&tmp.path().join("a/b/c"), true).is_ok());
        let e = check_target(&file.join("deck"), true).unwrap_err();
        assert!(
            format!("{:?}", e).contains("is a file, not a folder"),
            "{e:?}"
        );
        assert_eq!(e.exit_code(), 73);
    }

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
