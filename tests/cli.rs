//! Integration tests: the `tradestat` binary driven end to end with `assert_cmd`.
//!
//! This is the project's single integration-test crate. Each subcommand gets its own `mod`
//! section below; shared helpers live in `common`. Real third-party files are read in place from
//! `../shared/data/real/` (beside the checkout, never copied into the project); our own tiny
//! bad-input fixtures are in `tests/fixtures/` or written into a tempdir by the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

// --- shared helpers ---

mod common {
    use super::*;

    /// Third-party data shared beside the checkout.
    pub const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real");
    /// Our own small fixtures.
    pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    pub fn real(rel: &str) -> PathBuf {
        Path::new(REAL).join(rel)
    }

    pub fn fixture(name: &str) -> PathBuf {
        Path::new(FIXTURES).join(name)
    }

    /// The binary, with nothing inherited that could change its output.
    pub fn tradestat() -> Command {
        let mut cmd = Command::cargo_bin("tradestat").expect("the tradestat binary is built");
        cmd.env_remove("COLUMNS").env_remove("RUST_BACKTRACE");
        cmd
    }

    /// Run, check that nothing panicked, and return (success, stdout, stderr).
    pub fn run(cmd: &mut Command) -> (bool, String, String) {
        let out = cmd.output().expect("tradestat runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !stderr.contains("panicked"),
            "tradestat panicked:\n{stderr}"
        );
        (out.status.success(), stdout, stderr)
    }

    /// Run a command that must fail; returns its stderr.
    pub fn fails(cmd: &mut Command) -> String {
        let (ok, stdout, stderr) = run(cmd);
        assert!(
            !ok,
            "expected failure, got success.\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        assert!(
            stderr.starts_with("error: "),
            "expected an error message, got:\n{stderr}"
        );
        stderr
    }

    /// Run a command that must succeed; returns (stdout, stderr).
    pub fn succeeds(cmd: &mut Command) -> (String, String) {
        let (ok, stdout, stderr) = run(cmd);
        assert!(
            ok,
            "expected success.\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        (stdout, stderr)
    }

    /// `inspect --output json` of one input: item -> value.
    pub fn inspect_items(args: &[&str], file: &Path) -> BTreeMap<String, String> {
        let (stdout, _) = succeeds(
            tradestat()
                .args(["inspect", "--quiet", "--output", "json"])
                .args(args)
                .arg(file),
        );
        let json: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("inspect --output json is not JSON ({e}):\n{stdout}"));
        let rows = json.as_array().expect("a JSON array of items");
        let mut items = BTreeMap::new();
        for r in rows {
            assert_eq!(r["file"].as_str(), Some(file.to_str().unwrap()), "{r}");
            let item = r["item"].as_str().expect("item is text").to_string();
            let value = r["value"].as_str().expect("value is text").to_string();
            items.insert(item, value);
        }
        items
    }

    /// A count as `inspect` prints it (`173,358`).
    pub fn count(text: &str) -> u64 {
        text.replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("'{text}' is not a count"))
    }

    fn reader(path: &Path, delimiter: u8) -> csv::Reader<std::fs::File> {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_path(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Records of a CSV file, counted with the csv crate (blank lines are not records).
    pub fn count_records(path: &Path, delimiter: u8) -> u64 {
        let mut n = 0;
        for r in reader(path, delimiter).byte_records() {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if r.iter().any(|f| !f.is_empty()) {
                n += 1;
            }
        }
        n
    }

    /// Sum of a column (matched on its trimmed name) times `scale`, skipping empty cells.
    pub fn sum_column(path: &Path, delimiter: u8, column: &str, scale: f64) -> f64 {
        let mut rdr = reader(path, delimiter);
        let header = rdr.headers().expect("a header").clone();
        let i = header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == column)
            .unwrap_or_else(|| panic!("{}: no column {column} in {header:?}", path.display()));
        let mut sum = 0.0;
        for r in rdr.records() {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let cell = r.get(i).unwrap_or("").trim();
            if cell.is_empty() {
                continue;
            }
            let v: f64 = cell
                .parse()
                .unwrap_or_else(|_| panic!("{}: '{cell}' in {column}", path.display()));
            sum += v * scale;
        }
        sum
    }

    pub fn assert_close(actual: f64, expected: f64, what: &str) {
        let tol = 1e-9 * expected.abs().max(1.0);
        assert!(
            (actual - expected).abs() <= tol,
            "{what}: got {actual}, expected {expected} (difference {})",
            actual - expected
        );
    }
}

use common::*;

// --- loading: inspect and convert ---

/// `tradestat inspect` with no input shows the embedded seed rows with their citations.
mod seed {
    use super::*;

    #[test]
    fn inspect_without_input_shows_seed_rows_with_citations() {
        let (stdout, _) = succeeds(tradestat().args(["inspect", "--quiet"]));
        assert!(stdout.contains("embedded seed dataset"), "{stdout}");
        let line_with = |needle: &str| -> &str {
            stdout
                .lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no line with {needle}:\n{stdout}"))
        };
        // 2014 turnover and exports, cited to the Tengrinews seed document.
        let turnover = line_with("$121.4M");
        assert!(turnover.contains("turnover"), "{turnover}");
        assert!(turnover.contains("001_df4cecdcb924529d.txt"), "{turnover}");
        let exports = line_with("$171K");
        assert!(exports.contains("export"), "{exports}");
        assert!(exports.contains("001_df4cecdcb924529d.txt"), "{exports}");
        // Imports = turnover - exports, marked as derived.
        let imports = line_with("$121.229M");
        assert!(imports.contains("import"), "{imports}");
        assert!(imports.contains("derived"), "{imports}");
        // 2018 turnover from the other seed document.
        let y2018 = line_with("$23M");
        assert!(y2018.contains("2018"), "{y2018}");
        assert!(y2018.contains("000_f17b33383c21b252.txt"), "{y2018}");
    }
}

/// One real third-party trade file and what an independent reading of it says.
struct RealFile {
    /// Path under `shared/data/real/`.
    path: &'static str,
    /// Extra command-line arguments needed to read it.
    args: &'static [&'static str],
    /// The layout `inspect` must report.
    layout: &'static str,
    delimiter: u8,
    /// The source column holding the trade value, and its unit in US$.
    value_column: &'static str,
    scale: f64,
    /// Codes `inspect` must list as unresolved (empty: `none`).
    unresolved: &'static [&'static str],
}

impl RealFile {
    fn path(&self) -> PathBuf {
        real(self.path)
    }

    /// `inspect --output json`: the layout, the row count against the csv crate's count, and the
    /// unresolved codes.
    fn check_inspect(&self) {
        let path = self.path();
        let items = inspect_items(self.args, &path);
        let layout = &items["layout"];
        assert_eq!(
            layout.split(' ').next(),
            Some(self.layout),
            "{}: layout {layout}",
            self.path
        );
        let expected = count_records(&path, self.delimiter);
        assert!(expected > 0);
        assert_eq!(count(&items["rows"]), expected, "{}: rows", self.path);
        let unresolved = &items["unresolved codes"];
        if self.unresolved.is_empty() {
            assert_eq!(unresolved, "none", "{}", self.path);
        } else {
            for code in self.unresolved {
                assert!(
                    unresolved.contains(code),
                    "{}: {code} not in unresolved codes '{unresolved}'",
                    self.path
                );
            }
        }
    }

    /// `convert -o out.csv` keeps every row, writes the canonical columns, and the values sum to
    /// the source's values in US$.
    fn check_convert(&self) {
        let path = self.path();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        succeeds(
            tradestat()
                .args(["convert", "--quiet"])
                .args(self.args)
                .arg(&path)
                .arg("-o")
                .arg(&out),
        );
        let header: Vec<String> = csv::Reader::from_path(&out)
            .unwrap()
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(header, tradestat::schema::COLUMNS, "{}", self.path);
        assert_eq!(
            count_records(&out, b','),
            count_records(&path, self.delimiter),
            "{}: rows",
            self.path
        );
        let expected = sum_column(&path, self.delimiter, self.value_column, self.scale);
        assert!(expected > 0.0);
        let actual = sum_column(&out, b',', "value", 1.0);
        assert_close(actual, expected, self.path);
    }
}

/// For each real file, a module with an `inspect` and a `convert` test.
macro_rules! real_files {
    ($($name:ident: $file:expr;)*) => {$(
        mod $name {
            use super::*;

            #[test]
            fn inspect_detects_layout_and_counts_rows() {
                $file.check_inspect();
            }

            #[test]
            fn convert_keeps_rows_and_value_total() {
                $file.check_convert();
            }
        }
    )*};
}

const fn comtradr(path: &'static str) -> RealFile {
    RealFile {
        path,
        args: &[],
        layout: "comtrade-plus",
        delimiter: b',',
        value_column: "primary_value",
        scale: 1.0,
        unresolved: &[],
    }
}

const TRADHIST_MAP: &str =
    "exporter=origin_country_code,importer=destination_country_code,year=year,value=exports";

real_files! {
    comtradr_1: comtradr("comtrade-plus-comtradr/vignette_data_1__example_1.csv");
    comtradr_2: comtradr("comtrade-plus-comtradr/vignette_data_2__example_2.csv");
    comtradr_3: comtradr("comtrade-plus-comtradr/vignette_data_3__example_3.csv");
    comtradr_4: comtradr("comtrade-plus-comtradr/vignette_data_4__data_eu_imports.csv");
    comtradr_5: comtradr("comtrade-plus-comtradr/vignette_data_5__data_eu_imports_world.csv");
    comtradr_7: comtradr("comtrade-plus-comtradr/vignette_data_7__q.csv");
    comtradr_8: comtradr("comtrade-plus-comtradr/vignette_data_8__hs0.csv");
    comtradr_9: comtradr("comtrade-plus-comtradr/vignette_data_9__hs5.csv");
    comtradr_10: comtradr("comtrade-plus-comtradr/vignette_data_10__hs0_all.csv");
    comtrade_plus_camelcase: RealFile {
        value_column: "primaryValue",
        ..comtradr("comtrade-plus-camelcase/semiconductor_trade_raw.csv")
    };
    comtrade_legacy: RealFile {
        path: "comtrade-legacy/h3_china_india.csv",
        args: &[],
        layout: "comtrade-legacy",
        delimiter: b',',
        value_column: "Value",
        scale: 1.0,
        unresolved: &[],
    };
    baci: RealFile {
        path: "baci-extract/ExampleTradeData.csv",
        args: &[],
        layout: "baci",
        delimiter: b',',
        value_column: "v",
        // BACI values are in thousands of US$.
        scale: 1000.0,
        unresolved: &[],
    };
    tradhist: RealFile {
        path: "tradhist/tradeflow_xx.csv",
        args: &["--map", TRADHIST_MAP],
        layout: "mapped",
        delimiter: b';',
        value_column: "exports",
        scale: 1.0,
        unresolved: &["ROM", "YAR", "HWI"],
    };
}

/// Parquet written by `convert` reads back with every row.
mod parquet {
    use super::*;

    #[test]
    fn convert_to_parquet_and_inspect_it_back() {
        let src = real("comtrade-legacy/h3_china_india.csv");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        succeeds(
            tradestat()
                .args(["convert", "--quiet"])
                .arg(&src)
                .arg("-o")
                .arg(&out),
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(b"PAR1"), "not a Parquet file");
        let items = inspect_items(&[], &out);
        assert_eq!(items["layout"], "canonical (parquet)");
        assert_eq!(count(&items["rows"]), count_records(&src, b','));
    }
}

// --- loading: bad input ---

mod bad_input {
    use super::*;

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
}

// --- convert: output files ---

mod convert_output {
    use super::*;

    #[test]
    fn without_output_file() {
        let err = fails(
            tradestat()
                .args(["convert", "--quiet"])
                .arg(fixture("baci_small.csv")),
        );
        assert!(err.contains("-o"), "{err}");
    }

    #[test]
    fn unknown_output_extension() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.xlsx");
        let err = fails(
            tradestat()
                .args(["convert", "--quiet"])
                .arg(fixture("baci_small.csv"))
                .arg("-o")
                .arg(&out),
        );
        assert!(err.contains("'xlsx'"), "{err}");
        assert!(err.contains(".csv") && err.contains(".parquet"), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn output_directory_does_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir");
        let out = missing.join("out.csv");
        let err = fails(
            tradestat()
                .args(["convert", "--quiet"])
                .arg(fixture("baci_small.csv"))
                .arg("-o")
                .arg(&out),
        );
        assert!(err.contains("out.csv"), "{err}");
        assert!(err.contains("does not exist"), "{err}");
        assert!(!missing.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing left behind"
        );
    }

    #[test]
    fn writes_only_the_named_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("small.csv");
        let (_, stderr) = succeeds(
            tradestat()
                .arg("convert")
                .arg(fixture("baci_small.csv"))
                .arg("-o")
                .arg(&out),
        );
        assert!(stderr.contains("wrote 4 rows"), "{stderr}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["small.csv"], "no temporary file left");
        // 10121 lost its leading zero in the source; the product code gets it back.
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(",010121,"), "{text}");
    }
}

// --- help ---

mod help {
    use super::*;

    /// The help text ends with an `Examples:` section of indented command lines.
    fn ends_with_examples(subcommand: &str) {
        tradestat()
            .args([subcommand, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"));
        let (stdout, _) = succeeds(tradestat().args([subcommand, "--help"]));
        let tail = stdout.rsplit("Examples:\n").next().unwrap();
        let lines: Vec<&str> = tail.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(!lines.is_empty(), "{stdout}");
        assert!(
            lines[0].starts_with(&format!("  tradestat {subcommand}")),
            "{stdout}"
        );
        assert!(
            lines.iter().all(|l| l.starts_with("  ")),
            "Examples must be the last section:\n{stdout}"
        );
    }

    #[test]
    fn inspect_help_ends_with_examples() {
        ends_with_examples("inspect");
    }

    #[test]
    fn convert_help_ends_with_examples() {
        ends_with_examples("convert");
    }
}

// --- analysis: summary, compare, top, composition, partners, mirror, indicators ---

mod analysis {
    use super::common::*;
    use super::*;
    use std::collections::HashMap;

    /// Run an analysis command with `--output json --quiet` and parse the rows.
    fn json_rows(args: &[&str]) -> Vec<serde_json::Map<String, serde_json::Value>> {
        let (stdout, _) = succeeds(tradestat().args(args).args(["--output", "json", "--quiet"]));
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
        v.as_array()
            .expect("an array of rows")
            .iter()
            .map(|r| r.as_object().expect("a row object").clone())
            .collect()
    }

    fn num(row: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<f64> {
        row.get(key).and_then(serde_json::Value::as_f64)
    }

    fn text<'a>(row: &'a serde_json::Map<String, serde_json::Value>, key: &str) -> &'a str {
        row.get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    /// Compare stdout of a command with a golden file in tests/golden/. With UPDATE_GOLDEN=1 the
    /// file is (re)written instead; review the diff before committing it.
    fn golden(name: &str, args: &[&str]) {
        let (stdout, _) = succeeds(tradestat().args(args).arg("--quiet"));
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &stdout).expect("write golden file");
            return;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
        assert_eq!(stdout, expected, "output differs from {}", path.display());
    }

    // The figures the product brief requires from the embedded seed data.
    #[test]
    fn seed_summary_figures() {
        let rows = json_rows(&["summary"]);
        assert_eq!(rows.len(), 2);
        let y2014 = &rows[0];
        assert_eq!(num(y2014, "year"), None, "year is text");
        assert_eq!(text(y2014, "year"), "2014");
        assert_eq!(num(y2014, "exports"), Some(171_000.0));
        assert_eq!(num(y2014, "imports"), Some(121_229_000.0));
        assert_eq!(num(y2014, "turnover"), Some(121_400_000.0));
        assert_eq!(num(y2014, "balance"), Some(171_000.0 - 121_229_000.0));
        assert_eq!(text(y2014, "derived"), "imports");
        let y2018 = &rows[1];
        assert_eq!(num(y2018, "turnover"), Some(23_000_000.0));
        assert_eq!(num(y2018, "exports"), None);
    }

    #[test]
    fn no_command_runs_the_seed_summary_with_citations() {
        let (stdout, stderr) = succeeds(&mut tradestat());
        assert!(stdout.contains("Kazakhstan - Mexico"), "{stdout}");
        assert!(
            stdout.contains("$171K") && stdout.contains("$121.229M"),
            "{stdout}"
        );
        assert!(
            stdout.contains("$121.4M") && stdout.contains("$23M"),
            "{stdout}"
        );
        assert!(stderr.contains("001_df4cecdcb924529d.txt"), "{stderr}");
        assert!(stderr.contains("000_f17b33383c21b252.txt"), "{stderr}");
        assert!(stderr.contains("CAGR 2014-2018: -34.0%"), "{stderr}");
    }

    #[test]
    fn seed_compare_turnover_change() {
        let rows = json_rows(&["compare", "--years", "2014,2018"]);
        let turnover = rows
            .iter()
            .find(|r| text(r, "measure") == "turnover")
            .expect("a turnover row");
        assert_eq!(num(turnover, "2014"), Some(121_400_000.0));
        assert_eq!(num(turnover, "2018"), Some(23_000_000.0));
        let pct = num(turnover, "change_pct").unwrap();
        assert!(close(pct, (23.0 - 121.4) / 121.4), "{pct}");
        let (stdout, _) = succeeds(tradestat().args(["compare", "--years", "2014,2018", "-q"]));
        assert!(stdout.contains("-81.1%"), "{stdout}");
    }

    #[test]
    fn golden_tables() {
        for (name, args) in [
            ("summary_seed.txt", vec!["summary"]),
            ("summary_seed.csv", vec!["summary", "--output", "csv"]),
            ("summary_seed.json", vec!["summary", "--output", "json"]),
            ("summary_seed.md", vec!["summary", "--output", "markdown"]),
            ("compare_seed.txt", vec!["compare", "--years", "2014,2018"]),
            (
                "compare_seed.csv",
                vec!["compare", "--years", "2014,2018", "--output", "csv"],
            ),
            (
                "compare_seed.json",
                vec!["compare", "--years", "2014,2018", "--output", "json"],
            ),
            (
                "composition_seed.txt",
                vec!["composition", "--group", "category"],
            ),
            (
                "composition_seed.csv",
                vec!["composition", "--group", "category", "--output", "csv"],
            ),
        ] {
            golden(name, &args);
        }
        let small = fixture("small_bilateral.csv");
        let small = small.to_str().unwrap();
        for (name, args) in [
            (
                "top_small.txt",
                vec!["top", small, "-r", "KAZ", "-p", "MEX", "--years", "2020"],
            ),
            (
                "top_small.json",
                vec![
                    "top", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "json",
                ],
            ),
            (
                "partners_small.txt",
                vec!["partners", small, "-r", "MEX", "--years", "2020"],
            ),
            (
                "partners_small.csv",
                vec![
                    "partners", small, "-r", "MEX", "--years", "2020", "--output", "csv",
                ],
            ),
            (
                "mirror_small.txt",
                vec!["mirror", small, "-r", "KAZ", "-p", "MEX", "--years", "2020"],
            ),
            (
                "mirror_small.json",
                vec![
                    "mirror", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output",
                    "json",
                ],
            ),
            (
                "indicators_small.txt",
                vec![
                    "indicators",
                    small,
                    "-r",
                    "KAZ",
                    "-p",
                    "MEX",
                    "--years",
                    "2020",
                ],
            ),
            (
                "indicators_small.csv",
                vec![
                    "indicators",
                    small,
                    "-r",
                    "KAZ",
                    "-p",
                    "MEX",
                    "--years",
                    "2020",
                    "--output",
                    "csv",
                ],
            ),
        ] {
            golden(name, &args);
        }
    }

    // Hand-computed values for tests/fixtures/small_bilateral.csv (2020):
    // KAZ exports to MEX 010121: 100, 020110: 300; KAZ imports from MEX 010121: 50, 030111: 150.
    // MEX declares imports from KAZ 110 + 320 = 430 and exports to KAZ 40 + 160 = 200.
    // BRA exports 020110: 500 to MEX. World exports = 100 + 300 + 40 + 160 + 500 = 1100.
    #[test]
    fn indicators_match_hand_computation() {
        let small = fixture("small_bilateral.csv");
        let rows = json_rows(&[
            "indicators",
            small.to_str().unwrap(),
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2020",
        ]);
        let v: HashMap<String, Option<f64>> = rows
            .iter()
            .map(|r| (text(r, "indicator").to_string(), num(r, "value")))
            .collect();
        let get = |k: &str| {
            v.get(k)
                .copied()
                .flatten()
                .unwrap_or_else(|| panic!("{k} missing"))
        };
        assert_eq!(get("x_ij"), 400.0);
        assert_eq!(get("m_ij"), 200.0);
        assert_eq!(get("x_w"), 1100.0);
        assert_eq!(get("export_share"), 1.0);
        // HHI of KAZ's exports to MEX over products: 0.25^2 + 0.75^2.
        assert!(close(get("hhi_products_exports"), 0.625));
        assert!(close(get("hhi_products_exports_normalised"), 0.25));
        assert_eq!(get("products_exported"), 2.0);
        // Trade intensity (X_ij/X_i) / (M_j/M_w) = 1 / (430 / 630).
        assert!(close(get("trade_intensity"), 630.0 / 430.0));
        // Complementarity 100 (1 - (|110/430 - 0.25| + |320/430 - 0.75|) / 2).
        let tc = 100.0
            * (1.0 - ((110.0 / 430.0 - 0.25f64).abs() + (320.0 / 430.0 - 0.75f64).abs()) / 2.0);
        assert!(
            close(get("trade_complementarity"), tc),
            "{}",
            get("trade_complementarity")
        );
        // Grubel-Lloyd aggregate: (150 - 50) / (150 + 300 + 150).
        assert!(close(get("grubel_lloyd_aggregate"), 100.0 / 600.0));

        let detail = json_rows(&[
            "indicators",
            small.to_str().unwrap(),
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2020",
            "--detail",
            "products",
        ]);
        let p = |code: &str| detail.iter().find(|r| text(r, "product") == code).unwrap();
        assert!(close(
            num(p("010121"), "grubel_lloyd").unwrap(),
            1.0 - 50.0 / 150.0
        ));
        assert_eq!(num(p("020110"), "grubel_lloyd"), Some(0.0));
        // RCA of KAZ in 010121: (100 / 400) / (140 / 1100).
        assert!(close(
            num(p("010121"), "rca").unwrap(),
            0.25 / (140.0 / 1100.0)
        ));
        // 030111: KAZ exports nothing, RCA 0.
        assert_eq!(num(p("030111"), "rca"), Some(0.0));

        // Marginal IIT 2020 -> 2021: 010121 dX = 50, dM = 50 -> B = 1; 030111 dX = 0, dM = 0
        // (not listed); 020110 dX = 0, dM = 0. Aggregate over 010121 only: 1.
        let marginal = json_rows(&[
            "indicators",
            small.to_str().unwrap(),
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2020,2021",
            "--detail",
            "marginal",
        ]);
        let m = |code: &str| {
            marginal
                .iter()
                .find(|r| text(r, "product") == code)
                .unwrap()
        };
        assert_eq!(num(m("010121"), "b"), Some(1.0));
        assert_eq!(num(m("ALL"), "b"), Some(1.0));
        assert!(marginal.iter().all(|r| text(r, "product") != "020110"));
    }

    #[test]
    fn mirror_gaps_match_hand_computation() {
        let small = fixture("small_bilateral.csv");
        let rows = json_rows(&[
            "mirror",
            small.to_str().unwrap(),
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--years",
            "2020",
            "--cif-fob",
            "1.05",
        ]);
        let kaz_mex = rows
            .iter()
            .find(|r| text(r, "exporter") == "KAZ")
            .expect("KAZ -> MEX");
        assert_eq!(num(kaz_mex, "exporter_value"), Some(400.0));
        assert_eq!(num(kaz_mex, "importer_value"), Some(430.0));
        assert!(close(num(kaz_mex, "gap").unwrap(), 430.0 - 420.0));
        assert!(close(num(kaz_mex, "gap_pct").unwrap(), 10.0 / 420.0));
        let mex_kaz = rows.iter().find(|r| text(r, "exporter") == "MEX").unwrap();
        assert!(close(num(mex_kaz, "gap").unwrap(), 200.0 - 210.0));
        // Ranked by absolute gap, ties by year, exporter, importer.
        assert_eq!(text(&rows[0], "exporter"), "KAZ");
    }

    #[test]
    fn mirror_without_both_sides_is_refused() {
        let err = fails(
            tradestat()
                .args(["mirror", "-q"])
                .arg(real("comtrade-legacy/h3_china_india.csv")),
        );
        assert!(err.contains("both sides"), "{err}");
    }

    /// Leaf codes of one flow of the legacy India-China file, summed independently.
    fn legacy_leaves(flow_code: &str) -> Vec<(String, f64)> {
        let mut rdr = csv::Reader::from_path(real("comtrade-legacy/h3_china_india.csv")).unwrap();
        let mut values: HashMap<String, f64> = HashMap::new();
        for r in rdr.records() {
            let r = r.unwrap();
            if r.len() < 10 || &r[2] != flow_code || &r[5] == "TOTAL" {
                continue;
            }
            *values.entry(r[5].to_string()).or_default() += r[9].parse::<f64>().unwrap();
        }
        let codes: Vec<String> = values.keys().cloned().collect();
        let mut leaves: Vec<(String, f64)> = values
            .into_iter()
            .filter(|(c, _)| {
                !codes
                    .iter()
                    .any(|o| o.len() > c.len() && o.starts_with(c.as_str()))
            })
            .collect();
        leaves.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
        leaves
    }

    #[test]
    fn top_products_on_a_real_file_match_an_independent_ranking() {
        let expected = legacy_leaves("1");
        let total: f64 = expected.iter().map(|l| l.1).sum();
        let rows = json_rows(&[
            "top",
            real("comtrade-legacy/h3_china_india.csv").to_str().unwrap(),
            "--flow",
            "imports",
            "-n",
            "10",
        ]);
        assert_eq!(rows.len(), 10);
        let mut cumulative = 0.0;
        for (row, (code, value)) in rows.iter().zip(&expected) {
            assert_eq!(text(row, "code"), code);
            assert!(close(num(row, "value").unwrap(), *value));
            assert!(close(num(row, "share").unwrap(), value / total));
            cumulative += value / total;
            assert!(close(num(row, "cumulative_share").unwrap(), cumulative));
        }
    }

    #[test]
    fn composition_parts_sum_to_the_summary_total() {
        let file = real("comtrade-legacy/h3_china_india.csv");
        let file = file.to_str().unwrap();
        let summary = json_rows(&["summary", file]);
        let imports = num(&summary[0], "imports").unwrap();
        for group in ["section", "chapter", "heading"] {
            let rows = json_rows(&["composition", file, "--flow", "imports", "--group", group]);
            let sum: f64 = rows.iter().filter_map(|r| num(r, "value")).sum();
            let shares: f64 = rows.iter().filter_map(|r| num(r, "share")).sum();
            // The TOTAL row and the sum of leaves agree in this file to within rounding.
            assert!(
                (sum - imports).abs() / imports < 1e-3,
                "{group}: {sum} vs {imports}"
            );
            assert!(
                close(sum, legacy_leaves("1").iter().map(|l| l.1).sum()),
                "{group}"
            );
            assert!(
                (shares - 1.0).abs() < 1e-9,
                "{group}: shares sum to {shares}"
            );
        }
    }

    #[test]
    fn summary_of_a_real_file_uses_the_total_rows() {
        // India's 2010 imports from and exports to China, from the file's two TOTAL rows.
        let mut rdr = csv::Reader::from_path(real("comtrade-legacy/h3_china_india.csv")).unwrap();
        let mut totals: HashMap<String, f64> = HashMap::new();
        for r in rdr.records() {
            let r = r.unwrap();
            if r.len() >= 10 && &r[5] == "TOTAL" {
                totals.insert(r[2].to_string(), r[9].parse().unwrap());
            }
        }
        let rows = json_rows(&[
            "summary",
            real("comtrade-legacy/h3_china_india.csv").to_str().unwrap(),
        ]);
        assert_eq!(num(&rows[0], "imports"), Some(totals["1"]));
        assert_eq!(num(&rows[0], "exports"), Some(totals["2"]));
        assert_eq!(text(&rows[0], "derived"), "turnover");
    }

    #[test]
    fn partner2_breakdowns_are_not_double_counted() {
        // 2015-2017 repeat the partner2 = World value split by partner2: only World counts.
        let mut rdr =
            csv::Reader::from_path(real("comtrade-plus-camelcase/semiconductor_trade_raw.csv"))
                .unwrap();
        let headers = rdr.headers().unwrap().clone();
        let idx = |n: &str| headers.iter().position(|h| h == n).unwrap();
        let (y, p2, v) = (idx("refYear"), idx("partner2Code"), idx("primaryValue"));
        let mut world: HashMap<String, f64> = HashMap::new();
        for r in rdr.records() {
            let r = r.unwrap();
            if &r[p2] == "0" {
                *world.entry(r[y].to_string()).or_default() += r[v].parse::<f64>().unwrap();
            }
        }
        let rows = json_rows(&[
            "summary",
            real("comtrade-plus-camelcase/semiconductor_trade_raw.csv")
                .to_str()
                .unwrap(),
        ]);
        assert_eq!(rows.len(), world.len());
        for row in &rows {
            let year = text(row, "year");
            assert!(close(num(row, "imports").unwrap(), world[year]), "{year}");
        }
    }

    #[test]
    fn partner_ranking_on_baci_matches_an_independent_sum() {
        let mut rdr = csv::Reader::from_path(real("baci-extract/ExampleTradeData.csv")).unwrap();
        let mut by_j: HashMap<String, f64> = HashMap::new();
        for r in rdr.records() {
            let r = r.unwrap();
            if &r[1] == "710" {
                *by_j.entry(r[2].to_string()).or_default() +=
                    r[4].trim().parse::<f64>().unwrap() * 1000.0;
            }
        }
        let mut expected: Vec<(String, f64)> = by_j.into_iter().collect();
        expected.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
        let rows = json_rows(&[
            "partners",
            real("baci-extract/ExampleTradeData.csv").to_str().unwrap(),
            "-r",
            "ZAF",
            "--by",
            "exports",
        ]);
        // 156 China, 699 India, 276 Germany lead South Africa's 2021 exports in this extract.
        let codes: Vec<&str> = rows.iter().take(3).map(|r| text(r, "partner")).collect();
        assert_eq!(codes, ["CHN", "IND", "DEU"]);
        assert_eq!(expected[0].0, "156");
        assert!(close(num(&rows[0], "exports").unwrap(), expected[0].1));
        let values: Vec<f64> = rows.iter().filter_map(|r| num(r, "exports")).collect();
        assert!(
            values.windows(2).all(|w| w[0] >= w[1]),
            "ranking follows the values"
        );
    }

    #[test]
    fn absent_country_and_year_are_explained() {
        let err = fails(tradestat().args(["summary", "-r", "FRA"]));
        assert!(
            err.contains("not in the data") && err.contains("KAZ"),
            "{err}"
        );
        let err = fails(tradestat().args(["compare", "--years", "2014,2020"]));
        assert!(err.contains("2020") && err.contains("2014, 2018"), "{err}");
        let err = fails(tradestat().args(["summary", "--region", "Atlantis"]));
        assert!(err.contains("unknown region"), "{err}");
        let err = fails(
            tradestat()
                .arg("summary")
                .arg(real("baci-extract/ExampleTradeData.csv")),
        );
        assert!(err.contains("--reporter"), "{err}");
    }

    #[test]
    fn no_nan_or_infinity_in_any_output() {
        let small = fixture("small_bilateral.csv");
        for format in ["table", "csv", "json", "markdown"] {
            for args in [
                vec![
                    "indicators",
                    small.to_str().unwrap(),
                    "-r",
                    "BRA",
                    "-p",
                    "MEX",
                    "--years",
                    "2020",
                ],
                vec!["summary", small.to_str().unwrap(), "-r", "BRA"],
            ] {
                let (stdout, _) =
                    succeeds(tradestat().args(&args).args(["--output", format, "-q"]));
                let lower = stdout.to_lowercase();
                assert!(
                    !lower.contains("nan") && !lower.contains("inf"),
                    "{format}: {stdout}"
                );
            }
        }
    }

    #[test]
    fn analysis_help_ends_with_examples() {
        for sub in [
            "summary",
            "compare",
            "top",
            "composition",
            "partners",
            "mirror",
            "indicators",
        ] {
            let (stdout, _) = succeeds(tradestat().args([sub, "--help"]));
            assert!(stdout.contains("Examples:"), "{sub}");
        }
    }
}
