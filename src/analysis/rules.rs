//! The double-count rules, written once: which rows may be added up ([`usable`]), what was
//! left out and why, and which product codes to sum ([`top_level`]) or rank ([`leaves`]).

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
