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
///
/// `by`: for a ranking of partners, the rows partner by partner (a World row is not a partner,
/// and the World rule, which prefers a reporter's World rows to the sum over its partners,
/// would leave no partner at all in a Comtrade file that has both); for products, the rows the
/// World rule picks.
pub(crate) fn product_rows(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    direction: Direction,
    level: Option<i32>,
    by: By,
) -> LazyFrame {
    let d = directions(reporter, partners);
    let base = usable(involving(lf, reporter, partners));
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
    let counterpart = when(col("reporter").eq(lit(reporter.to_string())))
        .then(col("partner"))
        .otherwise(col("reporter"))
        .alias("counterpart");
    let rows = tagged.filter(keep);
    match by {
        By::Product => world_rule(rows, partners).with_column(counterpart),
        By::Partner => rows
            .with_column(counterpart)
            .filter(col("counterpart").neq(lit(WORLD))),
    }
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
    // A partner ranking does not count the World aggregate as a partner (see `product_rows`).
    let rows = product_rows(lf, reporter, partners, direction, level, by)
        .filter(col("year").eq(lit(year)));
    let key = match by {
        By::Product => "product",
        By::Partner => "counterpart",
    };
    // A product without a name in the data is named from the HS table, in its edition.
    let ranked = rows
        .group_by([col(key).alias("code")])
        .agg([
            col("value").sum().alias("value"),
            col("product_name").drop_nulls().first().alias("name"),
            col("classification").filter(hs_code()).first().alias("_hs"),
        ])
        .with_column(match by {
            By::Product => col("name").fill_null(super::products::hs_name(col("code"), col("_hs"))),
            By::Partner => col("name"),
        })
        .drop(cols(["_hs"]))
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
///
/// A partner's exports (imports) are known when the reporter declares its exports (imports)
/// partner by partner that year, or, for imports, when the partner's exports are reconciled
/// rows in the data ([`declarers`]); then a partner without rows had none (zero). Otherwise the
/// figure is unknown (empty), and so are the turnover and balance that need it. Partners are
/// sorted by `by`, unknown last; see [`super::answers::rank_partners`] for a ranking that
/// says what it is by.
pub fn partners(
    lf: LazyFrame,
    reporter: &str,
    within: &Partners,
    year: i32,
    by: Direction,
) -> LazyFrame {
    let rows = product_rows(
        lf.clone(),
        reporter,
        within,
        Direction::Turnover,
        None,
        By::Partner,
    )
    .filter(col("year").eq(lit(year)));
    // Reported turnover rows (press releases) count for partners without directional data.
    let d = directions(reporter, within);
    let turnover_rows = top_level(usable(involving(lf.clone(), reporter, within)))
        .filter(d.turnover.and(col("year").eq(lit(year))))
        .with_column(
            when(col("reporter").eq(lit(reporter.to_string())))
                .then(col("partner"))
                .otherwise(col("reporter"))
                .alias("counterpart"),
        )
        .group_by([col("counterpart")])
        .agg([col("value").sum().alias("reported_turnover")]);
    // Who declares what this year: the reporter's own sides, and the exporters whose
    // reconciled rows are the reporter's imports from them.
    let decl = declarers(lf, true).filter(col("year").eq(lit(year)));
    let what = |w: &str| col("what").eq(lit(w.to_string()));
    let own = decl
        .clone()
        .filter(col("country").eq(lit(reporter.to_string())))
        .select([
            what("x").any(true).alias("_kx"),
            what("m").any(true).alias("_rm"),
        ])
        .with_column(lit(1i32).alias("_one"));
    let rec_exporters = decl
        .filter(what("xr"))
        .select([col("country").alias("counterpart"), lit(true).alias("_px")])
        .unique(None, UniqueKeepStrategy::Any);
    let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
    let sort_col = match by {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    };
    let null_f = || lit(NULL).cast(DataType::Float64);
    let both = || col("_kx").and(col("_km"));
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
        .with_column(lit(1i32).alias("_one"))
        .join(
            own,
            [col("_one")],
            [col("_one")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            rec_exporters,
            [col("counterpart")],
            [col("counterpart")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("_kx").fill_null(lit(false)),
            col("_rm")
                .fill_null(lit(false))
                .or(col("_px").fill_null(lit(false)))
                .alias("_km"),
        ])
        .with_columns([
            when(col("_kx"))
                .then(col("exports").fill_null(lit(0.0)))
                .otherwise(null_f())
                .alias("exports"),
            when(col("_km"))
                .then(col("imports").fill_null(lit(0.0)))
                .otherwise(null_f())
                .alias("imports"),
        ])
        .with_column(
            when(col("reported_turnover").is_not_null())
                .then(col("reported_turnover"))
                .when(both())
                .then(col("exports") + col("imports"))
                .otherwise(null_f())
                .alias("turnover"),
        )
        .with_column(
            when(both())
                .then(col("exports") - col("imports"))
                .otherwise(null_f())
                .alias("balance"),
        )
        .filter(
            col("exports")
                .is_not_null()
                .or(col("imports").is_not_null())
                .or(col("turnover").is_not_null()),
        )
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
