//! UN Comtrade Plus files: the API/web CSV (camelCase), comtradr's snake_case and the bulk files
//! (codes only). Names are matched normalised, so one plan reads all three; countries are numeric
//! codes where the file has them, else ISO3.

use polars::prelude::*;

use super::country::{country_iso3, country_numeric};
use super::expr::{int, num, txt};
use super::flow::flow_words;
use super::period;
use super::product::product;
use super::quantity::qty_unit_code;
use super::{Check, Context, Part};
use crate::error::Result;

/// The Comtrade Plus layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    let year = ctx.need(&["refyear"])?;
    let reporter = country_column(ctx, "reporter")?;
    let partner = country_column(ctx, "partner")?;
    let flow = ctx.need(&["flowcode", "flowdesc"])?;
    let cmd = ctx.need(&["cmdcode"])?;
    let value = ctx.need(&["primaryvalue"])?;
    let mut checks = vec![(year.clone(), Check::Year), (value.clone(), Check::Value)];
    for c in [&reporter.0, &partner.0, &flow, &cmd] {
        checks.push((c.clone(), Check::Required));
    }
    let qty = ctx.col_of(&["qty"]);
    if let Some(q) = &qty {
        checks.push((q.clone(), Check::Quantity));
    }
    let (p, level) = product(txt(&cmd));
    let month = ctx.col_of(&["refmonth"]);
    if let Some(c) = &month {
        checks.push((c.clone(), Check::RefMonth));
    }
    // refMonth 52 marks annual data.
    let month = month.map(|c| period::month(int(&c), true));
    let f = lit(false);
    let columns = vec![
        ("year", Some(period::year(int(&year)))),
        ("month", month),
        ("reporter", Some(country(&reporter))),
        ("partner", Some(country(&partner))),
        ("flow", Some(flow_words(txt(&flow)))),
        ("product", Some(p)),
        ("product_name", ctx.col_of(&["cmddesc"]).map(|c| txt(&c))),
        ("product_level", Some(level)),
        (
            "classification",
            Some(
                ctx.classification(
                    ctx.col_of(&["classificationcode"])
                        .map(|c| txt(&c))
                        .unwrap_or(lit("HS")),
                ),
            ),
        ),
        ("value", Some(ctx.scaled(num(&value), 1.0))),
        ("currency", Some(lit("USD"))),
        ("quantity", qty.map(|c| num(&c))),
        ("quantity_unit", quantity_unit(ctx)),
        ("net_weight_kg", ctx.col_of(&["netwgt"]).map(|c| num(&c))),
        (
            "partner2",
            ctx.col_of(&["partner2code"])
                .map(|c| country_numeric(num(&c)))
                .or_else(|| ctx.col_of(&["partner2iso"]).map(|c| country_iso3(txt(&c)))),
        ),
        ("transport_mode", ctx.col_of(&["motcode"]).map(|c| txt(&c))),
        (
            "customs_procedure",
            ctx.col_of(&["customscode"]).map(|c| txt(&c)),
        ),
        ("reconciled", Some(f.clone())),
        ("derived", Some(f)),
        ("source", Some(source(ctx))),
    ];
    Ok(Part { columns, checks })
}

/// The source of each row: the file, and for records written by `tradestat fetch` the day
/// their part was downloaded (`downloadedAt`), so that reports state it and a revision
/// between two downloads shows as two sources.
fn source(ctx: &Context) -> Expr {
    match ctx.col_of(&["downloadedat"]) {
        Some(c) => {
            let day = txt(&c).str().slice(lit(0), lit(10));
            when(day.clone().is_null().or(day.clone().eq(lit(""))))
                .then(ctx.source_lit())
                .otherwise(concat_str(
                    [
                        ctx.source_lit(),
                        lit(", downloaded from the UN Comtrade API on "),
                        day,
                    ],
                    "",
                    true,
                ))
        }
        None => ctx.source_lit(),
    }
}

/// The column naming one side's country (`side` is `reporter` or `partner`): `(name, true)` for
/// the numeric code (`reporterCode`), else `(name, false)` for the ISO3 code (`reporterISO`), for
/// files that carry only that.
fn country_column(ctx: &Context, side: &str) -> Result<(String, bool)> {
    ctx.col_of(&[&format!("{side}code")])
        .map(|c| (c, true))
        .or_else(|| ctx.col_of(&[&format!("{side}iso")]).map(|c| (c, false)))
        .ok_or_else(|| ctx.missing(&format!("{side}Code")))
}

/// The canonical country of a column found by [`country_column`].
fn country((c, numeric): &(String, bool)) -> Expr {
    if *numeric {
        country_numeric(num(c))
    } else {
        country_iso3(txt(c))
    }
}

/// The quantity unit: the abbreviation where the file gives one (`N/A` meaning none), else the
/// unit code translated.
fn quantity_unit(ctx: &Context) -> Option<Expr> {
    ctx.col_of(&["qtyunitabbr"])
        .map(|c| {
            let t = txt(&c);
            when(t.clone().eq(lit("N/A"))).then(lit(NULL)).otherwise(t)
        })
        .or_else(|| ctx.col_of(&["qtyunitcode"]).map(|c| qty_unit_code(txt(&c))))
}
