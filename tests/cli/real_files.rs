//! Loading real third-party trade files in place from `../shared/data/real/`: for each, `inspect`
//! (layout, rows, unresolved codes) and `convert` (every row, canonical columns, value total)
//! against an independent reading with the csv crate.

use std::path::PathBuf;

use crate::common::*;

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
    fn path(&self, real: Real) -> PathBuf {
        real.file(self.path)
    }

    /// `inspect --output json`: the layout, the row count against the csv crate's count, and the
    /// unresolved codes.
    fn check_inspect(&self, real: Real) {
        let path = self.path(real);
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
    fn check_convert(&self, real: Real) {
        let path = self.path(real);
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
                let Some(real) = real_data() else { return };
                $file.check_inspect(real);
            }

            #[test]
            fn convert_keeps_rows_and_value_total() {
                let Some(real) = real_data() else { return };
                $file.check_convert(real);
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
        // ROM (Romania), YAR (North Yemen) and HWI (Hawaii) are legacy codes of the country
        // tables (data/ref/country_legacy.csv): resolved, none unresolved.
        unresolved: &[],
    };
}
