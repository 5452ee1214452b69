//! UN Comtrade legacy files: the 22-column bulk CSV, the 35-column API CSV and the short
//! database export. Countries are numeric codes and flows numbers (1 import, 2 export, 3
//! re-export, 4 re-import); a monthly file gives the month in its period.

use polars::prelude::*;

use super::country::country_numeric;
use super::expr::{int, num, txt};
use super::flow::flow_words;
use super::period::{self, period};
use super::product::product;
use super::quantity::qty_unit_code;
use super::{Check, Context, Part};
use crate::error::Result;

/// The Comtrade legacy layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    let year = ctx.need(&["year"])?;
    let reporter = ctx.need(&["reportercode"])?;
    let partner = ctx.need(&["partnercode"])?;
    let flow = ctx.need(&["tradeflowcode", "tradeflow"])?;
    let cmd = ctx.need(&["commoditycode"])?;
    let value = ctx.need(&["tradevalue(us$)", "tradevalueus", "value"])?;
    let mut checks = vec![(year.clone(), Check::Year), (value.clone(), Check::Value)];
    for c in [&reporter, &partner, &flow, &cmd] {
        checks.push((c.clone(), Check::Required));
    }
    let qty = ctx.col_of(&["qty", "supplementaryquantity"]);
    if let Some(q) = &qty {
        checks.push((q.clone(), Check::Quantity));
    }
    let (p, level) = product(txt(&cmd));
    let per = ctx.col_of(&["period"]);
    if let Some(c) = &per {
        checks.push((c.clone(), Check::Period));
    }
    let month = per.map(|c| period(txt(&c)).1);
    let f = lit(false);
    let columns = vec![
        ("year", Some(period::year(int(&year)))),
        ("month", month),
        ("reporter", Some(country_numeric(num(&reporter)))),
        ("partner", Some(country_numeric(num(&partner)))),
        ("flow", Some(flow_words(txt(&flow)))),
        ("product", Some(p)),
        ("product_name", ctx.col_of(&["commodity"]).map(|c| txt(&c))),
        ("product_level", Some(level)),
        (
            "classification",
            Some(
                ctx.classification(
                    ctx.col_of(&["classification"])
                        .map(|c| txt(&c))
                        .unwrap_or(lit("HS")),
                ),
            ),
        ),
        ("value", Some(ctx.scaled(num(&value), 1.0))),
        ("currency", Some(lit("USD"))),
        ("quantity", qty.map(|c| num(&c))),
        (
            "quantity_unit",
            ctx.col_of(&["qtyunitcode", "quantityunitcode"])
                .map(|c| qty_unit_code(txt(&c))),
        ),
        (
            "net_weight_kg",
            ctx.col_of(&["netweight(kg)", "netweightkg"])
                .map(|c| num(&c)),
        ),
        (
            "partner2",
            ctx.col_of(&["2ndpartnercode"])
                .map(|c| country_numeric(num(&c))),
        ),
        (
            "transport_mode",
            ctx.col_of(&["modeoftransportcode"]).map(|c| txt(&c)),
        ),
        (
            "customs_procedure",
            ctx.col_of(&["customsproccode"]).map(|c| txt(&c)),
        ),
        ("reconciled", Some(f.clone())),
        ("derived", Some(f)),
        ("source", Some(ctx.source_lit())),
    ];
    Ok(Part { columns, checks })
}
