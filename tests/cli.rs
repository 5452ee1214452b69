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

/// Eurostat Comext bulk files, old (19 columns) and current (18 columns): our own tiny fixtures.
mod comext {
    use super::*;
    use std::collections::HashMap;

    /// (fixture, variant, reporter column, value column).
    const FILES: [(&str, &str, &str, &str); 2] = [
        (
            "comext_old.csv",
            "bulk (19 columns, to 2023)",
            "DECLARANT_ISO",
            "VALUE_IN_EUROS",
        ),
        (
            "comext_new.csv",
            "bulk (18 columns, full_v2)",
            "REPORTER",
            "VALUE_EUR",
        ),
    ];

    /// The rows of a CSV file as column -> cell maps.
    fn records(path: &Path) -> Vec<HashMap<String, String>> {
        let mut rdr = csv::Reader::from_path(path).unwrap();
        let header = rdr.headers().unwrap().clone();
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                header
                    .iter()
                    .zip(r.iter())
                    .map(|(h, c)| (h.to_string(), c.to_string()))
                    .collect()
            })
            .collect()
    }

    /// Eurostat ISO2 codes of the fixtures (Greece is EL) to ISO3.
    fn iso3(iso2: &str) -> &'static str {
        match iso2 {
            "FR" => "FRA",
            "DE" => "DEU",
            "EL" => "GRC",
            "KZ" => "KAZ",
            "MX" => "MEX",
            other => panic!("unexpected country {other} in a fixture"),
        }
    }

    /// Canonical fields: (year, month, reporter, partner, flow, product, value).
    type Row = (String, String, String, String, String, String, f64);

    /// The canonical fields each source row must become, worked out here from the source
    /// columns.
    fn expected_rows(path: &Path, reporter: &str, value: &str) -> Vec<Row> {
        let partner = if reporter == "REPORTER" {
            "PARTNER"
        } else {
            "PARTNER_ISO"
        };
        records(path)
            .iter()
            .map(|r| {
                let period: u32 = r["PERIOD"].parse().unwrap();
                // YYYY52 is the annual total; YYYYMM a month.
                let month = match period % 100 {
                    m @ 1..=12 => m.to_string(),
                    52 => String::new(),
                    m => panic!("unexpected period month {m}"),
                };
                let flow = match r["FLOW"].as_str() {
                    "1" => "import",
                    "2" => "export",
                    f => panic!("unexpected flow {f}"),
                };
                (
                    (period / 100).to_string(),
                    month,
                    iso3(&r[reporter]).to_string(),
                    iso3(&r[partner]).to_string(),
                    flow.to_string(),
                    r["PRODUCT_NC"].clone(),
                    r[value].parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn inspect_names_the_layout_variant_countries_and_currency() {
        for (name, variant, _, value) in FILES {
            let file = fixture(name);
            let items = inspect_items(&[], &file);
            assert_eq!(items["layout"], format!("comext ({variant})"), "{name}");
            assert_eq!(count(&items["rows"]), count_records(&file, b','), "{name}");
            assert_eq!(items["years"], "2018, 2019", "{name}");
            let reporters = &items["reporters (3)"];
            for code in ["FRA", "DEU", "GRC"] {
                assert!(reporters.contains(code), "{name}: {reporters}");
            }
            assert!(!reporters.contains("EL"), "EL is Greece: {reporters}");
            let partners = &items["partners (2)"];
            assert!(
                partners.contains("KAZ") && partners.contains("MEX"),
                "{partners}"
            );
            assert_eq!(items["classifications"], "CN8: 6", "{name}");
            assert_eq!(items["product levels"], "8: 6", "{name}");
            assert_eq!(items["unresolved codes"], "none", "{name}");
            // The total in euros, as inspect rounds it (EUR 8,806,500 is €8.807M).
            let total = (sum_column(&file, b',', value, 1.0) / 1e3).round() / 1e3;
            assert_eq!(
                items["values"],
                format!("EUR: 6 rows, total €{total}M"),
                "{name}"
            );
        }
    }

    #[test]
    fn convert_maps_periods_flows_countries_and_keeps_euros() {
        for (name, _, reporter, value) in FILES {
            let file = fixture(name);
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out.csv");
            succeeds(
                tradestat()
                    .args(["convert", "--quiet"])
                    .arg(&file)
                    .arg("-o")
                    .arg(&out),
            );
            let rows = records(&out);
            let mut actual: Vec<_> = rows
                .iter()
                .map(|r| {
                    assert_eq!(r["currency"], "EUR", "{name}: {r:?}");
                    assert_eq!(r["classification"], "CN8", "{name}: {r:?}");
                    assert_eq!(r["product_level"], "8", "{name}: {r:?}");
                    assert_eq!(r["reconciled"], "false", "{name}: {r:?}");
                    (
                        r["year"].clone(),
                        r["month"].clone(),
                        r["reporter"].clone(),
                        r["partner"].clone(),
                        r["flow"].clone(),
                        r["product"].clone(),
                        r["value"].parse::<f64>().unwrap(),
                    )
                })
                .collect();
            let mut expected = expected_rows(&file, reporter, value);
            let key = |a: &Row, b: &Row| a.partial_cmp(b).unwrap();
            actual.sort_by(key);
            expected.sort_by(key);
            assert_eq!(actual, expected, "{name}");
            // Both periods are there: 201852 is annual (no month), 201903 is March 2019.
            assert!(actual.iter().any(|r| r.0 == "2018" && r.1.is_empty()));
            assert!(actual.iter().any(|r| r.0 == "2019" && r.1 == "3"));
            assert!(actual.iter().any(|r| r.2 == "GRC"));
            assert_close(
                sum_column(&out, b',', "value", 1.0),
                sum_column(&file, b',', value, 1.0),
                name,
            );
        }
    }
}

/// Several inputs in one run: listed one by one or as a glob pattern.
mod several_inputs {
    use super::*;

    const DIR: &str = "comtrade-plus-comtradr";
    const FILES: [&str; 2] = [
        "vignette_data_1__example_1.csv",
        "vignette_data_2__example_2.csv",
    ];

    fn files() -> Vec<PathBuf> {
        FILES.iter().map(|f| real(&format!("{DIR}/{f}"))).collect()
    }

    /// A quoted glob pattern matching both files (and no other vignette file).
    fn pattern() -> String {
        real(&format!("{DIR}/vignette_data_[12]__*.csv"))
            .to_str()
            .unwrap()
            .to_string()
    }

    /// `inspect --output json`: (file, item, value) rows.
    fn inspect_rows(inputs: &[String]) -> Vec<(String, String, String)> {
        let (stdout, _) = succeeds(
            tradestat()
                .args(["inspect", "--quiet", "--output", "json"])
                .args(inputs),
        );
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let t = |k: &str| r[k].as_str().unwrap().to_string();
                (t("file"), t("item"), t("value"))
            })
            .collect()
    }

    fn convert(inputs: &[String], out: &Path) {
        succeeds(
            tradestat()
                .args(["convert", "--quiet"])
                .args(inputs)
                .arg("-o")
                .arg(out),
        );
    }

    #[test]
    fn inspect_reports_each_file_and_rows_add_up() {
        let paths = files();
        let listed: Vec<String> = paths
            .iter()
            .map(|p| p.to_str().unwrap().to_string())
            .collect();
        let rows = inspect_rows(&listed);
        let mut total = 0;
        for path in &paths {
            let file = path.to_str().unwrap();
            let n = rows
                .iter()
                .find(|(f, item, _)| f == file && item == "rows")
                .unwrap_or_else(|| panic!("no rows item for {file}: {rows:?}"));
            assert_eq!(count(&n.2), count_records(path, b','), "{file}");
            total += count(&n.2);
        }
        assert_eq!(
            total,
            paths.iter().map(|p| count_records(p, b',')).sum::<u64>()
        );
        // Each file keeps its own reporter.
        let reporters = |file: &Path| {
            rows.iter()
                .find(|(f, item, _)| f == file.to_str().unwrap() && item.starts_with("reporters"))
                .unwrap()
                .2
                .clone()
        };
        assert!(reporters(&paths[0]).starts_with("USA"));
        assert!(reporters(&paths[1]).starts_with("CHN"));
        // The glob gives the same report, file by file.
        assert_eq!(inspect_rows(&[pattern()]), rows);
    }

    #[test]
    fn convert_keeps_every_row_of_every_file() {
        let paths = files();
        let listed: Vec<String> = paths
            .iter()
            .map(|p| p.to_str().unwrap().to_string())
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("both.csv");
        convert(&listed, &out);
        let expected_rows: u64 = paths.iter().map(|p| count_records(p, b',')).sum();
        assert_eq!(count_records(&out, b','), expected_rows);
        let expected_value: f64 = paths
            .iter()
            .map(|p| sum_column(p, b',', "primary_value", 1.0))
            .sum();
        assert_close(
            sum_column(&out, b',', "value", 1.0),
            expected_value,
            "value",
        );
        // Each file's rows keep their own source.
        let text = std::fs::read_to_string(&out).unwrap();
        for f in FILES {
            assert!(text.contains(f), "no row from {f}");
        }
        let globbed = dir.path().join("glob.csv");
        convert(&[pattern()], &globbed);
        assert_eq!(
            std::fs::read_to_string(&globbed).unwrap(),
            text,
            "the glob converts to the same table"
        );
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

    #[test]
    fn profile_and_world_help_end_with_examples() {
        ends_with_examples("profile");
        ends_with_examples("world");
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
            (
                "profile_seed.txt",
                vec!["profile", "-r", "KAZ", "-p", "MEX"],
            ),
            (
                "profile_seed.json",
                vec!["profile", "-r", "KAZ", "-p", "MEX", "--output", "json"],
            ),
            (
                "profile_seed.csv",
                vec!["profile", "-r", "KAZ", "--output", "csv"],
            ),
            ("world_seed.txt", vec!["world"]),
            ("world_seed.json", vec!["world", "--output", "json"]),
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
            (
                "composition_seed.json",
                vec!["composition", "--group", "category", "--output", "json"],
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
                "top_small.csv",
                vec![
                    "top", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "csv",
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
                "partners_small.json",
                vec![
                    "partners", small, "-r", "MEX", "--years", "2020", "--output", "json",
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
                "mirror_small.csv",
                vec![
                    "mirror", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "csv",
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
            (
                "indicators_small.json",
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
                    "json",
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

    // --- indicators on the real BACI extract, against an independent computation ---

    const BACI: &str = "baci-extract/ExampleTradeData.csv";
    /// BACI numeric codes: 710 South Africa, 4 Afghanistan.
    const ZAF: &str = "710";
    const AFG: &str = "4";

    /// Relative closeness, for ratios far below 1 as well.
    fn rel_close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    /// One BACI row: (exporter, importer, HS6 product, US$).
    type Flow = (String, String, String, f64);

    /// The BACI rows read with the csv crate. v is in thousands of US$; a 5-digit k lost its
    /// leading zero.
    fn baci_flows() -> Vec<Flow> {
        let mut rdr = csv::Reader::from_path(real(BACI)).unwrap();
        assert_eq!(
            rdr.headers().unwrap().iter().collect::<Vec<_>>(),
            ["t", "i", "j", "k", "v", "q"]
        );
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                assert_eq!(&r[0], "2021");
                let k = r[3].trim();
                assert!(k.len() == 5 || k.len() == 6, "k {k}");
                (
                    r[1].trim().to_string(),
                    r[2].trim().to_string(),
                    format!("{k:0>6}"),
                    r[4].trim().parse::<f64>().unwrap() * 1000.0,
                )
            })
            .collect()
    }

    /// Sum of the values of the flows that `keep` selects, by `key`.
    fn sum_by(
        flows: &[Flow],
        keep: impl Fn(&Flow) -> bool,
        key: impl Fn(&Flow) -> String,
    ) -> HashMap<String, f64> {
        let mut out: HashMap<String, f64> = HashMap::new();
        for f in flows.iter().filter(|f| keep(f)) {
            *out.entry(key(f)).or_default() += f.3;
        }
        out
    }

    /// H = sum of squared shares over positive values, H* = (H - 1/N) / (1 - 1/N), and N.
    fn hhi(values: &HashMap<String, f64>) -> (f64, f64, f64) {
        let v: Vec<f64> = values.values().copied().filter(|v| *v > 0.0).collect();
        let total: f64 = v.iter().sum();
        let h: f64 = v.iter().map(|x| (x / total).powi(2)).sum();
        let n = v.len() as f64;
        (h, (h - 1.0 / n) / (1.0 - 1.0 / n), n)
    }

    fn indicator_values(args: &[&str]) -> HashMap<String, Option<f64>> {
        json_rows(args)
            .iter()
            .map(|r| (text(r, "indicator").to_string(), num(r, "value")))
            .collect()
    }

    #[test]
    fn baci_indicators_match_an_independent_computation() {
        let flows = baci_flows();
        let total = |keep: &dyn Fn(&Flow) -> bool| -> f64 {
            flows.iter().filter(|f| keep(f)).map(|f| f.3).sum()
        };
        // BACI rows are at once the exporter's exports and the importer's imports.
        let x_ij = total(&|f| f.0 == ZAF && f.1 == AFG);
        let m_ij = total(&|f| f.0 == AFG && f.1 == ZAF);
        let x_i = total(&|f| f.0 == ZAF);
        let m_i = total(&|f| f.1 == ZAF);
        let x_w = total(&|_| true);
        let m_j = total(&|f| f.1 == AFG);
        let m_w = x_w;
        let products_to_afg = sum_by(&flows, |f| f.0 == ZAF && f.1 == AFG, |f| f.2.clone());
        let (hp, hp_star, n) = hhi(&products_to_afg);
        let zaf_partners = sum_by(&flows, |f| f.0 == ZAF, |f| f.1.clone());
        let (hq, hq_star, _) = hhi(&zaf_partners);
        // Complementarity: ZAF's exports to all partners and AFG's imports, by product.
        let xk = sum_by(&flows, |f| f.0 == ZAF, |f| f.2.clone());
        let mk = sum_by(&flows, |f| f.1 == AFG, |f| f.2.clone());
        let (xt, mt): (f64, f64) = (xk.values().sum(), mk.values().sum());
        let mut products: Vec<&String> = xk.keys().chain(mk.keys()).collect();
        products.sort();
        products.dedup();
        let gap: f64 = products
            .iter()
            .map(|k| {
                (mk.get(*k).copied().unwrap_or(0.0) / mt - xk.get(*k).copied().unwrap_or(0.0) / xt)
                    .abs()
            })
            .sum();
        let tc = 100.0 * (1.0 - gap / 2.0);
        // Grubel-Lloyd aggregate over ZAF -> AFG (X) and AFG -> ZAF (M) by product.
        let mk_zaf = sum_by(&flows, |f| f.0 == AFG && f.1 == ZAF, |f| f.2.clone());
        let mut gl_products: Vec<&String> = products_to_afg.keys().chain(mk_zaf.keys()).collect();
        gl_products.sort();
        gl_products.dedup();
        let (mut overlap, mut both) = (0.0, 0.0);
        for k in gl_products {
            let x = products_to_afg.get(k).copied().unwrap_or(0.0);
            let m = mk_zaf.get(k).copied().unwrap_or(0.0);
            overlap += x + m - (x - m).abs();
            both += x + m;
        }

        let file = real(BACI);
        let v = indicator_values(&[
            "indicators",
            file.to_str().unwrap(),
            "-r",
            "ZAF",
            "-p",
            "AFG",
        ]);
        let get = |k: &str| {
            v.get(k)
                .copied()
                .flatten()
                .unwrap_or_else(|| panic!("{k} missing: {v:?}"))
        };
        for (name, expected) in [
            ("x_ij", x_ij),
            ("m_ij", m_ij),
            ("x_i", x_i),
            ("m_i", m_i),
            ("x_w", x_w),
            ("m_j", m_j),
            ("m_w", m_w),
            ("export_share", x_ij / x_i),
            ("import_share", m_ij / m_i),
            ("products_exported", n),
            ("hhi_products_exports", hp),
            ("hhi_products_exports_normalised", hp_star),
            ("hhi_partners_exports", hq),
            ("hhi_partners_exports_normalised", hq_star),
            ("trade_intensity", (x_ij / x_i) / (m_j / m_w)),
            ("trade_complementarity", tc),
            ("grubel_lloyd_aggregate", overlap / both),
        ] {
            assert!(expected > 0.0, "{name}: {expected}");
            assert!(
                rel_close(get(name), expected),
                "{name}: got {}, expected {expected}",
                get(name)
            );
        }
        // The extract holds ZAF's and AFG's exports only: AFG's imports all come from ZAF.
        assert_eq!(get("import_share"), 1.0);
        assert!(rel_close(get("m_j"), get("x_ij")));
        assert_eq!(products_to_afg.len(), 34);
    }

    #[test]
    fn baci_rca_and_grubel_lloyd_by_product_match_an_independent_computation() {
        let flows = baci_flows();
        let x_ik = sum_by(&flows, |f| f.0 == ZAF, |f| f.2.clone());
        let x_wk = sum_by(&flows, |_| true, |f| f.2.clone());
        let x_i: f64 = x_ik.values().sum();
        let x_w: f64 = x_wk.values().sum();
        let to_afg = sum_by(&flows, |f| f.0 == ZAF && f.1 == AFG, |f| f.2.clone());
        let from_afg = sum_by(&flows, |f| f.0 == AFG && f.1 == ZAF, |f| f.2.clone());

        let file = real(BACI);
        let rows = json_rows(&[
            "indicators",
            file.to_str().unwrap(),
            "-r",
            "ZAF",
            "-p",
            "AFG",
            "--detail",
            "products",
        ]);
        // Every product ZAF exports anywhere, or trades with AFG, has a row.
        let mut expected: Vec<&String> = x_ik.keys().chain(from_afg.keys()).collect();
        expected.sort();
        expected.dedup();
        let listed: Vec<&str> = rows.iter().map(|r| text(r, "product")).collect();
        assert_eq!(listed, expected, "products listed");
        for row in &rows {
            let k = text(row, "product");
            let x = to_afg.get(k).copied().unwrap_or(0.0);
            let m = from_afg.get(k).copied().unwrap_or(0.0);
            assert!(close(num(row, "exports").unwrap(), x), "{k} exports");
            assert!(close(num(row, "imports").unwrap(), m), "{k} imports");
            match num(row, "grubel_lloyd") {
                Some(gl) => assert!(close(gl, 1.0 - (x - m).abs() / (x + m)), "{k} GL {gl}"),
                None => assert_eq!(x + m, 0.0, "{k}: GL left empty"),
            }
            let rca = (x_ik.get(k).copied().unwrap_or(0.0) / x_i) / (x_wk[k] / x_w);
            let got = num(row, "rca").unwrap_or_else(|| panic!("{k}: no RCA"));
            assert!(
                rel_close(got, rca) || (rca == 0.0 && got == 0.0),
                "{k}: RCA {got}, expected {rca}"
            );
        }
        let p = |code: &str| {
            rows.iter()
                .find(|r| text(r, "product") == code)
                .unwrap_or_else(|| panic!("no row for {code}"))
        };
        // 190110 (infant food): ZAF's largest export to AFG, nothing back.
        assert_eq!(num(p("190110"), "grubel_lloyd"), Some(0.0));
        assert!(close(num(p("190110"), "exports").unwrap(), 38_147.0));
        // 621133 goes both ways: 0 < GL < 1.
        let gl = num(p("621133"), "grubel_lloyd").unwrap();
        assert!(gl > 0.0 && gl < 1.0, "{gl}");
        // 81310 in the file is HS 081310 (dried apricots), imported from AFG only.
        assert!(close(num(p("081310"), "imports").unwrap(), 31_866.0));
        assert_eq!(num(p("081310"), "grubel_lloyd"), Some(0.0));
        assert!(rows.iter().all(|r| text(r, "product").len() == 6));
    }

    /// `--detail unit-values` on the legacy India-China file: value / Supplementary Quantity per
    /// leaf product with a quantity, the unit named by the Quantity Unit Code.
    #[test]
    fn legacy_unit_values_match_value_over_supplementary_quantity() {
        // Unit abbreviations from the file's companion table (UN Comtrade codes).
        let mut units: HashMap<String, String> = HashMap::new();
        let mut rdr = csv::Reader::from_path(real("comtrade-legacy/measurement_data.csv")).unwrap();
        for r in rdr.records() {
            let r = r.unwrap();
            units.insert(r[0].to_string(), r[1].to_string());
        }
        // (flow code, product) -> (value, quantity, unit code), and the codes per flow.
        type Declared = HashMap<(String, String), (f64, Option<f64>, String)>;
        let mut rows: Declared = HashMap::new();
        let mut rdr = csv::Reader::from_path(real("comtrade-legacy/h3_china_india.csv")).unwrap();
        for r in rdr.records() {
            let r = r.unwrap();
            if r.len() < 10 || &r[5] == "TOTAL" {
                continue;
            }
            let qty = Some(r[7].trim()).filter(|q| !q.is_empty());
            let old = rows.insert(
                (r[2].to_string(), r[5].to_string()),
                (
                    r[9].parse().unwrap(),
                    qty.map(|q| q.parse().unwrap()),
                    r[6].to_string(),
                ),
            );
            assert!(old.is_none(), "one row per flow and product");
        }
        let is_leaf = |flow: &str, code: &str| {
            !rows
                .keys()
                .any(|(f, c)| f == flow && c.len() > code.len() && c.starts_with(code))
        };
        let mut expected: Vec<(String, String, f64, f64, String)> = rows
            .iter()
            .filter(|((f, c), (_, q, unit))| {
                q.is_some_and(|q| q > 0.0) && unit != "1" && unit != "-1" && is_leaf(f, c)
            })
            .map(|((f, c), (v, q, unit))| {
                let dir = if f == "2" { "x" } else { "m" };
                (dir.to_string(), c.clone(), *v, q.unwrap(), unit.clone())
            })
            .collect();
        expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        assert!(expected.len() > 1000);

        let out = json_rows(&[
            "indicators",
            real("comtrade-legacy/h3_china_india.csv").to_str().unwrap(),
            "-r",
            "IND",
            "-p",
            "CHN",
            "--detail",
            "unit-values",
        ]);
        let listed: Vec<(&str, &str)> = out
            .iter()
            .map(|r| (text(r, "dir"), text(r, "product")))
            .collect();
        let wanted: Vec<(&str, &str)> = expected
            .iter()
            .map(|e| (e.0.as_str(), e.1.as_str()))
            .collect();
        assert_eq!(listed, wanted);
        for (row, (dir, code, value, qty, unit)) in out.iter().zip(&expected) {
            let what = format!("{dir} {code}");
            assert_eq!(num(row, "value"), Some(*value), "{what}");
            assert_eq!(num(row, "quantity"), Some(*qty), "{what}");
            assert!(
                close(num(row, "unit_value").unwrap(), value / qty),
                "{what}"
            );
            if let Some(abbr) = units.get(unit) {
                assert_eq!(text(row, "quantity_unit"), abbr, "{what}");
            } else {
                assert!(!text(row, "quantity_unit").is_empty(), "{what}");
            }
        }
        // A few by hand: India's imports of 010690 (514 items for $453,360).
        let row = |dir: &str, code: &str| {
            out.iter()
                .find(|r| text(r, "dir") == dir && text(r, "product") == code)
                .unwrap_or_else(|| panic!("no {dir} {code}"))
        };
        assert_eq!(text(row("m", "010690"), "quantity_unit"), "u");
        assert!(close(
            num(row("m", "010690"), "unit_value").unwrap(),
            453_360.0 / 514.0
        ));
        assert_eq!(text(row("m", "030379"), "quantity_unit"), "kg");
        assert!(close(
            num(row("m", "030379"), "unit_value").unwrap(),
            22_145.0 / 23_000.0
        ));
    }

    // --- products filter and currencies ---

    #[test]
    fn products_filter_keeps_only_the_given_prefixes() {
        let file = real("comtrade-legacy/h3_china_india.csv");
        let file = file.to_str().unwrap();
        let leaves = legacy_leaves("1");
        for (option, prefixes) in [("85", vec!["85"]), ("85,8471", vec!["85", "8471"])] {
            let expected: Vec<&(String, f64)> = leaves
                .iter()
                .filter(|(c, _)| prefixes.iter().any(|p| c.starts_with(p)))
                .collect();
            assert!(expected.len() > 10);
            let rows = json_rows(&[
                "top",
                file,
                "--flow",
                "imports",
                "--products",
                option,
                "-n",
                "0",
            ]);
            assert_eq!(rows.len(), expected.len(), "--products {option}");
            for r in &rows {
                let code = text(r, "code");
                assert!(
                    prefixes.iter().any(|p| code.starts_with(p)),
                    "--products {option}: {code}"
                );
            }
            let total: f64 = rows.iter().filter_map(|r| num(r, "value")).sum();
            let want: f64 = expected.iter().map(|l| l.1).sum();
            assert!(close(total, want), "--products {option}: {total} vs {want}");
            assert!(close(num(&rows[0], "share").unwrap(), expected[0].1 / want));
        }
        // The summary of one chapter sums its top-level code, not the file's TOTAL.
        let mut chapter: HashMap<String, f64> = HashMap::new();
        let mut rdr = csv::Reader::from_path(real("comtrade-legacy/h3_china_india.csv")).unwrap();
        for r in rdr.records() {
            let r = r.unwrap();
            if r.len() >= 10 && &r[5] == "85" {
                chapter.insert(r[2].to_string(), r[9].parse().unwrap());
            }
        }
        let rows = json_rows(&["summary", file, "--products", "85"]);
        assert_eq!(num(&rows[0], "imports"), Some(chapter["1"]));
        assert_eq!(num(&rows[0], "exports"), Some(chapter["2"]));
    }

    #[test]
    fn comext_summary_is_in_euros() {
        let file = fixture("comext_new.csv");
        let (stdout, _) = succeeds(tradestat().args(["summary", "-r", "FRA", "-q"]).arg(&file));
        assert!(stdout.contains("France"), "{stdout}");
        // FRA's 2018 exports (KZ, 201852) are EUR 210,000.
        assert!(stdout.contains("€210K"), "{stdout}");
        assert!(!stdout.contains('$'), "{stdout}");
        let rows = json_rows(&["summary", file.to_str().unwrap(), "-r", "FRA"]);
        assert_eq!(text(&rows[0], "year"), "2018");
        assert_eq!(num(&rows[0], "exports"), Some(210_000.0));
        assert_eq!(num(&rows[0], "imports"), Some(45_000.0));
    }

    #[test]
    fn mixed_currencies_are_refused_without_rates() {
        let err = fails(
            tradestat()
                .args(["summary", "-r", "FRA", "-q"])
                .arg(fixture("comext_new.csv"))
                .arg(fixture("small_bilateral.csv")),
        );
        assert!(err.contains("several currencies"), "{err}");
        assert!(err.contains("EUR") && err.contains("USD"), "{err}");
        assert!(err.contains("--fx"), "{err}");
    }

    #[test]
    fn fx_rates_convert_to_us_dollars() {
        // US dollars per euro by year, from our fixture.
        let mut rates: HashMap<String, f64> = HashMap::new();
        let mut rdr = csv::Reader::from_path(fixture("fx.csv")).unwrap();
        for r in rdr.records() {
            let r = r.unwrap();
            assert_eq!(&r[0], "EUR");
            rates.insert(r[1].to_string(), r[2].parse().unwrap());
        }
        // FRA's euros by year and flow, from the Comext fixture.
        let mut eur: HashMap<(String, String), f64> = HashMap::new();
        let mut rdr = csv::Reader::from_path(fixture("comext_new.csv")).unwrap();
        let h = rdr.headers().unwrap().clone();
        let idx = |n: &str| h.iter().position(|c| c == n).unwrap();
        let (rep, flow, per, val) = (
            idx("REPORTER"),
            idx("FLOW"),
            idx("PERIOD"),
            idx("VALUE_EUR"),
        );
        for r in rdr.records() {
            let r = r.unwrap();
            if &r[rep] == "FR" {
                *eur.entry((r[per][..4].to_string(), r[flow].to_string()))
                    .or_default() += r[val].parse::<f64>().unwrap();
            }
        }
        let rows = json_rows(&[
            "summary",
            fixture("comext_new.csv").to_str().unwrap(),
            fixture("small_bilateral.csv").to_str().unwrap(),
            "-r",
            "FRA",
            "--fx",
            fixture("fx.csv").to_str().unwrap(),
        ]);
        assert_eq!(rows.len(), 2);
        for row in &rows {
            let year = text(row, "year").to_string();
            let rate = rates[&year];
            let exports = eur[&(year.clone(), "2".to_string())] * rate;
            let imports = eur[&(year.clone(), "1".to_string())] * rate;
            assert!(close(num(row, "exports").unwrap(), exports), "{year}");
            assert!(close(num(row, "imports").unwrap(), imports), "{year}");
        }
        let (stdout, _) = succeeds(
            tradestat()
                .args(["summary", "-r", "FRA", "-q", "--fx"])
                .arg(fixture("fx.csv"))
                .arg(fixture("comext_new.csv"))
                .arg(fixture("small_bilateral.csv")),
        );
        // 210,000 EUR x 1.18 = $247.8K.
        assert!(stdout.contains("$247.8K"), "{stdout}");
        assert!(!stdout.contains('€'), "{stdout}");
        // USD rows are left as they are.
        let kaz = json_rows(&[
            "summary",
            fixture("comext_new.csv").to_str().unwrap(),
            fixture("small_bilateral.csv").to_str().unwrap(),
            "-r",
            "KAZ",
            "-p",
            "MEX",
            "--fx",
            fixture("fx.csv").to_str().unwrap(),
        ]);
        let y2020 = kaz.iter().find(|r| text(r, "year") == "2020").unwrap();
        assert_eq!(num(y2020, "exports"), Some(400.0));
        assert_eq!(num(y2020, "imports"), Some(200.0));
    }

    #[test]
    fn fx_file_without_a_needed_year_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fx = dir.path().join("fx_2018.csv");
        std::fs::write(&fx, "currency,year,rate\nEUR,2018,1.18\n").unwrap();
        let err = fails(
            tradestat()
                .args(["summary", "-r", "FRA", "-q", "--fx"])
                .arg(&fx)
                .arg(fixture("comext_new.csv"))
                .arg(fixture("small_bilateral.csv")),
        );
        assert!(err.contains("fx_2018.csv"), "{err}");
        assert!(err.contains("EUR 2019"), "{err}");
        assert!(!err.contains("EUR 2018"), "{err}");
    }
}

// --- annual and monthly rows together ---

mod annual_and_months {
    use super::common::*;

    // Comext files hold the annual row (PERIOD 201852) and the months (201801, 201802) of the
    // same flow: summing all three would count 2018 twice.
    #[test]
    fn months_are_not_added_to_their_annual_row() {
        let (stdout, stderr) = succeeds(
            tradestat()
                .args(["summary", "-r", "FRA", "--output", "json"])
                .arg(fixture("comext_annual_and_months.csv")),
        );
        let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(rows[0]["year"], "2018");
        assert_eq!(rows[0]["exports"], 1200.0);
        // 2019 has only March: the growth compares unequal periods and the note says so.
        assert_eq!(rows[1]["exports"], 300.0);
        assert!(stderr.contains("2019 has 1 month(s) of data"), "{stderr}");
    }
}

// --- charts: `tradestat chart KIND` (issue 4) ---

mod charts {
    use super::common::*;
    use std::path::{Path, PathBuf};

    const INDIA_CHINA: &str = "comtrade-legacy/h3_china_india.csv";
    const BACI: &str = "baci-extract/ExampleTradeData.csv";

    /// Render `args` into `dir/name` and return its path; the run must succeed.
    fn render(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
        let out = dir.join(name);
        succeeds(
            tradestat()
                .arg("chart")
                .args(args)
                .arg("-q")
                .arg("-o")
                .arg(&out),
        );
        assert!(out.is_file(), "{} not written", out.display());
        out
    }

    /// The texts of an SVG file, checking on the way that it is well-formed XML.
    fn svg_texts(path: &Path) -> (String, Vec<String>) {
        let svg = std::fs::read_to_string(path).unwrap();
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{}: not valid SVG: {e}", path.display()));
        let texts = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect();
        (svg, texts)
    }

    /// Rectangles of one fill colour in an SVG (bars, tiles, legend swatches).
    fn rects(svg: &str, fill: &str) -> usize {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(fill))
            .count()
    }

    /// Decode a PNG: its size and the fraction of pixels that differ from the background
    /// (the top-left pixel).
    fn png_ink(path: &Path) -> (u32, u32, f64) {
        let file = std::fs::File::open(path).unwrap();
        let mut reader = png::Decoder::new(std::io::BufReader::new(file))
            .read_info()
            .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", path.display()));
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        let step = info.color_type.samples();
        let bg = buf[..step].to_vec();
        let pixels = buf.len() / step;
        let inked = buf.chunks(step).filter(|p| *p != bg.as_slice()).count();
        (info.width, info.height, inked as f64 / pixels as f64)
    }

    fn assert_png(path: &Path, size: (u32, u32)) {
        let (w, h, ink) = png_ink(path);
        assert_eq!((w, h), size, "{}", path.display());
        assert!(
            ink > 0.01,
            "{}: blank ({:.3}% drawn)",
            path.display(),
            ink * 100.0
        );
    }

    fn has(texts: &[String], want: &str) -> bool {
        texts.iter().any(|t| t == want)
    }

    #[test]
    fn chart_help_ends_with_examples() {
        let (stdout, _) = succeeds(tradestat().args(["chart", "--help"]));
        let tail = stdout.rsplit("Examples:\n").next().unwrap();
        let lines: Vec<&str> = tail.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(lines[0].starts_with("  tradestat chart"), "{stdout}");
        assert!(lines.iter().all(|l| l.starts_with("  ")), "{stdout}");
        for kind in [
            "trend",
            "flows",
            "balance",
            "top",
            "composition",
            "compare",
            "mirror",
            "pareto",
        ] {
            assert!(stdout.contains(kind), "help does not name {kind}");
        }
    }

    /// Every kind the seed data supports, in PNG and SVG: titles with country names and years,
    /// axis labels with units, the source footnote, the bars.
    #[test]
    fn seed_kinds_render_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (kind, extra) in [
            ("trend", vec![]),
            ("flows", vec![]),
            ("balance", vec![]),
            ("compare", vec!["--years", "2014,2018"]),
        ] {
            let png = render(
                d,
                &format!("{kind}.png"),
                &[&[kind][..], &extra[..]].concat(),
            );
            assert_png(&png, (1920, 1080));
            let svg = render(
                d,
                &format!("{kind}.svg"),
                &[&[kind][..], &extra[..]].concat(),
            );
            let (text, texts) = svg_texts(&svg);
            assert!(
                texts
                    .iter()
                    .any(|t| t.contains("Kazakhstan") && t.contains("Mexico")),
                "{kind}: no title naming both countries in {texts:?}"
            );
            assert!(
                texts.iter().any(|t| t.contains("2014")),
                "{kind}: no year in {texts:?}"
            );
            assert!(
                texts.iter().any(|t| t.starts_with("Source: seeds/")),
                "{kind}: no source footnote in {texts:?}"
            );
            assert!(
                has(&texts, "$0") || kind == "balance",
                "{kind}: no $0 axis label in {texts:?}"
            );
            match kind {
                "trend" => {
                    for label in ["$171K", "$121.229M", "$121.4M", "$23M", "$100M"] {
                        assert!(has(&texts, label), "trend: no {label} in {texts:?}");
                    }
                }
                "flows" => {
                    // One exports bar (2014) plus its legend swatch; exports of $171K
                    // beside imports of $121M still labelled.
                    assert_eq!(rects(&text, "#0072B2"), 2);
                    for label in ["$171K", "$121.229M", "$23M", "balance -$121.058M"] {
                        assert!(has(&texts, label), "flows: no {label} in {texts:?}");
                    }
                }
                "balance" => {
                    // One deficit bar (2014) plus its legend swatch; 2018 has no balance.
                    assert_eq!(rects(&text, "#D55E00"), 2);
                    assert!(has(&texts, "-$121.058M"), "{texts:?}");
                    assert!(has(&texts, "-$50M"), "{texts:?}");
                }
                _ => {
                    assert!(
                        has(&texts, "-81.1%"),
                        "compare: no turnover change in {texts:?}"
                    );
                    assert!(has(&texts, "2018 not reported"), "{texts:?}");
                }
            }
        }
    }

    #[test]
    fn the_same_input_renders_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        for ext in ["png", "svg"] {
            let a = render(dir.path(), &format!("a.{ext}"), &["flows"]);
            let b = render(dir.path(), &format!("b.{ext}"), &["flows"]);
            assert_eq!(
                std::fs::read(a).unwrap(),
                std::fs::read(b).unwrap(),
                "{ext}"
            );
        }
    }

    #[test]
    fn options_set_size_scale_theme_and_titles() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let p = render(
            d,
            "sq.png",
            &[
                "trend", "--size", "square", "--scale", "2", "--theme", "dark",
            ],
        );
        assert_png(&p, (2160, 2160));
        let p = render(d, "wh.png", &["flows", "--width", "800", "--height", "600"]);
        assert_png(&p, (800, 600));
        let p = render(d, "a4.png", &["compare", "--size", "a4"]);
        assert_png(&p, (2480, 3508));
        let p = render(
            d,
            "forced.out",
            &[
                "balance",
                "--format-image",
                "svg",
                "--title",
                "My <own> title & more",
            ],
        );
        let (_, texts) = svg_texts(&p);
        assert!(has(&texts, "My <own> title & more"), "{texts:?}");
    }

    /// A product name with markup from an input file comes out as text, not as SVG elements.
    #[test]
    fn svg_escapes_text_from_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("names.csv");
        std::fs::write(
            &csv,
            "year,reporter,partner,flow,product,product_name,value\n\
             2020,KAZ,MEX,export,8501,<script>alert(1)</script> & motors,600000\n\
             2020,KAZ,MEX,export,2613,Molybdenum ores,300000\n",
        )
        .unwrap();
        let out = render(dir.path(), "top.svg", &["top", csv.to_str().unwrap()]);
        let (svg, texts) = svg_texts(&out);
        assert!(!svg.contains("<script>"), "unescaped markup in the SVG");
        assert!(
            texts
                .iter()
                .any(|t| t.contains("<script>alert(1)</script> & motors")),
            "{texts:?}"
        );
        // Two bars in the exports colour.
        assert_eq!(rects(&svg, "#0072B2"), 2);
    }

    /// Both sides' declarations: the mirror chart.
    #[test]
    fn mirror_renders_both_sides_with_the_gap() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("both.csv");
        std::fs::write(
            &csv,
            "year,reporter,partner,flow,product,value\n\
             2019,KAZ,MEX,export,TOTAL,1500000\n\
             2019,MEX,KAZ,import,TOTAL,1720000\n\
             2019,KAZ,MEX,import,TOTAL,30000000\n\
             2019,MEX,KAZ,export,TOTAL,27500000\n",
        )
        .unwrap();
        let f = csv.to_str().unwrap();
        assert_png(
            &render(
                dir.path(),
                "m.png",
                &["mirror", f, "-r", "KAZ", "-p", "MEX"],
            ),
            (1920, 1080),
        );
        let (svg, texts) = svg_texts(&render(
            dir.path(),
            "m.svg",
            &["mirror", f, "-r", "KAZ", "-p", "MEX"],
        ));
        assert!(has(&texts, "gap +$220K (+14.7%)"), "{texts:?}");
        assert!(has(&texts, "gap +$2.5M (+9.1%)"), "{texts:?}");
        // Two flows, each with an exporter and an importer bar, plus the two legend swatches.
        assert_eq!(rects(&svg, "#0072B2"), 3);
        assert_eq!(rects(&svg, "#E69F00"), 3);
    }

    /// Bad requests: a clear error naming what is missing, and no file left behind.
    #[test]
    fn bad_requests_fail_clearly_and_leave_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = d.join("x.png");
        let o = out.to_str().unwrap();
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (
                vec!["composition", "--group", "category", "-o", o],
                "needs product detail with values",
            ),
            (vec!["top", "-o", o], "needs exports by product with values"),
            (
                vec!["pareto", "-o", o],
                "needs exports by product with values",
            ),
            (vec!["mirror", "-o", o], "needs both sides"),
            (
                vec!["trend", "--years", "2016", "-o", o],
                "no data for KAZ in 2016",
            ),
            (
                vec!["trend", "--years", "2015-2017", "-o", o],
                "no trade between",
            ),
            (
                vec!["compare", "--years", "2014", "-o", o],
                "needs two years",
            ),
            (vec!["trend"], "-o chart.png"),
        ];
        for (args, message) in cases {
            let err = fails(tradestat().arg("chart").args(&args));
            assert!(
                err.contains(message),
                "{args:?}: expected '{message}' in:\n{err}"
            );
        }
        let jpg = d.join("x.jpg");
        let err = fails(tradestat().args(["chart", "trend", "-o"]).arg(&jpg));
        assert!(err.contains("use .png or .svg"), "{err}");
        let missing = d.join("no/such/dir/x.png");
        let out_cmd = tradestat()
            .args(["chart", "trend", "-o"])
            .arg(&missing)
            .output()
            .unwrap();
        assert_eq!(out_cmd.status.code(), Some(73));
        let left: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "files left behind: {left:?}");
    }

    /// India-China 2010 (UN Comtrade legacy): one year with product detail, India's side only.
    #[test]
    fn india_china_renders_each_kind_it_supports() {
        let file = real(INDIA_CHINA);
        let f = file.to_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (kind, extra, bars) in [
            ("trend", vec![], None),
            ("flows", vec![], Some(("#0072B2", 2))),
            ("balance", vec![], Some(("#D55E00", 2))),
            (
                "top",
                vec!["--flow", "imports", "-n", "10"],
                Some(("#E69F00", 10)),
            ),
            ("composition", vec!["--group", "section"], None),
            ("composition", vec!["--group", "section", "--donut"], None),
            (
                "pareto",
                vec!["--flow", "imports", "-n", "20"],
                Some(("#E69F00", 21)),
            ),
        ] {
            let args = [&[kind, f][..], &extra[..]].concat();
            assert_png(&render(d, &format!("{kind}.png"), &args), (1920, 1080));
            let (svg, texts) = svg_texts(&render(d, &format!("{kind}.svg"), &args));
            assert!(
                texts
                    .iter()
                    .any(|t| t.contains("India") && t.contains("2010")),
                "{kind}: title without India and 2010: {texts:?}"
            );
            assert!(
                has(&texts, "Source: UN Comtrade (legacy): h3_china_india.csv."),
                "{kind}: {texts:?}"
            );
            if let Some((colour, n)) = bars {
                assert_eq!(rects(&svg, colour), n, "{kind}: bars in {colour}");
            }
        }
        // Exports $17.44B, imports $41.249B, as `summary` prints them.
        let (_, texts) = svg_texts(&render(d, "flows2.svg", &["flows", f]));
        assert!(
            has(&texts, "$17.44B") && has(&texts, "$41.249B"),
            "{texts:?}"
        );
        // One year and one side: compare and mirror cannot be drawn.
        let err = fails(
            tradestat()
                .args(["chart", "compare", f, "-o"])
                .arg(d.join("c.png")),
        );
        assert!(err.contains("two years"), "{err}");
        let err = fails(
            tradestat()
                .args(["chart", "mirror", f, "-o"])
                .arg(d.join("m.png")),
        );
        assert!(err.contains("both sides"), "{err}");
    }

    /// BACI extract, South Africa: partners ranked and balanced.
    #[test]
    fn baci_south_africa_renders_each_kind_it_supports() {
        let file = real(BACI);
        let f = file.to_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (kind, extra) in [
            ("trend", vec![]),
            ("flows", vec![]),
            ("balance", vec!["--by", "partner", "-n", "12"]),
            ("top", vec!["--by", "partner"]),
            (
                "composition",
                vec!["--group", "chapter", "--flow", "exports"],
            ),
            ("pareto", vec!["--by", "partner"]),
        ] {
            let args = [
                &[kind, f, "-r", "ZAF", "--classification", "H0"][..],
                &extra[..],
            ]
            .concat();
            assert_png(&render(d, &format!("{kind}.png"), &args), (1920, 1080));
            let (_, texts) = svg_texts(&render(d, &format!("{kind}.svg"), &args));
            assert!(
                texts
                    .iter()
                    .any(|t| t.contains("South Africa") && t.contains("2021")),
                "{kind}: {texts:?}"
            );
        }
        let err = fails(
            tradestat()
                .args(["chart", "mirror", f, "-r", "ZAF", "-o"])
                .arg(d.join("m.png")),
        );
        assert!(err.contains("already reconciled"), "{err}");
    }
}

// --- report and render (paste at the end of tests/cli.rs) ---

mod report {
    use super::common::*;
    use sha2::{Digest, Sha256};
    use std::path::{Path, PathBuf};

    const SEED_SENTENCE: &str = "Trade turnover between Kazakhstan and Mexico fell from $121.4 million in 2014 to $23.0 million in 2018 (-81.1%).";
    const SEED_FILES: [&str; 2] = ["000_f17b33383c21b252.txt", "001_df4cecdcb924529d.txt"];
    const HEADINGS: [&str; 10] = [
        "Key figures",
        "Narrative",
        "Trend",
        "Flows and balance",
        "Composition",
        "Top products",
        "Partner ranking",
        "Mirror comparison",
        "Indicators",
        "Data and method notes",
    ];

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn sha256(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The `<h2>` headings of a report's HTML, in order.
    fn headings(html: &str) -> Vec<String> {
        html.split("<h2>")
            .skip(1)
            .filter_map(|s| s.split_once("</h2>").map(|(h, _)| h.to_string()))
            .collect()
    }

    /// Files under `dir` whose name ends with `suffix`.
    fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.retain(|p| p.to_string_lossy().ends_with(suffix));
        v.sort();
        v
    }

    fn no_temp_files(dir: &Path) {
        for sub in ["", "charts", "tables"] {
            assert!(
                files_ending(&dir.join(sub), ".tmp").is_empty(),
                "temporary files left in {}",
                dir.join(sub).display()
            );
        }
    }

    /// `tradestat report` with no arguments, run in a fresh directory: returns (tempdir, report/).
    fn seed_report() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        succeeds(tradestat().current_dir(tmp.path()).arg("report"));
        let dir = tmp.path().join("report");
        (tmp, dir)
    }

    #[test]
    fn seed_report_states_the_figures_and_cites_the_seed_files() {
        let (_tmp, dir) = seed_report();
        let html = read(&dir.join("index.html"));
        let md = read(&dir.join("report.md"));
        assert!(html.contains(SEED_SENTENCE), "{html}");
        assert!(md.contains(SEED_SENTENCE), "{md}");
        // The sentence carries footnotes, and the footnotes name the seed files.
        assert!(md.contains(&format!("{SEED_SENTENCE}[^")), "{md}");
        assert!(html.contains(&format!("{SEED_SENTENCE}<sup><a href=\"#fn")));
        for f in SEED_FILES {
            assert!(html.contains(f), "{f} not cited in index.html");
            assert!(md.contains(f), "{f} not cited in report.md");
        }
        assert_eq!(
            headings(&html),
            [
                "Key figures",
                "Narrative",
                "Trend",
                "Flows and balance",
                "Data and method notes"
            ]
        );
        // What the seed data cannot support is said, not drawn.
        assert!(html.contains("no partner ranking"), "{html}");
        assert!(html.contains("no mirror comparison"), "{html}");
        assert!(html.contains("imports 2014"), "derived value noted");
        for c in ["trend", "compare", "flows", "balance"] {
            let png = std::fs::read(dir.join(format!("charts/{c}.png"))).unwrap();
            assert!(png.starts_with(b"\x89PNG"), "{c}.png");
            let svg = read(&dir.join(format!("charts/{c}.svg")));
            assert!(svg.contains("<svg"), "{c}.svg");
            assert!(md.contains(&format!("](charts/{c}.png)")), "{c} linked");
        }
        let summary = read(&dir.join("tables/summary.csv"));
        assert!(
            summary.starts_with("year,exports,imports,turnover"),
            "{summary}"
        );
        assert!(summary.contains("121400000"), "{summary}");
        // Print layout: A4 and a page break between sections.
        assert!(html.contains("size: A4"));
        assert!(html.contains("break-before: page"));
        no_temp_files(&dir);
    }

    #[test]
    fn manifest_lists_every_file_with_its_hash() {
        let (_tmp, dir) = seed_report();
        let m: serde_json::Value = serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
        assert_eq!(m["tradestat_version"], env!("CARGO_PKG_VERSION"));
        let cmd: Vec<String> = m["command_line"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(cmd.last().map(String::as_str), Some("report"), "{cmd:?}");
        let seed = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/seed.csv"));
        assert_eq!(m["inputs"][0]["path"], "data/seed.csv");
        assert_eq!(m["inputs"][0]["sha256"], sha256(seed));
        let files = m["files"].as_array().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
        for must in [
            "index.html",
            "report.md",
            "charts/trend.png",
            "charts/trend.svg",
            "tables/summary.csv",
        ] {
            assert!(names.contains(&must), "{must} not in {names:?}");
        }
        for f in files {
            let path = dir.join(f["path"].as_str().unwrap());
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(f["sha256"], sha256(&bytes), "{}", path.display());
            assert_eq!(f["bytes"], bytes.len() as u64, "{}", path.display());
        }
        // Every chart and table on disk is in the manifest.
        for sub in ["charts", "tables"] {
            for p in files_ending(&dir.join(sub), "") {
                let rel = format!("{sub}/{}", p.file_name().unwrap().to_string_lossy());
                assert!(names.contains(&rel.as_str()), "{rel} not in the manifest");
            }
        }
    }

    #[test]
    fn manifest_hashes_a_file_input() {
        let tmp = tempfile::tempdir().unwrap();
        let input = fixture("report_script_product.csv");
        succeeds(
            tradestat()
                .arg("report")
                .arg(&input)
                .arg("-o")
                .arg(tmp.path().join("r")),
        );
        let m: serde_json::Value =
            serde_json::from_str(&read(&tmp.path().join("r/manifest.json"))).unwrap();
        assert_eq!(
            m["inputs"][0]["sha256"],
            sha256(&std::fs::read(&input).unwrap())
        );
        assert!(
            m["inputs"][0]["path"]
                .as_str()
                .unwrap()
                .ends_with("report_script_product.csv")
        );
    }

    #[test]
    fn input_text_is_escaped_in_html_svg_and_markdown() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("r");
        succeeds(
            tradestat()
                .arg("report")
                .arg(fixture("report_script_product.csv"))
                .arg("-o")
                .arg(&dir),
        );
        let html = read(&dir.join("index.html"));
        let md = read(&dir.join("report.md"));
        for (name, text) in [("index.html", &html), ("report.md", &md)] {
            assert!(!text.contains("<script"), "{name} has a raw script tag");
            assert!(!text.contains("<img"), "{name} has a raw img tag");
            assert!(!text.contains("<b>fuel"), "{name} has a raw b tag");
            assert!(
                text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{name}"
            );
        }
        // The product is in the narrative and the top-products table as text.
        assert!(
            html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
            "{html}"
        );
        let svgs = files_ending(&dir.join("charts"), ".svg");
        assert!(!svgs.is_empty());
        for svg in svgs {
            let s = read(&svg);
            assert!(!s.contains("<script"), "{}", svg.display());
            assert!(!s.contains("<img"), "{}", svg.display());
            roxmltree::Document::parse(&s)
                .unwrap_or_else(|e| panic!("{}: not well-formed: {e}", svg.display()));
        }
        // The CSV keeps the text as data.
        let top = read(&dir.join("tables/top-exports.csv"));
        assert!(top.contains("<script>alert(1)</script>"), "{top}");
    }

    #[test]
    fn existing_directory_keeps_foreign_files_and_names_the_replaced_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        std::fs::create_dir_all(dir.join("charts")).unwrap();
        std::fs::write(dir.join("my-notes.txt"), "mine").unwrap();
        std::fs::write(dir.join("charts/logo.svg"), "<svg/>").unwrap();
        std::fs::write(dir.join("index.html"), "old").unwrap();
        let (_, err) = succeeds(tradestat().arg("report").arg("-o").arg(&dir));
        assert!(err.contains("replaced 1 file(s)"), "{err}");
        assert!(err.contains("index.html"), "{err}");
        assert!(
            !err.contains("my-notes.txt") && !err.contains("logo.svg"),
            "{err}"
        );
        assert_eq!(read(&dir.join("my-notes.txt")), "mine");
        assert_eq!(read(&dir.join("charts/logo.svg")), "<svg/>");
        assert!(read(&dir.join("index.html")).contains(SEED_SENTENCE));
        // A second run replaces what the first wrote, and says so.
        let (_, err) = succeeds(tradestat().arg("report").arg("-o").arg(&dir));
        assert!(
            err.contains("manifest.json") && err.contains("charts/trend.png"),
            "{err}"
        );
        assert_eq!(read(&dir.join("my-notes.txt")), "mine");
        no_temp_files(&dir);
    }

    #[test]
    fn a_failed_report_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let err = fails(
            tradestat()
                .args(["report", "--years", "1999"])
                .arg("-o")
                .arg(&dir),
        );
        assert!(err.contains("1999"), "{err}");
        assert!(!dir.exists(), "nothing written");
        // An -o that is a file is refused and left as it was.
        let file = tmp.path().join("file.txt");
        std::fs::write(&file, "x").unwrap();
        let err = fails(tradestat().arg("report").arg("-o").arg(&file));
        assert!(err.contains("directory"), "{err}");
        assert_eq!(read(&file), "x");
    }

    #[test]
    fn baci_report_has_the_sections_the_data_supports() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("zaf");
        succeeds(
            tradestat()
                .arg("report")
                .arg(real("baci-extract/ExampleTradeData.csv"))
                .args(["-r", "ZAF", "-o"])
                .arg(&dir),
        );
        let html = read(&dir.join("index.html"));
        // BACI is reconciled (one figure per flow): everything but the mirror comparison.
        assert_eq!(
            headings(&html),
            [
                "Key figures",
                "Narrative",
                "Trend",
                "Flows and balance",
                "Composition",
                "Top products",
                "Partner ranking",
                "Indicators",
                "Data and method notes"
            ]
        );
        assert!(html.contains("no mirror comparison"), "{html}");
        assert!(html.contains("<title>South Africa - World: trade report</title>"));
        assert!(html.contains("In 2021, trade turnover between South Africa and the world was $"));
        assert!(html.contains("largest trading partner in 2021"), "{html}");
        for c in ["trend", "flows", "composition", "top-exports", "partners"] {
            assert!(dir.join(format!("charts/{c}.png")).is_file(), "{c}.png");
            assert!(html.contains(&format!("id=\"chart-{c}\"")), "{c} inline");
        }
        for t in [
            "key-figures",
            "summary",
            "composition",
            "top-exports",
            "partners",
            "indicators",
        ] {
            assert!(dir.join(format!("tables/{t}.csv")).is_file(), "{t}.csv");
        }
    }

    #[test]
    fn the_example_deck_renders() {
        let tmp = tempfile::tempdir().unwrap();
        let deck = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deck.toml");
        let dir = tmp.path().join("deck");
        succeeds(tradestat().arg("render").arg(&deck).arg("-o").arg(&dir));
        for f in [
            "trend.png",
            "trend.svg",
            "flows.png",
            "compare.svg",
            "balance-small.png",
            "balance-small.svg",
        ] {
            assert!(dir.join(f).is_file(), "{f}");
        }
        assert!(
            !dir.join("flows.svg").exists(),
            "formats = [\"png\"] honoured"
        );
        assert!(
            !dir.join("compare.png").exists(),
            "formats = [\"svg\"] honoured"
        );
        let png = std::fs::read(dir.join("balance-small.png")).unwrap();
        // Width and height from the PNG header: the sizes in the spec.
        assert_eq!(&png[16..24], &[0, 0, 3, 0xc0, 0, 0, 2, 0x1c], "960x540");
        let flows = std::fs::read(dir.join("flows.png")).unwrap();
        assert_eq!(&flows[16..24], &[0, 0, 5, 0xa0, 0, 0, 4, 0x38], "1440x1080");
        assert!(read(&dir.join("trend.svg")).contains("Kazakhstan - Mexico trade, 2014-2018"));
        let md = read(&dir.join("summary.md"));
        assert!(
            md.contains("Trade summary, Kazakhstan - Mexico") && md.contains("$121.4M"),
            "{md}"
        );
        let csv = read(&dir.join("summary-2014.csv"));
        assert!(csv.contains("2014,") && !csv.contains("2018,"), "{csv}");
    }

    #[test]
    fn a_bad_deck_is_refused_with_its_reason() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = tmp.path().join("bad.toml");
        std::fs::write(&spec, "[[chart]]\nname = \"x\"\nkind = \"composition\"\n").unwrap();
        let dir = tmp.path().join("out");
        let err = fails(tradestat().arg("render").arg(&spec).arg("-o").arg(&dir));
        assert!(err.contains("chart x"), "{err}");
        assert!(!dir.exists(), "nothing written");
        std::fs::write(&spec, "[[chart]]\nname = \"x\"\nkind = \"nope\"\n").unwrap();
        let err = fails(tradestat().arg("render").arg(&spec).arg("-o").arg(&dir));
        assert!(err.contains("nope"), "{err}");
    }

    /// Debian's `chromium`, if installed.
    fn chromium() -> Option<PathBuf> {
        ["chromium", "chromium-browser"].iter().find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
    }

    fn headless(chromium: &Path, profile: &Path) -> std::process::Command {
        let mut c = std::process::Command::new(chromium);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
        c
    }

    #[test]
    fn headless_chromium_shows_title_sections_and_charts_offline() {
        let Some(chromium) = chromium() else {
            if std::env::var_os("CI").is_some() {
                panic!("chromium is not installed but CI is set: .ci/run must install it");
            }
            eprintln!(
                "SKIPPED headless_chromium_shows_title_sections_and_charts_offline: chromium is not \
                 installed (apt-get install chromium); this test is required on CI"
            );
            return;
        };
        let (tmp, dir) = seed_report();
        let html = read(&dir.join("index.html"));
        // Nothing is fetched: no network reference in a src or href, no @import or url().
        for bad in [
            "src=\"http",
            "src='http",
            "href=\"http",
            "href='http",
            "src=\"//",
            "href=\"//",
            "url(http",
            "url(//",
            "@import",
        ] {
            assert!(
                !html.contains(bad),
                "index.html references the network: {bad}"
            );
        }
        let url = format!("file://{}", dir.join("index.html").display());
        let out = headless(&chromium, &tmp.path().join("profile"))
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .expect("chromium runs");
        let dom = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && !dom.is_empty(),
            "chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            dom.contains("<title>Kazakhstan - Mexico: trade report</title>"),
            "{dom}"
        );
        let shown = headings(&dom);
        for h in headings(&html) {
            assert!(HEADINGS.contains(&h.as_str()), "unknown heading {h}");
            assert!(shown.contains(&h), "heading {h} not in the DOM");
        }
        assert!(shown.len() >= 5, "{shown:?}");
        let charts = files_ending(&dir.join("charts"), ".svg").len();
        assert_eq!(charts, 4);
        assert_eq!(
            dom.matches("<figure class=\"chart\"").count(),
            charts,
            "figures"
        );
        assert_eq!(dom.matches("<svg").count(), charts, "inline SVG charts");
        assert!(dom.contains(SEED_SENTENCE));
        assert!(!dom.contains("src=\"http") && !dom.contains("href=\"http"));
        // A screenshot renders.
        let shot = tmp.path().join("shot.png");
        let out = headless(&chromium, &tmp.path().join("profile2"))
            .arg("--window-size=1200,2400")
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .expect("chromium runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{} bytes",
            png.len()
        );
    }
}

// --- notes on what the analysis kept without knowing ---

mod analysis_notes {
    use super::common::*;

    #[test]
    fn unresolved_codes_are_counted_in_a_note() {
        let (_, stderr) = succeeds(
            tradestat()
                .args(["summary", "-r", "ZAF"])
                .arg(fixture("baci_unknown_country.csv")),
        );
        assert!(
            stderr.contains("not in the country table") && stderr.contains("reporter 999 (1 rows)"),
            "{stderr}"
        );
    }
}

// --- scale: the BACI fast lane of `profile` and `world`, and BACI-layout Parquet ---

/// The fast lane must give the general engine's figures: both are run on the real BACI extract
/// (`--engine general` forces the general engine) and every number is compared.
mod fast_lane {
    use super::*;

    const BACI: &str = "baci-extract/ExampleTradeData.csv";

    fn json(args: &[&str]) -> serde_json::Value {
        let (stdout, _) = succeeds(tradestat().args(args).args(["--output", "json", "-q"]));
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
    }

    /// Equal JSON, numbers within 1e-9 relative (sums in another order).
    fn same(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
        use serde_json::Value::*;
        match (a, b) {
            (Number(x), Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!(
                    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
                    "{at}: {x} != {y}"
                );
            }
            (Array(x), Array(y)) => {
                assert_eq!(x.len(), y.len(), "{at}: lengths");
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    same(x, y, &format!("{at}[{i}]"));
                }
            }
            (Object(x), Object(y)) => {
                assert_eq!(
                    x.keys().collect::<Vec<_>>(),
                    y.keys().collect::<Vec<_>>(),
                    "{at}: keys"
                );
                for (k, v) in x {
                    same(v, &y[k], &format!("{at}.{k}"));
                }
            }
            _ => assert_eq!(a, b, "{at}"),
        }
    }

    /// Run `args` on `inputs` with both engines; return the fast lane's JSON.
    fn both_engines(inputs: &[&Path], args: &[&str]) -> serde_json::Value {
        let mut full: Vec<&str> = args.to_vec();
        full.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        let fast = json(&full);
        full.extend(["--engine", "general"]);
        let general = json(&full);
        same(&fast, &general, &args.join(" "));
        fast
    }

    /// Sum of v * 1000 over the rows of the extract where `keep(i, j)`.
    fn independent_sum(keep: impl Fn(&str, &str) -> bool) -> f64 {
        let mut rdr = csv::Reader::from_path(real(BACI)).unwrap();
        let mut sum = 0.0;
        for r in rdr.records() {
            let r = r.unwrap();
            if keep(&r[1], &r[2]) {
                sum += r[4].trim().parse::<f64>().unwrap() * 1000.0;
            }
        }
        sum
    }

    #[test]
    fn pair_profile_agrees_with_the_general_engine_and_the_file() {
        let p = both_engines(
            &[&real(BACI)],
            &["profile", "-r", "ZAF", "-p", "AFG", "-n", "5"],
        );
        let flows = &p["flows"][0];
        assert_eq!(flows["year"], "2021");
        let x = independent_sum(|i, j| i == "710" && j == "4");
        let m = independent_sum(|i, j| i == "4" && j == "710");
        assert_close(flows["exports"].as_f64().unwrap(), x, "ZAF->AFG");
        assert_close(flows["imports"].as_f64().unwrap(), m, "AFG->ZAF");
        assert_close(flows["balance"].as_f64().unwrap(), x - m, "balance");
        let top = p["top_products"].as_array().unwrap();
        assert_eq!(top.len(), 5);
        assert_eq!(top[0]["product"], "190110");
        let values: Vec<f64> = top.iter().map(|r| r["value"].as_f64().unwrap()).collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        // Chapter totals add up to the flows both ways.
        let ch = p["chapters"].as_array().unwrap();
        let sum = |k: &str| ch.iter().filter_map(|r| r[k].as_f64()).sum::<f64>();
        assert_close(sum("exports"), x, "chapters exports");
        assert_close(sum("imports"), m, "chapters imports");
        assert!(
            ch.iter()
                .any(|r| r["chapter"] == "08" && r["name"] == "Fruit & nuts")
        );
    }

    #[test]
    fn reporter_profile_agrees_with_the_general_engine() {
        for r in ["ZAF", "AFG"] {
            let p = both_engines(&[&real(BACI)], &["profile", "-r", r]);
            let top = p["top_partners"].as_array().unwrap();
            assert_eq!(top.len(), 10, "{r}");
            let hhi = p["concentration"][0]["hhi"].as_f64().unwrap();
            assert!(hhi > 0.0 && hhi <= 1.0, "{r}: {hhi}");
        }
        // KAZ is only an importer in the extract: exports unknown, not zero, and no
        // concentration of exports.
        let kaz = both_engines(&[&real(BACI)], &["profile", "-r", "KAZ"]);
        assert!(kaz["flows"][0]["exports"].is_null(), "{kaz}");
        assert!(kaz["concentration"][0]["hhi"].is_null(), "{kaz}");
        assert_eq!(kaz["concentration"][0]["products"], 0, "{kaz}");
        assert_close(
            kaz["flows"][0]["imports"].as_f64().unwrap(),
            independent_sum(|_, j| j == "398"),
            "KAZ imports",
        );
    }

    #[test]
    fn world_table_agrees_with_the_general_engine_and_the_file() {
        let w = both_engines(&[&real(BACI)], &["world"]);
        let rows = w.as_array().unwrap();
        assert_eq!(rows[0]["country"], "ZAF");
        assert_eq!(rows[0]["rank"], 1);
        assert_close(
            rows[0]["exports"].as_f64().unwrap(),
            independent_sum(|i, _| i == "710"),
            "ZAF exports",
        );
        let imports: f64 = rows.iter().filter_map(|r| r["imports"].as_f64()).sum();
        assert_close(
            imports,
            independent_sum(|_, _| true),
            "all imports = all rows",
        );
    }

    #[test]
    fn several_years_and_code_tables() {
        // The extract again as a second year, so a glob reads two files.
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(real(BACI)).unwrap();
        std::fs::write(dir.path().join("baci_2021.csv"), &text).unwrap();
        std::fs::write(
            dir.path().join("baci_2022.csv"),
            text.replace("\n2021,", "\n2022,"),
        )
        .unwrap();
        let glob = dir.path().join("baci_*.csv");
        let codes = real("baci-codes/product_codes_HS92_V202401.csv");
        let p = both_engines(
            &[&glob, &codes],
            &["profile", "-r", "ZAF", "-p", "AFG", "--years", "2021,2022"],
        );
        let flows = p["flows"].as_array().unwrap();
        assert_eq!(flows.len(), 2);
        assert_eq!(flows[1]["year"], "2022");
        assert_eq!(flows[0]["exports"], flows[1]["exports"]);
        let name = p["top_products"][0]["name"].as_str().unwrap_or("");
        assert!(name.starts_with("Food preparations"), "{p}");
        let w = both_engines(&[&glob], &["world", "--years", "2022", "-n", "3"]);
        assert_eq!(w.as_array().unwrap().len(), 3);
        assert_eq!(w[0]["year"], "2022");
    }

    #[test]
    fn baci_layout_parquet_gives_the_same_figures() {
        let dir = tempfile::tempdir().unwrap();
        let pq = dir.path().join("baci.parquet");
        let (_, stderr) = succeeds(
            tradestat()
                .args(["convert", "--keep-layout", "-o"])
                .arg(&pq)
                .arg(real(BACI)),
        );
        assert!(stderr.contains("wrote 71192 rows"), "{stderr}");
        // Without --keep-layout the canonical table is written, and the user told of the option.
        let canonical = dir.path().join("canonical.parquet");
        let (_, stderr) = succeeds(
            tradestat()
                .args(["convert", "-o"])
                .arg(&canonical)
                .arg(real(BACI)),
        );
        assert!(stderr.contains("with --keep-layout"), "{stderr}");
        let baci = real(BACI);
        for args in [
            vec!["profile", "-r", "ZAF", "-p", "AFG"],
            vec!["profile", "-r", "AFG"],
            vec!["world"],
        ] {
            let csv = {
                let mut a = args.clone();
                a.push(baci.to_str().unwrap());
                json(&a)
            };
            let parquet = both_engines(&[&pq], &args);
            same(&csv, &parquet, &format!("{args:?} csv vs parquet"));
        }
        // The general commands read it too, with the same totals as the CSV.
        let sum = |f: &Path| {
            let (out, _) = succeeds(
                tradestat()
                    .args([
                        "summary", "-r", "ZAF", "-p", "world", "--output", "json", "-q",
                    ])
                    .arg(f),
            );
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            v[0]["exports"].as_f64().unwrap()
        };
        assert_close(sum(&pq), sum(&real(BACI)), "summary on Parquet");
        let items = inspect_items(&[], &pq);
        assert!(
            items.values().any(|v| v.contains("BACI layout")),
            "{items:?}"
        );
    }

    #[test]
    fn requests_the_lane_cannot_answer_are_refused_or_sent_to_the_general_engine() {
        let baci = real(BACI);
        let e = fails(
            tradestat()
                .args(["profile", "-r", "ZAF", "-p", "ZAF"])
                .arg(&baci),
        );
        assert!(e.contains("both ZAF"), "{e}");
        let e = fails(
            tradestat()
                .args(["profile", "-r", "ZAF", "-p", "world"])
                .arg(&baci),
        );
        assert!(e.contains("leave out --partner"), "{e}");
        let e = fails(
            tradestat()
                .args(["convert", "--keep-layout", "-o", "x.parquet"])
                .arg(fixture("small_bilateral.csv")),
        );
        assert!(e.contains("needs BACI inputs"), "{e}");
        // --products is not in the lane: the general engine answers it.
        let (out, _) = succeeds(
            tradestat()
                .args([
                    "profile",
                    "-r",
                    "ZAF",
                    "-p",
                    "AFG",
                    "--products",
                    "19",
                    "-q",
                ])
                .arg(&baci),
        );
        assert!(out.contains("190110") && !out.contains("621133"), "{out}");
    }

    /// A BACI file above the size validated line by line before the scan (64 MiB), with
    /// `bad` as the `t,i,j` of line `at`; every other line is ZAF -> AFG, 1.5 thousand USD.
    fn big_file(dir: &Path, bad: &str, at: usize) -> (PathBuf, usize) {
        use std::io::Write;
        let path = dir.join("big.csv");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"").unwrap();
        let rows = 1_900_000;
        for n in 2..rows + 2 {
            let tij = if n == at { bad } else { "2021,710,4" };
            writeln!(f, "{tij},{},1.5,\"        0.010\"", 100000 + n % 50).unwrap();
        }
        f.flush().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 64 * 1024 * 1024);
        (path, rows)
    }

    #[test]
    fn big_file_errors_name_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = big_file(dir.path(), "2021,7x0,4", 1_234_567);
        let e = fails(tradestat().args(["world"]).arg(&path));
        assert!(
            e.contains("big.csv:1234567: column 'i': expected a whole number, found '7x0'"),
            "{e}"
        );
    }

    #[test]
    fn big_file_the_typed_scan_cannot_read_goes_to_the_general_engine() {
        // "2021.0" is a year for the readers, not an integer for the typed scan.
        let dir = tempfile::tempdir().unwrap();
        let (path, rows) = big_file(dir.path(), "2021.0,710,4", 5);
        let (out, _) = succeeds(
            tradestat()
                .args(["world", "--output", "json", "-q"])
                .arg(&path),
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let zaf = v
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["country"] == "ZAF")
            .expect("a ZAF row");
        assert_eq!(zaf["year"], "2021");
        assert_close(
            zaf["exports"].as_f64().unwrap(),
            rows as f64 * 1500.0,
            "exports",
        );
    }

    #[test]
    fn no_spinner_when_stderr_is_not_a_terminal() {
        let (_, stderr) = succeeds(tradestat().args(["world"]).arg(real(BACI)));
        assert!(
            stderr.lines().all(|l| l.starts_with("note: ")),
            "{stderr:?}"
        );
    }
}
