//! Text to typed expressions. Every layout reads its columns as text (nothing is guessed by type
//! inference) and parses the ones it uses with these, strictly: a cell that is not a number fails
//! the query instead of becoming empty.

use polars::prelude::*;

/// Text of a column: trimmed, empty as null.
pub(crate) fn txt(name: &str) -> Expr {
    // `replace` rather than `when(t == "").then(null).otherwise(t)`: the same cells, without
    // building a mask and a third copy of the column (measured: a third of the time of reading
    // a Comtrade Plus file's 17 columns went to that).
    col(name)
        .str()
        .strip_chars(lit(NULL))
        .replace(lit(""), lit(NULL).cast(DataType::String))
}

/// Number of a column (strict: a non-number fails the query).
pub(super) fn num(name: &str) -> Expr {
    txt(name).strict_cast(DataType::Float64)
}

/// Whole number of a column, accepting `2018.0`.
pub(super) fn int(name: &str) -> Expr {
    num(name).strict_cast(DataType::Int32)
}

/// A list of strings as a literal column (the two sides of a `replace`).
pub(super) fn series(values: Vec<String>) -> Expr {
    lit(Series::new(PlSmallStr::EMPTY, values))
}

/// A set of strings for `is_in` (imploded to one list, as polars asks).
pub(super) fn set(values: &[&str]) -> Expr {
    series(values.iter().map(|s| s.to_string()).collect()).implode(true)
}
