//! `tradestat fetch --bulk` against the stand-in server's bulk listing and gzip files made
//! here: every file downloaded byte for byte and read by `summary`, a second run free, a
//! republished file downloaded again and named, a damaged download retried then refused with
//! nothing half-written, `--dry-run` downloading nothing, and the key written nowhere.

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::server::{BulkFixture, Reply, Server, bulk_reply, bulk_text, gzip};
use super::{Place, files_under};
use crate::common::*;

const KEY: &str = "BULK-SECRET-KEY-42";

/// Kazakhstan and Mexico, 2017 and 2018: each other, the world and chapter 27.
fn fixtures() -> Vec<BulkFixture> {
    let mut v = Vec::new();
    for (reporter, partner) in [(398, 484), (484, 398)] {
        for year in [2017, 2018] {
            let k = f64::from(year - 2016);
            let rows = [
                ("X", 0, "TOTAL", 1.0e9 * k),
                ("M", 0, "TOTAL", 2.0e9 * k),
                ("X", partner, "TOTAL", 5.0e6 * k),
                ("M", partner, "TOTAL", 3.0e6 * k),
                ("X", partner, "27", 1.0e6 * k),
            ];
            let id = format!("f{reporter}x{year}");
            v.push(BulkFixture {
                // The real listing gives a URL on comtradeapi.un.org; its path is asked of the
                // configured server. One file has a bare id.
                file_url: if reporter == 398 && year == 2017 {
                    id.clone()
                } else {
                    format!("https://comtradeapi.un.org/bulk/v1/file/{reporter}/{id}")
                },
                id,
                reporter,
                year,
                published: format!("{}-03-01T10:00:00Z", year + 1),
                gz: gzip(&bulk_text(reporter, year, &rows)),
            });
        }
    }
    v
}

type Files = Arc<Mutex<Vec<BulkFixture>>>;

fn bulk_server(files: &Files) -> Server {
    let f = files.clone();
    Server::start(move |_, seen| bulk_reply(&f.lock().unwrap(), seen))
}

fn bulk_fetch(place: &Place, url: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut args = vec!["--bulk", "-r", "KAZ,MEX", "--years", "2017-2018"];
    args.extend(extra);
    let mut cmd = place.fetch(url, &args);
    cmd.env("COMTRADE_API_KEY", KEY);
    cmd
}

fn name(f: &BulkFixture) -> String {
    format!("C_A_{}_{}0101_H5_O.txt.gz", f.reporter, f.year)
}

fn assert_no_key(place: &Place) {
    let mut written = files_under(&place.cache());
    written.extend(files_under(place.out("x").parent().unwrap()));
    assert!(!written.is_empty());
    for f in written {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "{} holds the key",
            f.display()
        );
    }
}

fn tmp_files(dir: &Path) -> Vec<std::path::PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

#[test]
fn bulk_files_are_listed_downloaded_whole_and_read() {
    let place = Place::new();
    let files: Files = Arc::new(Mutex::new(fixtures()));
    let server = bulk_server(&files);
    let dir = place.out("bulk/");
    let d = format!("{}/", dir.to_str().unwrap().trim_end_matches('/'));
    let (_, stderr) = succeeds(&mut bulk_fetch(&place, &server.url, &["-o", &d]));
    assert!(stderr.contains("4 file(s) listed"), "{stderr}");
    assert!(stderr.contains("4 downloaded"), "{stderr}");
    let seen = server.requests();
    assert_eq!(seen.len(), 6, "{seen:?}");
    let listings: Vec<_> = seen
        .iter()
        .filter(|s| s.path == "/bulk/v1/get/C/A/HS")
        .collect();
    assert_eq!(listings.len(), 2);
    assert_eq!(listings[0].params["reporterCode"], "398");
    assert_eq!(listings[0].params["period"], "2017,2018");
    assert!(seen.iter().all(|s| s.key.as_deref() == Some(KEY)));
    assert!(seen.iter().any(|s| s.path == "/bulk/v1/file/398/f398x2017"));
    assert!(seen.iter().any(|s| s.path == "/bulk/v1/file/484/f484x2018"));
    // Every listed file, byte for byte, under its listed name, and nothing else.
    let fx = files.lock().unwrap().clone();
    for f in &fx {
        assert_eq!(
            std::fs::read(dir.join(name(f))).unwrap(),
            f.gz,
            "{}",
            name(f)
        );
    }
    assert_eq!(files_under(&dir).len(), 4);

    // A second run, into a stitched table: no request at all.
    let csv = place.out("bulk.csv");
    let (_, stderr) = succeeds(&mut bulk_fetch(
        &place,
        &server.url,
        &["-o", csv.to_str().unwrap()],
    ));
    assert_eq!(server.requests().len(), 6, "{stderr}");
    assert!(
        stderr.contains("0 downloaded, 4 from the cache, 0 request(s)"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("datasetCode,typeCode,freqCode,"),
        "{header}"
    );
    assert!(header.ends_with(",isAggregate,downloadedAt"), "{header}");
    assert_eq!(lines.count(), 20);

    // Every command reads both as they are: the folder's .txt.gz files and the table.
    let glob = format!("{}/*.txt.gz", dir.to_str().unwrap().trim_end_matches('/'));
    for input in [glob.as_str(), csv.to_str().unwrap()] {
        let (stdout, stderr) = succeeds(
            tradestat()
                .arg("summary")
                .arg(input)
                .args(["-r", "KAZ", "-p", "MEX"]),
        );
        // KAZ's exports to MEX: 5M in 2017, 10M in 2018; imports 3M and 6M.
        assert!(
            stdout.contains("$5M") && stdout.contains("$10M"),
            "{input}: {stdout}\n{stderr}"
        );
        assert!(stdout.contains("$6M"), "{input}: {stdout}");
    }
    assert_no_key(&place);
}

#[test]
fn a_republished_file_is_downloaded_again_and_named() {
    let place = Place::new();
    let files: Files = Arc::new(Mutex::new(fixtures()));
    let server = bulk_server(&files);
    let dir = place.out("bulk");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    succeeds(&mut bulk_fetch(&place, &server.url, &["-o", d]));
    assert_eq!(server.requests().len(), 6);
    // MEX 2018 republished with other figures.
    let new = {
        let mut fx = files.lock().unwrap();
        let f = fx.iter_mut().find(|f| f.id == "f484x2018").unwrap();
        f.published = "2020-06-30T08:00:00Z".into();
        f.gz = gzip(&bulk_text(484, 2018, &[("X", 398, "TOTAL", 7.0e6)]));
        f.clone()
    };
    // Without --refresh the cached listing holds: nothing asked.
    succeeds(&mut bulk_fetch(&place, &server.url, &["-o", d]));
    assert_eq!(server.requests().len(), 6);
    let (_, stderr) = succeeds(&mut bulk_fetch(
        &place,
        &server.url,
        &["-o", d, "--refresh"],
    ));
    let seen = server.requests();
    // The two listings again, and the one file whose entry changed.
    assert_eq!(seen.len(), 9, "{seen:?}\n{stderr}");
    assert_eq!(seen[8].path, "/bulk/v1/file/484/f484x2018");
    assert!(
        stderr.contains(
            "file revised: C_A_484_20180101_H5_O.txt.gz: published 2019-03-01, now listed as \
             published 2020-06-30: downloaded again"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.join(name(&new))).unwrap(), new.gz);
    assert_eq!(files_under(&dir).len(), 4);
    // The old version left the cache.
    assert_eq!(
        files_under(&place.cache().join("bulk"))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "gz"))
            .count(),
        4
    );
    assert_no_key(&place);
}

#[test]
fn a_damaged_download_is_retried_then_refused_and_nothing_is_half_written() {
    let place = Place::new();
    let files: Files = Arc::new(Mutex::new(fixtures()));
    let f = files.clone();
    // KAZ 2017 is cut off once, then whole; MEX 2018 is always damaged (its CRC).
    let attempts = Arc::new(Mutex::new(0usize));
    let a = attempts.clone();
    let server = Server::start(move |_, seen| {
        let reply = bulk_reply(&f.lock().unwrap(), seen);
        match (seen.path.as_str(), reply) {
            ("/bulk/v1/file/398/f398x2017", Reply::Bytes(b)) => {
                let mut n = a.lock().unwrap();
                *n += 1;
                if *n == 1 {
                    Reply::Bytes(b[..b.len() - 10].to_vec())
                } else {
                    Reply::Bytes(b)
                }
            }
            ("/bulk/v1/file/484/f484x2018", Reply::Bytes(mut b)) => {
                let n = b.len();
                b[n - 7] ^= 0x55;
                Reply::Bytes(b)
            }
            (_, r) => r,
        }
    });
    let dir = place.out("bulk/");
    let d = dir.to_str().unwrap();
    let mut cmd = bulk_fetch(&place, &server.url, &["-o", d]);
    let stderr = fails(&mut cmd);
    assert!(
        stderr.contains("bulk file C_A_484_20180101_H5_O.txt.gz"),
        "{stderr}"
    );
    assert!(stderr.contains("not a whole gzip file"), "{stderr}");
    assert!(stderr.contains("6 attempts"), "{stderr}");
    assert_eq!(cmd.output().unwrap().status.code(), Some(69));
    let seen = server.requests();
    assert_eq!(
        seen.iter()
            .filter(|s| s.path == "/bulk/v1/file/398/f398x2017")
            .count(),
        2
    );
    // Nothing written: no output, no temporary file, no cached copy of the damaged file.
    assert!(files_under(&dir).is_empty());
    assert!(tmp_files(&place.cache()).is_empty());
    assert!(
        !place
            .cache()
            .join("bulk/C_A_484_20180101_H5_O.json")
            .exists()
    );
    assert!(
        place
            .cache()
            .join("bulk/C_A_398_20170101_H5_O.json")
            .exists()
    );

    // Once the server serves it whole, the run resumes with the one file missing.
    let server = bulk_server(&files);
    let (_, stderr) = succeeds(&mut bulk_fetch(&place, &server.url, &["-o", d]));
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:?}\n{stderr}");
    assert_eq!(seen[0].path, "/bulk/v1/file/484/f484x2018");
    for f in files.lock().unwrap().iter() {
        assert_eq!(std::fs::read(dir.join(name(f))).unwrap(), f.gz);
    }
}

#[test]
fn dry_run_lists_and_downloads_nothing_and_bulk_needs_a_key() {
    let place = Place::new();
    let files: Files = Arc::new(Mutex::new(fixtures()));
    let server = bulk_server(&files);
    let out = place.out("bulk/");
    let (stdout, _) = succeeds(&mut bulk_fetch(
        &place,
        &server.url,
        &["--dry-run", "-o", out.to_str().unwrap()],
    ));
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.path == "/bulk/v1/get/C/A/HS"));
    assert!(
        stdout.contains(&format!("GET {}/bulk/v1/file/484/f484x2017", server.url)),
        "{stdout}"
    );
    assert!(stdout.contains("C_A_398_20170101_H5_O.txt.gz"), "{stdout}");
    assert!(stdout.contains("4 file(s) listed"), "{stdout}");
    assert!(
        stdout.contains("4 to download, 0 already cached"),
        "{stdout}"
    );
    assert!(!stdout.contains(KEY));
    assert!(!out.exists());
    // The bulk files need a key; and a filter the files cannot honour is refused.
    let mut cmd = place.fetch(
        &server.url,
        &[
            "--bulk",
            "-r",
            "KAZ",
            "--years",
            "2018",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let stderr = fails(&mut cmd);
    assert!(stderr.contains("--bulk needs the data API"), "{stderr}");
    assert_eq!(cmd.output().unwrap().status.code(), Some(77));
    let stderr = fails(&mut bulk_fetch(
        &place,
        &server.url,
        &["-p", "MEX", "-o", "x/"],
    ));
    assert!(
        stderr.contains("--partner does not apply to --bulk"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 2);
}
