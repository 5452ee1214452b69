//! Summary, compare, top, partners and composition over the canonical table.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::reference::countries;
use crate::schema::{TOTAL, WORLD, flow};

/// Keys that identify a group of rows sharing one product hierarchy.
const GROUP: [&str; 7] = [
    "year",
    "month",
    "reporter",
    "partner",
    "flow",
    "reconciled",
    "currency",
];

/// A set of strings for `is_in` (imploded to one list, as polars asks).
pub(crate) fn set(values: &[String]) -> Expr {
    lit(Series::new(PlSmallStr::EMPTY, values.to_vec())).implode(true)
}

fn keys_with(extra: &[&str]) -> Vec<Expr> {
    GROUP.iter().chain(extra.iter()).map(|k| col(*k)).collect()
}

fn anti(left: LazyFrame, right: LazyFrame, on: Vec<Expr>) -> LazyFrame {
    left.join(
        right,
        on.clone(),
        on,
        JoinArgs {
            nulls_equal: true,
            ..JoinArgs::new(JoinType::Anti)
        },
    )
}

/// Rows that may be added up: with a value, not a breakdown of another row (partner2,
/// transport mode, customs procedure), and not a month of a year that also has its annual row
/// (Comext files carry both `YYYY52` and the months). What is left out is counted by
/// [`left_out`].
pub fn usable(lf: LazyFrame) -> LazyFrame {
    // Used three times below: cache it so the input is computed once.
    let lf = lf.filter(usable_expr()).cache();
    let keys = || {
        [
            "year",
            "reporter",
            "partner",
            "flow",
            "product",
            "reconciled",
            "currency",
        ]
        .map(col)
        .to_vec()
    };
    let annual = lf
        .clone()
        .filter(col("month").is_null())
        .select(keys())
        .unique(None, UniqueKeepStrategy::Any);
    let months = anti(
        lf.clone().filter(col("month").is_not_null()),
        annual,
        keys(),
    );
    concat(
        [lf.filter(col("month").is_null()), months],
        UnionArgs::default(),
    )
    .expect("same schema")
}

fn usable_expr() -> Expr {
    col("value")
        .is_not_null()
        .and(col("partner2").is_null().or(col("partner2").eq(lit(WORLD))))
        .and(
            col("transport_mode")
                .is_null()
                .or(col("transport_mode").eq(lit("0"))),
        )
        .and(
            col("customs_procedure")
                .is_null()
                .or(col("customs_procedure").eq(lit("C00"))),
        )
}

/// Count the rows [`usable`] leaves out, by reason, for the note on stderr.
pub fn left_out(lf: LazyFrame) -> LazyFrame {
    let n = |e: Expr| e.cast(DataType::UInt32).sum();
    lf.select([
        n(col("value").is_null()).alias("without a value"),
        n(col("partner2")
            .is_not_null()
            .and(col("partner2").neq(lit(WORLD))))
        .alias("partner2 breakdowns"),
        n(col("transport_mode")
            .is_not_null()
            .and(col("transport_mode").neq(lit("0"))))
        .alias("transport-mode breakdowns"),
        n(col("customs_procedure")
            .is_not_null()
            .and(col("customs_procedure").neq(lit("C00"))))
        .alias("customs-procedure breakdowns"),
    ])
}

/// Rows whose code has no ancestor in the same group: TOTAL where present, else the
/// shortest codes of each branch. Summing them counts each flow once.
pub fn top_level(lf: LazyFrame) -> LazyFrame {
    // Read by every step below: computed once.
    let lf = lf.cache();
    let codes = lf
        .clone()
        .select(keys_with(&["product", "product_level"]))
        .unique(None, UniqueKeepStrategy::Any);
    let totals = codes
        .clone()
        .filter(col("product").eq(lit(TOTAL)))
        .select(keys_with(&[]));
    let total_rows = lf.clone().filter(col("product").eq(lit(TOTAL)));
    let mut rest = anti(
        lf.filter(col("product").neq(lit(TOTAL))),
        totals,
        keys_with(&[]),
    );
    for k in [2i32, 4, 6, 8, 10] {
        let ancestors = codes
            .clone()
            .filter(col("product_level").eq(lit(k)))
            .select(keys_with(&["product"]))
            .rename(["product"], ["ancestor"], true);
        let with = rest.with_column(
            when(col("product_level").gt(lit(k)))
                .then(col("product").str().head(lit(k)))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("ancestor"),
        );
        rest = anti(with, ancestors, keys_with(&["ancestor"])).drop(cols(["ancestor"]));
    }
    concat([total_rows, rest], UnionArgs::default()).expect("same schema")
}

/// Rows whose code has no descendant in the same group (TOTAL only where it stands alone).
pub fn leaves(lf: LazyFrame) -> LazyFrame {
    // Read by every step below: computed once.
    let lf = lf.cache();
    let codes = lf
        .clone()
        .select(keys_with(&["product", "product_level"]))
        .unique(None, UniqueKeepStrategy::Any);
    let non_total = codes
        .clone()
        .filter(col("product").neq(lit(TOTAL)))
        .select(keys_with(&[]))
        .unique(None, UniqueKeepStrategy::Any);
    let totals = anti(
        lf.clone().filter(col("product").eq(lit(TOTAL))),
        non_total,
        keys_with(&[]),
    );
    let mut rest = lf.filter(col("product").neq(lit(TOTAL)));
    for k in [2i32, 4, 6, 8, 10] {
        let prefixes = codes
            .clone()
            .filter(col("product_level").gt(lit(k)))
            .select(
                keys_with(&[])
                    .into_iter()
                    .chain([col("product").str().head(lit(k)).alias("product")])
                    .collect::<Vec<_>>(),
            )
            .unique(None, UniqueKeepStrategy::Any);
        let at_k = rest.clone().filter(col("product_level").eq(lit(k)));
        let other = rest.filter(
            col("product_level")
                .neq(lit(k))
                .or(col("product_level").is_null()),
        );
        rest = concat(
            [anti(at_k, prefixes, keys_with(&["product"])), other],
            UnionArgs::default(),
        )
        .expect("same schema");
    }
    concat([totals, rest], UnionArgs::default()).expect("same schema")
}

/// Which partners a question is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Partners {
    /// The world: the reporter's `WLD` rows where it has them, else all its partners.
    World,
    /// One country or a region's countries.
    Some(Vec<String>),
}

/// Resolve a country typed by a user (code, ISO2/3, name) to the canonical code.
pub fn resolve_country(text: &str) -> String {
    countries()
        .lookup(text)
        .map(|c| c.iso3.clone())
        .unwrap_or_else(|| text.trim().to_uppercase())
}

/// Resolve `--partner` / `--region` into a partner set.
pub fn resolve_partners(partner: Option<&str>, region: Option<&str>) -> Result<Partners> {
    match (partner, region) {
        (Some(p), _) if p.eq_ignore_ascii_case("world") || p.eq_ignore_ascii_case(WORLD) => {
            Ok(Partners::World)
        }
        (Some(p), _) => Ok(Partners::Some(p.split(',').map(resolve_country).collect())),
        (None, Some(r)) => countries()
            .region_members(r)
            .map(Partners::Some)
            .ok_or_else(|| {
                Error::Request(format!(
                    "unknown region '{r}'; regions are: {}",
                    countries().region_names().join(", ")
                ))
            }),
        (None, None) => Ok(Partners::World),
    }
}

fn is_flow(f: &str) -> Expr {
    col("flow").eq(lit(f.to_string()))
}

/// Row selectors for the reporter's exports, imports and reported turnover with the partners.
struct Directions {
    exports: Expr,
    imports: Expr,
    turnover: Expr,
}

fn directions(reporter: &str, partners: &Partners) -> Directions {
    let r = || lit(reporter.to_string());
    let in_p = |c: &str| match partners {
        Partners::World => lit(true),
        Partners::Some(p) => col(c).is_in(set(p), false),
    };
    let rec = col("reconciled");
    let exports = col("reporter")
        .eq(r())
        .and(in_p("partner"))
        .and(is_flow(flow::EXPORT));
    let imports = col("reporter")
        .eq(r())
        .and(in_p("partner"))
        .and(is_flow(flow::IMPORT))
        .and(rec.clone().not())
        .or(rec
            .and(is_flow(flow::EXPORT))
            .and(col("partner").eq(r()))
            .and(in_p("reporter")));
    let turnover = is_flow(flow::TURNOVER).and(
        col("reporter")
            .eq(r())
            .and(in_p("partner"))
            .or(col("partner").eq(r()).and(in_p("reporter"))),
    );
    Directions {
        exports,
        imports,
        turnover,
    }
}

/// The partner's own reports of the same flows: its imports from the reporter (the reporter's
/// exports) and its exports to the reporter (the reporter's imports).
fn mirror(reporter: &str, partners: &Partners) -> Directions {
    let r = || lit(reporter.to_string());
    let by_p = match partners {
        Partners::World => col("reporter").neq(r()),
        Partners::Some(p) => col("reporter").is_in(set(p), false),
    };
    let base = by_p
        .and(col("partner").eq(r()))
        .and(col("reconciled").not());
    Directions {
        exports: base.clone().and(is_flow(flow::IMPORT)),
        imports: base.and(is_flow(flow::EXPORT)),
        turnover: lit(false),
    }
}

/// For the world, use the reporter's `WLD` rows for a (year, direction) when it has them, and
/// the sum over its partners otherwise: never both.
fn world_rule(lf: LazyFrame, partners: &Partners) -> LazyFrame {
    if *partners != Partners::World {
        return lf;
    }
    world_rule_by(lf, &["year", "_dir"])
}

/// [`world_rule`] within each group of `keys` (which include `_dir`).
fn world_rule_by(lf: LazyFrame, keys: &[&str]) -> LazyFrame {
    let is_w = col("partner")
        .eq(lit(WORLD))
        .or(col("reporter").eq(lit(WORLD)));
    lf.with_column(is_w.clone().alias("_w"))
        .with_column(
            col("_w")
                .cast(DataType::UInt32)
                .sum()
                .over(keys.iter().map(|k| col(*k)).collect::<Vec<_>>())
                .expect("a non-empty partition")
                .alias("_nw"),
        )
        .filter(
            col("_nw")
                .gt(lit(0))
                .and(col("_w"))
                .or(col("_nw").eq(lit(0))),
        )
        .drop(cols(["_w", "_nw"]))
}

/// Tag each usable top-level row with its direction for the reporter (`x`, `m`, `t`), and drop
/// rows that are none of these.
fn directed(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let d = directions(reporter, partners);
    let tagged = top_level(usable(lf)).with_column(
        when(d.exports)
            .then(lit("x"))
            .when(d.imports)
            .then(lit("m"))
            .when(d.turnover)
            .then(lit("t"))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias("_dir"),
    );
    world_rule(tagged.filter(col("_dir").is_not_null()), partners)
}

/// Per year: exports, imports, turnover, balance, coverage ratio (exports/imports), growth of
/// turnover on the previous year, and which figures were derived.
///
/// Turnover is the reported turnover where one exists, else exports + imports (derived).
/// Balance and coverage need both directions; coverage is empty when imports are zero.
/// Growth is empty when the previous calendar year is not in the data.
pub fn summary(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
    let sum = |d: &str| col("value").filter(dir(d)).sum();
    let n = |d: &str| dir(d).cast(DataType::UInt32).sum();
    let der = |d: &str| col("derived").filter(dir(d)).any(true);
    let per_year = directed(lf, reporter, partners)
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
    let has = |c: &str| col(c).gt(lit(0));
    let null_f = || lit(NULL).cast(DataType::Float64);
    let exports = when(has("nx")).then(col("x")).otherwise(null_f());
    let imports = when(has("nm")).then(col("m")).otherwise(null_f());
    let both = has("nx").and(has("nm"));
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
/// data: one row per (year, country), sorted by year, then turnover (largest first), then code.
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
    tagged
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
        ])
        .sort_by_exprs(
            [col("year"), col("turnover"), col("country")],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, false])
                .with_nulls_last(true),
        )
}

/// Compound annual growth rate between the first and last year with a positive value.
pub fn cagr(points: &[(i64, f64)]) -> Option<f64> {
    let valid: Vec<&(i64, f64)> = points.iter().filter(|(_, v)| *v > 0.0).collect();
    let (first, last) = (valid.first()?, valid.last()?);
    let years = (last.0 - first.0) as f64;
    (years > 0.0).then(|| (last.1 / first.1).powf(1.0 / years) - 1.0)
}

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
fn product_rows(
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
    let tagged = base.with_column(
        when(d.exports)
            .then(lit("x"))
            .when(d.imports)
            .then(lit("m"))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias("_dir"),
    );
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

/// How `composition` groups products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// The 21 HS sections.
    Section,
    /// HS chapters (2 digits).
    Chapter,
    /// HS headings (4 digits).
    Heading,
    /// The product categories named in the data (custom codes), and codes as they are.
    Category,
}

/// Totals and shares of products grouped by section, chapter, heading or category, per year.
/// Numeric codes are rolled up from their leaves; named categories without values are listed
/// with an empty value.
pub fn composition(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    direction: Direction,
    group: GroupBy,
) -> LazyFrame {
    let d = directions(reporter, partners);
    let keep = match direction {
        Direction::Exports => d.exports,
        Direction::Imports => d.imports,
        Direction::Turnover => d.exports.or(d.imports),
    };
    // Named categories (press releases) may carry no value: keep them so they are listed, and
    // take them from either side (Mexico's exports to Kazakhstan are Kazakhstan's imports).
    let m = mirror(reporter, partners);
    let named_keep = match direction {
        Direction::Exports => keep.clone().or(m.exports),
        Direction::Imports => keep.clone().or(m.imports),
        Direction::Turnover => keep.clone().or(m.exports).or(m.imports),
    };
    let named = lf
        .clone()
        .filter(col("product_level").is_null().and(named_keep));
    let coded = leaves(usable(lf)).filter(col("product_level").gt(lit(0)).and(keep));
    let coded =
        world_rule(coded.with_column(lit("x").alias("_dir")), partners).drop(cols(["_dir"]));
    let chapter = col("product").str().head(lit(2));
    let (key, label): (Expr, Expr) = match group {
        GroupBy::Chapter => (chapter.clone(), chapter_label(chapter)),
        GroupBy::Heading => (col("product").str().head(lit(4)), col("product_name")),
        GroupBy::Section => section_of(chapter),
        GroupBy::Category => (col("product"), col("product_name")),
    };
    let coded = coded
        .filter(col("product_level").is_not_null())
        .group_by([col("year"), key.clone().alias("group")])
        .agg([
            col("value").sum().alias("value"),
            label.first().alias("label"),
        ]);
    let named = named
        .group_by([col("year"), col("product").alias("group")])
        .agg([
            col("value").sum().alias("value"),
            col("value").is_not_null().any(true).alias("_has"),
            col("product_name").first().alias("label"),
        ])
        .with_column(
            when(col("_has"))
                .then(col("value"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("value"),
        )
        .drop(cols(["_has"]));
    let all = concat(
        [coded, named],
        UnionArgs {
            diagonal: true,
            ..UnionArgs::default()
        },
    )
    .expect("compatible schemas");
    all.with_column(
        (col("value")
            / col("value")
                .sum()
                .over([col("year")])
                .expect("a non-empty partition"))
        .alias("share"),
    )
    .sort_by_exprs(
        [col("year"), col("value"), col("group")],
        SortMultipleOptions::default()
            .with_order_descending_multi([false, true, false])
            .with_nulls_last(true),
    )
    .select([
        col("year"),
        col("group"),
        col("label"),
        col("value"),
        col("share"),
    ])
}

fn chapter_label(chapter: Expr) -> Expr {
    let hs = crate::reference::hs();
    let old: Vec<String> = hs.chapters.iter().map(|c| c.code.clone()).collect();
    let new: Vec<String> = hs.chapters.iter().map(|c| c.label.clone()).collect();
    chapter.replace_strict(
        lit(Series::new(PlSmallStr::EMPTY, old)),
        lit(Series::new(PlSmallStr::EMPTY, new)),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    )
}

fn section_of(chapter: Expr) -> (Expr, Expr) {
    let hs = crate::reference::hs();
    let old: Vec<String> = hs.chapters.iter().map(|c| c.code.clone()).collect();
    let roman: Vec<String> = hs
        .chapters
        .iter()
        .map(|c| {
            if c.section.is_empty() {
                "other".to_string()
            } else {
                c.section.clone()
            }
        })
        .collect();
    let label: Vec<String> = hs
        .chapters
        .iter()
        .map(|c| {
            hs.section(&c.section)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| "Special and unspecified".into())
        })
        .collect();
    let map = |new: Vec<String>| {
        chapter.clone().replace_strict(
            lit(Series::new(PlSmallStr::EMPTY, old.clone())),
            lit(Series::new(PlSmallStr::EMPTY, new)),
            Some(lit("unknown")),
            Some(DataType::String),
        )
    };
    (map(roman), map(label))
}
