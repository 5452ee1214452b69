//! Eurostat Comext bulk files: the old 19-column files (`DECLARANT_ISO`, to 2023) and the
//! current 18-column ones (`REPORTER`). Values are in euros, countries ISO2 (with Eurostat's EL
//! and UK), products CN8, and the period `YYYYMM` (`YYYY52` for a year).

use polars::prelude::*;

use super::country::country_iso2;
use super::expr::{num, txt};
use super::flow::flow_words;
use super::period::period;
use super::product::product;
use super::{Check, Context, Part};
use crate::error::Result;

/// The Comext layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    let reporter = ctx.need(&["declarantiso", "reporter"])?;
    let partner = ctx.need(&["partneriso", "partner"])?;
    let product_col = ctx.need(&["productnc"])?;
    let flow = ctx.need(&["flow"])?;
    let per = ctx.need(&["period"])?;
    let value = ctx.need(&["valueineuros", "valueeur"])?;
    let mut checks = vec![
        (per.clone(), Check::Integer),
        (per.clone(), Check::Period),
        (value.clone(), Check::Value),
    ];
    for c in [&reporter, &partner, &flow, &product_col] {
        checks.push((c.clone(), Check::Required));
    }
    // Comext gives a weight and a quantity in the product's supplementary unit: the weight is
    // the net weight, the other (with its unit) the quantity.
    let kg = ctx.col_of(&["quantityinkg", "quantitykg"]);
    let supp = ctx.col_of(&["supquantity", "quantitysupplunit"]);
    let (y, m) = period(txt(&per));
    let (p, level) = product(txt(&product_col));
    let f = lit(false);
    let columns = vec![
        ("year", Some(y)),
        ("month", Some(m)),
        ("reporter", Some(country_iso2(txt(&reporter)))),
        ("partner", Some(country_iso2(txt(&partner)))),
        ("flow", Some(flow_words(txt(&flow)))),
        ("product", Some(p)),
        ("product_level", Some(level)),
        ("classification", Some(ctx.classification(lit("CN8")))),
        ("value", Some(ctx.scaled(num(&value), 1.0))),
        ("currency", Some(lit("EUR"))),
        ("quantity", supp.map(|c| num(&c))),
        (
            "quantity_unit",
            ctx.col_of(&["suppunit", "supplunit"]).map(|c| txt(&c)),
        ),
        ("net_weight_kg", kg.map(|c| num(&c))),
        ("reconciled", Some(f.clone())),
        ("derived", Some(f)),
        ("source", Some(ctx.source_lit())),
    ];
    Ok(Part { columns, checks })
}
