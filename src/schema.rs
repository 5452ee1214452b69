//! The canonical trade-flow schema that every reader produces.
//!
//! One row is one flow record. Columns, in order:
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `year` | i32 | reference year |
//! | `month` | i32, null | 1-12, empty for annual data |
//! | `reporter` | str | ISO 3166 alpha-3 of the reporting country, or a stable area code (`WLD` World, `S19` Other Asia nes, ...); an unresolved source code is kept as written |
//! | `partner` | str | as `reporter`, for the partner |
//! | `flow` | str | `export`, `import`, `re-export`, `re-import`, `turnover`, or another Comtrade flow in words |
//! | `product` | str | product code as text (`TOTAL` for all products), or a category slug |
//! | `product_name` | str, null | description where the source gives one |
//! | `product_level` | i32, null | 0 for TOTAL, else the number of digits (2, 4, 6, 8); empty for a custom category |
//! | `classification` | str | `H0`..`H6` (HS1992..HS2022), `HS` (edition unknown), `S1`..`S4`, `CN8`, `custom` |
//! | `value` | f64, null | trade value in `currency` units (not thousands); empty where a source names a flow without a value |
//! | `currency` | str | `USD` unless the source says otherwise |
//! | `quantity` | f64, null | quantity in `quantity_unit` |
//! | `quantity_unit` | str, null | unit of `quantity` (`t`, `kg`, `u`, ...) |
//! | `net_weight_kg` | f64, null | net weight where the source gives it |
//! | `partner2` | str, null | second partner (Comtrade); `WLD` or empty means no breakdown |
//! | `transport_mode` | str, null | Comtrade motCode; `0` or empty is all modes |
//! | `customs_procedure` | str, null | Comtrade customsCode; `C00` or empty is all procedures |
//! | `reconciled` | bool | true for reconciled flows (BACI): the row is at once the exporter's export and the importer's import |
//! | `derived` | bool | true when tradestat computed the value (e.g. imports = turnover - exports) |
//! | `source` | str | dataset and file, or the citation of a seed document |

use polars::prelude::*;

/// Column names of the canonical schema, in order.
pub const COLUMNS: [&str; 20] = [
    "year",
    "month",
    "reporter",
    "partner",
    "flow",
    "product",
    "product_name",
    "product_level",
    "classification",
    "value",
    "currency",
    "quantity",
    "quantity_unit",
    "net_weight_kg",
    "partner2",
    "transport_mode",
    "customs_procedure",
    "reconciled",
    "derived",
    "source",
];

/// The polars data type of a canonical column.
pub fn dtype(column: &str) -> DataType {
    match column {
        "year" | "month" | "product_level" => DataType::Int32,
        "value" | "quantity" | "net_weight_kg" => DataType::Float64,
        "reconciled" | "derived" => DataType::Boolean,
        _ => DataType::String,
    }
}

/// The canonical schema as a polars schema.
pub fn schema() -> Schema {
    COLUMNS
        .iter()
        .map(|c| Field::new((*c).into(), dtype(c)))
        .collect()
}

/// Product code for "all products".
pub const TOTAL: &str = "TOTAL";
/// Stable code for the World partner.
pub const WORLD: &str = "WLD";
/// The classification of a file that states none: its codes are its own (see
/// `read::layout::product::own_code_level` for when they are still read as HS).
pub const CUSTOM: &str = "custom";

/// The flows of the canonical schema that summaries treat as the two directions.
pub mod flow {
    pub const EXPORT: &str = "export";
    pub const IMPORT: &str = "import";
    pub const RE_EXPORT: &str = "re-export";
    pub const RE_IMPORT: &str = "re-import";
    pub const TURNOVER: &str = "turnover";
}

/// Select the canonical columns in order, casting each to its type.
///
/// Readers build the columns they know and pass `None` for the rest, which become typed nulls.
pub fn finish(parts: Vec<(&'static str, Option<Expr>)>) -> Vec<Expr> {
    COLUMNS
        .iter()
        .map(|name| {
            let expr = parts
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, e)| e.clone())
                .unwrap_or_else(|| lit(NULL));
            expr.cast(dtype(name)).alias(*name)
        })
        .collect()
}
