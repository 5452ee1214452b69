//! Comtrade and Comext periods (`2018`, `201805`, `201852`) to a year and a month.

use polars::prelude::*;

/// Year and month from a Comtrade/Comext period: `2018`, `201805`, `201852` (annual).
pub(super) fn period(e: Expr) -> (Expr, Expr) {
    let p = e
        .strict_cast(DataType::Float64)
        .strict_cast(DataType::Int64);
    let year = when(p.clone().gt(lit(9999i64)))
        .then(p.clone() / lit(100i64))
        .otherwise(p.clone())
        .cast(DataType::Int32);
    // Six digits are YYYYMM; a month part above 12 (52 in Comtrade and Comext) marks a year.
    let m = p.clone() % lit(100i64);
    let month = when(p.gt(lit(9999i64)).and(m.clone().lt_eq(lit(12i64))))
        .then(m)
        .otherwise(lit(NULL))
        .cast(DataType::Int32);
    (year, month)
}
