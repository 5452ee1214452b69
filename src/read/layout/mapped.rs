//! Any other layout, through `--map FIELD=COLUMN,...`: the user names the column of each
//! canonical field. A mapped file has either exporter and importer columns (each row one flow,
//! stated once for both sides, as BACI's; `--map-flow` reads it as one side's declaration) or
//! a reporter with partner and flow. A file without a year column takes `--year`.

use polars::prelude::*;

use super::country::country_any;
use super::expr::{int, num, txt};
use super::flow::flow_words;
use super::period;
use super::product::{own_code_level, product};
use super::{Check, Context, Mapping, Part};
use crate::error::{Error, Result};
use crate::schema::{self, CUSTOM, TOTAL, WORLD};

/// The mapped layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    let map = ctx
        .options
        .map
        .as_ref()
        .ok_or_else(|| Error::Mapping("--format mapped needs --map".into()))?;
    let column = |field: &str| mapped_column(ctx, map, field);
    let year_column = column("year")?;
    let value = column("value")?.expect("checked by Mapping");
    let year = match (&year_column, ctx.constant_year(map.get("year"))?) {
        (_, Some(constant)) => constant,
        (Some(c), None) => period::year(int(c)),
        (None, None) => {
            return Err(Error::Mapping(format!(
                "no year column: map it (year=COLUMN), or for a file without one, such as a \
                 cross-section, give --year YEAR (header of {} is [{}])",
                ctx.source,
                ctx.sniffed.header_text()
            )));
        }
    };
    let mut checks = Vec::new();
    if let Some(c) = &year_column {
        checks.push((c.clone(), Check::Year));
    }
    let month = column("month")?;
    if let Some(c) = &month {
        checks.push((c.clone(), Check::Month));
    }
    checks.push((value.clone(), Check::Value));
    let (reporter, partner, flow, reconciled) = direction(ctx, &column, &mut checks)?;
    let classification = ctx.classification(
        column("classification")?
            .map(|c| txt(&c))
            .unwrap_or(lit(CUSTOM)),
    );
    // The file's codes are HS codes only if it says so (classification= or --classification)
    // or they look like HS; a file's own categories (1..20) are not read as HS chapters.
    let unstated = classification.clone().eq(lit(CUSTOM)).fill_null(lit(true));
    // Without a product, a row is the total of all products.
    let (p, level) = match column("product")? {
        Some(c) => {
            let (p, l) = product(txt(&c));
            (
                p.fill_null(lit(TOTAL)),
                own_code_level(l.fill_null(lit(0)), unstated),
            )
        }
        None => (lit(TOTAL), lit(0i32)),
    };
    let f = lit(false);
    let columns = vec![
        ("year", Some(year)),
        ("month", month.map(|c| period::month(int(&c), false))),
        ("reporter", Some(reporter)),
        ("partner", Some(partner)),
        ("flow", Some(flow)),
        ("product", Some(p)),
        ("product_name", column("product_name")?.map(|c| txt(&c))),
        ("product_level", Some(level)),
        ("classification", Some(classification)),
        ("value", Some(ctx.scaled(num(&value), 1.0))),
        (
            "currency",
            Some(match (column("currency")?, &ctx.options.currency) {
                (Some(c), _) => txt(&c).str().to_uppercase(),
                (None, Some(cur)) => lit(cur.to_uppercase()),
                (None, None) => lit("USD"),
            }),
        ),
        ("quantity", column("quantity")?.map(|c| num(&c))),
        ("quantity_unit", column("quantity_unit")?.map(|c| txt(&c))),
        ("reconciled", Some(lit(reconciled))),
        ("derived", Some(f)),
        ("source", Some(ctx.source_lit())),
    ];
    Ok(Part { columns, checks })
}

/// The file's column for a `--map` field: `None` when the field is not mapped, an error when it
/// is mapped to a column the file does not have.
fn mapped_column(ctx: &Context, map: &Mapping, field: &str) -> Result<Option<String>> {
    match map.get(field) {
        None => Ok(None),
        Some(c) => ctx.col_of(&[c]).map(Some).ok_or_else(|| {
            let hint = match field {
                "year" => {
                    "; for a file without a year column, leave year= out and give --year YEAR"
                }
                "flow" => {
                    "; for a file without a flow column, leave flow= out and give --map-flow FLOW"
                }
                _ => "",
            };
            Error::Mapping(format!(
                "{field}={c}: no column '{c}' in {} (header is [{}]){hint}",
                ctx.source,
                ctx.sniffed.header_text()
            ))
        }),
    }
}

/// Reporter, partner, flow and whether rows are reconciled. From exporter and importer
/// columns, each row states one flow once: the exporter's export and, at once, the importer's
/// import (reconciled, as BACI's rows), unless `--map-flow export` or `--map-flow import` reads
/// each row as that side's own declaration. From a reporter column, with an optional partner
/// (World when absent) and a flow column or `--map-flow`: each row is the reporter's
/// declaration.
fn direction(
    ctx: &Context,
    column: &dyn Fn(&str) -> Result<Option<String>>,
    checks: &mut Vec<(String, Check)>,
) -> Result<(Expr, Expr, Expr, bool)> {
    match (column("exporter")?, column("importer")?) {
        (Some(x), Some(m)) => {
            checks.push((x.clone(), Check::Required));
            checks.push((m.clone(), Check::Required));
            let (x, m) = (country_any(txt(&x)), country_any(txt(&m)));
            Ok(match ctx.options.flow.as_deref() {
                None => (x, m, lit(schema::flow::EXPORT), true),
                Some(schema::flow::EXPORT) => (x, m, lit(schema::flow::EXPORT), false),
                Some(schema::flow::IMPORT) => (m, x, lit(schema::flow::IMPORT), false),
                Some(other) => {
                    return Err(Error::Mapping(format!(
                        "--map-flow {other} does not fit an exporter/importer file: leave it out \
                         (each row is both sides' flow) or give export or import (each row is \
                         that side's declaration)"
                    )));
                }
            })
        }
        _ => {
            let r = column("reporter")?.expect("checked by Mapping");
            checks.push((r.clone(), Check::Required));
            let partner = column("partner")?
                .map(|p| country_any(txt(&p)))
                .unwrap_or(lit(WORLD));
            let flow = match (column("flow")?, &ctx.options.flow) {
                (Some(c), _) => flow_words(txt(&c)),
                (None, Some(f)) => lit(f.clone()),
                (None, None) => {
                    return Err(Error::Mapping(
                        "map flow=COLUMN or give --map-flow export|import|turnover".into(),
                    ));
                }
            };
            Ok((country_any(txt(&r)), partner, flow, false))
        }
    }
}
