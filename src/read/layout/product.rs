//! Product codes and their level (the number of digits), shared by every layout that has codes.

use polars::prelude::*;

use crate::schema::TOTAL;

/// Product code as upper-case text (`TOTAL` kept) and its level: 0 for TOTAL, digit count for
/// numeric codes, null for anything else (a custom category).
pub(super) fn product(code: Expr) -> (Expr, Expr) {
    // Only TOTAL is case-folded: other codes are digits, and category slugs stay as written.
    let is_total = code.clone().str().to_uppercase().eq(lit(TOTAL));
    let p = when(is_total.clone()).then(lit(TOTAL)).otherwise(code);
    let level = when(is_total)
        .then(lit(0i32))
        .when(p.clone().cast(DataType::Int64).is_not_null())
        .then(p.clone().str().len_chars().cast(DataType::Int32))
        .otherwise(lit(NULL).cast(DataType::Int32));
    (p, level)
}
