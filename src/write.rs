//! Writing files safely: into a temporary file beside the target, renamed into place only when
//! complete, so a failure never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Write `path` atomically with the bytes `fill` writes.
pub fn atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut std::fs::File) -> Result<()>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tradestat-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp).map_err(write_err(path))?;
        fill(&mut file)?;
        file.flush().map_err(write_err(path))?;
        file.sync_all().map_err(write_err(path))?;
        std::fs::rename(&tmp, path).map_err(write_err(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
