//! `fetch --bulk`: the data API's bulk files (every partner, flow and product of one reporter
//! and period, gzip-compressed), listed, downloaded whole, checked and cached by their listing
//! entry, then written one file per listed file into a folder or stitched into one table.
//!
//! The listing (`/bulk/v1/get/C/{freq}/{classification}?reporterCode=..&period=..`) answers in
//! the data API's envelope, one entry per file with `fileUrl`, `fileSize`, `reporterCode`,
//! `period`, `refPeriodId`, `classificationCode`, `isOriginalClassification` and
//! `publicationDate`; it is cached as any other request. A file is cached under its `fileUrl`
//! and `publicationDate`: a file republished under a new date is downloaded again, and named.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cache::{Cache, CachedPart, now_utc};
use super::{Endpoint, Options, Planned, Progress, QueryText, client};
use crate::error::{Error, Result};

/// A bulk query in the API's codes: reporters (`None`: every reporter), periods, frequency and
/// classification. Bulk files hold every partner, flow and product: those are chosen when the
/// files are read (`-p`, `--products`), not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkQuery {
    pub freq: String,
    pub classification: String,
    pub reporters: Option<Vec<i32>>,
    pub periods: Vec<String>,
}

impl BulkQuery {
    /// Resolve the query's reporters (or `all`), years, `--monthly` and classification; the
    /// options that bulk files cannot honour are refused with what to do instead.
    pub fn resolve(text: &QueryText) -> Result<BulkQuery> {
        let unused = [
            ("--partner", !text.partners.is_empty()),
            ("--flows", !text.flows.is_empty()),
            ("--products", !text.products.is_empty()),
            ("--level", text.level.is_some()),
        ];
        if let Some((option, _)) = unused.iter().find(|(_, given)| *given) {
            return Err(Error::Request(format!(
                "{option} does not apply to --bulk: a bulk file holds every partner, flow and \
                 product of one reporter and period; choose them when reading the files (e.g. \
                 tradestat summary FILES -p MEX --products 27)"
            )));
        }
        let all = text.reporters.iter().any(|r| r.eq_ignore_ascii_case("all"));
        if all && text.reporters.len() > 1 {
            return Err(Error::Request(
                "--reporter all means every reporter: give it alone".into(),
            ));
        }
        // The reporters, years and classification are resolved as for the data API (the
        // stand-in reporter only lets `all` through the same checks).
        let stand_in = vec!["USA".to_string()];
        let part = QueryText {
            reporters: if all {
                stand_in
            } else {
                text.reporters.clone()
            },
            partners: Vec::new(),
            flows: Vec::new(),
            products: Vec::new(),
            level: None,
            ..text.clone()
        }
        .resolve()?;
        Ok(BulkQuery {
            freq: part.freq,
            classification: part.classification,
            reporters: (!all).then_some(part.reporters),
            periods: part.periods,
        })
    }

    /// The listing requests: one per reporter (every reporter in one), all periods in each.
    pub fn listing_requests(&self) -> Vec<String> {
        let path = format!("/bulk/v1/get/C/{}/{}", self.freq, self.classification);
        let period = self.periods.join(",");
        match &self.reporters {
            None => vec![format!("{path}?period={period}")],
            Some(rs) => rs
                .iter()
                .map(|r| format!("{path}?reporterCode={r}&period={period}"))
                .collect(),
        }
    }

    /// Whether a listed file belongs to the query (the listing is filtered here too, in case
    /// the server ignores a parameter).
    fn wants(&self, f: &BulkFile) -> bool {
        self.reporters
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|r| i64::from(*r) == f.reporter))
            && (self.periods.contains(&f.period) || self.periods.contains(&f.ref_period))
    }
}

/// One listed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkFile {
    /// The listing's `fileUrl`: a URL, or the file's id.
    pub file_url: String,
    /// The listing's `publicationDate` (empty when it has none).
    pub published: String,
    /// The listing's `fileSize` as written (`"183.34 KB"`).
    pub size: Option<String>,
    pub reporter: i64,
    pub period: String,
    pub ref_period: String,
    /// The file's name in a folder output:
    /// `{type}_{freq}_{reporter}_{refPeriodId}_{classification}_{O|C}.txt.gz`.
    pub name: String,
}

fn text_of(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Letters, digits, `-` and `_` only: a listing cannot name a path outside the folder.
fn safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

impl BulkFile {
    /// A listing entry; `None` for an entry without a file or a reporter.
    pub fn from_entry(e: &serde_json::Map<String, serde_json::Value>) -> Option<BulkFile> {
        let file_url = text_of(e.get("fileUrl"));
        let reporter: i64 = text_of(e.get("reporterCode")).parse().ok()?;
        if file_url.trim().is_empty() {
            return None;
        }
        let period = text_of(e.get("period"));
        let ref_period = text_of(e.get("refPeriodId"));
        let original = match e.get("isOriginalClassification") {
            Some(serde_json::Value::Bool(false)) => "C",
            _ => "O",
        };
        let name = format!(
            "{}_{}_{}_{}_{}_{original}.txt.gz",
            safe(&text_of(e.get("typeCode"))),
            safe(&text_of(e.get("freqCode"))),
            reporter,
            safe(if ref_period.is_empty() {
                &period
            } else {
                &ref_period
            }),
            safe(&text_of(e.get("classificationCode"))),
        );
        Some(BulkFile {
            file_url,
            published: text_of(e.get("publicationDate")),
            size: e.get("fileSize").map(|v| text_of(Some(v))),
            reporter,
            period,
            ref_period,
            name,
        })
    }

    /// The download request against the configured base URL: the path of an absolute
    /// `fileUrl` (so that the key goes to no other host than `--api-url`'s), else
    /// `/bulk/v1/file/{reporterCode}/{fileUrl}` (the form of comtradr's recorded downloads).
    pub fn request(&self) -> String {
        let u = self.file_url.trim();
        if let Some(rest) = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"))
        {
            return rest.find('/').map_or("/".into(), |i| rest[i..].to_string());
        }
        if u.starts_with('/') {
            return u.to_string();
        }
        format!("/bulk/v1/file/{}/{}", self.reporter, safe(u))
    }

    /// The cache key of this version of the file: its `fileUrl` and `publicationDate`.
    fn key(&self) -> String {
        Cache::key(&format!("bulk|{}|{}", self.file_url, self.published))
    }

    fn published_day(&self) -> &str {
        &self.published[..10.min(self.published.len())]
    }
}

/// What the cache knows of the file of one name: the version last downloaded.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    #[serde(rename = "fileUrl")]
    file_url: String,
    #[serde(rename = "publicationDate")]
    published: String,
    #[serde(rename = "downloadedAt")]
    downloaded_at: String,
    sha256: String,
    bytes: u64,
}

/// The listing of a query.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<BulkFile>,
    /// Listing requests answered from the cache.
    pub from_cache: usize,
    /// HTTP requests sent (retries included).
    pub requests: u64,
}

/// A downloaded (or cached) file, ready to be written.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub file: BulkFile,
    /// The file in the cache, whole and checked.
    pub path: PathBuf,
    pub downloaded_at: String,
    pub cached: bool,
}

/// The outcome of a bulk fetch.
#[derive(Debug, Default)]
pub struct BulkFetched {
    pub files: Vec<Downloaded>,
    pub listing_from_cache: usize,
    pub requests: u64,
    /// Files downloaded again because their listing entry changed: what changed.
    pub revised: Vec<String>,
}

/// What `--dry-run` prints: the listing requests, each download it would make (cached or
/// not), and the counts.
pub fn dry_run_text(
    query: &BulkQuery,
    listing: &Listing,
    planned: &[Planned],
    base_url: &str,
) -> String {
    let cached = planned.iter().filter(|p| p.cached).count();
    let base = base_url.trim_end_matches('/');
    let mut text = String::new();
    for r in query.listing_requests() {
        text.push_str(&format!("listing: GET {base}{r}\n"));
    }
    for p in planned {
        text.push_str(&format!(
            "GET {}  {}{}\n",
            p.url,
            p.describe,
            if p.cached { "  (cached)" } else { "" }
        ));
    }
    text.push_str(&format!(
        "{} file(s) listed ({} listing request(s) from the cache, {} sent): {} to download, {} already cached; nothing was downloaded\n",
        planned.len(),
        listing.from_cache,
        listing.requests,
        planned.len() - cached,
        cached
    ));
    text
}

impl BulkFetched {
    /// What the reader is told of a bulk fetch written to `out`: files listed, downloaded and
    /// cached, requests, revisions found by a refresh, where the files went.
    pub fn notes(&self, refresh: bool, out: &Path) -> Vec<String> {
        let downloaded = self.files.iter().filter(|f| !f.cached).count();
        let mut notes = vec![format!(
            "bulk: {} file(s) listed ({} listing request(s) from the cache), {} downloaded, {} from the cache, {} request(s)",
            self.files.len(),
            self.listing_from_cache,
            downloaded,
            self.files.len() - downloaded,
            self.requests
        )];
        if refresh && self.revised.is_empty() {
            notes.push("refresh: no file changed since it was cached".into());
        }
        for r in &self.revised {
            notes.push(format!("refresh: file revised: {r}"));
        }
        notes.push(if is_folder(out) {
            format!("wrote {} file(s) into {}", self.files.len(), out.display())
        } else {
            format!(
                "wrote {} file(s) stitched into {}",
                self.files.len(),
                out.display()
            )
        });
        notes
    }
}

/// The folder of the bulk files in the cache, and of the records of what was downloaded.
fn bulk_dir(options: &Options) -> PathBuf {
    options.cache_dir.join("bulk")
}

fn require_key(options: &Options) -> Result<()> {
    if options.key.is_none() || options.preview {
        return Err(Error::ApiKey(
            "--bulk needs the data API and a subscription key with bulk access (a premium \
             key): set COMTRADE_API_KEY (or comtrade_api_key in ~/.config/tradestat/config.toml); \
             --preview has no bulk files"
                .into(),
        ));
    }
    Ok(())
}

/// A client, started at the first request.
fn client_of<'a>(
    client: &'a mut Option<client::Client>,
    options: &Options,
) -> Result<&'a mut client::Client> {
    Ok(match client {
        Some(c) => c,
        None => client.insert(client::Client::new(
            &options.base_url,
            options.key.clone(),
            options.politeness.clone(),
        )?),
    })
}

/// List the files of `query`: from the cache unless `options.refresh`, else from the API.
fn list_with(
    query: &BulkQuery,
    options: &Options,
    cache: &Cache,
    client: &mut Option<client::Client>,
    progress: &dyn Progress,
) -> Result<Listing> {
    let mut out = Listing::default();
    for request in query.listing_requests() {
        let entries = match cache.get(&request) {
            Some(c) if !options.refresh => {
                out.from_cache += 1;
                c.data
            }
            _ => {
                let c = client_of(client, options)?;
                let answer = c.get(&request, Endpoint::Data, cache, progress)?;
                cache.put(&CachedPart {
                    request: request.clone(),
                    downloaded_at: now_utc(),
                    checked_at: None,
                    capped: false,
                    data: answer.records.clone(),
                })?;
                answer.records
            }
        };
        for e in &entries {
            if let Some(f) = BulkFile::from_entry(e)
                && query.wants(&f)
                && !out.files.iter().any(|g| g.file_url == f.file_url)
            {
                out.files.push(f);
            }
        }
    }
    if let Some(c) = client {
        out.requests = c.sent;
    }
    // Two files of one name would overwrite each other in a folder.
    for (i, f) in out.files.iter().enumerate() {
        if out.files[..i].iter().any(|g| g.name == f.name) {
            return Err(Error::Api(format!(
                "the bulk listing holds two files named {} ({} and {}); tradestat cannot tell \
                 which is current",
                f.name, out.files[i].file_url, f.file_url
            )));
        }
    }
    out.files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The files a bulk fetch would download, each with whether it is cached: the listing is
/// fetched (or read from the cache), no file is downloaded.
pub fn plan(query: &BulkQuery, options: &Options) -> Result<(Listing, Vec<Planned>)> {
    require_key(options)?;
    let cache = Cache::open(&options.cache_dir)?;
    let lock_path = options.cache_dir.join("fetch.lock");
    let _lock = crate::report::files::Lock::take_file(lock_path.clone(), cache.dir())?;
    let _unlock_on_interrupt = crate::cleanup::register(lock_path);
    let mut client = None;
    let listing = list_with(query, options, &cache, &mut client, &super::Silent)?;
    let base = options.base_url.trim_end_matches('/');
    let planned = listing
        .files
        .iter()
        .map(|f| Planned {
            url: format!("{base}{}", f.request()),
            describe: format!(
                "{} (reporter {}, period {}, published {}, {})",
                f.name,
                f.reporter,
                f.period,
                f.published_day(),
                f.size.as_deref().unwrap_or("size not listed")
            ),
            cached: cached_file(&bulk_dir(options), f).is_some(),
        })
        .collect();
    Ok((listing, planned))
}

/// The cached copy of this version of a file, when it is there whole (its hash matches).
fn cached_file(dir: &Path, f: &BulkFile) -> Option<(PathBuf, Record)> {
    let record: Record = serde_json::from_slice(&std::fs::read(record_path(dir, f)).ok()?).ok()?;
    if record.file_url != f.file_url || record.published != f.published {
        return None;
    }
    let path = dir.join(format!("{}.gz", f.key()));
    let bytes = std::fs::read(&path).ok()?;
    (hex(&Sha256::digest(&bytes)) == record.sha256).then_some((path, record))
}

fn record_path(dir: &Path, f: &BulkFile) -> PathBuf {
    dir.join(format!("{}.json", f.name.trim_end_matches(".txt.gz")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `bytes` are a whole gzip file: the magic number, every member inflated to its end
/// and its CRC-32 and length checked (flate2 checks both at each member's end).
pub fn check_gzip(bytes: &[u8]) -> std::result::Result<u64, String> {
    if bytes.len() < 18 || bytes[..2] != [0x1f, 0x8b] {
        return Err(format!(
            "the download is not a gzip file ({} bytes)",
            bytes.len()
        ));
    }
    std::io::copy(
        &mut flate2::read::MultiGzDecoder::new(bytes),
        &mut std::io::sink(),
    )
    .map_err(|e| format!("the download is not a whole gzip file ({e})"))
}

/// Whether `n` bytes agree with a listed size such as `"183.34 KB"`: within the rounding of
/// the figure, in units of 1024 or of 1000 (the listing does not say which). A size that does
/// not parse checks nothing.
pub fn size_agrees(listed: &str, n: u64) -> bool {
    let t = listed.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let Ok(figure) = t[..split].parse::<f64>() else {
        return true;
    };
    let power = match t[split..].trim().to_ascii_uppercase().as_str() {
        "" | "B" | "BYTES" => 0,
        "KB" | "KIB" => 1,
        "MB" | "MIB" => 2,
        "GB" | "GIB" => 3,
        _ => return true,
    };
    let decimals = t[..split].split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    [1024f64, 1000f64].iter().any(|base| {
        let unit = base.powi(power);
        // Half a unit of the last digit written, and a byte for the rounding of bytes.
        let slack = 0.5 * 10f64.powi(-decimals) * unit + 1.0;
        (n as f64 - figure * unit).abs() <= slack
    })
}

/// Remove temporary files a killed run left in the bulk folder (older than an hour).
fn clean_stale(dir: &Path) {
    let hour = std::time::Duration::from_secs(3600);
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let stale = e.file_name().to_string_lossy().ends_with(".tradestat.tmp")
            && e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > hour));
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// List the files of `query` and download every one that is not cached (in this version):
/// each checked whole (gzip members and CRCs, the listed size) before it is stored, retried
/// when it is not, and stored by temporary file and rename.
pub fn fetch(query: &BulkQuery, options: &Options, progress: &dyn Progress) -> Result<BulkFetched> {
    require_key(options)?;
    let cache = Cache::open(&options.cache_dir)?;
    let lock_path = options.cache_dir.join("fetch.lock");
    let _lock = crate::report::files::Lock::take_file(lock_path.clone(), cache.dir())?;
    let _unlock_on_interrupt = crate::cleanup::register(lock_path);
    let dir = bulk_dir(options);
    std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    clean_stale(&dir);
    let mut client = None;
    let listing = list_with(query, options, &cache, &mut client, progress)?;
    progress.planned(listing.files.len());
    let mut out = BulkFetched {
        listing_from_cache: listing.from_cache,
        ..Default::default()
    };
    for f in &listing.files {
        if let Some((path, record)) = cached_file(&dir, f) {
            progress.part_done(0, true);
            out.files.push(Downloaded {
                file: f.clone(),
                path,
                downloaded_at: record.downloaded_at,
                cached: true,
            });
            continue;
        }
        let before: Option<Record> = std::fs::read(record_path(&dir, f))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let c = client_of(&mut client, options)?;
        let size = f.size.clone();
        let check = move |b: &[u8]| {
            if let Some(s) = &size
                && !size_agrees(s, b.len() as u64)
            {
                return Err(format!(
                    "the download has {} bytes and the listing says {s}",
                    b.len()
                ));
            }
            check_gzip(b).map(|_| ())
        };
        let got = c.get_file(&f.request(), &cache, progress, &check);
        out.requests = c.sent;
        let bytes = got.map_err(|e| match e {
            Error::Network(m) => Error::Network(format!(
                "bulk file {}: {m}; it was not written (the files downloaded so far are cached)",
                f.name
            )),
            other => other,
        })?;
        let path = dir.join(format!("{}.gz", f.key()));
        crate::write::bytes(&path, &bytes)?;
        let now = now_utc();
        let record = Record {
            file_url: f.file_url.clone(),
            published: f.published.clone(),
            downloaded_at: now.clone(),
            sha256: hex(&Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
        };
        let text = serde_json::to_string(&record).unwrap_or_default();
        // The record after the file: a record always names a whole file.
        crate::write::text(&record_path(&dir, f), &text)?;
        if let Some(old) = before {
            let old_file = dir.join(format!(
                "{}.gz",
                Cache::key(&format!("bulk|{}|{}", old.file_url, old.published))
            ));
            if old_file != path {
                let _ = std::fs::remove_file(old_file);
            }
            out.revised.push(format!(
                "{}: published {}, now listed as published {}: downloaded again",
                f.name,
                &old.published[..10.min(old.published.len())],
                f.published_day()
            ));
        }
        progress.part_done(0, false);
        out.files.push(Downloaded {
            file: f.clone(),
            path,
            downloaded_at: now,
            cached: false,
        });
    }
    if let Some(c) = &client {
        out.requests = c.sent;
    }
    Ok(out)
}

/// Whether `-o` names a folder (one file per listed file) rather than a table: it ends with a
/// `/` or is an existing folder.
pub fn is_folder(path: &Path) -> bool {
    path.to_string_lossy().ends_with('/') || path.is_dir()
}

/// Check a bulk output before any request: a folder, or a `.csv` or `.parquet` table.
pub fn check_output(path: &Path) -> Result<()> {
    if is_folder(path) {
        return crate::write::check_target(path, true);
    }
    super::check_output(path)
}

/// Write the files: into a folder, each as downloaded under its listed name (every command
/// reads `.txt.gz` bulk files as they are); or stitched into one table (`.csv`: the bulk
/// files' columns, comma-separated, and `downloadedAt`; `.parquet`: the canonical table).
/// Every file is written whole (temporary file and rename).
pub fn write_output(fetched: &BulkFetched, out: &Path) -> Result<()> {
    if fetched.files.is_empty() {
        return Err(Error::Request(
            "the bulk listing has no file for this query, so nothing was written; check the \
             years (the latest are often not published yet), the reporters and --monthly, and \
             try tradestat fetch --bulk --dry-run to see the listing"
                .into(),
        ));
    }
    if is_folder(out) {
        std::fs::create_dir_all(out).map_err(|source| Error::Write {
            path: out.to_path_buf(),
            source,
        })?;
        for d in &fetched.files {
            let bytes = std::fs::read(&d.path).map_err(|source| Error::Io {
                path: d.path.clone(),
                source,
            })?;
            crate::write::bytes(&out.join(&d.file.name), &bytes)?;
        }
        return Ok(());
    }
    match super::extension(out).as_str() {
        "csv" => crate::write::atomic(out, |f| {
            let mut w = std::io::BufWriter::new(f);
            stitch(fetched, &mut w)?;
            w.flush().map_err(|source| Error::Write {
                path: out.to_path_buf(),
                source,
            })
        }),
        _ => {
            let mut bytes = Vec::new();
            stitch(fetched, &mut bytes)?;
            super::write_table(bytes, out)
        }
    }
}

/// The bulk files as one comma-separated table with a `downloadedAt` column; every file must
/// have the first one's header.
fn stitch(fetched: &BulkFetched, w: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(w);
    let mut header: Option<csv::ByteRecord> = None;
    let csv_err = |name: &str, e: csv::Error| {
        Error::Request(format!("bulk file {name}: cannot be read as a table: {e}"))
    };
    for d in &fetched.files {
        let name = &d.file.name;
        let raw = std::fs::read(&d.path).map_err(|source| Error::Io {
            path: d.path.clone(),
            source,
        })?;
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut text)
            .map_err(|source| Error::Io {
                path: d.path.clone(),
                source,
            })?;
        let first = text.split(|b| *b == b'\n').next().unwrap_or_default();
        // Bulk files are tab-separated (the server calls them TSV); a comma file is read too.
        let delimiter = if first.contains(&b'\t') { b'\t' } else { b',' };
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text.as_slice());
        let h = r.byte_headers().map_err(|e| csv_err(name, e))?.clone();
        match &header {
            None => {
                let mut out = h.clone();
                out.push_field(super::DOWNLOADED_AT.as_bytes());
                writer
                    .write_byte_record(&out)
                    .map_err(|e| csv_err(name, e))?;
                header = Some(h);
            }
            Some(first) if *first == h => {}
            Some(_) => {
                return Err(Error::Request(format!(
                    "bulk file {name} has other columns than {}; write the files into a folder \
                     instead (-o DIR/), which every command reads",
                    fetched.files[0].file.name
                )));
            }
        }
        let mut rec = csv::ByteRecord::new();
        while r.read_byte_record(&mut rec).map_err(|e| csv_err(name, e))? {
            rec.push_field(d.downloaded_at.as_bytes());
            writer
                .write_byte_record(&rec)
                .map_err(|e| csv_err(name, e))?;
        }
    }
    writer
        .flush()
        .map_err(|e| Error::Request(format!("cannot write the stitched table: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(json: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        json.as_object().unwrap().clone()
    }

    #[test]
    fn listing_entries_name_their_file_and_request() {
        let e = entry(
            serde_json::json!({"fileUrl": "https://comtradeapi.un.org/bulk/v1/file/398/ab12",
            "fileSize": "1.5 KB", "isOriginalClassification": true, "reporterCode": 398,
            "freqCode": "A", "typeCode": "C", "classificationCode": "H4", "refPeriodId": 20180101,
            "period": 2018, "publicationDate": "2019-05-02T10:00:00Z"}),
        );
        let f = BulkFile::from_entry(&e).unwrap();
        assert_eq!(f.name, "C_A_398_20180101_H4_O.txt.gz");
        assert_eq!(f.request(), "/bulk/v1/file/398/ab12");
        assert_eq!(f.period, "2018");
        // A bare id, as in comtradr's recorded listing; nothing in it can leave the path.
        let mut e2 = e.clone();
        e2.insert("fileUrl".into(), "../../etc".into());
        e2.insert("isOriginalClassification".into(), false.into());
        let g = BulkFile::from_entry(&e2).unwrap();
        assert_eq!(g.request(), "/bulk/v1/file/398/etc");
        assert_eq!(g.name, "C_A_398_20180101_H4_C.txt.gz");
        assert_ne!(f.key(), g.key());
        let mut e3 = e.clone();
        e3.insert("publicationDate".into(), "2020-01-01T00:00:00Z".into());
        assert_ne!(BulkFile::from_entry(&e3).unwrap().key(), f.key());
    }

    #[test]
    fn bulk_queries_take_all_reporters_and_refuse_what_files_cannot_filter() {
        let q = BulkQuery::resolve(&QueryText {
            reporters: vec!["all".into()],
            years: "2017-2018".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(q.reporters, None);
        assert_eq!(
            q.listing_requests(),
            vec!["/bulk/v1/get/C/A/HS?period=2017,2018".to_string()]
        );
        let q = BulkQuery::resolve(&QueryText {
            reporters: vec!["KAZ".into(), "Mexico".into()],
            years: "2018".into(),
            monthly: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(q.listing_requests().len(), 2);
        assert!(
            q.listing_requests()[0]
                .starts_with("/bulk/v1/get/C/M/HS?reporterCode=398&period=201801,")
        );
        let e = BulkQuery::resolve(&QueryText {
            reporters: vec!["KAZ".into()],
            partners: vec!["MEX".into()],
            years: "2018".into(),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("--partner does not apply to --bulk"), "{e}");
    }

    #[test]
    fn gzip_and_size_checks_catch_cut_and_damaged_files() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"a\tb\n1\t2\n").unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(check_gzip(&gz), Ok(8));
        assert!(check_gzip(&gz[..gz.len() - 3]).is_err());
        let mut bad = gz.clone();
        let n = bad.len();
        bad[n - 6] ^= 0xff; // the CRC-32
        assert!(check_gzip(&bad).is_err());
        assert!(check_gzip(b"<html>error</html>").is_err());
        assert!(size_agrees("183.34 KB", 187_742));
        assert!(!size_agrees("183.34 KB", 150_000));
        assert!(size_agrees("2 B", 2));
        assert!(size_agrees("1.5 MB", 1_572_864));
        assert!(size_agrees("1.5 MB", 1_500_000));
        assert!(size_agrees("unknown", 3));
    }
}
