//! Reading only the question's rows (issue 11): on Comtrade Plus files, a question about some
//! countries parses only their rows into the canonical table. Its answers, notes and refusals
//! must be those of the whole table: checked against the same data converted to the canonical
//! layout read whole (`--every-row`) and narrowed (canonical files without reconciled flows are
//! narrowed too), and against `profile --engine general`. The narrowing runs a first pass over
//! the file's bytes that keeps only the lines of the question's countries (`read::prefilter`).
//!
//! The fixture `comtrade_plus_generated.csv.gz` is synthetic (`bench/gen.py --rows 4800 --layout
//! comtrade-plus`, seed 42): 154 reporters, partner World rows, TOTAL rows, HS6 leaves, a few
//! transport-mode and second-partner breakdowns, exports and imports declared by both sides.

use std::path::{Path, PathBuf};

use crate::common::*;

fn generated() -> PathBuf {
    fixture("comtrade_plus_generated.csv.gz")
}

/// The fixture converted to the canonical layout in `dir`.
fn canonical(dir: &Path) -> PathBuf {
    let out = dir.join("canonical.csv");
    succeeds(
        tradestat()
            .arg("convert")
            .arg(generated())
            .arg("-o")
            .arg(&out),
    );
    out
}

/// stdout and stderr of `tradestat ARGS FILE --output csv`, and whether it succeeded.
fn answer(args: &[&str], file: &Path) -> (bool, String, String) {
    run(tradestat().args(args).arg(file).args(["--output", "csv"]))
}

/// As [`answer`], every row parsed (`--every-row`).
fn answer_whole(args: &[&str], file: &Path) -> (bool, String, String) {
    run(tradestat()
        .args(args)
        .arg(file)
        .args(["--output", "csv", "--every-row"]))
}

#[test]
fn the_question_rows_answer_as_the_whole_table() {
    let dir = tempfile::tempdir().unwrap();
    let whole = canonical(dir.path());
    let questions: [&[&str]; 15] = [
        &["profile", "-r", "KAZ", "-p", "MEX"],
        // HS codes harmonised (to HS2022 and to HS1992) in the question's rows as in all.
        &[
            "top",
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "-n",
            "0",
            "--hs-edition",
            "H6",
        ],
        &[
            "composition",
            "-r",
            "MEX",
            "--group",
            "heading",
            "--hs",
            "1992",
        ],
        &["profile", "-r", "KAZ"],
        &["profile", "-r", "CHN", "-n", "0"],
        &["summary", "-r", "KAZ", "-p", "MEX"],
        &["summary", "-r", "CHN"],
        &["summary", "-r", "MEX", "-p", "KAZ,USA,CHN"],
        &["top", "-r", "KAZ", "-p", "MEX"],
        &["top", "-r", "MEX", "--by", "partner"],
        &["partners", "-r", "KAZ"],
        &["partners", "-r", "USA", "-n", "5"],
        &["composition", "-r", "KAZ", "-p", "MEX"],
        &["mirror", "-r", "KAZ", "-p", "MEX"],
        &["mirror", "-r", "MEX"],
    ];
    for q in questions {
        let (ok, out, err) = answer(q, &generated());
        assert!(ok, "{q:?} failed on the Comtrade Plus file:\n{err}");
        assert!(
            out.lines().count() >= 2,
            "{q:?} gave no table (a comparison of nothing):\n{out}"
        );
        let (ok_w, out_w, err_w) = answer_whole(q, &whole);
        assert!(ok_w, "{q:?} failed on the canonical file:\n{err_w}");
        assert_eq!(out, out_w, "{q:?}: the tables differ");
        assert_eq!(err, err_w, "{q:?}: the notes differ");
        // The canonical file narrowed to the question's rows, and the Comtrade Plus file read
        // whole, answer the same.
        let (ok_n, out_n, err_n) = answer(q, &whole);
        assert!(
            ok_n,
            "{q:?} failed on the canonical file narrowed:\n{err_n}"
        );
        assert_eq!(out, out_n, "{q:?}: the tables differ (canonical, narrowed)");
        assert_eq!(err, err_n, "{q:?}: the notes differ (canonical, narrowed)");
        let (_, out_a, err_a) = answer_whole(q, &generated());
        assert_eq!(out, out_a, "{q:?}: the tables differ (every row)");
        assert_eq!(err, err_a, "{q:?}: the notes differ (every row)");
    }
}

#[test]
fn the_question_rows_answer_as_the_whole_table_with_codes_changed_on_reading() {
    // Codes changed as the data is read (HS codes split among editions, the user's
    // categories): the question's rows get what every row gets.
    let dir = tempfile::tempdir().unwrap();
    let whole = canonical(dir.path());
    let cats = dir.path().join("categories.csv");
    std::fs::write(
        &cats,
        "category,hs\nMachinery,84\nElectrical,85\nVehicles,87\nChemicals,28 29 38\n",
    )
    .unwrap();
    let cats = cats.to_str().unwrap();
    let questions: [&[&str]; 3] = [
        &[
            "top",
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "-n",
            "0",
            "--hs-edition",
            "H6",
            "--hs-split",
            "equal",
        ],
        &[
            "composition",
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--categories",
            cats,
        ],
        &["top", "-r", "MEX", "--categories", cats],
    ];
    for q in questions {
        let (ok, out, err) = answer(q, &generated());
        let (ok_w, out_w, err_w) = answer_whole(q, &whole);
        assert_eq!(ok, ok_w, "{q:?}:\n{err}\n{err_w}");
        assert!(ok, "{q:?} failed:\n{err}");
        assert!(out.lines().count() >= 2, "{q:?} gave no table:\n{out}");
        // Split values are fractions: their sums may differ in the last bits with the order
        // polars adds them in (run to run, too), so numbers are compared within 1e-12.
        same_table(&out, &out_w, &format!("{q:?}"));
        assert_eq!(err, err_w, "{q:?}: the notes differ");
    }
}

/// Two CSV tables with the same cells, numbers equal within a relative 1e-12.
fn same_table(a: &str, b: &str, what: &str) {
    let rows = |t: &str| -> Vec<csv::StringRecord> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(t.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    let (ra, rb) = (rows(a), rows(b));
    assert_eq!(ra.len(), rb.len(), "{what}: rows");
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(x.len(), y.len(), "{what}: fields");
        for (f, g) in x.iter().zip(y.iter()) {
            match (f.parse::<f64>(), g.parse::<f64>()) {
                (Ok(u), Ok(v)) => assert!(
                    (u - v).abs() <= 1e-12 * u.abs().max(v.abs()),
                    "{what}: {f} against {g}"
                ),
                _ => assert_eq!(f, g, "{what}"),
            }
        }
    }
}

#[test]
fn the_question_rows_refuse_as_the_whole_table() {
    let dir = tempfile::tempdir().unwrap();
    let whole = canonical(dir.path());
    // A country absent from the data: the message lists every reporter, which the question's
    // rows alone do not hold; a year without data; a partner absent; a comparison of years in
    // a file of one year.
    let questions: [&[&str]; 4] = [
        &["summary", "-r", "TUV"],
        &["compare", "-r", "KAZ", "-p", "MEX"],
        &["summary", "-r", "KAZ", "-p", "TUV"],
        &["profile", "-r", "KAZ", "--years", "1999"],
    ];
    for q in questions {
        let (ok, _, err) = answer(q, &generated());
        assert!(!ok, "{q:?} should fail");
        assert!(err.starts_with("error: "), "{q:?}: {err}");
        let (_, _, err_w) = answer_whole(q, &whole);
        assert_eq!(err, err_w, "{q:?}: the refusals differ");
        let (_, _, err_n) = answer(q, &whole);
        assert_eq!(
            err, err_n,
            "{q:?}: the refusals differ (canonical, narrowed)"
        );
    }
    let err = answer(&["summary", "-r", "TUV"], &generated()).2;
    assert!(
        err.contains("reporters are: ABW (Aruba)"),
        "the list of reporters comes from every row:\n{err}"
    );
}

#[test]
fn profile_reads_the_same_from_the_question_rows_as_from_every_row() {
    for args in [
        &["profile", "-r", "KAZ", "-p", "MEX"][..],
        &["profile", "-r", "USA"][..],
    ] {
        let (scoped_out, scoped_err) = succeeds(
            tradestat()
                .args(args)
                .arg(generated())
                .args(["--output", "json"]),
        );
        let (all_out, all_err) = succeeds(
            tradestat()
                .args(args)
                .arg(generated())
                .args(["--output", "json", "--engine", "general"]),
        );
        assert_eq!(scoped_out, all_out, "{args:?}");
        assert_eq!(scoped_err, all_err, "{args:?}");
    }
}

#[test]
fn rows_left_out_are_counted_among_the_question_countries_rows() {
    // KAZ-MEX: the breakdown rows of other countries are not the reader's concern; the count is
    // the same whether only the question's rows were parsed or every row.
    let (_, err) = succeeds(
        tradestat()
            .args(["summary", "-r", "KAZ", "-p", "MEX"])
            .arg(generated()),
    );
    let counted = |what: &str| -> u64 {
        err.lines()
            .find(|l| l.ends_with(what))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    // The rows of the fixture whose reporter or partner is KAZ (398) or MEX (484), by breakdown.
    let text = {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(generated()).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (r, p, p2, mot) = (
        at("reporterCode"),
        at("partnerCode"),
        at("partner2Code"),
        at("motCode"),
    );
    let (mut partner2, mut mode, mut elsewhere) = (0u64, 0u64, 0u64);
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let ours = ["398", "484"].contains(&f[r]) || ["398", "484"].contains(&f[p]);
        let is_p2 = f[p2].trim() != "0";
        let is_mode = f[mot].trim() != "0";
        if !ours && (is_p2 || is_mode) {
            elsewhere += 1;
        }
        // Counted apart: a row can be both.
        partner2 += u64::from(ours && is_p2);
        mode += u64::from(ours && is_mode);
    }
    assert!(
        elsewhere > 0,
        "the fixture has breakdowns of other countries"
    );
    assert!(partner2 + mode > 0, "the fixture has breakdowns of KAZ-MEX");
    assert_eq!(counted("partner2 breakdowns"), partner2, "{err}");
    assert_eq!(counted("transport-mode breakdowns"), mode, "{err}");
}

/// A BACI file whose question rows alone would say less than the file: country 704 exports to
/// country 4 only (2020) and to 12 only (2021), so that every other importer's imports from 704
/// are known to be zero only from rows that are not theirs; a domestic row, a row without a
/// value, two years; 8 exports to 704, which exports nothing to 8. Written as CEPII writes BACI (quoted header and quantities).
fn baci_file(dir: &Path) -> PathBuf {
    let countries = [4, 8, 12, 32, 36, 76, 124, 156, 251, 276, 398, 484, 842];
    let products: Vec<String> = ["010121", "270900", "851712", "870323", "260300", "300490"]
        .map(String::from)
        .to_vec();
    let mut rng = Rng::new(11);
    let mut rows = generate_baci(&mut rng, 2020, 600, &countries, &products, (398, 484), 5);
    rows.extend(generate_baci(
        &mut rng,
        2021,
        500,
        &countries,
        &products,
        (398, 484),
        5,
    ));
    let row = |t, i, j, k: &str, usd| BaciRow {
        t,
        i,
        j,
        k: k.to_string(),
        usd,
        q: None,
    };
    rows.push(row(2020, 704, 4, "260300", 7_000_000));
    rows.push(row(2021, 704, 12, "260300", 9_000_000));
    rows.push(row(2020, 8, 8, "851712", 1_000));
    // 8 exports to 704 (a pair with trade), 704 nothing to 8.
    rows.push(row(2020, 8, 704, "870323", 3_000_000));
    rows.push(row(2021, 8, 704, "870323", 4_000_000));
    let path = dir.join("BACI_HS17_Y2020_V202401.csv");
    write_baci(&path, &rows);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2021,36,76,851712,,\"           NA\"\n");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_question_rows_of_a_baci_file_answer_as_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let baci = baci_file(dir.path());
    let questions: [&[&str]; 12] = [
        // 8's imports from 704: known to be none only from 704's rows with 4 and 12.
        &["summary", "-r", "8", "-p", "704"],
        &["summary", "-r", "8", "-p", "704,4", "--years", "2021"],
        &["summary", "-r", "156"],
        &["summary", "-r", "8"],
        &["partners", "-r", "8"],
        &["partners", "-r", "8", "--by", "imports", "--years", "2020"],
        &["top", "-r", "4", "-n", "0"],
        &["composition", "-r", "4", "-p", "704"],
        &["top", "-r", "8", "--by", "partner"],
        &["compare", "-r", "8", "-p", "704", "--years", "2020,2021"],
        &["profile", "-r", "8", "-p", "704", "--engine", "general"],
        &["summary", "-r", "398", "-p", "484"],
    ];
    for q in questions {
        let (ok, out, err) = answer(q, &baci);
        let (ok_w, out_w, err_w) = answer_whole(q, &baci);
        assert_eq!(ok, ok_w, "{q:?}:\n{err}\n{err_w}");
        assert!(ok, "{q:?} failed:\n{err}");
        assert!(out.lines().count() >= 2, "{q:?} gave no table:\n{out}");
        assert_eq!(out, out_w, "{q:?}: the tables differ");
        assert_eq!(err, err_w, "{q:?}: the notes differ");
    }
    // Refusals too (BACI has no mirror: its rows are reconciled already).
    for q in [
        &["mirror", "-r", "8", "-p", "4"][..],
        &["summary", "-r", "20"],
        &["summary", "-r", "8", "--years", "2019"],
    ] {
        let (ok, out, err) = answer(q, &baci);
        let (ok_w, out_w, err_w) = answer_whole(q, &baci);
        assert!(!ok && !ok_w, "{q:?} answered:\n{out}\n{out_w}");
        assert_eq!(err, err_w, "{q:?}: the refusals differ");
    }
    // The case the file was written for: 8's imports from 704 are zero, not unknown.
    let (_, out, _) = answer(&["summary", "-r", "8", "-p", "704"], &baci);
    let imports = out.lines().nth(1).unwrap().split(',').nth(2).unwrap();
    assert_eq!(imports, "0", "{out}");
}

/// Charts read only the question's rows too: the same image and notes as from every row, on a
/// Comtrade Plus file and on a BACI file.
#[test]
fn charts_from_the_question_rows_are_those_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let baci = baci_file(dir.path());
    let charts: [(&[&str], &Path); 6] = [
        (&["chart", "flows", "-r", "KAZ", "-p", "MEX"], &generated()),
        (
            &["chart", "top", "-r", "MEX", "--by", "partner"],
            &generated(),
        ),
        (&["chart", "composition", "-r", "KAZ"], &generated()),
        (&["chart", "trend", "-r", "8"], &baci),
        (&["chart", "top", "-r", "8", "--by", "partner"], &baci),
        (
            &["chart", "compare", "-r", "8", "--years", "2020,2021"],
            &baci,
        ),
    ];
    let out = dir.path().join("chart.svg");
    let draw = |args: &[&str], file: &Path, every_row: bool| {
        let mut cmd = tradestat();
        cmd.args(args).arg(file).arg("-o").arg(&out);
        if every_row {
            cmd.arg("--every-row");
        }
        let (ok, _, err) = run(&mut cmd);
        assert!(ok, "{args:?}:\n{err}");
        (std::fs::read_to_string(&out).unwrap(), err)
    };
    for (args, file) in charts {
        let (svg, err) = draw(args, file, false);
        let (svg_w, err_w) = draw(args, file, true);
        assert!(svg.contains("<svg"), "{args:?}");
        assert_eq!(svg, svg_w, "{args:?}: the charts differ");
        assert_eq!(err, err_w, "{args:?}: the notes differ");
    }
}
