//! Any other layout, through `--map FIELD=COLUMN,...`: the user names the column of each
//! canonical field. A mapped file has either exporter and importer columns (each row one flow,
//! `--map-flow` saying whose declaration) or a reporter with partner and flow.

use polars::prelude::*;

use super::country::country_any;
use super::expr::{int, num, txt};
use super::flow::flow_words;
use super::product::product;
use super::{Check, Context, Mapping, Part};
use crate::error::{Error, Result};
use crate::schema::{self, TOTAL, WORLD};

/// The mapped layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    let map = ctx
        .options
        .map
        .as_ref()
        .ok_or_else(|| Error::Mapping("--format mapped needs --map".into()))?;
    let column = |field: &str| mapped_column(ctx, map, field);
    let year = column("year")?.expect("checked by Mapping");
    let value = column("value")?.expect("checked by Mapping");
    let mut checks = vec![
        (year.clone(), Check::Integer),
        (value.clone(), Check::Value),
    ];
    let (reporter, partner, flow) = direction(ctx, &column, &mut checks)?;
    // Without a product, a row is the total of all products.
    let (p, level) = match column("product")? {
        Some(c) => {
            let (p, l) = product(txt(&c));
            (p.fill_null(lit(TOTAL)), l.fill_null(lit(0)))
        }
        None => (lit(TOTAL), lit(0i32)),
    };
    let f = lit(false);
    let columns = vec![
        ("year", Some(int(&year))),
        ("month", column("month")?.map(|c| int(&c))),
        ("reporter", Some(reporter)),
        ("partner", Some(partner)),
        ("flow", Some(flow)),
        ("product", Some(p)),
        ("product_name", column("product_name")?.map(|c| txt(&c))),
        ("product_level", Some(level)),
        (
            "classification",
            Some(
                ctx.classification(
                    column("classification")?
                        .map(|c| txt(&c))
                        .unwrap_or(lit("custom")),
                ),
            ),
        ),
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
        ("reconciled", Some(f.clone())),
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
            Error::Mapping(format!(
                "{field}={c}: no column '{c}' in {} (header is [{}])",
                ctx.source,
                ctx.sniffed.header_text()
            ))
        }),
    }
}

/// Reporter, partner and flow: from exporter and importer columns (the exporter reports, unless
/// `--map-flow import` makes each row the importer's declaration), or from a reporter column
/// with an optional partner (World when absent) and a flow column or `--map-flow`.
fn direction(
    ctx: &Context,
    column: &dyn Fn(&str) -> Result<Option<String>>,
    checks: &mut Vec<(String, Check)>,
) -> Result<(Expr, Expr, Expr)> {
    match (column("exporter")?, column("importer")?) {
        (Some(x), Some(m)) => {
            checks.push((x.clone(), Check::Required));
            checks.push((m.clone(), Check::Required));
            let as_import = ctx.options.flow.as_deref() == Some(schema::flow::IMPORT);
            let (r, p) = if as_import { (m, x) } else { (x, m) };
            let flow = if as_import {
                schema::flow::IMPORT
            } else {
                schema::flow::EXPORT
            };
            Ok((country_any(txt(&r)), country_any(txt(&p)), lit(flow)))
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
            Ok((country_any(txt(&r)), partner, flow))
        }
    }
}
