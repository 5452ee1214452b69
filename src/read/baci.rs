//! The facts of CEPII BACI's CSV files, stated once: the header `t,i,j,k,v,q`, values in
//! thousands of US dollars, six-digit HS codes written as numbers, and quantities in tonnes that
//! are quoted, space-padded and `NA` when missing.
//!
//! Every reader of BACI data (the layout plan of the general engine, the typed reader and the
//! hand-written row parser of the fast lane) takes these from here, so that a fact BACI changes
//! is changed in one place.

use polars::prelude::*;

/// The year (`t`), an integer.
pub const YEAR: &str = "t";
/// The exporter (`i`): a numeric country code (UN Comtrade / ISO 3166 numeric, e.g. 842).
pub const EXPORTER: &str = "i";
/// The importer (`j`): a numeric country code, as [`EXPORTER`].
pub const IMPORTER: &str = "j";
/// The HS product code (`k`), written as a number: see [`PRODUCT_DIGITS`].
pub const PRODUCT: &str = "k";
/// The value (`v`), in thousands of US dollars: see [`VALUE_UNIT`].
pub const VALUE: &str = "v";
/// The quantity (`q`), in tonnes ([`QUANTITY_UNIT`]); [`QUANTITY_NA`] when unknown.
pub const QUANTITY: &str = "q";

/// The columns of a BACI file, in BACI's order (also the layout `convert --keep-layout` writes
/// to Parquet).
pub const COLUMNS: [&str; 6] = [YEAR, EXPORTER, IMPORTER, PRODUCT, VALUE, QUANTITY];

/// The columns a BACI file must have: `q` is left out of some extracts, and nothing needs it.
pub const REQUIRED: [&str; 5] = [YEAR, EXPORTER, IMPORTER, PRODUCT, VALUE];

/// The header as BACI writes it (and as `inspect` names the layout).
pub const HEADER: &str = "t,i,j,k,v,q";

/// US dollars per unit of `v`: BACI gives values in thousands, tradestat in currency units.
pub const VALUE_UNIT: f64 = 1000.0;

/// The currency of `v`.
pub const CURRENCY: &str = "USD";

/// Digits of an HS6 code. `k` is written as a number, so a code of chapters 01-09 lost its
/// leading zero (071120 is written 71120) and must be padded back to this width.
pub const PRODUCT_DIGITS: i32 = 6;

/// How `q` says "unknown" (after the quotes and padding are trimmed).
pub const QUANTITY_NA: &str = "NA";

/// The unit of `q`: metric tonnes.
pub const QUANTITY_UNIT: &str = "t";

/// The classification recorded when neither the user nor the file name names the edition.
pub const CLASSIFICATION: &str = "HS";

/// BACI's HS editions as its file names write them (`BACI_HS92_Y2020_V202301.csv`), with the
/// classification code tradestat records (UN Comtrade's: H0 is HS1992, ..., H6 is HS2022).
pub const EDITIONS: [(&str, &str); 7] = [
    ("HS92", "H0"),
    ("HS96", "H1"),
    ("HS02", "H2"),
    ("HS07", "H3"),
    ("HS12", "H4"),
    ("HS17", "H5"),
    ("HS22", "H6"),
];

/// The HS edition a BACI file name states (`BACI_HS92_Y2020_V202301.csv` -> `H0`), as one of
/// its `_`-separated parts; `None` when the name does not say.
pub fn edition_of_file_name(name: &str) -> Option<&'static str> {
    let stem = name.split('.').next().unwrap_or(name);
    stem.split(['_', '-'])
        .find_map(|part| {
            EDITIONS
                .iter()
                .find(|(hs, _)| part.eq_ignore_ascii_case(hs))
        })
        .map(|(_, code)| *code)
}

/// The six-digit product code from `k` read as text: the leading zero put back.
pub fn product_code(k: Expr) -> Expr {
    k.str().zfill(lit(PRODUCT_DIGITS))
}

/// The six-digit product code from `k` read as an integer (the typed readers parse it as one:
/// no string per row until a row is kept).
pub fn product_code_of_number(k: Expr) -> Expr {
    product_code(k.cast(DataType::String))
}

/// A value in US dollars from `v` (thousands of US dollars).
pub fn value(v: Expr) -> Expr {
    v * lit(VALUE_UNIT)
}

/// `q` without its `NA`: `text` is the cell trimmed of its quotes and padding, blank as null
/// (as the layout plans' `txt` reads it); the result is still text.
pub fn quantity_text(text: Expr) -> Expr {
    when(text.clone().eq(lit(QUANTITY_NA)))
        .then(lit(NULL))
        .otherwise(text)
}

/// The quantity in tonnes from `q` (trimmed text, blank as null; see [`quantity_text`]). A cell
/// that is neither a number nor `NA` fails the query.
pub fn quantity(text: Expr) -> Expr {
    quantity_text(text).strict_cast(DataType::Float64)
}

/// The unit of the quantity: [`QUANTITY_UNIT`] where `q` is known, else null (`text` as for
/// [`quantity`]).
pub fn quantity_unit(text: Expr) -> Expr {
    when(text.clone().eq(lit(QUANTITY_NA)).or(text.is_null()))
        .then(lit(NULL))
        .otherwise(lit(QUANTITY_UNIT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{floats, strings};
    use crate::read::layout::txt;

    /// `e` evaluated on `df`, as the column `out`.
    fn run(df: DataFrame, e: Expr) -> DataFrame {
        df.lazy().select([e.alias("out")]).collect().unwrap()
    }

    fn text(df: DataFrame, e: Expr) -> Vec<Option<String>> {
        strings(&run(df, e), "out").unwrap()
    }

    fn some(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| Some(v.to_string())).collect()
    }

    #[test]
    fn product_codes_get_their_leading_zero_back() {
        let df = df!("k" => ["71120", "382390", "10121"]).unwrap();
        assert_eq!(
            text(df, product_code(col("k"))),
            some(&["071120", "382390", "010121"])
        );
        let df = df!("k" => [71120i32, 382390]).unwrap();
        assert_eq!(
            text(df, product_code_of_number(col("k"))),
            some(&["071120", "382390"])
        );
    }

    #[test]
    fn values_are_thousands_of_dollars() {
        let df = df!("v" => [Some(52.051), None, Some(0.0)]).unwrap();
        let out = floats(&run(df, value(col("v"))), "out").unwrap();
        assert_eq!(out, [Some(52_051.0), None, Some(0.0)]);
    }

    #[test]
    fn quantities_are_padded_and_na_when_missing() {
        // As BACI writes q once the CSV reader has dropped the quotes: space-padded, "NA".
        let df = df!(
            "q" => [Some("       13.235"), Some("         NA"), Some("  "), None, Some("0.5")]
        )
        .unwrap();
        let q = floats(&run(df.clone(), quantity(txt("q"))), "out").unwrap();
        assert_eq!(q, [Some(13.235), None, None, None, Some(0.5)]);
        let unit = text(df, quantity_unit(txt("q")));
        let t = Some(QUANTITY_UNIT.to_string());
        assert_eq!(unit, [t.clone(), None, None, None, t]);
    }

    #[test]
    fn a_quantity_that_is_not_a_number_fails() {
        let df = df!("q" => ["n/a"]).unwrap();
        assert!(df.lazy().select([quantity(txt("q"))]).collect().is_err());
    }

    #[test]
    fn the_file_name_states_the_edition() {
        assert_eq!(
            edition_of_file_name("BACI_HS92_Y2020_V202301.csv"),
            Some("H0")
        );
        assert_eq!(
            edition_of_file_name("BACI_HS17_Y2021_V202401.csv.gz"),
            Some("H5")
        );
        assert_eq!(edition_of_file_name("baci_hs22_y2022.parquet"), Some("H6"));
        assert_eq!(edition_of_file_name("ExampleTradeData.csv"), None);
        // A part that merely contains the letters is not an edition.
        assert_eq!(edition_of_file_name("THS92X.csv"), None);
    }

    #[test]
    fn the_header_lists_the_columns() {
        assert_eq!(HEADER, COLUMNS.join(","));
        assert_eq!(REQUIRED, COLUMNS[..5]);
    }
}
