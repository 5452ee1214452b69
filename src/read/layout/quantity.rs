//! Comtrade's quantity unit codes to the abbreviations the canonical table records.

use polars::prelude::*;

use super::expr::{series, set};

/// Comtrade quantity unit codes (UN Comtrade reference list) to their abbreviations.
pub(super) fn qty_unit_code(e: Expr) -> Expr {
    const UNITS: [(&str, &str); 16] = [
        ("2", "m2"),
        ("3", "1000 kWh"),
        ("4", "m"),
        ("5", "u"),
        ("6", "2u"),
        ("7", "l"),
        ("8", "kg"),
        ("9", "1000u"),
        ("10", "U (jeu/pack)"),
        ("11", "12u"),
        ("12", "m3"),
        ("13", "carat"),
        ("14", "km"),
        ("15", "g"),
        ("20", "1000 l"),
        ("21", "1000 kg"),
    ];
    let old: Vec<String> = UNITS.iter().map(|(k, _)| k.to_string()).collect();
    let new: Vec<String> = UNITS.iter().map(|(_, v)| v.to_string()).collect();
    // -1 (N/A) and 1 (no quantity) mean there is no unit.
    let code = e
        .strict_cast(DataType::Float64)
        .cast(DataType::Int32)
        .cast(DataType::String);
    when(code.clone().is_in(set(&["-1", "1"]), false))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(code.clone().replace_strict(
            series(old),
            series(new),
            Some(lit("code ") + code),
            Some(DataType::String),
        ))
}
