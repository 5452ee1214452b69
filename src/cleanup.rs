//! What to remove if the process is interrupted: temporary files and staging folders in use.
//!
//! Writers register a path while it exists and drop the guard when it is gone (renamed into
//! place or removed); the binary's Ctrl-C / SIGTERM handler calls [`remove_all`] before it exits,
//! so an interrupted `convert` or `report` leaves nothing behind. The library installs no
//! handler itself: that is the binary's choice.

use std::path::PathBuf;
use std::sync::Mutex;

static PATHS: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A registered path; unregistered when dropped.
pub struct Guard(u64);

/// Register `path` (a file or a folder) for removal if the process is interrupted.
pub fn register(path: PathBuf) -> Guard {
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Ok(mut v) = PATHS.lock() {
        v.push((id, path));
    }
    Guard(id)
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut v) = PATHS.lock() {
            v.retain(|(id, _)| *id != self.0);
        }
    }
}

/// Remove every registered path (on interruption).
pub fn remove_all() {
    let paths: Vec<PathBuf> = match PATHS.lock() {
        Ok(v) => v.iter().map(|(_, p)| p.clone()).collect(),
        Err(_) => return,
    };
    for p in paths {
        if p.is_dir() {
            let _ = std::fs::remove_dir_all(&p);
        } else {
            let _ = std::fs::remove_file(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_paths_are_removed_and_dropped_guards_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.tmp"), dir.path().join("b"));
        std::fs::write(&a, "x").unwrap();
        std::fs::create_dir(&b).unwrap();
        let (_ga, gb) = (register(a.clone()), register(b.clone()));
        drop(gb);
        remove_all();
        assert!(!a.exists());
        assert!(b.exists(), "a dropped guard's path is not removed");
    }
}
