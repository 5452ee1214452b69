//! CEPII BACI `t,i,j,k,v,q` files: each row a reconciled flow from exporter `i` to importer `j`
//! (numeric country codes), `v` in thousands of US dollars, `q` in tonnes.

use polars::prelude::*;

use super::country::country_numeric;
use super::expr::{int, num, txt};
use super::product::product;
use super::{Check, Context, Part};
use crate::error::Result;
use crate::schema;

/// The BACI layout's part of the plan.
pub(super) fn part(ctx: &Context) -> Result<Part> {
    // `--format baci` skips detection: a missing column must be reported, not left to fail the
    // scan.
    for c in ["t", "i", "j", "k", "v"] {
        ctx.need(&[c])?;
    }
    let mut checks: Vec<(String, Check)> = Vec::new();
    for c in ["t", "i", "j", "k"] {
        checks.push((c.into(), Check::Required));
    }
    checks.push(("t".into(), Check::Integer));
    checks.push(("i".into(), Check::Integer));
    checks.push(("j".into(), Check::Integer));
    checks.push(("v".into(), Check::Value));
    let has_q = ctx.col_of(&["q"]).is_some();
    if has_q {
        checks.push(("q".into(), Check::Quantity));
    }
    // BACI's q is quoted, space-padded and "NA" when missing.
    let q = txt("q");
    let q = when(q.clone().eq(lit("NA"))).then(lit(NULL)).otherwise(q);
    // A 5-digit k lost its leading zero (071120 written 71120).
    let (p, level) = product(txt("k").str().zfill(lit(6)));
    let columns = vec![
        ("year", Some(int("t"))),
        ("reporter", Some(country_numeric(txt("i")))),
        ("partner", Some(country_numeric(txt("j")))),
        // Each row is a reconciled flow: the exporter's export, which is at once the importer's
        // import (`reconciled` says so, and the analyses count it for both sides).
        ("flow", Some(lit(schema::flow::EXPORT))),
        ("product", Some(p)),
        ("product_level", Some(level)),
        ("classification", Some(ctx.classification(lit("HS")))),
        // v is in thousands of US dollars.
        ("value", Some(ctx.scaled(num("v"), 1000.0))),
        ("currency", Some(lit("USD"))),
        ("quantity", has_q.then(|| q.strict_cast(DataType::Float64))),
        (
            "quantity_unit",
            has_q.then(|| {
                when(txt("q").eq(lit("NA")).or(txt("q").is_null()))
                    .then(lit(NULL))
                    .otherwise(lit("t"))
            }),
        ),
        ("reconciled", Some(lit(true))),
        ("derived", Some(lit(false))),
        ("source", Some(ctx.source_lit())),
    ];
    Ok(Part { columns, checks })
}
