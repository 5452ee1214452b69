//! The local cache of fetched parts: one JSON file per request, keyed by the normalised
//! request, written to a temporary file and renamed, so an interrupted fetch leaves either a
//! whole part or none, and a later run resumes from the parts that are there.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// A cached part: the records of one request, or the mark that it came back at the row cap
/// (and was split), with when it was downloaded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedPart {
    /// The request URL without the base URL; the key is sent as a header, never in the URL.
    pub request: String,
    /// When the records were downloaded (UTC, RFC 3339).
    #[serde(rename = "downloadedAt")]
    pub downloaded_at: String,
    /// When `--refresh` last found the records unchanged.
    #[serde(rename = "checkedAt", default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
    /// The response had as many rows as the cap: it was split, its records are not used.
    #[serde(default)]
    pub capped: bool,
    #[serde(default)]
    pub data: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// The cache directory: `--cache-dir`, else `$XDG_CACHE_HOME/tradestat/comtrade`, else
/// `$HOME/.cache/tradestat/comtrade`.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("tradestat").join("comtrade"))
}

/// The cache of one directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

fn cache_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl Cache {
    /// Open (create) the cache directory, removing the temporary files of parts that a
    /// killed run (SIGKILL, power loss) was writing: older than an hour, they belong to no
    /// live run, and they were never a part.
    pub fn open(dir: &Path) -> Result<Cache> {
        let parts = dir.join("parts");
        std::fs::create_dir_all(&parts).map_err(cache_err(&parts))?;
        if let Ok(entries) = std::fs::read_dir(&parts) {
            let hour = std::time::Duration::from_secs(3600);
            for e in entries.flatten() {
                let stale = e.file_name().to_string_lossy().ends_with(".tradestat.tmp")
                    && e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > hour));
                if stale {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(Cache {
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a request: SHA-256 of its normalised form (endpoint, path and parameters in
    /// a fixed order; neither the base URL nor the key).
    pub fn key(request: &str) -> String {
        let digest = Sha256::digest(request.as_bytes());
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    fn path(&self, request: &str) -> PathBuf {
        self.dir
            .join("parts")
            .join(format!("{}.json", Cache::key(request)))
    }

    /// The cached part of a request, if there is a whole one. A file that does not parse (it
    /// cannot be half-written, but it may have been edited) is treated as missing.
    pub fn get(&self, request: &str) -> Option<CachedPart> {
        let bytes = std::fs::read(self.path(request)).ok()?;
        let part: CachedPart = serde_json::from_slice(&bytes).ok()?;
        (part.request == request).then_some(part)
    }

    /// Store a part: temporary file and rename, so that readers see the old part or the new.
    pub fn put(&self, part: &CachedPart) -> Result<()> {
        let path = self.path(&part.request);
        let text = serde_json::to_string(part).map_err(|e| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        crate::write::text(&path, &text)
    }

    /// Requests made on `day` (UTC, `YYYY-MM-DD`), from the cache's ledger.
    pub fn requests_on(&self, day: &str) -> u64 {
        std::fs::read_to_string(self.dir.join("requests.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Ledger>(&t).ok())
            .filter(|l| l.day == day)
            .map_or(0, |l| l.requests)
    }

    /// Count one more request on `day` in the ledger (atomically replaced).
    pub fn count_request(&self, day: &str) -> Result<u64> {
        let n = self.requests_on(day) + 1;
        let ledger = Ledger {
            day: day.to_string(),
            requests: n,
        };
        let text = serde_json::to_string(&ledger).unwrap_or_default();
        crate::write::text(&self.dir.join("requests.json"), &text)?;
        Ok(n)
    }
}

/// Requests made per UTC day, so that the daily cap holds across runs.
#[derive(Debug, Serialize, Deserialize)]
struct Ledger {
    day: String,
    requests: u64,
}

/// Now in UTC as RFC 3339 (`2026-12-01T17:30:05Z`), without a date library.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_from_unix(secs)
}

/// RFC 3339 UTC time of a Unix time (days to civil date: Howard Hinnant's algorithm).
pub fn utc_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a civil date (the inverse of `civil_from_days`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(utc_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_from_unix(1_796_145_605), "2026-12-01T17:20:05Z");
        for days in [-1000, 0, 11_016, 20_788, 40_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn parts_and_the_ledger_survive_a_new_process() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        assert!(cache.get("/a?x=1").is_none());
        let mut row = serde_json::Map::new();
        row.insert("refYear".into(), 2014.into());
        let part = CachedPart {
            request: "/a?x=1".into(),
            downloaded_at: "2026-12-01T00:00:00Z".into(),
            checked_at: None,
            capped: false,
            data: vec![row],
        };
        cache.put(&part).unwrap();
        let again = Cache::open(dir.path()).unwrap();
        let got = again.get("/a?x=1").unwrap();
        assert_eq!(got.data, part.data);
        assert_eq!(got.downloaded_at, part.downloaded_at);
        // A damaged file is a missing part, not an error.
        let file = again.path("/a?x=1");
        std::fs::write(&file, "{\"request\": \"/a?x=1\", \"data\": [").unwrap();
        assert!(again.get("/a?x=1").is_none());
        assert_eq!(again.requests_on("2026-12-01"), 0);
        assert_eq!(again.count_request("2026-12-01").unwrap(), 1);
        assert_eq!(again.count_request("2026-12-01").unwrap(), 2);
        assert_eq!(again.requests_on("2026-12-01"), 2);
        assert_eq!(again.requests_on("2026-12-02"), 0);
    }

    #[test]
    fn a_killed_writer_s_old_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let parts = dir.path().join("parts");
        std::fs::create_dir_all(&parts).unwrap();
        let (old, new) = (
            parts.join(".a.json.x1.tradestat.tmp"),
            parts.join(".b.json.x2.tradestat.tmp"),
        );
        std::fs::write(&old, "{").unwrap();
        std::fs::write(&new, "{").unwrap();
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        Cache::open(dir.path()).unwrap();
        assert!(!old.exists());
        // A run that is writing now keeps its file.
        assert!(new.exists());
    }
}
