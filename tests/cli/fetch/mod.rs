//! `tradestat fetch` against a local stand-in for the UN Comtrade API ([`server`]): a split
//! query stitched row for row, the cache (no request the second time, `--refresh` naming
//! revisions), resuming after a network failure and after SIGKILL, 429 waited out, 5xx, cut-off
//! bodies and dropped connections retried, capped parts split, the key written nowhere, clear
//! errors for bad input, and `fetch` then `report` end to end.

mod bulk;
mod server;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use server::{Reply, Server, matching, record_rows, records};

use crate::common::*;

/// Variables `fetch` reads, and the proxies reqwest would route 127.0.0.1 through.
const CLEARED: &[&str] = &[
    "COMTRADE_API_KEY",
    "TRADESTAT_COMTRADE_URL",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// A test's own home (config and cache live in it) and output folder.
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        Place {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    fn out(&self, name: &str) -> PathBuf {
        let d = self.dir.path().join("out");
        std::fs::create_dir_all(&d).unwrap();
        d.join(name)
    }

    /// `tradestat fetch` against `url` with nothing inherited, the cache in the tempdir, no
    /// rate limit to speak of and short back-offs.
    fn fetch(&self, url: &str, args: &[&str]) -> assert_cmd::Command {
        self.command("fetch", url, args)
    }

    /// `tradestat SUBCOMMAND` with the connection options of [`Place::fetch`].
    fn command(&self, sub: &str, url: &str, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = tradestat();
        for v in CLEARED {
            cmd.env_remove(v);
        }
        std::fs::create_dir_all(self.home()).unwrap();
        cmd.env("HOME", self.home());
        // Temporary folders (report --fetch's download) in the test's own place.
        let tmp = self.dir.path().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        cmd.env("TMPDIR", &tmp);
        cmd.arg(sub)
            .args(["--api-url", url, "--cache-dir"])
            .arg(self.cache())
            .args(["--backoff-ms", "20", "--timeout", "5"]);
        if !args.contains(&"--max-per-second") {
            cmd.args(["--max-per-second", "1000"]);
        }
        cmd.args(args);
        cmd
    }
}

/// The query most tests use: Kazakhstan and Mexico, each other and the world, five years,
/// the total and four chapters.
const QUERY: &[&str] = &[
    "-r",
    "KAZ,Mexico",
    "-p",
    "all",
    "--years",
    "2014-2018",
    "--products",
    "TOTAL,27,72,84,85",
];

fn query_with(extra: &[&str]) -> Vec<String> {
    QUERY.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The server's records for the whole query, independently of how it was split.
fn expected_rows(columns: &[String]) -> Vec<String> {
    let params = [
        ("reporterCode", "398,484"),
        ("period", "2014,2015,2016,2017,2018"),
        ("flowCode", "X,M"),
        ("cmdCode", "TOTAL,27,72,84,85"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    record_rows(&matching(&records(), &params), columns)
}

/// A fetched CSV: its header and its rows (cells joined, sorted), without `downloadedAt`.
fn csv_rows(path: &Path) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let at = header
        .iter()
        .position(|h| h == "downloadedAt")
        .expect("downloadedAt");
    let mut rows = Vec::new();
    let mut dates = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        dates.push(rec[at].to_string());
        rows.push(
            rec.iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, c)| c)
                .collect::<Vec<_>>()
                .join("|"),
        );
    }
    rows.sort();
    let columns = header.into_iter().filter(|h| h != "downloadedAt").collect();
    (columns, rows, dates)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_split_query_is_stitched_row_for_row_and_a_second_run_makes_no_request() {
    let place = Place::new();
    let out = place.out("kaz_mex.csv");
    let server = Server::data();
    // A cap of 6 rows: the first plan is one part per reporter and year; the parts of
    // Kazakhstan (10 rows) come back at the cap and are split.
    let args = query_with(&["--row-cap", "6", "-o", out.to_str().unwrap()]);
    let (_, stderr) = succeeds(&mut place.fetch(&server.url, &strs(&args)));
    let seen = server.requests();
    assert!(seen.iter().any(|s| s.capped), "no part reached the cap");
    assert!(seen.len() > 10, "{} requests", seen.len());
    assert!(
        seen.iter().all(|s| s.path == "/public/v1/preview/C/A/HS"),
        "no key: the preview"
    );
    let (columns, rows, dates) = csv_rows(&out);
    assert_eq!(columns.len(), 47);
    assert_eq!(
        rows,
        expected_rows(&columns),
        "the stitched rows are the server's"
    );
    assert_eq!(rows.len(), 100);
    // No row is in two parts: the rows are distinct.
    let mut distinct = rows.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), rows.len());
    assert!(
        dates.iter().all(|d| d.len() == 20 && d.ends_with('Z')),
        "{dates:?}"
    );
    let splits = seen.iter().filter(|s| s.capped).count();
    assert!(
        stderr.contains(&format!("{splits} split(s) at the row cap")),
        "{stderr}"
    );
    let first = std::fs::read(&out).unwrap();
    // The dry run now finds every part of its plan in the cache (split parts included).
    let mut dry = args.clone();
    dry.push("--dry-run".into());
    let (stdout, _) = succeeds(&mut place.fetch(&server.url, &strs(&dry)));
    let gets: Vec<&str> = stdout.lines().filter(|l| l.starts_with("GET ")).collect();
    assert_eq!(gets.len(), 10, "{stdout}");
    assert!(gets.iter().all(|g| g.ends_with("(cached)")), "{stdout}");
    assert!(
        stdout.contains("0 request(s) to make, 10 already cached"),
        "{stdout}"
    );
    assert_eq!(
        server.requests().len(),
        seen.len(),
        "the dry run made a request"
    );

    // Again, against a server that must not be asked anything.
    drop(server);
    let silent = Server::start(|_, _| Reply::Status(500, vec![], "asked".into()));
    let (_, stderr) = succeeds(&mut place.fetch(&silent.url, &strs(&args)));
    assert_eq!(silent.requests().len(), 0, "the second run made requests");
    assert!(stderr.contains("0 request(s)"), "{stderr}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        first,
        "same bytes from the cache"
    );
}

#[test]
fn dry_run_prints_the_requests_and_makes_none() {
    let place = Place::new();
    let server = Server::data();
    let (stdout, _) = succeeds(&mut place.fetch(
        &server.url,
        &[
            "-r",
            "KAZ,MEX",
            "-p",
            "world",
            "--years",
            "2014-2018",
            "--level",
            "2",
            "--dry-run",
        ],
    ));
    let gets: Vec<&str> = stdout.lines().filter(|l| l.starts_with("GET ")).collect();
    // Every chapter to the world, both flows, is estimated at 2 x 5 x 2 x 97 = 1,940 rows,
    // above the preview's 500: cut by year (388 rows each).
    assert_eq!(gets.len(), 5, "{stdout}");
    assert!(
        gets[0].contains("reporterCode=398,484&period=2014&partnerCode=0"),
        "{stdout}"
    );
    assert!(gets[0].contains("cmdCode=AG2"), "{stdout}");
    assert!(
        stdout.contains("5 request(s) to make, 0 already cached, to the public preview"),
        "{stdout}"
    );
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn an_interrupted_run_resumes_where_it_stopped() {
    let place = Place::new();
    let out = place.out("kaz_mex.csv");
    let args = query_with(&["-o", out.to_str().unwrap()]);
    // Three parts answered, then the server fails for good.
    let failing = Server::start(|i, _| {
        if i < 3 {
            Reply::Data
        } else {
            Reply::Status(500, vec![], "{\"error\": \"down\"}".into())
        }
    });
    let (ok, _, stderr) = run(&mut place.fetch(&failing.url, &strs(&args)));
    assert!(!ok);
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    assert!(stderr.contains("run the same command again"), "{stderr}");
    assert!(!out.exists(), "no output after a failure");
    assert_eq!(
        files_under(out.parent().unwrap()).len(),
        0,
        "nothing half-written"
    );
    drop(failing);

    let server = Server::data();
    let (_, stderr) = succeeds(&mut place.fetch(&server.url, &strs(&args)));
    // 10 parts (reporter x year), 3 of them cached.
    assert_eq!(server.requests().len(), 7, "{stderr}");
    assert!(stderr.contains("3 from the cache"), "{stderr}");
    let (columns, rows, _) = csv_rows(&out);
    assert_eq!(rows, expected_rows(&columns));
}

#[test]
fn a_killed_run_leaves_whole_parts_only_and_resumes() {
    let place = Place::new();
    let out = place.out("kaz_mex.csv");
    let args = query_with(&["-o", out.to_str().unwrap()]);
    let hanging = Server::start(|i, _| if i < 4 { Reply::Data } else { Reply::Hang });
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tradestat"));
    for v in CLEARED {
        child.env_remove(v);
    }
    std::fs::create_dir_all(place.home()).unwrap();
    child
        .env("HOME", place.home())
        .arg("fetch")
        .args(["--api-url", &hanging.url, "--cache-dir"])
        .arg(place.cache())
        .args(["--max-per-second", "1000", "--timeout", "30"])
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = child.spawn().unwrap();
    let start = Instant::now();
    while hanging.requests().len() < 5 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // A second fetch into the same cache meanwhile is refused, without a request.
    let stderr = fails(&mut place.fetch(&hanging.url, &strs(&args)));
    assert!(stderr.contains("another tradestat run"), "{stderr}");
    assert_eq!(hanging.requests().len(), 5);
    // SIGKILL: no clean-up runs.
    child.kill().unwrap();
    child.wait().unwrap();
    drop(hanging);
    assert!(!out.exists());
    let parts = files_under(&place.cache().join("parts"));
    assert_eq!(parts.len(), 4, "{parts:?}");
    for p in &parts {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap())
            .unwrap_or_else(|e| panic!("{}: not whole JSON: {e}", p.display()));
        assert!(v["data"].is_array());
    }

    // The killed run's lock is left behind, and taken over (its process is gone).
    assert!(place.cache().join("fetch.lock").exists());
    let server = Server::data();
    let (_, stderr) = succeeds(&mut place.fetch(&server.url, &strs(&args)));
    assert_eq!(server.requests().len(), 6, "{stderr}");
    assert!(!place.cache().join("fetch.lock").exists());
    let (columns, rows, _) = csv_rows(&out);
    assert_eq!(rows, expected_rows(&columns));
}

#[test]
fn too_many_requests_is_waited_out_and_failures_are_retried() {
    let place = Place::new();
    let out = place.out("kaz.csv");
    let server = Server::start(|i, _| match i {
        0 => Reply::Status(
            429,
            vec![("Retry-After", "1".into())],
            "{\"statusCode\": 429, \"message\": \"Rate limit is exceeded.\"}".into(),
        ),
        1 => Reply::Status(500, vec![], "oops".into()),
        2 => Reply::CutBody,
        3 => Reply::Drop,
        _ => Reply::Data,
    });
    let start = Instant::now();
    let (_, stderr) = succeeds(&mut place.fetch(
        &server.url,
        &[
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2014",
            "-o",
            out.to_str().unwrap(),
        ],
    ));
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(1),
        "Retry-After: 1 not honoured ({took:?})"
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 5, "{stderr}");
    assert!(stderr.contains("5 request(s)"), "{stderr}");
    let (_, rows, _) = csv_rows(&out);
    // Kazakhstan to Mexico in 2014, the totals: exports and imports.
    assert_eq!(rows.len(), seen[4].rows);
    assert_eq!(rows.len(), 2);
}

#[test]
fn requests_per_second_are_capped() {
    let place = Place::new();
    let out = place.out("kaz.csv");
    let server = Server::data();
    // Three reporter-years in three requests, at five a second at most.
    let mut cmd = place.fetch(
        &server.url,
        &[
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2014-2016",
            "--row-cap",
            "100",
            "--level",
            "2",
            "--max-per-second",
            "5",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let start = Instant::now();
    succeeds(&mut cmd);
    assert_eq!(server.requests().len(), 3);
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn the_key_is_sent_in_a_header_and_written_nowhere() {
    let place = Place::new();
    let secret = "SECRET-KEY-0123456789abcdef";
    let server = Server::data();
    for name in ["kaz_mex.csv", "kaz_mex.parquet"] {
        let out = place.out(name);
        let args = query_with(&["-o", out.to_str().unwrap()]);
        let mut cmd = place.fetch(&server.url, &strs(&args));
        cmd.env("COMTRADE_API_KEY", secret);
        let (stdout, stderr) = succeeds(&mut cmd);
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    let seen = server.requests();
    assert!(!seen.is_empty());
    for s in &seen {
        assert_eq!(s.path, "/data/v1/get/C/A/HS");
        assert_eq!(s.key.as_deref(), Some(secret));
        assert!(s.params.values().all(|v| !v.contains(secret)));
    }
    // Every file tradestat wrote: the outputs, the cached parts, the request ledger.
    let mut written = files_under(&place.cache());
    written.extend(files_under(place.out("x").parent().unwrap()));
    assert!(written.len() >= 4, "{written:?}");
    for f in written {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the key",
            f.display()
        );
    }
    // The Parquet output is the canonical table, read back with its download date.
    let parquet = place.out("kaz_mex.parquet");
    let (stdout, stderr) = succeeds(
        tradestat()
            .arg("summary")
            .arg(&parquet)
            .args(["-r", "KAZ", "-p", "MEX"]),
    );
    assert!(stdout.contains("$171K"), "{stdout}");
    assert!(
        stderr.contains("kaz_mex.parquet, downloaded from the UN Comtrade API on 20"),
        "{stderr}"
    );
    // The key also comes from the config file.
    let config = place.home().join(".config/tradestat");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!("comtrade_api_key = \"{secret}\"\n"),
    )
    .unwrap();
    let server = Server::data();
    let out = place.out("kaz.csv");
    succeeds(&mut place.fetch(
        &server.url,
        &[
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2015",
            "-o",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(server.requests()[0].key.as_deref(), Some(secret));
}

#[test]
fn a_part_at_the_cap_that_cannot_be_split_is_refused() {
    let place = Place::new();
    let out = place.out("x.csv");
    let server = Server::data();
    let o = out.to_str().unwrap();
    let args = [
        "-r",
        "KAZ",
        "-p",
        "all",
        "--years",
        "2014",
        "--flows",
        "imports",
        "--products",
        "27",
        "--row-cap",
        "1",
        "-o",
        o,
    ];
    let stderr = fails(&mut place.fetch(&server.url, &args));
    assert!(stderr.contains("cannot be split further"), "{stderr}");
    assert!(stderr.contains("narrow the query"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn bad_input_gets_clear_errors_and_writes_nothing() {
    let place = Place::new();
    let out = place.out("x.csv");
    let o = out.to_str().unwrap();
    // Unknown country or product: refused before any request.
    let server = Server::data();
    let stderr = fails(&mut place.fetch(
        &server.url,
        &["-r", "Kazakstan", "--years", "2014", "-o", o],
    ));
    assert!(stderr.contains("unknown country 'Kazakstan'"), "{stderr}");
    let stderr = fails(&mut place.fetch(
        &server.url,
        &["-r", "KAZ", "--years", "2014", "--products", "27x", "-o", o],
    ));
    assert!(stderr.contains("not an HS code"), "{stderr}");
    assert_eq!(server.requests().len(), 0);

    // A key the API refuses.
    let server = Server::start(|_, _| {
        Reply::Status(401, vec![], "{\"statusCode\": 401, \"message\": \"Access denied due to invalid subscription key.\"}".into())
    });
    let mut cmd = place.fetch(&server.url, &["-r", "KAZ", "--years", "2014", "-o", o]);
    cmd.env("COMTRADE_API_KEY", "not-a-key");
    let (ok, _, stderr) = run(&mut cmd);
    assert!(!ok);
    assert!(stderr.contains("refused the subscription key"), "{stderr}");
    assert!(stderr.contains("COMTRADE_API_KEY"), "{stderr}");
    assert!(!stderr.contains("not-a-key"), "{stderr}");
    assert_eq!(cmd.output().unwrap().status.code(), Some(77));

    // The API's quota used up.
    let server = Server::start(|_, _| {
        Reply::Status(403, vec![], "{\"statusCode\": 403, \"message\": \"Out of call volume quota. Quota will be replenished in 05:12:00.\"}".into())
    });
    let mut cmd = place.fetch(&server.url, &["-r", "KAZ", "--years", "2014", "-o", o]);
    let (ok, _, stderr) = run(&mut cmd);
    assert!(!ok);
    assert!(stderr.contains("Out of call volume quota"), "{stderr}");
    assert!(stderr.contains("run the same command again"), "{stderr}");

    // An error message in the JSON.
    let server = Server::start(|_, _| {
        Reply::Status(200, vec![], "{\"elapsedTime\": \"0 secs\", \"count\": 0, \"data\": null, \"error\": \"Invalid period 1066\"}".into())
    });
    let stderr = fails(&mut place.fetch(&server.url, &["-r", "KAZ", "--years", "2014", "-o", o]));
    assert!(stderr.contains("Invalid period 1066"), "{stderr}");

    // tradestat's own daily cap: 10 parts, 4 allowed today (a cache of its own: the requests
    // above count too).
    let place = Place::new();
    let out = place.out("x.csv");
    let o = out.to_str().unwrap();
    let server = Server::data();
    let args = query_with(&["--max-per-day", "4", "-o", o]);
    let mut cmd = place.fetch(&server.url, &strs(&args));
    let (ok, _, stderr) = run(&mut cmd);
    assert!(!ok);
    assert!(stderr.contains("daily cap of 4"), "{stderr}");
    assert_eq!(server.requests().len(), 4);
    assert!(!out.exists());
    assert_eq!(files_under(out.parent().unwrap()).len(), 0);
    // The cache is consistent: every part file is whole, and the 4 parts are reused.
    for p in files_under(&place.cache().join("parts")) {
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&p).unwrap()).unwrap();
    }
    let args = query_with(&["--max-per-day", "100", "-o", o]);
    succeeds(&mut place.fetch(&server.url, &strs(&args)));
    assert_eq!(server.requests().len(), 4 + 6);
}

#[test]
fn refresh_revalidates_and_names_revised_parts() {
    let place = Place::new();
    let out = place.out("kaz.csv");
    let o = out.to_str().unwrap();
    // One part per year: 8 rows each, below a cap of 9.
    let args = [
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--years",
        "2014,2015",
        "--products",
        "TOTAL,27,72,84,85",
        "--row-cap",
        "9",
        "-o",
        o,
    ];
    let server = Server::data();
    succeeds(&mut place.fetch(&server.url, &args));
    drop(server);
    // The same data: checked, nothing revised.
    let server = Server::data();
    let mut cmd = place.fetch(&server.url, &args);
    let (_, stderr) = succeeds(cmd.arg("--refresh"));
    assert_eq!(server.requests().len(), 2);
    assert!(stderr.contains("no part changed"), "{stderr}");
    drop(server);
    // 2015 revised by the API.
    let mut revised = records();
    for r in revised.iter_mut().filter(|r| r["refYear"] == 2015) {
        r.insert("primaryValue".into(), serde_json::json!(1.0));
    }
    let server = Server::with_records(revised, |_, _| Reply::Data);
    let mut cmd = place.fetch(&server.url, &args);
    let (_, stderr) = succeeds(cmd.arg("--refresh"));
    assert!(
        stderr.contains("data revised: reporter 398 2015"),
        "{stderr}"
    );
    assert!(!stderr.contains("reporter 398 2014"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(",1,") || text.contains(",1.0,"),
        "revised values written"
    );
}

#[test]
fn fetch_then_report_names_the_download_date() {
    let place = Place::new();
    let out = place.out("kaz_mex.csv");
    let server = Server::data();
    succeeds(&mut place.fetch(
        &server.url,
        &[
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2014-2018",
            "-o",
            out.to_str().unwrap(),
        ],
    ));
    let (_, _, dates) = csv_rows(&out);
    let day = dates[0][..10].to_string();
    let report = place.out("report");
    let (_, stderr) = succeeds(tradestat().arg("report").arg(&out).arg("-o").arg(&report));
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    let phrase = format!("kaz_mex.csv, downloaded from the UN Comtrade API on {day}");
    assert!(
        md.contains(&phrase),
        "report.md does not name the download date:\n{md}\n{stderr}"
    );
    assert!(
        std::fs::read_to_string(report.join("index.html"))
            .unwrap()
            .contains(&phrase),
        "index.html"
    );
    // The figures are the fetched ones: Kazakh exports to Mexico in 2014, $171K.
    assert!(md.contains("$171K"), "{md}");
    // The summary reads the same file as it is.
    let (stdout, _) = succeeds(
        tradestat()
            .arg("summary")
            .arg(&out)
            .args(["-r", "KAZ", "-p", "MEX"]),
    );
    assert!(stdout.contains("2018"), "{stdout}");
}

#[test]
fn report_fetch_and_a_deck_data_section_fetch_then_report() {
    let place = Place::new();
    let server = Server::data();
    let dir = place.out("kaz-mex");
    let (_, stderr) = succeeds(&mut place.command(
        "report",
        &server.url,
        &[
            "--fetch",
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2014-2018",
            "-o",
            dir.to_str().unwrap(),
        ],
    ));
    assert!(stderr.contains("fetched 10 rows"), "{stderr}");
    assert!(!server.requests().is_empty());
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("downloaded from the UN Comtrade API on 20"),
        "{md}"
    );
    assert!(md.contains("$171K"), "{md}");
    // The records are in the report, and the manifest names them there.
    let (_, rows, _) = csv_rows(&dir.join("data/comtrade.csv"));
    assert_eq!(rows.len(), 10);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"data/comtrade.csv\""), "{manifest}");
    assert!(!manifest.contains("tradestat-fetch."), "{manifest}");
    assert!(!md.contains("tradestat-fetch."), "{md}");
    assert!(
        md.contains("data/comtrade.csv (fetched from the UN Comtrade API)"),
        "{md}"
    );
    // Nothing of the temporary download is left behind.
    let tmp = place.dir.path().join("tmp");
    assert!(tmp.is_dir());
    assert_eq!(files_under(&tmp).len(), 0, "{:?}", files_under(&tmp));
    drop(server);

    // A deck with a [data] section, rendered from the cache: no request.
    let silent = Server::start(|_, _| Reply::Status(500, vec![], "asked".into()));
    let spec = place.out("deck.toml");
    std::fs::write(
        &spec,
        r#"title = "Kazakhstan and Mexico"
[data]
reporters = ["KAZ"]
partners = ["MEX"]
years = "2014-2018"

[[table]]
name = "summary"
kind = "summary"
"#,
    )
    .unwrap();
    let deck = place.out("deck");
    let (_, stderr) = succeeds(&mut place.command(
        "render",
        &silent.url,
        &[spec.to_str().unwrap(), "-o", deck.to_str().unwrap()],
    ));
    assert_eq!(silent.requests().len(), 0, "{stderr}");
    assert!(stderr.contains("1 from the cache"), "{stderr}");
    let table = std::fs::read_to_string(deck.join("summary.csv")).unwrap();
    assert!(table.contains("2014") && table.contains("2018"), "{table}");

    // Without the query's reporter and years, report --fetch says what it needs.
    let stderr = fails(&mut place.command("report", &silent.url, &["--fetch", "-p", "MEX"]));
    assert!(stderr.contains("needs the query"), "{stderr}");
}

#[test]
fn ctrl_c_during_report_fetch_leaves_nothing_behind() {
    let place = Place::new();
    let hanging = Server::start(|i, _| if i < 2 { Reply::Data } else { Reply::Hang });
    let dir = place.out("kaz-mex");
    let args = [
        "--fetch",
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--years",
        "2014-2018",
        "--products",
        "TOTAL,27",
        "--row-cap",
        "4",
        "-o",
        dir.to_str().unwrap(),
    ];
    let cmd = place.command("report", &hanging.url, &args);
    // assert_cmd's Command waits; a std Command with the same settings can be signalled.
    let mut std_cmd = std::process::Command::new(cmd.get_program());
    std_cmd.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => std_cmd.env(k, v),
            None => std_cmd.env_remove(k),
        };
    }
    let mut child = std_cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while hanging.requests().len() < 3 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let tmp = place.dir.path().join("tmp");
    let entries = |d: &Path| std::fs::read_dir(d).unwrap().count();
    assert_eq!(entries(&tmp), 1, "the download's folder is in TMPDIR");
    // SAFETY: a plain kill(2) of our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    drop(hanging);
    assert_eq!(entries(&tmp), 0, "the download's folder is removed");
    assert!(!dir.exists());
    assert!(
        !place.cache().join("fetch.lock").exists(),
        "the lock is removed"
    );
    // Two parts were cached whole; the rest resumes.
    assert_eq!(files_under(&place.cache().join("parts")).len(), 2);
}
