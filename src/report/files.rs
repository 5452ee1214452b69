//! Writing a report or deck folder as a whole: built beside the target and switched in at the
//! end, so that a reader sees the old folder or the new one, never a mix; the user's own files
//! kept, the previous run's stale files removed; one run at a time; the manifest lists the
//! inputs and files with their SHA-256.

use std::collections::HashSet;
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

/// `dir`'s sibling named `.{dir's name}.{what}`.
fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{what}"))
}

/// One run writes a directory at a time: a lock file beside it, holding the writer's process
/// id; a lock whose process is gone (a killed run) is taken over. Removed when dropped.
pub(crate) struct Lock(PathBuf);

impl Lock {
    fn take(dir: &Path) -> Result<Lock> {
        Lock::take_file(sibling(dir, "tradestat.lock"), dir)
    }

    /// The lock file `path` for `dir` (`fetch` keeps its lock inside its cache).
    pub(crate) fn take_file(path: PathBuf, dir: &Path) -> Result<Lock> {
        let io = |source| Error::Write {
            path: path.clone(),
            source,
        };
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    write!(f, "{}", std::process::id()).map_err(io)?;
                    return Ok(Lock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = std::fs::read_to_string(&path).unwrap_or_default();
                    let alive =
                        !pid.trim().is_empty() && Path::new("/proc").join(pid.trim()).exists();
                    if alive {
                        return Err(Error::Request(format!(
                            "another tradestat run (process {}) is writing {}; wait for it, or \
                             remove {} if it is not running",
                            pid.trim(),
                            dir.display(),
                            path.display()
                        )));
                    }
                    // Left by a run that was killed: take it over.
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(Error::Request(format!(
            "cannot take the lock {} for {}",
            path.display(),
            dir.display()
        )))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The files a previous run listed in `dir/manifest.json` (and the manifest itself): tradestat's,
/// to be replaced or removed; every other file in `dir` is the user's and is kept.
fn previous_run(dir: &Path) -> HashSet<String> {
    let mut ours = HashSet::new();
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return ours;
    };
    ours.insert("manifest.json".to_string());
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        for f in v["files"].as_array().into_iter().flatten() {
            if let Some(p) = f["path"].as_str() {
                ours.insert(p.to_string());
            }
        }
    }
    ours
}

/// Carry the user's files (those not in `ours`) from `from` into `to`, as hard links (copies
/// across devices), folder by folder.
fn keep_foreign(from: &Path, to: &Path, rel: &Path, ours: &HashSet<String>) -> Result<()> {
    let here = from.join(rel);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    for entry in std::fs::read_dir(&here).map_err(io(&here))? {
        let entry = entry.map_err(io(&here))?;
        let r = rel.join(entry.file_name());
        let key = r.to_string_lossy().replace('\\', "/");
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        if kind.is_dir() {
            std::fs::create_dir_all(to.join(&r)).map_err(io(&to.join(&r)))?;
            keep_foreign(from, to, &r, ours)?;
        } else if !ours.contains(&key) {
            let (src, dst) = (from.join(&r), to.join(&r));
            if std::fs::hard_link(&src, &dst).is_err() {
                std::fs::copy(&src, &dst).map_err(io(&dst))?;
            }
        }
    }
    Ok(())
}

/// Put the finished `staging` folder in the place of `dir` in one step: a reader sees the old
/// folder or the new one, never a mix. On Linux the two are exchanged atomically
/// (`renameat2(RENAME_EXCHANGE)`), and `staging` then holds the old folder; elsewhere the old
/// folder is moved aside first.
fn switch(staging: &Path, dir: &Path) -> Result<()> {
    let io = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    if std::fs::symlink_metadata(dir).is_err() {
        return std::fs::rename(staging, dir).map_err(io);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (
            std::ffi::CString::new(staging.as_os_str().as_bytes()),
            std::ffi::CString::new(dir.as_os_str().as_bytes()),
        );
        if let (Ok(a), Ok(b)) = (a, b) {
            // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
            let done = unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    a.as_ptr(),
                    libc::AT_FDCWD,
                    b.as_ptr(),
                    libc::RENAME_EXCHANGE,
                )
            };
            if done == 0 {
                return Ok(());
            }
        }
    }
    let old = sibling(dir, &format!("tradestat-old-{}", std::process::id()));
    std::fs::rename(dir, &old).map_err(io)?;
    if let Err(e) = std::fs::rename(staging, dir) {
        // Put the old folder back rather than leave none.
        let _ = std::fs::rename(&old, dir);
        return Err(io(e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Write `dir` as a whole: the user's files already there, plus `files` (paths relative to
/// `dir`), plus the manifest when given; tradestat's files from a previous run (those its
/// manifest lists) that this run does not write are removed. Built in a staging folder beside
/// `dir` and switched in at the end ([`switch`]), under a lock ([`Lock`]): a failure at any
/// point leaves `dir` as it was and no staging folder behind. Returns the files that existed
/// before and were replaced.
fn write_dir(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    manifest: Option<Vec<u8>>,
) -> Result<Vec<String>> {
    check(dir, files)?;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Request(format!(
            "{}: an output folder is needed, and this is a file",
            dir.display()
        )));
    }
    let _lock = Lock::take(dir)?;
    let parent = sibling(dir, "x")
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    mkdir(&parent)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    // Under the lock no other run is writing: staging folders of a killed run are stale.
    let stale = format!(".{name}.tradestat-staging-");
    if let Ok(entries) = std::fs::read_dir(&parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&stale) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    // Removed when dropped: on error, and after the switch when it holds the old folder.
    let staging = tempfile::Builder::new()
        .prefix(&stale)
        .tempdir_in(&parent)
        .map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;
    let _registered = crate::cleanup::register(staging.path().to_path_buf());
    let ours = previous_run(dir);
    if dir.is_dir() {
        keep_foreign(dir, staging.path(), Path::new(""), &ours)?;
    }
    let mut replaced = Vec::new();
    let all = files
        .iter()
        .map(|(r, b)| (r.as_str(), b.as_slice()))
        .chain(manifest.as_deref().map(|m| ("manifest.json", m)));
    for (rel, bytes) in all {
        let target = staging.path().join(rel);
        if let Some(p) = target.parent() {
            mkdir(p)?;
        }
        if dir.join(rel).exists() {
            replaced.push(rel.to_string());
        }
        std::fs::write(&target, bytes).map_err(|source| Error::Write {
            path: dir.join(rel),
            source,
        })?;
    }
    // The folder keeps its permissions.
    if let Ok(m) = std::fs::metadata(dir) {
        let _ = std::fs::set_permissions(staging.path(), m.permissions());
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
    switch(staging.path(), dir)?;
    Ok(replaced)
}

/// Write a folder of `files` (paths relative to `dir`) as a whole (see [`write_dir`]); with no
/// manifest, every file already in `dir` that this run does not write is kept.
pub fn write_plain(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<String>> {
    write_dir(dir, files, None)
}

/// Write `files` (paths relative to `dir`) and `manifest.json` listing them, as a whole (see
/// [`write_dir`]): the user's own files in `dir` are kept, the previous run's files that this
/// run does not write are removed. Returns the files that existed before and were replaced
/// (relative paths, the manifest included).
pub fn write(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    version: &str,
    command_line: Vec<String>,
    inputs: Vec<Entry>,
) -> Result<Vec<String>> {
    let entries: Vec<Entry> = files.iter().map(|(rel, b)| Entry::of(rel, b)).collect();
    let manifest = Manifest {
        tradestat_version: version.to_string(),
        command_line,
        inputs,
        files: entries,
    };
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Request(format!("manifest: {e}")))?;
    write_dir(dir, files, Some((json + "\n").into_bytes()))
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

    fn names(dir: &Path) -> Vec<String> {
        let mut v = Vec::new();
        fn walk(base: &Path, d: &Path, v: &mut Vec<String>) {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(base, &p, v);
                } else {
                    v.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
                }
            }
        }
        walk(dir, dir, &mut v);
        v.sort();
        v
    }

    #[test]
    fn a_second_run_removes_the_first_runs_stale_files_and_keeps_the_users() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("r");
        let first = vec![
            ("index.html".to_string(), b"1".to_vec()),
            ("charts/mirror.svg".to_string(), b"<svg/>".to_vec()),
        ];
        write(&dir, &first, "0", vec![], vec![]).unwrap();
        std::fs::write(dir.join("charts/my-notes.txt"), "mine").unwrap();
        let second = vec![("index.html".to_string(), b"2".to_vec())];
        write(&dir, &second, "0", vec![], vec![]).unwrap();
        assert_eq!(
            names(&dir),
            ["charts/my-notes.txt", "index.html", "manifest.json"]
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "2"
        );
        // Nothing left beside the folder: no staging folder, no lock.
        assert_eq!(names(root.path()).len(), 3);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failure_midway_leaves_the_old_folder_as_it_was() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("r");
        write(
            &dir,
            &[("index.html".to_string(), b"old".to_vec())],
            "0",
            vec![],
            vec![],
        )
        .unwrap();
        // The third file needs `a` to be a folder: the run fails while writing.
        let bad = vec![
            ("index.html".to_string(), b"new".to_vec()),
            ("a".to_string(), b"new".to_vec()),
            ("a/x".to_string(), b"new".to_vec()),
        ];
        assert!(write(&dir, &bad, "0", vec![], vec![]).is_err());
        assert_eq!(names(&dir), ["index.html", "manifest.json"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_second_concurrent_run_is_refused_and_a_stale_lock_taken_over() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("r");
        let lock = root.path().join(".r.tradestat.lock");
        // A running process (this one) holds the lock.
        std::fs::write(&lock, std::process::id().to_string()).unwrap();
        let e = write_plain(&dir, &[("a".to_string(), vec![])]).unwrap_err();
        assert!(e.to_string().contains("another tradestat run"), "{e}");
        assert!(!dir.exists());
        // A lock and a staging folder left by a process that was killed.
        std::fs::write(&lock, "999999999").unwrap();
        std::fs::create_dir(root.path().join(".r.tradestat-staging-dead")).unwrap();
        write_plain(&dir, &[("a".to_string(), vec![])]).unwrap();
        assert!(!lock.exists());
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_paths_outside() {
        let dir = std::env::temp_dir();
        let files = vec![("../x".to_string(), vec![])];
        assert!(write(&dir, &files, "0", vec![], vec![]).is_err());
    }
}
