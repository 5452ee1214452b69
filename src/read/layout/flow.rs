//! Flow codes and words of every layout (Comtrade's `X`/`M`/`RX`..., legacy and Comext
//! numbers, words a user may write) to the canonical flow names.

use polars::prelude::*;

use super::expr::series;
use crate::schema;

/// Flow codes and words of every layout to canonical flow names; unknown flows kept as written.
pub(super) fn flow_words(e: Expr) -> Expr {
    const MAP: [(&str, &str); 30] = [
        ("x", schema::flow::EXPORT),
        ("m", schema::flow::IMPORT),
        ("rx", schema::flow::RE_EXPORT),
        ("rm", schema::flow::RE_IMPORT),
        ("dx", "domestic-export"),
        ("fm", "foreign-import"),
        ("mip", "import-for-inward-processing"),
        ("mop", "import-after-outward-processing"),
        ("xip", "export-after-inward-processing"),
        ("xop", "export-for-outward-processing"),
        // Comtrade legacy and Comext number their flows.
        ("1", schema::flow::IMPORT),
        ("2", schema::flow::EXPORT),
        ("3", schema::flow::RE_EXPORT),
        ("4", schema::flow::RE_IMPORT),
        ("export", schema::flow::EXPORT),
        ("exports", schema::flow::EXPORT),
        ("import", schema::flow::IMPORT),
        ("imports", schema::flow::IMPORT),
        ("re-export", schema::flow::RE_EXPORT),
        ("re-exports", schema::flow::RE_EXPORT),
        ("re-import", schema::flow::RE_IMPORT),
        ("re-imports", schema::flow::RE_IMPORT),
        ("domestic export", "domestic-export"),
        ("foreign import", "foreign-import"),
        ("turnover", schema::flow::TURNOVER),
        ("trade turnover", schema::flow::TURNOVER),
        ("total trade", schema::flow::TURNOVER),
        ("trade", schema::flow::TURNOVER),
        ("bilateral trade", schema::flow::TURNOVER),
        ("exim", schema::flow::TURNOVER),
    ];
    let old: Vec<String> = MAP.iter().map(|(k, _)| k.to_string()).collect();
    let new: Vec<String> = MAP.iter().map(|(_, v)| v.to_string()).collect();
    e.clone().str().to_lowercase().replace_strict(
        series(old),
        series(new),
        Some(e),
        Some(DataType::String),
    )
}
