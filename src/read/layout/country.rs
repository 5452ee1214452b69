//! Country codes as each layout writes them (numeric, ISO3, ISO2, or anything a user may type)
//! to the canonical codes of the built-in country table. A code the table does not know is kept
//! as written, so that it can be reported rather than silently dropped.

use polars::prelude::*;

use super::expr::series;
use crate::reference::countries;

/// Numeric country codes (Comtrade, BACI, ISO numeric) to canonical codes; unknown codes kept.
pub(super) fn country_numeric(e: Expr) -> Expr {
    let (old, new) = countries().numeric_pairs();
    // Through a float and an integer, so `842`, `842.0` and `0842` are one code.
    e.strict_cast(DataType::Float64)
        .strict_cast(DataType::Int32)
        .cast(DataType::String)
        .replace(series(old), series(new))
}

/// ISO3 (or Comtrade area) codes to canonical codes; unknown codes kept as written.
pub(super) fn country_iso3(e: Expr) -> Expr {
    let (old, new) = countries().iso3_pairs();
    e.str().to_uppercase().replace(series(old), series(new))
}

/// ISO2 codes (Eurostat) to canonical codes; unknown codes kept as written.
pub(super) fn country_iso2(e: Expr) -> Expr {
    let (old, new) = countries().iso2_pairs();
    e.str().to_uppercase().replace(series(old), series(new))
}

/// Anything a user may write for a country: numeric code, ISO3, ISO2, name or alias.
pub(super) fn country_any(e: Expr) -> Expr {
    let c = countries();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let (o, n) = c.numeric_pairs();
    pairs.extend(o.into_iter().zip(n));
    let (o, n) = c.name_pairs();
    pairs.extend(o.into_iter().zip(n));
    let (o, n) = c.iso2_pairs();
    pairs.extend(o.into_iter().map(|s| s.to_lowercase()).zip(n));
    // One target per spelling: a name that is also another country's code keeps the first.
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    let (old, new): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
    e.clone().str().to_lowercase().replace_strict(
        series(old),
        series(new),
        Some(e),
        Some(DataType::String),
    )
}
