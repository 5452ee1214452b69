//! Writing a report directory: every file written atomically, files tradestat did not write left
//! alone, the replaced ones named; the manifest (inputs and files with SHA-256) written last.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file in the manifest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

impl Entry {
    pub fn of(path: &str, bytes: &[u8]) -> Entry {
        Entry {
            path: path.to_string(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        }
    }
}

/// The manifest entry of a file on disk, hashed in chunks.
pub fn entry_of_file(path: &Path) -> Result<Entry> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(io)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok(Entry {
        path: path.display().to_string(),
        sha256: h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        bytes: n,
    })
}

/// The manifest: what went in, what came out, and how.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub tradestat_version: String,
    pub command_line: Vec<String>,
    pub inputs: Vec<Entry>,
    pub files: Vec<Entry>,
}

fn mkdir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// Check that every file can be written: a path inside `dir`, no directory in the way.
fn check(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    for (rel, _) in files {
        let p = Path::new(rel);
        if p.is_absolute()
            || p.components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::Request(format!(
                "{rel}: an output name must be a plain relative path"
            )));
        }
        let target = dir.join(p);
        if target.is_dir() {
            return Err(Error::Write {
                path: target,
                source: std::io::Error::other("a directory is in the way"),
            });
        }
    }
    Ok(())
}

/// Write `files` (paths relative to `dir`), each atomically, leaving every other file alone.
/// Returns the files that existed before and were replaced.
pub fn write_plain(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<String>> {
    check(dir, files)?;
    mkdir(dir)?;
    let mut replaced = Vec::new();
    for (rel, bytes) in files {
        let target: PathBuf = dir.join(rel);
        if let Some(parent) = target.parent() {
            mkdir(parent)?;
        }
        if target.exists() {
            replaced.push(rel.clone());
        }
        crate::write::atomic(&target, |f| {
            use std::io::Write;
            f.write_all(bytes).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })
        })?;
    }
    Ok(replaced)
}

/// Write `files` (paths relative to `dir`) and then `manifest.json` listing them, each file
/// atomically. Nothing else in `dir` is touched. Returns the files that existed before and were
/// replaced (relative paths, the manifest included).
pub fn write(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    version: &str,
    command_line: Vec<String>,
    inputs: Vec<Entry>,
) -> Result<Vec<String>> {
    let mut replaced = write_plain(dir, files)?;
    let entries: Vec<Entry> = files.iter().map(|(rel, b)| Entry::of(rel, b)).collect();
    let manifest = Manifest {
        tradestat_version: version.to_string(),
        command_line,
        inputs,
        files: entries,
    };
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Request(format!("manifest: {e}")))?;
    let mpath = dir.join("manifest.json");
    if mpath.exists() {
        replaced.push("manifest.json".into());
    }
    crate::write::text(&mpath, &(json + "\n"))?;
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn writes_leaves_foreign_files_and_names_replaced() {
        let dir =
            std::env::temp_dir().join(format!("tradestat-report-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("mine.txt"), "keep").unwrap();
        std::fs::write(dir.join("index.html"), "old").unwrap();
        let files = vec![
            ("index.html".to_string(), b"new".to_vec()),
            ("charts/a.svg".to_string(), b"<svg/>".to_vec()),
        ];
        let replaced = write(&dir, &files, "0.1.0", vec!["tradestat".into()], vec![]).unwrap();
        assert_eq!(replaced, ["index.html"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("mine.txt")).unwrap(),
            "keep"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "new"
        );
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m["files"][1]["path"], "charts/a.svg");
        assert_eq!(m["files"][1]["sha256"], sha256_hex(b"<svg/>"));
        let again = write(&dir, &files, "0.1.0", vec![], vec![]).unwrap();
        assert_eq!(again, ["index.html", "charts/a.svg", "manifest.json"]);
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_paths_outside() {
        let dir = std::env::temp_dir();
        let files = vec![("../x".to_string(), vec![])];
        assert!(write(&dir, &files, "0", vec![], vec![]).is_err());
    }
}
