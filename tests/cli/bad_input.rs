//! Loading bad input: empty, header-only, unknown, ragged, non-numeric, negative, non-UTF-8 and
//! missing files get an error naming the file, line and column; usable oddities get warnings.

use std::path::{Path, PathBuf};

use crate::common::*;

fn inspect_fixture(name: &str) -> String {
    fails(tradestat().args(["inspect", "--quiet"]).arg(fixture(name)))
}

#[test]
fn empty_file() {
    let err = inspect_fixture("empty.csv");
    assert!(err.contains("empty.csv"), "{err}");
    assert!(err.contains("empty"), "{err}");
    assert!(err.contains("expected a header"), "{err}");
}

#[test]
fn header_only() {
    let err = inspect_fixture("header_only.csv");
    assert!(err.contains("header_only.csv"), "{err}");
    assert!(err.contains("no data rows"), "{err}");
}

/// Issue 13: a file whose lines end with CR alone was "a header but no data rows"; it is named
/// for what it is, with the way to convert it, and exits 65 like other unusable data.
#[test]
fn cr_only_line_endings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mac.csv");
    std::fs::write(
        &path,
        "t,i,j,k,v,q\r2021,4,8,10121,1.5,2\r2021,8,4,10121,2.5,2\r",
    )
    .unwrap();
    let out = tradestat()
        .args(["summary", "-r", "4"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mac.csv"), "{err}");
    assert!(err.contains("carriage return only"), "{err}");
    assert!(!err.contains("no data rows"), "{err}");
}

#[test]
fn unknown_layout() {
    let err = inspect_fixture("unknown_layout.csv");
    assert!(err.contains("unknown_layout.csv"), "{err}");
    assert!(err.contains("unknown layout"), "{err}");
    assert!(err.contains("[foo,bar]"), "the header is shown: {err}");
    assert!(err.contains("--format") && err.contains("--map"), "{err}");
}

#[test]
fn ragged_row() {
    let err = inspect_fixture("baci_ragged.csv");
    assert!(err.contains("baci_ragged.csv:3:"), "{err}");
    assert!(err.contains("expected 6 fields"), "{err}");
    assert!(err.contains("found 5"), "{err}");
}

#[test]
fn non_numeric_value() {
    let err = inspect_fixture("baci_not_a_number.csv");
    assert!(err.contains("baci_not_a_number.csv:4:"), "{err}");
    assert!(err.contains("column 'v'"), "{err}");
    assert!(err.contains("expected a number"), "{err}");
    assert!(err.contains("'abc'"), "{err}");
}

#[test]
fn negative_value() {
    let err = inspect_fixture("baci_negative.csv");
    assert!(err.contains("baci_negative.csv:3:"), "{err}");
    assert!(err.contains("column 'v'"), "{err}");
    assert!(err.contains("-3.5"), "{err}");
    assert!(err.contains("cannot be negative"), "{err}");
}

#[test]
fn missing_column_with_forced_baci_format() {
    let err = fails(
        tradestat()
            .args(["inspect", "--quiet", "--format", "baci"])
            .arg(fixture("baci_without_v.csv")),
    );
    assert!(err.contains("baci_without_v.csv"), "{err}");
    assert!(err.contains("missing required column 'v'"), "{err}");
    assert!(err.contains("baci"), "{err}");
}

#[test]
fn comtrade_plus_without_primary_value() {
    let file = fixture("comtrade_plus_without_primary_value.csv");
    // Detected: refYear without primaryValue is no known layout.
    let err = fails(tradestat().args(["inspect", "--quiet"]).arg(&file));
    assert!(
        err.contains("comtrade_plus_without_primary_value.csv"),
        "{err}"
    );
    assert!(err.contains("unknown layout"), "{err}");
    // Forced: the missing column is named.
    let err = fails(
        tradestat()
            .args(["inspect", "--quiet", "--format", "comtrade-plus"])
            .arg(&file),
    );
    assert!(
        err.contains("comtrade_plus_without_primary_value.csv"),
        "{err}"
    );
    assert!(
        err.to_lowercase()
            .contains("missing required column 'primaryvalue'"),
        "{err}"
    );
}

/// A canonical CSV whose third line has a Latin-1 `é` (0xE9) in a name field.
fn latin1_file(dir: &Path) -> PathBuf {
    let mut bytes = tradestat::schema::COLUMNS.join(",").into_bytes();
    bytes.extend_from_slice(
        b"\n2018,,MEX,KAZ,export,TOTAL,All products,0,custom,5000,USD,,,,,,,false,false,test\n",
    );
    bytes.extend_from_slice(
        b"2018,,MEX,KAZ,export,coffee,caf\xe9 beans,,custom,700,USD,,,,,,,false,false,test\n",
    );
    let path = dir.join("latin1.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn latin1_text_needs_encoding_option() {
    let dir = tempfile::tempdir().unwrap();
    let file = latin1_file(dir.path());
    let err = fails(tradestat().args(["inspect", "--quiet"]).arg(&file));
    assert!(err.contains("latin1.csv:3:"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
    assert!(err.contains("0xE9"), "{err}");
    assert!(err.contains("--encoding latin1"), "{err}");

    let items = inspect_items(&["--encoding", "latin1"], &file);
    assert_eq!(count(&items["rows"]), 2);
    // The name is decoded, not mangled.
    let out = dir.path().join("out.csv");
    succeeds(
        tradestat()
            .args(["convert", "--quiet", "--encoding", "latin1"])
            .arg(&file)
            .arg("-o")
            .arg(&out),
    );
    let text = std::fs::read_to_string(&out).expect("the output is UTF-8");
    assert!(text.contains("café beans"), "{text}");
}

#[test]
fn duplicate_rows_warn() {
    let (stdout, stderr) = succeeds(
        tradestat()
            .args(["inspect"])
            .arg(fixture("baci_duplicate_rows.csv")),
    );
    assert!(stderr.contains("baci_duplicate_rows.csv"), "{stderr}");
    assert!(stderr.contains("repeat another row"), "{stderr}");
    let dup = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("duplicate rows"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(dup.trim_end().ends_with(" 1"), "{dup}");
}

#[test]
fn unknown_country_code_is_kept_and_listed() {
    let file = fixture("baci_unknown_country.csv");
    let (_, stderr) = succeeds(tradestat().args(["inspect", "--output", "json"]).arg(&file));
    assert!(stderr.contains("baci_unknown_country.csv"), "{stderr}");
    assert!(stderr.contains("not in the country table"), "{stderr}");
    let items = inspect_items(&[], &file);
    assert_eq!(items["unresolved codes"], "reporter 999: 1");
    assert_eq!(count(&items["rows"]), 2);
}

#[test]
fn gzip_input_reads_like_plain() {
    use std::io::Write;
    let plain = fixture("baci_small.csv");
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("baci_small.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(&std::fs::read(&plain).unwrap()).unwrap();
    enc.finish().unwrap();

    let a = inspect_items(&[], &plain);
    let b = inspect_items(&[], &gz);
    assert_eq!(count(&b["rows"]), count_records(&plain, b','));
    assert_eq!(count(&b["rows"]), 4);
    assert!(b["layout"].starts_with("baci"), "{}", b["layout"]);
    for item in ["rows", "years", "values", "reporters (3)", "partners (4)"] {
        assert_eq!(a.get(item), b.get(item), "{item}");
    }
}

#[test]
fn glob_matching_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pattern = dir.path().join("*.csv");
    let pattern = pattern.to_str().unwrap();
    let err = fails(tradestat().args(["inspect", "--quiet", pattern]));
    assert!(err.contains("no input file matches"), "{err}");
    assert!(err.contains(pattern), "{err}");
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("absent.csv");
    let err = fails(tradestat().args(["inspect", "--quiet"]).arg(&file));
    assert!(err.contains("absent.csv"), "{err}");
}
