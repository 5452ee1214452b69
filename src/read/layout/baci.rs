//! CEPII BACI `t,i,j,k,v,q` files in the canonical schema. The facts about BACI's columns live
//! in [`crate::read::baci`]; this is only which fact fills which canonical column.

use polars::prelude::*;

use super::country::country_numeric;
use super::expr::{int, num, txt};
use super::period::year;
use super::product::product;
use super::{Check, Context, Part};
use crate::error::Result;
use crate::read::baci::{self, EXPORTER, IMPORTER, PRODUCT, QUANTITY, VALUE, YEAR};
use crate::schema;

/// The BACI layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    // `--format baci` skips detection: a missing column must be reported, not left to fail the
    // scan.
    for c in baci::REQUIRED {
        ctx.need(&[c])?;
    }
    let mut checks: Vec<(String, Check)> = Vec::new();
    for c in [YEAR, EXPORTER, IMPORTER, PRODUCT] {
        checks.push((c.into(), Check::Required));
    }
    checks.push((YEAR.into(), Check::Year));
    checks.push((EXPORTER.into(), Check::Integer));
    checks.push((IMPORTER.into(), Check::Integer));
    checks.push((VALUE.into(), Check::Value));
    let has_q = ctx.col_of(&[QUANTITY]).is_some();
    if has_q {
        checks.push((QUANTITY.into(), Check::Quantity));
    }
    let (p, level) = product(baci::product_code(txt(PRODUCT)));
    let columns = vec![
        ("year", Some(year(int(YEAR)))),
        ("reporter", Some(country_numeric(num(EXPORTER)))),
        ("partner", Some(country_numeric(num(IMPORTER)))),
        // Each row is a reconciled flow: the exporter's export, which is at once the importer's
        // import (`reconciled` says so, and the analyses count it for both sides).
        ("flow", Some(lit(schema::flow::EXPORT))),
        ("product", Some(p)),
        ("product_level", Some(level)),
        (
            "classification",
            // The edition where the file name states it (BACI_HS92_... is H0).
            Some(ctx.classification(lit(
                baci::edition_of_file_name(&ctx.file_name).unwrap_or(baci::CLASSIFICATION),
            ))),
        ),
        ("value", Some(ctx.scaled(num(VALUE), baci::VALUE_UNIT))),
        ("currency", Some(lit(baci::CURRENCY))),
        ("quantity", has_q.then(|| baci::quantity(txt(QUANTITY)))),
        (
            "quantity_unit",
            has_q.then(|| baci::quantity_unit(txt(QUANTITY))),
        ),
        ("reconciled", Some(lit(true))),
        ("derived", Some(lit(false))),
        ("source", Some(ctx.source_lit())),
    ];
    Ok(Part { columns, checks })
}
