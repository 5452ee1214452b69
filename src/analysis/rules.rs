//! The double-count rules, written once: which rows may be added up ([`usable`]), what was
//! left out and why, which product codes to sum ([`top_level`]) or rank ([`leaves`]), which
//! rows are a country's trade with itself ([`domestic`]) and which codes are HS codes
//! ([`hs_code`]).

use polars::prelude::*;

use crate::schema::{TOTAL, WORLD};

/// Keys that identify a group of rows sharing one product hierarchy.
pub(crate) const GROUP: [&str; 7] = [
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

pub(crate) fn keys_with(extra: &[&str]) -> Vec<Expr> {
    GROUP.iter().chain(extra.iter()).map(|k| col(*k)).collect()
}

pub(crate) fn anti(left: LazyFrame, right: LazyFrame, on: Vec<Expr>) -> LazyFrame {
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
    // Only the years that have monthly rows can have a month to drop: the annual rows are
    // narrowed to those years first (a join on one integer), so a file without months (most
    // files) pays nothing for this rule.
    let month_years = lf
        .clone()
        .filter(col("month").is_not_null())
        .select([col("year")])
        .unique(None, UniqueKeepStrategy::Any);
    let annual = lf
        .clone()
        .filter(col("month").is_null())
        .join(
            month_years,
            [col("year")],
            [col("year")],
            JoinArgs::new(JoinType::Semi),
        )
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

pub(crate) fn usable_expr() -> Expr {
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

/// Domestic flows: a country's trade with itself (reporter = partner; exporter = importer),
/// which gravity panels carry as internal trade. They are not international trade: every
/// international figure leaves them out unless the user keeps them (`--keep-domestic`, for
/// absorption), and says how much it left out. The World aggregate facing itself is not a
/// country, and an empty side is not a match.
pub fn domestic() -> Expr {
    col("reporter")
        .eq(col("partner"))
        .and(col("reporter").neq(lit(WORLD)))
        .fill_null(lit(false))
}

/// The rows of `lf` that are not [`domestic`].
pub fn international(lf: LazyFrame) -> LazyFrame {
    lf.filter(domestic().not())
}

/// What [`international`] leaves out, per currency: `currency`, `rows`, `value` (the sum of the
/// values given), for the note and `inspect`.
pub fn domestic_left_out(lf: LazyFrame) -> LazyFrame {
    lf.filter(domestic())
        .group_by([col("currency")])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("value").sum().alias("value"),
        ])
        .sort(["currency"], SortMultipleOptions::default())
}

/// HS codes: a product with a level (digits) in a classification of the HS family (`H0`..`H6`,
/// `HS`, Comext's `CN8`), or in a file that states none and whose codes looked like HS when
/// read (a file's own categories get no level then: see `read::layout::product`). HS names,
/// sections, chapters and headings apply to these only; SITC and the data's own categories are
/// grouped as they are.
pub fn hs_code() -> Expr {
    let c = col("classification").str().to_uppercase();
    let hs_family = c
        .clone()
        .str()
        .starts_with(lit("H"))
        .or(c.clone().str().starts_with(lit("CN")))
        .or(c.eq(lit(crate::schema::CUSTOM.to_uppercase())));
    col("product_level")
        .gt(lit(0))
        .and(hs_family.fill_null(lit(true)))
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

/// The shape of each group of rows sharing one product hierarchy ([`GROUP`]): `_total`, whether
/// it has a `TOTAL` row, and `_levels`, how many product levels its other rows have (an empty
/// level counts as one).
///
/// Most groups are simple: a `TOTAL` row, or products at one level only (BACI, a Comtrade
/// download of HS6 codes). Their top-level rows and leaves follow from the shape alone; only
/// groups that mix levels (HS2 with its HS4 and HS6 codes) need the codes compared, which
/// [`top_level`] and [`leaves`] do on those groups' rows only instead of on the whole file.
fn shaped(lf: LazyFrame) -> LazyFrame {
    let keys = keys_with(&[]);
    let is_total = col("product").eq(lit(TOTAL));
    lf.with_columns([
        is_total
            .clone()
            .any(true)
            .over(keys.clone())
            .expect("a non-empty partition")
            .alias("_total"),
        col("product_level")
            .filter(is_total.not())
            .n_unique()
            .over(keys)
            .expect("a non-empty partition")
            .alias("_levels"),
    ])
}

const SHAPE: [&str; 2] = ["_total", "_levels"];

/// Rows whose code has no ancestor in the same group: TOTAL where present, else the
/// shortest codes of each branch. Summing them counts each flow once.
pub fn top_level(lf: LazyFrame) -> LazyFrame {
    let lf = shaped(lf).cache();
    let one_level = col("_levels").lt_eq(lit(1));
    // A group with a TOTAL row: that row only. A group of one level: every row.
    let simple = lf.clone().filter(
        col("_total")
            .and(col("product").eq(lit(TOTAL)))
            .or(col("_total").not().and(one_level.clone())),
    );
    let mixed = lf.filter(col("_total").not().and(one_level.not()));
    concat([simple, top_level_by_codes(mixed)], UnionArgs::default())
        .expect("same schema")
        .drop(cols(SHAPE))
}

/// Rows whose code has no descendant in the same group (TOTAL only where it stands alone).
pub fn leaves(lf: LazyFrame) -> LazyFrame {
    let lf = shaped(lf).cache();
    let is_total = col("product").eq(lit(TOTAL));
    // TOTAL alone in its group; the other rows of a group of one level.
    let simple = lf.clone().filter(
        is_total
            .clone()
            .and(col("_levels").eq(lit(0)))
            .or(is_total.clone().not().and(col("_levels").eq(lit(1)))),
    );
    let mixed = lf.filter(is_total.not().and(col("_levels").gt(lit(1))));
    concat([simple, leaves_by_codes(mixed)], UnionArgs::default())
        .expect("same schema")
        .drop(cols(SHAPE))
}

/// [`top_level`] by comparing codes: each code against the shorter codes of its group (the
/// definition, for any rows; used on the groups that mix levels).
fn top_level_by_codes(lf: LazyFrame) -> LazyFrame {
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

/// [`leaves`] by comparing codes: each code against the longer codes of its group (the
/// definition, for any rows; used on the groups that mix levels).
fn leaves_by_codes(lf: LazyFrame) -> LazyFrame {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Rows of a few groups (reporter `A`, `B` or `C`, one year, one flow) with product codes
    /// drawn from a small HS tree (chapters, headings, subheadings, TOTAL) and a category of the
    /// file's own (no level), so that groups come out simple (one level, a TOTAL, categories
    /// only) and mixed in every combination.
    fn frame(rows: &[(u8, u8)]) -> LazyFrame {
        const CODES: [&str; 10] = [
            "TOTAL", "01", "0101", "010121", "010129", "02", "0201", "020110", "020120", "meat",
        ];
        let n = rows.len();
        let reporter: Vec<&str> = rows
            .iter()
            .map(|(g, _)| ["A", "B", "C"][*g as usize % 3])
            .collect();
        let product: Vec<&str> = rows.iter().map(|(_, c)| CODES[*c as usize % 10]).collect();
        let level: Vec<Option<i32>> = product
            .iter()
            .map(|p| match *p {
                "TOTAL" => Some(0),
                "meat" => None,
                p => Some(p.len() as i32),
            })
            .collect();
        let value: Vec<f64> = (0..n).map(|i| i as f64 + 1.0).collect();
        df!(
            "year" => vec![2020i32; n],
            "month" => vec![None::<i32>; n],
            "reporter" => reporter,
            "partner" => vec!["X"; n],
            "flow" => vec!["export"; n],
            "reconciled" => vec![false; n],
            "currency" => vec!["USD"; n],
            "product" => product,
            "product_level" => level,
            "value" => value,
        )
        .expect("a frame")
        .lazy()
    }

    fn sorted(lf: LazyFrame) -> DataFrame {
        lf.select([col("reporter"), col("product"), col("value")])
            .sort(
                ["reporter", "product", "value"],
                SortMultipleOptions::default(),
            )
            .collect()
            .expect("collects")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The shortcut for simple groups picks exactly the rows the code-by-code definition
        /// picks, in simple and mixed groups alike.
        #[test]
        fn shortcuts_agree_with_the_definition(rows in proptest::collection::vec((0u8..3, 0u8..10), 0..24)) {
            let lf = frame(&rows);
            prop_assert_eq!(sorted(top_level(lf.clone())), sorted(top_level_by_codes(lf.clone())));
            prop_assert_eq!(sorted(leaves(lf.clone())), sorted(leaves_by_codes(lf)));
        }
    }
}
