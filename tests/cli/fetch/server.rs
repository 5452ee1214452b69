//! A local stand-in for the UN Comtrade API: an HTTP/1.1 server on 127.0.0.1, in a thread of
//! the test, that answers in the API's envelope from `tests/fixtures/comtrade_api/kaz_mex.json`
//! (filtered by the request's parameters and cut at its `maxRecords`, as the API does) or, as
//! a test's script says, with 429 and Retry-After, 500, a cut-off body or a dropped connection.
//! It serves a bounded number of requests and stops by itself after a minute at most, or when
//! dropped.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::common::FIXTURES;

/// The most requests one server answers, and the longest it lives.
const MAX_REQUESTS: usize = 400;
const LIFETIME: Duration = Duration::from_secs(60);

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub params: BTreeMap<String, String>,
    /// The `Ocp-Apim-Subscription-Key` header.
    pub key: Option<String>,
    /// Rows of a data answer, and whether they were cut at `maxRecords`.
    pub rows: usize,
    pub capped: bool,
}

/// How to answer a request.
pub enum Reply {
    /// The fixture's records that match the request, at most `maxRecords` of them.
    Data,
    /// A status, extra headers and a body.
    Status(u16, Vec<(&'static str, String)>, String),
    /// A 200 whose JSON body is cut in the middle (a Content-Length that matches the cut).
    CutBody,
    /// The headers of the whole answer, half its body, then the connection closed.
    Drop,
    /// Wait (until the server stops), then answer.
    Hang,
    /// A 200 with these bytes (a bulk file), `application/octet-stream`.
    Bytes(Vec<u8>),
}

/// The fixture's records.
pub fn records() -> Vec<Map<String, Value>> {
    let text = std::fs::read_to_string(format!("{FIXTURES}/comtrade_api/kaz_mex.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The records the API holds for these parameters (every one, before any cap).
pub fn matching(
    all: &[Map<String, Value>],
    params: &BTreeMap<String, String>,
) -> Vec<Map<String, Value>> {
    let listed = |name: &str, field: &str, r: &Map<String, Value>| match params.get(name) {
        None => true,
        Some(list) => list.split(',').any(|x| x == cell(&r[field])),
    };
    all.iter()
        .filter(|r| {
            listed("reporterCode", "reporterCode", r)
                && listed("partnerCode", "partnerCode", r)
                && listed("period", "period", r)
                && listed("flowCode", "flowCode", r)
                && params.get("cmdCode").is_none_or(|list| {
                    list.split(',').any(|c| match c.strip_prefix("AG") {
                        Some(level) => cell(&r["aggrLevel"]) == level,
                        None => cell(&r["cmdCode"]) == c,
                    })
                })
        })
        .cloned()
        .collect()
}

/// The rows of a CSV or of records, each as its cells joined, sorted: for comparing row sets.
pub fn record_rows(records: &[Map<String, Value>], columns: &[String]) -> Vec<String> {
    let mut rows: Vec<String> = records
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| r.get(c).map(cell).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    rows.sort();
    rows
}

pub struct Server {
    pub url: String,
    log: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

type Script = Box<dyn Fn(usize, &Seen) -> Reply + Send>;

impl Server {
    /// A server that answers every request with the data.
    pub fn data() -> Server {
        Server::start(|_, _| Reply::Data)
    }

    /// A server that answers request `i` (from 0) as `script` says.
    pub fn start(script: impl Fn(usize, &Seen) -> Reply + Send + 'static) -> Server {
        Server::with_records(records(), script)
    }

    pub fn with_records(
        all: Vec<Map<String, Value>>,
        script: impl Fn(usize, &Seen) -> Reply + Send + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s) = (log.clone(), stop.clone());
        let script: Script = Box::new(script);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut n = 0;
            while !s.load(Ordering::SeqCst) && n < MAX_REQUESTS && started.elapsed() < LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if serve(stream, n, &all, &script, &l, &s) {
                            n += 1;
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            url,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Read one request and answer it; false when no request came (a closed connection).
fn serve(
    mut stream: TcpStream,
    n: usize,
    all: &[Map<String, Value>],
    script: &Script,
    log: &Mutex<Vec<Seen>>,
    stop: &AtomicBool,
) -> bool {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(k) => head.extend_from_slice(&buf[..k]),
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let key = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("ocp-apim-subscription-key"))
        .map(|(_, v)| v.trim().to_string());
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: BTreeMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%2C", ",")))
        .collect();
    let mut seen = Seen {
        path: path.to_string(),
        params,
        key,
        rows: 0,
        capped: false,
    };
    let reply = script(n, &seen);
    let data_body = |seen: &mut Seen| {
        let mut rows = matching(all, &seen.params);
        let cap: usize = seen
            .params
            .get("maxRecords")
            .and_then(|m| m.parse().ok())
            .unwrap_or(usize::MAX);
        seen.capped = rows.len() >= cap;
        rows.truncate(cap);
        seen.rows = rows.len();
        serde_json::json!({"elapsedTime": "0.01 secs", "count": rows.len(), "data": rows, "error": ""})
            .to_string()
    };
    let mut content_type = "application/json";
    let (status, headers, body, cut) = match reply {
        Reply::Bytes(b) => {
            content_type = "application/octet-stream";
            (200, vec![], b, None)
        }
        Reply::Data => (200, vec![], data_body(&mut seen).into_bytes(), None),
        Reply::Status(code, h, b) => (code, h, b.into_bytes(), None),
        Reply::CutBody => {
            let b = data_body(&mut seen);
            let half = b[..b.len() / 2].to_string();
            (200, vec![], half.into_bytes(), None)
        }
        Reply::Drop => {
            let b = data_body(&mut seen).into_bytes();
            let half = b.len() / 2;
            (200, vec![], b, Some(half))
        }
        Reply::Hang => {
            log.lock().unwrap().push(seen);
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            return true;
        }
    };
    log.lock().unwrap().push(seen);
    let reason = match status {
        200 => "OK",
        429 => "Too Many Requests",
        401 => "Unauthorized",
        403 => "Forbidden",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let bytes = body.as_slice();
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&bytes[..cut.unwrap_or(bytes.len())]);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    true
}

/// One bulk file the stand-in lists and serves: gzip-compressed, tab-separated, in the bulk
/// files' columns (field names as in the API's bulk files; values made up here).
#[derive(Debug, Clone)]
pub struct BulkFixture {
    /// The listing's `fileUrl`: an absolute URL on another host (the server's path is used)
    /// or a bare id.
    pub file_url: String,
    /// The id the download path ends with.
    pub id: String,
    pub reporter: i32,
    pub year: i32,
    pub published: String,
    pub gz: Vec<u8>,
}

/// The columns of a bulk file (Comtrade Plus final data, codes only).
pub const BULK_COLUMNS: [&str; 34] = [
    "datasetCode",
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "partner2Code",
    "classificationSearchCode",
    "classificationCode",
    "isOriginalClassification",
    "cmdCode",
    "customsCode",
    "mosCode",
    "motCode",
    "qtyUnitCode",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
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

/// The text of a bulk file: `rows` of (flow, partner, cmdCode, value) for one reporter-year.
pub fn bulk_text(reporter: i32, year: i32, rows: &[(&str, i32, &str, f64)]) -> String {
    let mut t = BULK_COLUMNS.join("\t");
    t.push('\n');
    for (i, (flow, partner, cmd, value)) in rows.iter().enumerate() {
        let cells: Vec<String> = vec![
            format!("{year}{reporter}{i:04}"),
            "C".into(),
            "A".into(),
            format!("{year}0101"),
            year.to_string(),
            "52".into(),
            year.to_string(),
            reporter.to_string(),
            flow.to_string(),
            partner.to_string(),
            "0".into(),
            "H5".into(),
            "H5".into(),
            "1".into(),
            cmd.to_string(),
            "C00".into(),
            "0".into(),
            "0".into(),
            "-1".into(),
            String::new(),
            "0".into(),
            "-1".into(),
            String::new(),
            "0".into(),
            String::new(),
            "0".into(),
            String::new(),
            "0".into(),
            String::new(),
            format!("{value:.1}"),
            format!("{value:.1}"),
            "0".into(),
            "1".into(),
            if *cmd == "TOTAL" { "1" } else { "0" }.into(),
        ];
        t.push_str(&cells.join("\t"));
        t.push('\n');
    }
    t
}

pub fn gzip(text: &str) -> Vec<u8> {
    use flate2::write::GzEncoder;
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

/// The bulk listing in the data API's envelope, with the fields of a listing entry, for the
/// files matching the request's `reporterCode` and `period`.
pub fn bulk_listing(files: &[BulkFixture], params: &BTreeMap<String, String>) -> String {
    let listed = |name: &str, v: String| {
        params
            .get(name)
            .is_none_or(|l| l.split(',').any(|x| x == v))
    };
    let data: Vec<Value> = files
        .iter()
        .filter(|f| {
            listed("reporterCode", f.reporter.to_string()) && listed("period", f.year.to_string())
        })
        .map(|f| {
            serde_json::json!({
                "fileUrl": f.file_url,
                "fileSize": format!("{:.2} KB", f.gz.len() as f64 / 1024.0),
                "isOriginalClassification": true,
                "reporterCode": f.reporter,
                "freqCode": "A",
                "typeCode": "C",
                "classificationCode": "H5",
                "refPeriodId": f.year * 10_000 + 101,
                "period": f.year,
                "publicationDate": f.published,
                "partitionKey": f.reporter.to_string(),
                "rowKey": f.id,
                "timestamp": f.published,
                "eTag": "W/\"x\"",
            })
        })
        .collect();
    serde_json::json!({"elapsedTime": "0.01 secs", "count": data.len(), "data": data, "error": ""})
        .to_string()
}

/// Answer a bulk request from `files`: the listing, or the file whose id ends the path.
pub fn bulk_reply(files: &[BulkFixture], seen: &Seen) -> Reply {
    if seen.path.starts_with("/bulk/v1/get/") {
        return Reply::Status(200, vec![], bulk_listing(files, &seen.params));
    }
    match files
        .iter()
        .find(|f| seen.path.ends_with(&format!("/{}", f.id)))
    {
        Some(f) => Reply::Bytes(f.gz.clone()),
        None => Reply::Status(404, vec![], "{\"error\": \"no such file\"}".into()),
    }
}
