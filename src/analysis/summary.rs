//! Per-year figures: a reporter's summary against its partners, every country's figures
//! (the world table), and growth rates.

use polars::prelude::*;

use super::*;
use crate::schema::{WORLD, flow};

/// Per year: exports, imports, turnover, balance, coverage ratio (exports/imports), growth of
/// turnover on the previous year, and which figures were derived.
///
/// Turnover is the reported turnover where one exists, else exports + imports (derived).
/// Balance and coverage need both directions; coverage is empty when imports are zero.
/// Growth is empty when the previous calendar year is not in the data.
///
/// A direction is known when rows carry it or its declarer is in the data ([`known_sides`]:
/// a reporter that declares its exports and lists no row for the partner exported nothing to
/// it); a direction nobody declares is empty, never zero.
pub fn summary(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
    let sum = |d: &str| col("value").filter(dir(d)).sum();
    let n = |d: &str| dir(d).cast(DataType::UInt32).sum();
    let der = |d: &str| col("derived").filter(dir(d)).any(true);
    let per_year = directed(lf.clone(), reporter, partners)
        .group_by([col("year")])
        .agg([
            sum("x").alias("x"),
            sum("m").alias("m"),
            sum("t").alias("t"),
            n("x").alias("nx"),
            n("m").alias("nm"),
            n("t").alias("nt"),
            der("x").alias("dx"),
            der("m").alias("dm"),
            der("t").alias("dt"),
        ]);
    let per_year = with_known_sides(per_year, lf, reporter, partners);
    let has = |c: &str| col(c).gt(lit(0));
    let null_f = || lit(NULL).cast(DataType::Float64);
    let kx = || has("nx").or(col("_kx"));
    let km = || has("nm").or(col("_km"));
    let exports = when(kx()).then(col("x")).otherwise(null_f());
    let imports = when(km()).then(col("m")).otherwise(null_f());
    let both = kx().and(km());
    let turnover = when(has("nt"))
        .then(col("t"))
        .when(both.clone())
        .then(col("x") + col("m"))
        .otherwise(null_f());
    let t_derived = has("nt")
        .not()
        .and(both.clone())
        .or(has("nt").and(col("dt")));
    let derived_list = concat_str(
        [
            when(has("nx").and(col("dx")))
                .then(lit("exports"))
                .otherwise(lit(NULL).cast(DataType::String)),
            when(has("nm").and(col("dm")))
                .then(lit("imports"))
                .otherwise(lit(NULL).cast(DataType::String)),
            when(t_derived)
                .then(lit("turnover"))
                .otherwise(lit(NULL).cast(DataType::String)),
        ],
        ", ",
        true,
    );
    per_year
        .select([
            col("year"),
            exports.alias("exports"),
            imports.alias("imports"),
            turnover.alias("turnover"),
            when(both.clone())
                .then(col("x") - col("m"))
                .otherwise(null_f())
                .alias("balance"),
            when(both.and(col("m").gt(lit(0.0))))
                .then(col("x") / col("m"))
                .otherwise(null_f())
                .alias("coverage"),
            when(derived_list.clone().eq(lit("")))
                .then(lit(NULL).cast(DataType::String))
                .otherwise(derived_list)
                .alias("derived"),
        ])
        .sort(["year"], SortMultipleOptions::default())
        .with_column(
            when(
                col("year")
                    .shift(lit(1))
                    .eq(col("year") - lit(1))
                    .and(col("turnover").shift(lit(1)).gt(lit(0.0))),
            )
            .then(col("turnover") / col("turnover").shift(lit(1)) - lit(1.0))
            .otherwise(null_f())
            .alias("growth"),
        )
}

/// Every country's exports, imports, turnover and balance per year, over its partners in the
/// data: one row per (year, country), in the order of [`rank_world`].
///
/// A country's exports and imports are its own declarations (reporter rows), and for reconciled
/// rows (BACI) the exporter's export and the importer's import; a side without rows is empty
/// (not known from this data), as in [`summary`]. Reported turnover records count for both
/// countries; where a country has one, it is its turnover, else exports + imports when both
/// are known; balance needs both. `WLD` rows are used for a country, year and direction instead
/// of the partner rows when it has them.
pub fn world(lf: LazyFrame) -> LazyFrame {
    let rows = top_level(usable(lf)).filter(col("partner").is_not_null());
    let tag = |filter: Expr, country: &str, dir: &str| {
        rows.clone()
            .filter(filter)
            .with_columns([col(country).alias("country"), lit(dir).alias("_dir")])
    };
    let rec = col("reconciled");
    let tagged = concat(
        [
            tag(is_flow(flow::EXPORT), "reporter", "x"),
            tag(
                is_flow(flow::IMPORT).and(rec.clone().not()),
                "reporter",
                "m",
            ),
            tag(is_flow(flow::EXPORT).and(rec), "partner", "m"),
            tag(is_flow(flow::TURNOVER), "reporter", "t"),
            tag(is_flow(flow::TURNOVER), "partner", "t"),
        ],
        UnionArgs::default(),
    )
    .expect("same schema");
    let tagged = world_rule_by(
        tagged.filter(col("country").neq(lit(WORLD))),
        &["year", "country", "_dir"],
    );
    let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
    let n = |d: &str| dir(d).cast(DataType::UInt32).sum();
    let null_f = || lit(NULL).cast(DataType::Float64);
    let has = |c: &str| col(c).gt(lit(0));
    let both = || has("nx").and(has("nm"));
    let table = tagged
        .group_by([col("year"), col("country")])
        .agg([
            col("value").filter(dir("x")).sum().alias("x"),
            col("value").filter(dir("m")).sum().alias("m"),
            col("value").filter(dir("t")).sum().alias("t"),
            n("x").alias("nx"),
            n("m").alias("nm"),
            n("t").alias("nt"),
        ])
        .with_columns([
            when(has("nx"))
                .then(col("x"))
                .otherwise(null_f())
                .alias("exports"),
            when(has("nm"))
                .then(col("m"))
                .otherwise(null_f())
                .alias("imports"),
            when(has("nt"))
                .then(col("t"))
                .when(both())
                .then(col("x") + col("m"))
                .otherwise(null_f())
                .alias("turnover"),
            when(both())
                .then(col("x") - col("m"))
                .otherwise(null_f())
                .alias("balance"),
        ])
        .select([
            col("year"),
            col("country"),
            col("exports"),
            col("imports"),
            col("balance"),
            col("turnover"),
        ]);
    rank_world(table)
}

/// The order of a world table (both engines): by year, then turnover, largest first; the
/// countries whose turnover is unknown (a side not in the data) follow, ranked by what is
/// known, exports then imports, so that a file of one direction is ranked by it, not by code.
pub fn rank_world(lf: LazyFrame) -> LazyFrame {
    lf.sort_by_exprs(
        [
            col("year"),
            col("turnover"),
            col("exports"),
            col("imports"),
            col("country"),
        ],
        SortMultipleOptions::default()
            .with_order_descending_multi([false, true, true, true, false])
            .with_nulls_last(true),
    )
}

/// How a world table is ranked, counted from its rows: how many have no known turnover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldRanking {
    pub rows: usize,
    pub without_turnover: usize,
}

impl WorldRanking {
    /// Count the rows of a world table without a turnover.
    pub fn of(df: &DataFrame) -> crate::Result<WorldRanking> {
        let t = crate::frame::floats(df, "turnover")?;
        Ok(WorldRanking {
            rows: t.len(),
            without_turnover: t.iter().filter(|v| v.is_none()).count(),
        })
    }

    /// "ranked by turnover", or what the ranking uses where turnover is unknown.
    pub fn words(&self) -> &'static str {
        match self.without_turnover {
            0 => "ranked by turnover",
            n if n == self.rows => "ranked by exports, then imports (turnover unknown)",
            _ => "ranked by turnover, then by exports where turnover is unknown",
        }
    }

    /// The note a reader needs when turnover is unknown for some countries.
    pub fn note(&self) -> Option<String> {
        let n = self.without_turnover;
        match n {
            0 => None,
            _ if n == self.rows => Some(
                "turnover is unknown for every country (exports or imports are not in the data): \
                 countries are ranked by exports, then imports"
                    .into(),
            ),
            _ => Some(format!(
                "turnover is unknown for {n} of {} (exports or imports not in the data): \
                 they follow the others, ranked by exports, then imports",
                super::notes::plural(self.rows as u64, "country-year", "country-years"),
            )),
        }
    }
}

/// The change from `first` to `last` as a fraction: `(last - first) / |first|`; `None` when
/// `first` is zero or either figure is not finite.
///
/// The denominator is the size of the base, not the base: on a negative base (a deficit) the
/// sign of the change is then the sign of `last - first`, so a deficit that deepens from
/// -125.8M to -248.0M is a change of -97.1% (the balance went down), and one that narrows to
/// -50M is +60.3%. Dividing by the signed base would print +97.1% for the deepening deficit,
/// the opposite of what a reader sees in the two figures. Leaving the cell empty would hide a
/// figure the reader can check. This is the one rule for every change % (compare, key
/// figures, narrative, charts), stated in the README and the report's method notes.
pub fn change_pct(first: f64, last: f64) -> Option<f64> {
    let c = (last - first) / first.abs();
    (first != 0.0 && c.is_finite()).then_some(c)
}

/// Compound annual growth rate between the first and last year with a positive value.
pub fn cagr(points: &[(i64, f64)]) -> Option<f64> {
    let valid: Vec<&(i64, f64)> = points.iter().filter(|(_, v)| *v > 0.0).collect();
    let (first, last) = (valid.first()?, valid.last()?);
    let years = (last.0 - first.0) as f64;
    (years > 0.0).then(|| (last.1 / first.1).powf(1.0 / years) - 1.0)
}
