//! Rankings: the top products or partners in a year, and a reporter's partners.

use polars::prelude::*;

use super::*;
use crate::schema::WORLD;

/// What `top` ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Product,
    Partner,
}

/// Which direction a ranking or composition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Exports,
    Imports,
    /// Exports plus imports.
    Turnover,
}

impl std::str::FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "export" | "exports" | "x" => Ok(Direction::Exports),
            "import" | "imports" | "m" => Ok(Direction::Imports),
            "turnover" | "trade" | "total" => Ok(Direction::Turnover),
            _ => Err(format!(
                "unknown flow '{s}'; use exports, imports or turnover"
            )),
        }
    }
}

/// Usable rows in the reporter's direction(s), tagged `_dir`, at product leaves (or at exactly
/// `level` digits when given). Reported turnover rows are not used: they have no products.
pub(crate) fn product_rows(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    direction: Direction,
    level: Option<i32>,
) -> LazyFrame {
    let d = directions(reporter, partners);
    let base = usable(lf);
    let base = match level {
        Some(l) => base.filter(col("product_level").eq(lit(l))),
        None => leaves(base),
    };
    // Reported turnover rows have no products: not tagged.
    let d = Directions {
        turnover: lit(false),
        ..d
    };
    let tagged = tag(base, &d);
    let keep = match direction {
        Direction::Exports => col("_dir").eq(lit("x")),
        Direction::Imports => col("_dir").eq(lit("m")),
        Direction::Turnover => col("_dir").is_not_null(),
    };
    // Partner rankings need the counterpart whichever side reported the row.
    world_rule(tagged.filter(keep), partners).with_column(
        when(col("reporter").eq(lit(reporter.to_string())))
            .then(col("partner"))
            .otherwise(col("reporter"))
            .alias("counterpart"),
    )
}

/// What a `top` ranking looks at.
#[derive(Debug, Clone, Copy)]
pub struct Ranking {
    pub direction: Direction,
    pub by: By,
    pub year: i32,
    /// Rank products at exactly this many digits; `None`: at their leaves.
    pub level: Option<i32>,
    /// How many to keep; 0 keeps all.
    pub n: usize,
}

/// The top `n` products or partners in `year` by value, with share and cumulative share.
/// Ties are broken by code so the order is deterministic.
pub fn top(lf: LazyFrame, reporter: &str, partners: &Partners, ranking: Ranking) -> LazyFrame {
    let Ranking {
        direction,
        by,
        year,
        level,
        n,
    } = ranking;
    let rows =
        product_rows(lf, reporter, partners, direction, level).filter(col("year").eq(lit(year)));
    let rows = if by == By::Partner {
        // A partner ranking must not count the World aggregate as a partner.
        rows.filter(col("counterpart").neq(lit(WORLD)))
    } else {
        rows
    };
    let key = match by {
        By::Product => "product",
        By::Partner => "counterpart",
    };
    let ranked = rows
        .group_by([col(key).alias("code")])
        .agg([
            col("value").sum().alias("value"),
            col("product_name").drop_nulls().first().alias("name"),
        ])
        .with_column((col("value") / col("value").sum()).alias("share"))
        .sort_by_exprs(
            [col("value"), col("code")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .with_column(col("share").cum_sum(false).alias("cumulative_share"))
        .with_row_index("rank", Some(1));
    if n > 0 {
        ranked.limit(n as u32)
    } else {
        ranked
    }
}

/// A reporter's partners ranked by exports, imports and turnover in `year`.
pub fn partners(
    lf: LazyFrame,
    reporter: &str,
    within: &Partners,
    year: i32,
    by: Direction,
) -> LazyFrame {
    let rows = product_rows(lf.clone(), reporter, within, Direction::Turnover, None)
        .filter(col("year").eq(lit(year)))
        .filter(col("counterpart").neq(lit(WORLD)));
    // Reported turnover rows (press releases) count for partners without directional data.
    let d = directions(reporter, within);
    let turnover_rows = top_level(usable(lf))
        .filter(d.turnover.and(col("year").eq(lit(year))))
        .with_column(
            when(col("reporter").eq(lit(reporter.to_string())))
                .then(col("partner"))
                .otherwise(col("reporter"))
                .alias("counterpart"),
        )
        .group_by([col("counterpart")])
        .agg([col("value").sum().alias("reported_turnover")]);
    let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
    let sort_col = match by {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    };
    rows.group_by([col("counterpart")])
        .agg([
            col("value").filter(dir("x")).sum().alias("exports"),
            col("value").filter(dir("m")).sum().alias("imports"),
        ])
        .join(
            turnover_rows,
            [col("counterpart")],
            [col("counterpart")],
            JoinArgs {
                coalesce: JoinCoalesce::CoalesceColumns,
                ..JoinArgs::new(JoinType::Full)
            },
        )
        .with_column(
            when(col("reported_turnover").is_not_null())
                .then(col("reported_turnover"))
                .otherwise(col("exports").fill_null(lit(0.0)) + col("imports").fill_null(lit(0.0)))
                .alias("turnover"),
        )
        .with_column(
            (col("exports").fill_null(lit(0.0)) - col("imports").fill_null(lit(0.0)))
                .alias("balance"),
        )
        .filter(col(sort_col).is_not_null())
        .with_column((col(sort_col) / col(sort_col).sum()).alias("share"))
        .sort_by_exprs(
            [col(sort_col), col("counterpart")],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_nulls_last(true),
        )
        .with_row_index("rank", Some(1))
        .select([
            col("rank"),
            col("counterpart").alias("partner"),
            col("exports"),
            col("imports"),
            col("turnover"),
            col("balance"),
            col("share"),
        ])
}
