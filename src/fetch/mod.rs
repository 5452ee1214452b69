//! `fetch`: Comtrade Plus records from the UN Comtrade API into a local file that every other
//! command reads as it is, through a cache that makes a repeated fetch free, an interrupted one
//! resumable and data revisions visible.
//!
//! A query in tradestat's words ([`QueryText`]) becomes one request in the API's codes
//! ([`Part`]), cut into parts below the API's row cap ([`Part::plan`]); each part is fetched
//! politely ([`client`]), checked whole, and cached on its own ([`cache`]) with its download
//! time. A part that comes back with as many rows as the cap may have been cut off: it is never
//! used, but split and fetched again. The library never prints: progress goes to a [`Progress`].
//! The data API's bulk files (whole reporter-periods, gzip) are listed and downloaded by [`bulk`].

pub mod bulk;
pub mod cache;
pub mod client;
pub mod query;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use cache::{Cache, CachedPart};
pub use client::Politeness;
pub use query::{Part, Products, QueryText};

use crate::error::{Error, Result};

/// The UN Comtrade API.
pub const DEFAULT_URL: &str = "https://comtradeapi.un.org";
/// The environment variable that overrides the API's base URL (as `--api-url` does).
pub const URL_VAR: &str = "TRADESTAT_COMTRADE_URL";
/// The environment variable holding the subscription key.
pub const KEY_VAR: &str = "COMTRADE_API_KEY";
/// The column added to every fetched record: when its part was downloaded.
pub const DOWNLOADED_AT: &str = "downloadedAt";

/// A subscription key. Its `Debug` shows no character of it, so that no log, error or
/// `{:?}` of the options can carry it; only [`ApiKey::expose`] gives it, to the request header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key as read from the environment or the configuration file (trimmed); it must be
    /// printable ASCII, as an HTTP header value.
    pub fn new(key: &str, origin: &str) -> Result<ApiKey> {
        let k = key.trim();
        if k.is_empty() || !k.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(Error::ApiKey(format!(
                "the subscription key in {origin} is empty or holds spaces or characters other                  than printable ASCII; copy it again from comtradedeveloper.un.org"
            )));
        }
        Ok(ApiKey(k.to_string()))
    }

    /// The key itself, for the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<hidden>)")
    }
}

/// Which API answers: the public preview (no key, 500 rows a request) or the data API (a
/// subscription key, 100,000 rows a request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Preview,
    Data,
}

impl Endpoint {
    fn path(self) -> &'static str {
        match self {
            Endpoint::Preview => "/public/v1/preview",
            Endpoint::Data => "/data/v1/get",
        }
    }

    /// The documented row cap of one request.
    pub fn cap(self) -> u64 {
        match self {
            Endpoint::Preview => 500,
            Endpoint::Data => 100_000,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Preview => "public preview (no key)",
            Endpoint::Data => "data API (subscription key)",
        }
    }
}

/// Where progress goes (the binary draws a bar; tests and libraries may ignore it).
pub trait Progress {
    /// The number of parts known so far (it grows when a part is split).
    fn planned(&self, _parts: usize) {}
    /// A part is done: its rows, and whether they came from the cache.
    fn part_done(&self, _rows: usize, _cached: bool) {}
    /// A part came back at the row cap and was split in two.
    fn split(&self, _part: &str) {}
    /// Waiting before the next request, and why (rate limit, 429, back-off).
    fn waiting(&self, _wait: Duration, _why: &str) {}
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct Options {
    /// The API's base URL ([`DEFAULT_URL`], or a local server in tests).
    pub base_url: String,
    /// The subscription key; never written anywhere.
    pub key: Option<ApiKey>,
    /// Use the public preview even with a key.
    pub preview: bool,
    pub cache_dir: PathBuf,
    /// Download every part again and compare it with the cached one.
    pub refresh: bool,
    /// The row cap of one request, when not the endpoint's documented one.
    pub cap: Option<u64>,
    pub politeness: Politeness,
}

impl Options {
    pub fn endpoint(&self) -> Endpoint {
        if self.key.is_some() && !self.preview {
            Endpoint::Data
        } else {
            Endpoint::Preview
        }
    }

    pub fn cap(&self) -> u64 {
        self.cap.unwrap_or(self.endpoint().cap()).max(1)
    }
}

/// The path and query of a part's request (the key is never part of it).
pub fn request_path(part: &Part, endpoint: Endpoint, cap: u64) -> String {
    let list = |v: &[i32]| v.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    let mut q = vec![
        ("reporterCode", list(&part.reporters)),
        ("period", part.periods.join(",")),
    ];
    if let Some(p) = &part.partners {
        q.push(("partnerCode", list(p)));
    }
    // The totals over second partners, customs procedures and transport modes: the other
    // breakdowns would multiply the rows (and be left out by every analysis anyway).
    q.push(("partner2Code", "0".into()));
    q.push(("cmdCode", part.cmd_code()));
    q.push(("flowCode", part.flows.join(",")));
    q.push(("customsCode", "C00".into()));
    q.push(("motCode", "0".into()));
    q.push(("maxRecords", cap.to_string()));
    q.push(("format", "JSON".into()));
    q.push(("breakdownMode", "classic".into()));
    q.push(("includeDesc", "true".into()));
    let query: Vec<String> = q.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}/C/{}/{}?{}",
        endpoint.path(),
        part.freq,
        part.classification,
        query.join("&")
    )
}

/// One planned request of a dry run.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The full URL (no key).
    pub url: String,
    pub describe: String,
    /// Already in the cache: a fetch would not request it.
    pub cached: bool,
}

/// The requests a fetch would start with (parts that come back at the cap are split further).
pub fn plan(query: &Part, options: &Options) -> Result<Vec<Planned>> {
    let endpoint = options.endpoint();
    let cap = options.cap();
    let cache = Cache::open(&options.cache_dir).ok();
    Ok(query
        .plan(cap)
        .into_iter()
        .map(|p| {
            let path = request_path(&p, endpoint, cap);
            Planned {
                url: format!("{}{path}", options.base_url.trim_end_matches('/')),
                describe: p.describe(),
                cached: !options.refresh && cache.as_ref().is_some_and(|c| c.get(&path).is_some()),
            }
        })
        .collect())
}

/// The records of a fetch, part by part, with what it took.
#[derive(Debug, Default)]
pub struct Fetched {
    pub parts: Vec<CachedPart>,
    /// Parts read from the cache.
    pub from_cache: usize,
    /// HTTP requests sent (retries included).
    pub requests: u64,
    /// Parts that came back at the row cap and were split.
    pub splits: usize,
    /// With `--refresh`: parts whose records changed since they were cached.
    pub revised: Vec<String>,
}

impl Fetched {
    pub fn rows(&self) -> usize {
        self.parts.iter().map(|p| p.data.len()).sum()
    }

    /// What the reader is told of a fetch written to `out` from `endpoint` (its name): parts,
    /// cache and requests, download dates, revisions found by a refresh.
    pub fn notes(&self, endpoint: &str, refresh: bool, out: &Path) -> Vec<String> {
        let mut notes = vec![format!(
            "fetched {} rows in {} part(s) from the {endpoint}: {} from the cache, {} request(s), {} split(s) at the row cap",
            self.rows(),
            self.parts.len(),
            self.from_cache,
            self.requests,
            self.splits
        )];
        if let Some((first, last)) = self.download_dates() {
            notes.push(if first == last {
                format!("downloaded on {first}")
            } else {
                format!("downloaded between {first} and {last} (see the downloadedAt column)")
            });
        }
        if refresh {
            if self.revised.is_empty() {
                notes.push("refresh: no part changed since it was cached".into());
            }
            for r in &self.revised {
                notes.push(format!("refresh: data revised: {r}"));
            }
        }
        notes.push(format!("wrote {} rows to {}", self.rows(), out.display()));
        notes
    }

    /// The first and last download dates (`YYYY-MM-DD`) of the parts.
    pub fn download_dates(&self) -> Option<(String, String)> {
        let mut d: Vec<&str> = self
            .parts
            .iter()
            .map(|p| &p.downloaded_at[..10.min(p.downloaded_at.len())])
            .collect();
        d.sort_unstable();
        Some((d.first()?.to_string(), d.last()?.to_string()))
    }
}

/// Fetch every part of `query`: from the cache where it is there (unless `refresh`), else
/// from the API, splitting the parts that come back at the row cap.
pub fn fetch(query: &Part, options: &Options, progress: &dyn Progress) -> Result<Fetched> {
    let endpoint = options.endpoint();
    let cap = options.cap();
    let cache = Cache::open(&options.cache_dir)?;
    // One fetch at a time per cache: the daily count and the rate hold, and two runs never
    // download the same part twice.
    let lock_path = options.cache_dir.join("fetch.lock");
    let _lock = crate::report::files::Lock::take_file(lock_path.clone(), cache.dir())?;
    // Removed on Ctrl-C too (a lock left by SIGKILL is taken over: its process is gone).
    let _unlock_on_interrupt = crate::cleanup::register(lock_path);
    let mut todo: VecDeque<Part> = query.plan(cap).into();
    let mut known = todo.len();
    progress.planned(known);
    let mut client: Option<client::Client> = None;
    let mut out = Fetched::default();
    while let Some(part) = todo.pop_front() {
        let request = request_path(&part, endpoint, cap);
        let cached = cache.get(&request);
        let hit = cached.is_some() && !options.refresh;
        let entry = match cached {
            Some(c) if !options.refresh => {
                out.from_cache += 1;
                c
            }
            old => {
                let c = match &mut client {
                    Some(c) => c,
                    None => client.insert(client::Client::new(
                        &options.base_url,
                        options.key.clone(),
                        options.politeness.clone(),
                    )?),
                };
                let answer = c.get(&request, endpoint, &cache, progress);
                out.requests = c.sent;
                let answer = answer?;
                let now = cache::now_utc();
                let capped = answer.records.len() as u64 >= cap;
                let mut entry = CachedPart {
                    request: request.clone(),
                    downloaded_at: now.clone(),
                    checked_at: None,
                    capped,
                    data: if capped { Vec::new() } else { answer.records },
                };
                if let Some(old) = old {
                    if old.capped == entry.capped && old.data == entry.data {
                        // Unchanged: the data are those of the first download.
                        entry.downloaded_at = old.downloaded_at;
                        entry.checked_at = Some(now);
                    } else {
                        out.revised.push(format!(
                            "{}: downloaded {}, changed on {}",
                            part.describe(),
                            &old.downloaded_at[..10.min(old.downloaded_at.len())],
                            &now[..10]
                        ));
                    }
                }
                cache.put(&entry)?;
                entry
            }
        };
        if entry.capped {
            let children = part.split().ok_or_else(|| {
                Error::Request(format!(
                    "{}: the API returned {cap} rows, its cap for one request, so the answer may be \
                     cut off, and this part cannot be split further (one reporter, period, flow \
                     and partner setting, and a product level); narrow the query: name the \
                     partners instead of all, or give --products codes instead of --level",
                    part.describe()
                ))
            })?;
            out.splits += 1;
            progress.split(&part.describe());
            known += children.len() - 1;
            progress.planned(known);
            for c in children.into_iter().rev() {
                todo.push_front(c);
            }
            continue;
        }
        progress.part_done(entry.data.len(), hit);
        out.parts.push(entry);
    }
    if let Some(c) = &client {
        out.requests = c.sent;
    }
    Ok(out)
}

/// The fields of an API v1 record in the API's order (as in the answers it documents), so
/// that a fetched CSV has the columns of a download from the web site.
const FIELDS: [&str; 47] = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "flowDesc",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "partner2ISO",
    "partner2Desc",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "customsDesc",
    "mosCode",
    "motCode",
    "motDesc",
    "qtyUnitCode",
    "qtyUnitAbbr",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQtyUnitAbbr",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
];

/// The fetched records as a CSV table: the API's fields (the documented ones in the API's
/// order, then any others by name) and [`DOWNLOADED_AT`]; null as an empty cell, numbers as
/// the API wrote them.
pub fn to_csv(fetched: &Fetched) -> Result<Vec<u8>> {
    let present: std::collections::BTreeSet<&String> = fetched
        .parts
        .iter()
        .flat_map(|p| p.data.iter().flat_map(|r| r.keys()))
        .filter(|k| k.as_str() != DOWNLOADED_AT)
        .collect();
    let mut columns: Vec<String> = FIELDS
        .iter()
        .filter(|f| present.iter().any(|k| k == *f))
        .map(|f| f.to_string())
        .collect();
    columns.extend(
        present
            .iter()
            .filter(|k| !FIELDS.contains(&k.as_str()))
            .map(|k| k.to_string()),
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Request(format!("cannot write the records as CSV: {e}"));
    let mut header = columns.clone();
    header.push(DOWNLOADED_AT.into());
    w.write_record(&header).map_err(csv_err)?;
    for p in &fetched.parts {
        for r in &p.data {
            let mut row: Vec<String> = columns
                .iter()
                .map(|c| match r.get(c) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                })
                .collect();
            row.push(p.downloaded_at.clone());
            w.write_record(&row).map_err(csv_err)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::Request(format!("cannot write the records as CSV: {e}")))
}

/// Write the records to `path`: `.csv` as the API's records (the Comtrade Plus layout every
/// command reads), `.parquet` as tradestat's canonical table of them. Written to a temporary
/// file and renamed: an interrupted fetch leaves no half-written output.
pub fn write_output(fetched: &Fetched, path: &Path) -> Result<()> {
    if fetched.rows() == 0 {
        return Err(Error::Request(
            "the API returned no records for this query, so nothing was written; check the \
             years (the latest are often not reported yet) and the countries, and try \
             `tradestat fetch --dry-run` to see the requests"
                .into(),
        ));
    }
    write_table(to_csv(fetched)?, path)
}

/// Write a table in the Comtrade Plus layout (CSV bytes) to `path`: `.csv` as it is, `.parquet`
/// as tradestat's canonical table of it.
fn write_table(bytes: Vec<u8>, path: &Path) -> Result<()> {
    match extension(path).as_str() {
        "csv" => crate::write::bytes(path, &bytes),
        "parquet" => {
            let label = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            let (lf, _) = crate::read::read_csv(
                &label,
                crate::read::Data::Bytes(std::sync::Arc::new(bytes)),
                &Default::default(),
                crate::read::Validation::Always,
            )?;
            let mut df = lf
                .collect()
                .map_err(Error::polars("the fetched records as a canonical table"))?;
            crate::write::parquet(path, &mut df)
        }
        other => Err(Error::Request(format!(
            "{}: unknown output extension '{other}'; fetch writes .csv (the API's records) or \
             .parquet (the canonical table)",
            path.display()
        ))),
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Check an output path before any request is made.
pub fn check_output(path: &Path) -> Result<()> {
    match extension(path).as_str() {
        "csv" | "parquet" => Ok(()),
        other => Err(Error::Request(format!(
            "{}: unknown output extension '{other}'; fetch writes .csv (the API's records) or \
             .parquet (the canonical table)",
            path.display()
        ))),
    }
}

/// The configuration file that may hold the key: `$XDG_CONFIG_HOME/tradestat/config.toml`,
/// else `$HOME/.config/tradestat/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("tradestat").join("config.toml"))
}

/// The subscription key: `COMTRADE_API_KEY`, else `comtrade_api_key` in the configuration
/// file; `None` without either (the public preview is used).
pub fn api_key() -> Result<Option<ApiKey>> {
    if let Some(k) = std::env::var_os(KEY_VAR) {
        let k = k.to_string_lossy();
        if !k.trim().is_empty() {
            return ApiKey::new(&k, KEY_VAR).map(Some);
        }
    }
    let Some(path) = config_path() else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        Error::Request(format!(
            "{}: not a valid TOML file ({}); it may hold comtrade_api_key = \"...\"",
            path.display(),
            e.message()
        ))
    })?;
    match table.get("comtrade_api_key") {
        None => Ok(None),
        Some(toml::Value::String(s)) if !s.trim().is_empty() => {
            ApiKey::new(s, &format!("{} (comtrade_api_key)", path.display())).map(Some)
        }
        Some(_) => Err(Error::Request(format!(
            "{}: comtrade_api_key must be a non-empty string",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(year: i64, value: f64) -> serde_json::Map<String, serde_json::Value> {
        let v = serde_json::json!({"refYear": year, "cmdCode": "TOTAL", "qty": null,
            "isLeaf": false, "primaryValue": value});
        v.as_object().unwrap().clone()
    }

    #[test]
    fn keys_never_show_in_debug_output_and_must_fit_a_header() {
        let k = ApiKey::new(" abc123SECRET \n", "test").unwrap();
        assert_eq!(k.expose(), "abc123SECRET");
        let opts = format!("{:?}", Some(k));
        assert!(!opts.contains("SECRET"), "{opts}");
        let e = ApiKey::new("abc def", "COMTRADE_API_KEY")
            .unwrap_err()
            .to_string();
        assert!(e.contains("COMTRADE_API_KEY") && !e.contains("abc"), "{e}");
        assert!(ApiKey::new("clé", "x").is_err());
    }

    #[test]
    fn request_paths_hold_the_query_and_never_a_key() {
        let q = QueryText {
            reporters: vec!["KAZ".into()],
            partners: vec!["MEX".into()],
            years: "2014,2018".into(),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        let p = request_path(&q, Endpoint::Data, 100_000);
        assert_eq!(
            p,
            "/data/v1/get/C/A/HS?reporterCode=398&period=2014,2018&partnerCode=484&partner2Code=0\
             &cmdCode=TOTAL&flowCode=X,M&customsCode=C00&motCode=0&maxRecords=100000&format=JSON\
             &breakdownMode=classic&includeDesc=true"
        );
        assert!(request_path(&q, Endpoint::Preview, 500).starts_with("/public/v1/preview/C/A/HS?"));
    }

    #[test]
    fn csv_keeps_fields_in_order_nulls_empty_and_the_download_time() {
        let f = Fetched {
            parts: vec![
                CachedPart {
                    request: "a".into(),
                    downloaded_at: "2026-12-01T10:00:00Z".into(),
                    checked_at: None,
                    capped: false,
                    data: vec![record(2014, 171000.0)],
                },
                CachedPart {
                    request: "b".into(),
                    downloaded_at: "2026-12-02T10:00:00Z".into(),
                    checked_at: None,
                    capped: false,
                    data: vec![{
                        let mut r = record(2018, 1.5);
                        r.insert("zExtra".into(), "x".into());
                        r
                    }],
                },
            ],
            ..Default::default()
        };
        let text = String::from_utf8(to_csv(&f).unwrap()).unwrap();
        assert_eq!(
            text,
            "refYear,cmdCode,isLeaf,qty,primaryValue,zExtra,downloadedAt\n\
             2014,TOTAL,false,,171000.0,,2026-12-01T10:00:00Z\n\
             2018,TOTAL,false,,1.5,x,2026-12-02T10:00:00Z\n"
        );
        assert_eq!(
            f.download_dates(),
            Some(("2026-12-01".into(), "2026-12-02".into()))
        );
    }
}
