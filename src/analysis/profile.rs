//! Profiles and the world table through the general engine, for any layout: the same results
//! as the fast lane in [`crate::analysis::baci_lane`] gives for BACI files.

use polars::prelude::*;

use crate::analysis::answers::{
    Pair, Reporter, concentration_of, keep_years, latest, rank_partners,
};
use crate::analysis::{self as engine, By, Direction, GroupBy, Partners, Ranking};
use crate::error::{Error, Result};

fn collect(lf: LazyFrame, what: &str) -> Result<DataFrame> {
    lf.collect()
        .map_err(Error::polars(format!("cannot compute {what}")))
}

/// Exports, imports, turnover and balance per year, from the engine's summary.
fn flows(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    years: Option<&[i32]>,
) -> Result<DataFrame> {
    collect(
        keep_years(engine::summary(lf, reporter, partners), years).select([
            col("year"),
            col("exports"),
            col("imports"),
            col("turnover"),
            col("balance"),
        ]),
        "the flows",
    )
}

/// See [`crate::analysis::baci_lane::BaciLane::pair`].
pub fn pair(
    lf: LazyFrame,
    reporter: &str,
    partner: &str,
    years: Option<&[i32]>,
    n: usize,
) -> Result<Pair> {
    let partners = Partners::Some(vec![partner.to_string()]);
    let flows = flows(lf.clone(), reporter, &partners, years)?;
    let year = latest(&flows)?;
    let y = year.unwrap_or(i32::MIN);
    let top = collect(
        engine::top(
            lf.clone(),
            reporter,
            &partners,
            Ranking {
                direction: Direction::Exports,
                by: By::Product,
                year: y,
                level: None,
                n,
            },
        )
        .select([
            col("rank"),
            col("code").alias("product"),
            col("name"),
            col("value"),
            col("share"),
        ]),
        "the top products",
    )?;
    // HS codes by chapter, the data's own categories as they are (see `composition`); named
    // categories without a value (press releases) are not listed here.
    let side = |d: Direction, name: &str| {
        engine::composition(lf.clone(), reporter, &partners, d, GroupBy::Chapter)
            .filter(col("year").eq(lit(y)).and(col("value").is_not_null()))
            .select([
                col("group").alias("chapter"),
                col("label").alias(format!("{name}_name")),
                col("value").alias(name),
            ])
    };
    let chapters = collect(
        side(Direction::Exports, "exports")
            .join(
                side(Direction::Imports, "imports"),
                [col("chapter")],
                [col("chapter")],
                JoinArgs {
                    coalesce: JoinCoalesce::CoalesceColumns,
                    ..JoinArgs::new(JoinType::Full)
                },
            )
            .select([
                col("chapter"),
                col("exports_name")
                    .fill_null(col("imports_name"))
                    .alias("name"),
                col("exports"),
                col("imports"),
            ])
            // Numeric codes in numeric order (category 2 before 10), then the others.
            .sort_by_exprs(
                [
                    col("chapter").cast(DataType::Int64).is_null(),
                    col("chapter").cast(DataType::Int64),
                    col("chapter"),
                ],
                SortMultipleOptions::default(),
            ),
        "the chapters",
    )?;
    let own_categories = engine::own_categories(lf, reporter, &partners, Some(y))?;
    Ok(Pair {
        flows,
        top_products: top,
        chapters,
        own_categories,
        year,
    })
}

/// See [`crate::analysis::baci_lane::BaciLane::reporter`].
pub fn reporter(
    lf: LazyFrame,
    reporter: &str,
    years: Option<&[i32]>,
    n: usize,
) -> Result<Reporter> {
    let flows = flows(lf.clone(), reporter, &Partners::World, years)?;
    let year = latest(&flows)?;
    let y = year.unwrap_or(i32::MIN);
    let ranked = collect(
        engine::partners(
            lf.clone(),
            reporter,
            &Partners::World,
            y,
            Direction::Turnover,
        )
        .select([
            col("partner"),
            col("exports"),
            col("imports"),
            col("turnover"),
        ]),
        "the top partners",
    )?;
    let ranking = rank_partners(ranked, Direction::Turnover, n)?;
    let products = collect(
        engine::top(
            lf,
            reporter,
            &Partners::World,
            Ranking {
                direction: Direction::Exports,
                by: By::Product,
                year: y,
                level: None,
                n: 0,
            },
        )
        .select([col("code"), col("value")]),
        "the products",
    )?;
    let (concentration, hhi_note) = concentration_of(products, year)?;
    Ok(Reporter {
        flows,
        top_partners: ranking.frame,
        ranked_by: ranking.by,
        concentration,
        year,
        notes: ranking.note.into_iter().chain(hhi_note).collect(),
    })
}

/// See [`engine::world`]; `years` keeps those years.
pub fn world(lf: LazyFrame, years: Option<&[i32]>) -> Result<DataFrame> {
    collect(keep_years(engine::world(lf), years), "the world table")
}
