//! Trade indicators (shares, Herfindahl-Hirschman, Balassa RCA, trade intensity, trade
//! complementarity, Grubel-Lloyd, marginal intra-industry trade, unit values) and mirror
//! statistics, each a lazy query over the canonical table.
//!
//! Exports are as declared by the exporter (BACI's reconciled rows count for both sides),
//! imports as declared by the importer. "World" is the sum over all reporters in the input.

use polars::prelude::*;

use super::{Partners, leaves, set, usable};
use crate::question::Question;
use crate::schema::{WORLD, flow};
use crate::{Dataset, Error, Result};

/// Declared flows by product in one year: `country` (the declaring side), `dir` (`x` exports,
/// `m` imports), `partner`, `product`, `value`, `quantity`, `quantity_unit`. Products at their
/// leaves, or at exactly `level` digits. For each country and direction, partner `WLD` rows are
/// used where present, else the sum over partners, never both.
pub fn declared(lf: LazyFrame, year: i32, level: Option<i32>) -> LazyFrame {
    let base = usable(lf).filter(
        col("year")
            .eq(lit(year))
            .and(col("product_level").gt(lit(0))),
    );
    let base = match level {
        Some(l) => base.filter(col("product_level").eq(lit(l))),
        None => leaves(base),
    };
    let x = base
        .clone()
        .filter(col("flow").eq(lit(flow::EXPORT)))
        .select([
            col("reporter").alias("country"),
            lit("x").alias("dir"),
            col("partner"),
            col("product"),
            col("value"),
            col("quantity"),
            col("quantity_unit"),
        ]);
    let m_own = base
        .clone()
        .filter(
            col("flow")
                .eq(lit(flow::IMPORT))
                .and(col("reconciled").not()),
        )
        .select([
            col("reporter").alias("country"),
            lit("m").alias("dir"),
            col("partner"),
            col("product"),
            col("value"),
            col("quantity"),
            col("quantity_unit"),
        ]);
    let m_rec = base
        .filter(col("flow").eq(lit(flow::EXPORT)).and(col("reconciled")))
        .select([
            col("partner").alias("country"),
            lit("m").alias("dir"),
            col("reporter").alias("partner"),
            col("product"),
            col("value"),
            col("quantity"),
            col("quantity_unit"),
        ]);
    let all = concat([x, m_own, m_rec], UnionArgs::default()).expect("same schema");
    let w = col("partner").eq(lit(WORLD));
    all.with_column(
        w.clone()
            .cast(DataType::UInt32)
            .sum()
            .over([col("country"), col("dir")])
            .expect("a non-empty partition")
            .alias("_nw"),
    )
    .filter(
        col("_nw")
            .gt(lit(0))
            .and(w.clone())
            .or(col("_nw").eq(lit(0))),
    )
    .drop(cols(["_nw"]))
}

fn by_product(d: LazyFrame, filter: Expr, name: &str) -> LazyFrame {
    d.filter(filter)
        .group_by([col("product")])
        .agg([col("value").sum().alias(name)])
}

fn is_x() -> Expr {
    col("dir").eq(lit("x"))
}
fn is_m() -> Expr {
    col("dir").eq(lit("m"))
}

fn in_partners(p: &Partners) -> Expr {
    match p {
        Partners::World => lit(true),
        Partners::Some(list) => col("partner").is_in(set(list), false),
    }
}

fn full(a: LazyFrame, b: LazyFrame) -> LazyFrame {
    a.join(
        b,
        [col("product")],
        [col("product")],
        JoinArgs {
            coalesce: JoinCoalesce::CoalesceColumns,
            ..JoinArgs::new(JoinType::Full)
        },
    )
}

/// Per product: the reporter's exports to and imports from the partners, Grubel-Lloyd index
/// `GL = 1 - |X - M| / (X + M)`, and the Balassa RCA of the reporter's exports
/// `RCA = (X_ik / X_i) / (X_wk / X_w)` with the world as all reporters in the input.
pub fn product_detail(d: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let r = || col("country").eq(lit(reporter.to_string()));
    let x = by_product(
        d.clone(),
        r().and(is_x()).and(in_partners(partners)),
        "exports",
    );
    let m = by_product(
        d.clone(),
        r().and(is_m()).and(in_partners(partners)),
        "imports",
    );
    let xi = by_product(d.clone(), r().and(is_x()), "x_ik");
    let xw = by_product(d, is_x(), "x_wk");
    let f0 = |c: &str| col(c).fill_null(lit(0.0));
    full(full(full(x, m), xi), xw)
        .with_columns([
            f0("exports").alias("exports"),
            f0("imports").alias("imports"),
            f0("x_ik").alias("x_ik"),
            f0("x_wk").alias("x_wk"),
        ])
        .with_column(
            when((col("exports") + col("imports")).gt(lit(0.0)))
                .then(
                    lit(1.0)
                        - (col("exports") - col("imports")).abs()
                            / (col("exports") + col("imports")),
                )
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("grubel_lloyd"),
        )
        .with_column(
            when(col("x_wk").gt(lit(0.0)).and(col("x_ik").sum().gt(lit(0.0))))
                .then((col("x_ik") / col("x_ik").sum()) / (col("x_wk") / col("x_wk").sum()))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("rca"),
        )
        .filter(
            col("exports")
                .gt(lit(0.0))
                .or(col("imports").gt(lit(0.0)))
                .or(col("x_ik").gt(lit(0.0))),
        )
        .sort(["product"], SortMultipleOptions::default())
        .select([
            col("product"),
            col("exports"),
            col("imports"),
            col("grubel_lloyd"),
            col("rca"),
        ])
}

/// Herfindahl-Hirschman index of a value column's shares: `H = sum s_k^2` and the normalised
/// `H* = (H - 1/N) / (1 - 1/N)` (empty when N = 1). Returns one row: `hhi`, `hhi_normalised`, `n`.
pub fn hhi(values: LazyFrame, value: &str) -> LazyFrame {
    let v = col(value);
    values
        .filter(v.clone().gt(lit(0.0)))
        .select([
            ((v.clone() / v.clone().sum()).pow(2)).sum().alias("hhi"),
            v.count().cast(DataType::Float64).alias("n"),
        ])
        .with_column(
            when(col("n").gt(lit(1.0)))
                .then((col("hhi") - lit(1.0) / col("n")) / (lit(1.0) - lit(1.0) / col("n")))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("hhi_normalised"),
        )
}

/// The columns of [`indicators`], in order.
pub const INDICATORS: [&str; 17] = [
    "x_ij",
    "m_ij",
    "x_i",
    "m_i",
    "x_w",
    "m_j",
    "m_w",
    "export_share",
    "import_share",
    "products_exported",
    "hhi_products_exports",
    "hhi_products_exports_normalised",
    "hhi_partners_exports",
    "hhi_partners_exports_normalised",
    "trade_intensity",
    "trade_complementarity",
    "grubel_lloyd_aggregate",
];

/// Scalar indicators for a reporter and its partners in one year: one row with the columns of
/// [`INDICATORS`]. See the README for each formula and denominator.
pub fn indicators(d: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    // Every indicator reads the same declared flows: compute them once.
    let d = d.cache();
    let r = || col("country").eq(lit(reporter.to_string()));
    let sum_of = |filter: Expr, name: &str| {
        d.clone()
            .filter(filter)
            .select([col("value").sum().alias(name)])
    };
    let x_ij = sum_of(r().and(is_x()).and(in_partners(partners)), "x_ij");
    let m_ij = sum_of(r().and(is_m()).and(in_partners(partners)), "m_ij");
    let x_i = sum_of(r().and(is_x()), "x_i");
    let m_i = sum_of(r().and(is_m()), "m_i");
    let x_w = sum_of(is_x(), "x_w");
    // Partner imports (as declared by the partners, or reconciled).
    let partner_country = match partners {
        Partners::World => col("country").neq(lit(reporter.to_string())),
        Partners::Some(list) => col("country").is_in(set(list), false),
    };
    let m_j = sum_of(partner_country.clone().and(is_m()), "m_j");
    let m_w = sum_of(is_m(), "m_w");
    let prod_x = d
        .clone()
        .filter(r().and(is_x()).and(in_partners(partners)))
        .group_by([col("product")])
        .agg([col("value").sum()]);
    let partner_of = |c: &str| {
        d.clone()
            .filter(r().and(col("dir").eq(lit(c.to_string()))))
            .group_by([col("partner")])
            .agg([col("value").sum()])
    };
    let hx = hhi(prod_x.clone(), "value").select([
        col("hhi").alias("hhi_products_exports"),
        col("hhi_normalised").alias("hhi_products_exports_normalised"),
        col("n").alias("products_exported"),
    ]);
    let hp = hhi(
        partner_of("x").filter(col("partner").neq(lit(WORLD))),
        "value",
    )
    .select([
        col("hhi").alias("hhi_partners_exports"),
        col("hhi_normalised").alias("hhi_partners_exports_normalised"),
    ]);
    // Trade complementarity: 100 * (1 - sum_k |m_jk - x_ik| / 2) with shares of each total.
    let xs = d
        .clone()
        .filter(r().and(is_x()))
        .group_by([col("product")])
        .agg([col("value").sum().alias("xk")]);
    let ms = d
        .clone()
        .filter(partner_country.and(is_m()))
        .group_by([col("product")])
        .agg([col("value").sum().alias("mk")]);
    let tc = full(xs, ms)
        .with_columns([col("xk").fill_null(lit(0.0)), col("mk").fill_null(lit(0.0))])
        .select([when(
            col("xk")
                .sum()
                .gt(lit(0.0))
                .and(col("mk").sum().gt(lit(0.0))),
        )
        .then(
            lit(100.0)
                * (lit(1.0)
                    - (col("mk") / col("mk").sum() - col("xk") / col("xk").sum())
                        .abs()
                        .sum()
                        / lit(2.0)),
        )
        .otherwise(lit(NULL).cast(DataType::Float64))
        .alias("trade_complementarity")]);
    let gl = product_detail(d.clone(), reporter, partners).select([when(
        (col("exports") + col("imports")).sum().gt(lit(0.0)),
    )
    .then(
        ((col("exports") + col("imports")) - (col("exports") - col("imports")).abs()).sum()
            / (col("exports") + col("imports")).sum(),
    )
    .otherwise(lit(NULL).cast(DataType::Float64))
    .alias("grubel_lloyd_aggregate")]);
    let parts = [x_ij, m_ij, x_i, m_i, x_w, m_j, m_w, hx, hp, tc, gl];
    let wide = concat_lf_horizontal(parts, HConcatOptions::default()).expect("one-row frames");
    let div = |a: Expr, b: Expr| {
        when(b.clone().gt(lit(0.0)))
            .then(a / b)
            .otherwise(lit(NULL).cast(DataType::Float64))
    };
    let wide = wide.with_columns([
        div(col("x_ij"), col("x_i")).alias("export_share"),
        div(col("m_ij"), col("m_i")).alias("import_share"),
        // Trade intensity: (X_ij / X_i) / (M_j / M_w).
        div(div(col("x_ij"), col("x_i")), div(col("m_j"), col("m_w"))).alias("trade_intensity"),
    ]);
    wide.select(
        INDICATORS
            .iter()
            .map(|n| col(*n).cast(DataType::Float64))
            .collect::<Vec<_>>(),
    )
}

/// Marginal intra-industry trade (Brülhart's B) per product between two years' detail frames
/// from [`product_detail`]: `B = 1 - |dX - dM| / (|dX| + |dM|)`, and the aggregate weighted by
/// `|dX| + |dM|`. Returns per-product rows and a last row with product `ALL`.
pub fn marginal_iit(a: LazyFrame, b: LazyFrame) -> LazyFrame {
    let a = a.select([
        col("product"),
        col("exports").alias("xa"),
        col("imports").alias("ma"),
    ]);
    let b = b.select([
        col("product"),
        col("exports").alias("xb"),
        col("imports").alias("mb"),
    ]);
    let j = full(a, b)
        .with_columns([
            (col("xb").fill_null(lit(0.0)) - col("xa").fill_null(lit(0.0))).alias("dx"),
            (col("mb").fill_null(lit(0.0)) - col("ma").fill_null(lit(0.0))).alias("dm"),
        ])
        .with_column((col("dx").abs() + col("dm").abs()).alias("w"));
    let per = j
        .clone()
        .filter(col("w").gt(lit(0.0)))
        .select([
            col("product"),
            col("dx"),
            col("dm"),
            (lit(1.0) - (col("dx") - col("dm")).abs() / col("w")).alias("b"),
        ])
        .sort(["product"], SortMultipleOptions::default());
    let total = j.filter(col("w").gt(lit(0.0))).select([
        lit("ALL").alias("product"),
        col("dx").sum(),
        col("dm").sum(),
        ((col("w") - (col("dx") - col("dm")).abs()).sum() / col("w").sum()).alias("b"),
    ]);
    concat([per, total], UnionArgs::default()).expect("same schema")
}

/// Unit values (value / quantity) of the reporter's exports and imports per product and unit.
pub fn unit_values(d: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    d.filter(
        col("country")
            .eq(lit(reporter.to_string()))
            .and(in_partners(partners))
            .and(col("quantity").gt(lit(0.0)))
            .and(col("quantity_unit").is_not_null()),
    )
    .group_by([col("dir"), col("product"), col("quantity_unit")])
    .agg([
        col("value").sum().alias("value"),
        col("quantity").sum().alias("quantity"),
    ])
    .with_column((col("value") / col("quantity")).alias("unit_value"))
    .sort(
        ["dir", "product", "quantity_unit"],
        SortMultipleOptions::default(),
    )
}

/// Mirror statistics: each flow between the reporter and its partners as declared by the
/// exporter (`exporter_value`, FOB) and by the importer (`importer_value`, CIF), with
/// `gap = importer_value - exporter_value * cif_fob` and `gap_pct = gap / (exporter_value *
/// cif_fob)`, per year, ranked by the absolute gap.
pub fn mirror(lf: LazyFrame, reporter: &str, partners: &Partners, cif_fob: f64) -> LazyFrame {
    let base = super::top_level(usable(lf)).filter(col("reconciled").not());
    let r = || lit(reporter.to_string());
    let in_p = |c: &str| match partners {
        Partners::World => col(c).neq(r()).and(col(c).neq(lit(WORLD))),
        Partners::Some(list) => col(c).is_in(set(list), false),
    };
    // Flows between the reporter and its partners, in either direction.
    let between = col("reporter")
        .eq(r())
        .and(in_p("partner"))
        .or(in_p("reporter").and(col("partner").eq(r())));
    // Exporter-declared flows: reporter's exports to partners, partners' exports to reporter.
    let by_exporter = base
        .clone()
        .filter(col("flow").eq(lit(flow::EXPORT)).and(between.clone()))
        .group_by([
            col("year"),
            col("reporter").alias("exporter"),
            col("partner").alias("importer"),
        ])
        .agg([col("value").sum().alias("exporter_value")]);
    let by_importer = base
        .filter(col("flow").eq(lit(flow::IMPORT)).and(between))
        .group_by([
            col("year"),
            col("partner").alias("exporter"),
            col("reporter").alias("importer"),
        ])
        .agg([col("value").sum().alias("importer_value")]);
    let on = || [col("year"), col("exporter"), col("importer")];
    by_exporter
        .join(
            by_importer,
            on(),
            on(),
            JoinArgs {
                coalesce: JoinCoalesce::CoalesceColumns,
                ..JoinArgs::new(JoinType::Full)
            },
        )
        .with_column((col("importer_value") - col("exporter_value") * lit(cif_fob)).alias("gap"))
        .with_column(
            when(col("exporter_value").gt(lit(0.0)))
                .then(col("gap") / (col("exporter_value") * lit(cif_fob)))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("gap_pct"),
        )
        .sort_by_exprs(
            [
                col("gap").abs(),
                col("year"),
                col("exporter"),
                col("importer"),
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false, false, false])
                .with_nulls_last(true),
        )
}

/// Mirror statistics for the question (see `indicators::mirror`), refused when no flow is
/// declared by both exporter and importer. `what` and `pair` word the refusal for the command.
pub fn mirror_frame(
    ds: &Dataset,
    q: &Question,
    cif_fob: f64,
    what: &str,
    pair: &str,
) -> Result<DataFrame> {
    if !(cif_fob.is_finite() && cif_fob > 0.0) {
        return Err(Error::Request("--cif-fob must be a positive number".into()));
    }
    let df = ds.collect(
        q.keep_years(mirror(ds.lf.clone(), &q.reporter, &q.partners, cif_fob)),
        "mirror statistics",
    )?;
    let (ev, iv) = (
        crate::frame::floats(&df, "exporter_value")?,
        crate::frame::floats(&df, "importer_value")?,
    );
    if !(0..df.height()).any(|i| ev[i].is_some() && iv[i].is_some()) {
        return Err(Error::Request(format!(
            "{what} needs both sides: no flow of {pair} is declared by both exporter and importer \
             (load both countries' files; BACI rows are already reconciled)"
        )));
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{By, Direction, Ranking, top, top_level};
    use crate::frame::floats;
    use crate::read::layout::ReadOptions;
    use crate::read::{Data, Validation, read_csv};
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    /// Load canonical CSV text through the real reader.
    fn load(csv: String) -> LazyFrame {
        let data = Data::Bytes(Arc::new(csv.into_bytes()));
        read_csv(
            "generated.csv",
            data,
            &ReadOptions::default(),
            Validation::Always,
        )
        .expect("generated CSV loads")
        .0
        // As the CLI does (Dataset::materialise): parse once, then query the table in memory.
        .collect()
        .expect("generated CSV parses")
        .lazy()
    }

    fn sum(lf: LazyFrame) -> f64 {
        let df = lf.select([col("value").sum()]).collect().unwrap();
        floats(&df, "value").unwrap()[0].unwrap_or(0.0)
    }

    /// A consistent hierarchy: HS6 leaves with values, plus (optionally) their HS4 and HS2
    /// parents and a TOTAL, each the sum of its children, for KAZ exports to MEX and imports.
    fn hierarchy(
        leaves: &BTreeMap<String, (u32, u32)>,
        parents: bool,
        total: bool,
    ) -> (String, f64, f64) {
        let mut rows = vec!["year,reporter,partner,flow,product,value".to_string()];
        let (mut tx, mut tm) = (0.0, 0.0);
        let mut agg: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for (code, (x, m)) in leaves {
            rows.push(format!("2020,KAZ,MEX,export,{code},{x}"));
            rows.push(format!("2020,KAZ,MEX,import,{code},{m}"));
            tx += *x as f64;
            tm += *m as f64;
            for k in [2, 4] {
                let e = agg.entry(code[..k].to_string()).or_default();
                e.0 += *x as f64;
                e.1 += *m as f64;
            }
        }
        if parents {
            for (code, (x, m)) in &agg {
                rows.push(format!("2020,KAZ,MEX,export,{code},{x}"));
                rows.push(format!("2020,KAZ,MEX,import,{code},{m}"));
            }
        }
        if total {
            rows.push(format!("2020,KAZ,MEX,export,TOTAL,{tx}"));
            rows.push(format!("2020,KAZ,MEX,import,TOTAL,{tm}"));
        }
        (rows.join("\n") + "\n", tx, tm)
    }

    fn leaves_strategy() -> impl Strategy<Value = BTreeMap<String, (u32, u32)>> {
        prop::collection::btree_map(
            "(0[1-3]|8[45])(0[1-2])(1[0-2])",
            (0u32..1000, 0u32..1000),
            1..12,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn parts_sum_to_totals(leaves in leaves_strategy(), parents: bool, total: bool) {
            let (csv, tx, tm) = hierarchy(&leaves, parents, total);
            let lf = load(csv);
            let exports = lf.clone().filter(col("flow").eq(lit("export")));
            prop_assert_eq!(sum(top_level(exports.clone())), tx);
            prop_assert_eq!(sum(crate::analysis::leaves(exports)), tx);
            let imports = lf.filter(col("flow").eq(lit("import")));
            prop_assert_eq!(sum(top_level(imports)), tm);
        }

        #[test]
        fn shares_rankings_hhi_and_gl_stay_in_range(leaves in leaves_strategy(), parents: bool) {
            let (csv, tx, _) = hierarchy(&leaves, parents, true);
            let lf = load(csv);
            let ranking = Ranking { direction: Direction::Exports, by: By::Product, year: 2020, level: None, n: 0 };
            let ranked = top(lf.clone(), "KAZ", &Partners::Some(vec!["MEX".into()]), ranking)
                .collect()
                .unwrap();
            let values: Vec<f64> = floats(&ranked, "value").unwrap().into_iter().flatten().collect();
            prop_assert!(values.windows(2).all(|w| w[0] >= w[1]));
            if tx > 0.0 {
                let shares: f64 = floats(&ranked, "share").unwrap().into_iter().flatten().sum();
                prop_assert!((shares - 1.0).abs() < 1e-9);
                let cum = floats(&ranked, "cumulative_share").unwrap();
                prop_assert!((cum.last().unwrap().unwrap() - 1.0).abs() < 1e-9);
            }
            let d = declared(lf, 2020, None);
            let detail = product_detail(d.clone(), "KAZ", &Partners::Some(vec!["MEX".into()]))
                .collect().unwrap();
            for gl in floats(&detail, "grubel_lloyd").unwrap().into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&gl));
            }
            let ind = indicators(d, "KAZ", &Partners::Some(vec!["MEX".into()])).collect().unwrap();
            let n = floats(&ind, "products_exported").unwrap()[0];
            if let (Some(h), Some(n)) = (floats(&ind, "hhi_products_exports").unwrap()[0], n) {
                prop_assert!(h >= 1.0 / n - 1e-12 && h <= 1.0 + 1e-12, "H = {} N = {}", h, n);
            }
            if let Some(g) = floats(&ind, "grubel_lloyd_aggregate").unwrap()[0] {
                prop_assert!((0.0..=1.0 + 1e-12).contains(&g));
            }
        }
    }

    #[test]
    fn hhi_of_equal_shares_is_one_over_n() {
        let df = df!("v" => [5.0, 5.0, 5.0, 5.0]).unwrap();
        let out = hhi(df.lazy(), "v").collect().unwrap();
        assert_eq!(floats(&out, "hhi").unwrap()[0], Some(0.25));
        assert_eq!(floats(&out, "hhi_normalised").unwrap()[0], Some(0.0));
        let one = df!("v" => [7.0]).unwrap();
        let out = hhi(one.lazy(), "v").collect().unwrap();
        assert_eq!(floats(&out, "hhi").unwrap()[0], Some(1.0));
        // One product: the normalised index is undefined and left empty, not NaN.
        assert_eq!(floats(&out, "hhi_normalised").unwrap()[0], None);
    }
}
