//! tradestat's own canonical CSV (`convert` output, the files in `data/`): the columns already
//! have their canonical names, so the plan parses text; countries may be codes or names, and
//! only the six columns that make a record are required (the year and the flow may come from
//! `--year` and `--map-flow` for a file without them).

use polars::prelude::*;

use super::country::country_any;
use super::expr::{int, num, set, txt};
use super::flow::flow_words;
use super::period;
use super::product::{own_code_level, product};
use super::{Check, Context, Part};
use crate::error::{Error, Result};
use crate::schema::{self, CUSTOM};

/// Canonical columns a file may leave out: all but the six that make a record (year, reporter,
/// partner, flow, product, value).
const OPTIONAL: [&str; 14] = [
    "month",
    "product_name",
    "product_level",
    "quantity",
    "quantity_unit",
    "net_weight_kg",
    "partner2",
    "transport_mode",
    "customs_procedure",
    "reconciled",
    "derived",
    "currency",
    "classification",
    "source",
];

/// The canonical layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    let has = |c: &str| ctx.col_of(&[c]).is_some();
    let year = ctx.constant_year(has("year").then_some("year"))?;
    let flow = match (&ctx.options.flow, has("flow")) {
        (Some(f), false) => Some(lit(f.clone())),
        _ => None,
    };
    for c in schema::COLUMNS {
        let filled = (c == "year" && year.is_some()) || (c == "flow" && flow.is_some());
        if !OPTIONAL.contains(&c) && !filled && !has(c) {
            return Err(match c {
                "year" | "flow" => Error::MissingColumnOption {
                    path: ctx.source.clone().into(),
                    layout: ctx.layout.name().into(),
                    column: c.into(),
                    header: ctx.sniffed.header_text(),
                    option: if c == "year" {
                        "--year YEAR"
                    } else {
                        "--map-flow FLOW"
                    }
                    .into(),
                },
                _ => ctx.missing(c),
            });
        }
    }
    let mut checks = Vec::new();
    if year.is_none() {
        checks.push(("year".into(), Check::Year));
    }
    if let Some(m) = ctx.col_of(&["month"]) {
        checks.push((m, Check::Month));
    }
    checks.push(("value".into(), Check::Value));
    for c in ["reporter", "partner", "flow", "product"] {
        if has(c) {
            checks.push((c.into(), Check::Required));
        }
    }
    Ok(Part {
        columns: columns(ctx, year, flow),
        checks,
    })
}

/// The canonical columns of a canonical file: each read back from its own column where the file
/// has it.
fn columns(
    ctx: &Context,
    year: Option<Expr>,
    flow: Option<Expr>,
) -> Vec<(&'static str, Option<Expr>)> {
    let src = ctx.source_lit();
    let f = lit(false);
    // Header names are matched normalised (`product_name` reads `productname`).
    let opt = |c: &str| ctx.col_of(&[&c.replace('_', "")]);
    let (p, level) = product(text("product"));
    let classification = opt("classification")
        .map(|c| text(&c))
        .unwrap_or(lit(CUSTOM));
    let unstated = classification.clone().eq(lit(CUSTOM)).fill_null(lit(true));
    let bool_col = |c: &str| {
        opt(c).map(|n| {
            text(&n)
                .str()
                .to_lowercase()
                .is_in(set(&["true", "1", "yes"]), false)
                .fill_null(lit(false))
        })
    };
    vec![
        (
            "year",
            Some(year.unwrap_or_else(|| period::year(int("year")))),
        ),
        ("month", opt("month").map(|c| period::month(int(&c), false))),
        ("reporter", Some(country_any(text("reporter")))),
        ("partner", Some(country_any(text("partner")))),
        (
            "flow",
            Some(flow.unwrap_or_else(|| flow_words(text("flow")))),
        ),
        ("product", Some(p)),
        ("product_name", opt("product_name").map(|c| text(&c))),
        (
            "product_level",
            // A level the file states is kept; else it is the codes' digit count, unless the
            // file states no classification and its codes are its own categories.
            Some(match opt("product_level") {
                Some(c) => int(&c),
                None => own_code_level(level, unstated),
            }),
        ),
        ("classification", Some(classification)),
        ("value", Some(ctx.scaled(num("value"), 1.0))),
        (
            "currency",
            Some(
                opt("currency")
                    .map(|c| text(&c).str().to_uppercase())
                    .unwrap_or(lit("USD")),
            ),
        ),
        ("quantity", opt("quantity").map(|c| num(&c))),
        ("quantity_unit", opt("quantity_unit").map(|c| text(&c))),
        ("net_weight_kg", opt("net_weight_kg").map(|c| num(&c))),
        ("partner2", opt("partner2").map(|c| country_any(text(&c)))),
        ("transport_mode", opt("transport_mode").map(|c| text(&c))),
        (
            "customs_procedure",
            opt("customs_procedure").map(|c| text(&c)),
        ),
        (
            "reconciled",
            Some(bool_col("reconciled").unwrap_or(f.clone())),
        ),
        ("derived", Some(bool_col("derived").unwrap_or(f))),
        (
            "source",
            Some(
                opt("source")
                    .map(|c| text(&c).fill_null(src.clone()))
                    .unwrap_or(src),
            ),
        ),
    ]
}

/// A text column of a canonical file: as written, less the quote a formula guard put before
/// text a spreadsheet would run (`convert -o FILE.csv` writes `'=x` for `=x`; see
/// `write::guard_formulas`), so that a converted file reads back as it was.
fn text(name: &str) -> Expr {
    crate::write::unguarded(txt(name))
}
