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
/// `m` imports), `partner`, `product`, `value`, `quantity`, `quantity_unit`, `rec` (a
/// reconciled row: the exporter's export and the importer's import at once). Products at their
/// leaves, or at exactly `level` digits. For each country and direction, partner `WLD` rows are
/// used where present, else the sum over partners, never both.
pub fn declared(lf: LazyFrame, year: i32, level: Option<i32>) -> LazyFrame {
    // The year is one of the rules' group keys: filtered first, the rules see one year's rows.
    let base = usable(lf.filter(col("year").eq(lit(year)))).filter(col("product_level").gt(lit(0)));
    let base = match level {
        Some(l) => base.filter(col("product_level").eq(lit(l))),
        None => leaves(base),
    };
    declared_rows(base)
}

/// Declared flows in one year as [`declared`] gives them, over the top-level codes (`TOTAL`
/// where the data has it, else the shortest code of each branch): each flow once, whether or
/// not the data details products. The aggregate indicators are computed from these.
pub fn declared_totals(lf: LazyFrame, year: i32) -> LazyFrame {
    declared_rows(super::top_level(usable(
        lf.filter(col("year").eq(lit(year))),
    )))
}

fn declared_rows(base: LazyFrame) -> LazyFrame {
    let side = |keep: Expr, country: &str, dir: &str, partner: &str| {
        base.clone().filter(keep).select([
            col(country).alias("country"),
            lit(dir.to_string()).alias("dir"),
            col(partner).alias("partner"),
            col("product"),
            col("value"),
            col("quantity"),
            col("quantity_unit"),
            col("reconciled").alias("rec"),
        ])
    };
    let x = side(
        col("flow").eq(lit(flow::EXPORT)),
        "reporter",
        "x",
        "partner",
    );
    let m_own = side(
        col("flow")
            .eq(lit(flow::IMPORT))
            .and(col("reconciled").not()),
        "reporter",
        "m",
        "partner",
    );
    let m_rec = side(
        col("flow").eq(lit(flow::EXPORT)).and(col("reconciled")),
        "partner",
        "m",
        "reporter",
    );
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
            // Nothing to be concentrated over: no index (not 0).
            when(v.clone().count().gt(lit(0)))
                .then(((v.clone() / v.clone().sum()).pow(2)).sum())
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("hhi"),
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

/// The indicators that need product detail: without it (a file of totals), they are not
/// computed and [`indicator_notes`] says so.
pub const PRODUCT_LEVEL: [&str; 4] = [
    "products_exported",
    "hhi_products_exports",
    "hhi_products_exports_normalised",
    "trade_complementarity",
];

/// Scalar indicators for a reporter and its partners in one year: one row with the columns of
/// [`INDICATORS`], then `_detail` (whether the reporter's exports and imports with the partners
/// are detailed by product) and `_gl_totals` (whether the aggregate Grubel-Lloyd index was
/// computed from totals). See the README for each formula and denominator.
///
/// `totals` ([`declared_totals`]) gives the aggregates (flows, shares, intensity, partner
/// concentration, and the aggregate Grubel-Lloyd index when products are not detailed);
/// `detail` ([`declared`]) the product-level indicators. A flow is known when rows carry it or
/// its declarer is in the data (see [`crate::analysis::known_sides`]); an unknown flow, and
/// every indicator that needs it, is empty, never zero.
pub fn indicators(
    totals: LazyFrame,
    detail: LazyFrame,
    reporter: &str,
    partners: &Partners,
) -> LazyFrame {
    // Every indicator reads the same declared flows: compute them once.
    let t = totals.cache();
    let d = detail.cache();
    let r = || col("country").eq(lit(reporter.to_string()));
    let rec = || col("rec");
    // A sum and the number of rows it adds (`n_` + name).
    let sum_of = |lf: &LazyFrame, filter: Expr, name: &str| {
        lf.clone().filter(filter).select([
            col("value").sum().alias(name),
            len().alias(format!("n_{name}")),
        ])
    };
    let count = |lf: &LazyFrame, filter: Expr, name: &str| {
        lf.clone().filter(filter).select([len().alias(name)])
    };
    // Partner imports (as declared by the partners, or reconciled).
    let partner_country = match partners {
        Partners::World => col("country").neq(lit(reporter.to_string())),
        Partners::Some(list) => col("country").is_in(set(list), false),
    };
    let x_ij = sum_of(&t, r().and(is_x()).and(in_partners(partners)), "x_ij");
    let m_ij = sum_of(&t, r().and(is_m()).and(in_partners(partners)), "m_ij");
    let x_i = sum_of(&t, r().and(is_x()), "x_i");
    let m_i = sum_of(&t, r().and(is_m()), "m_i");
    let x_w = sum_of(&t, is_x(), "x_w");
    let m_j = sum_of(&t, partner_country.clone().and(is_m()), "m_j");
    let m_w = sum_of(&t, is_m(), "m_w");
    // Who declares: the reporter its own imports; the partners (or, for the world, any other
    // country) their exports as reconciled rows, which are the reporter's imports from them.
    let own_m = count(&t, r().and(is_m()).and(rec().not()), "_own_m");
    let rec_j = count(&t, partner_country.clone().and(is_x()).and(rec()), "_rec_j");
    let rec_other = count(&t, r().not().and(is_x()).and(rec()), "_rec_other");
    let prod_x = d
        .clone()
        .filter(r().and(is_x()).and(in_partners(partners)))
        .group_by([col("product")])
        .agg([col("value").sum()]);
    let partner_of = |c: &str| {
        t.clone()
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
    // Product detail of both sides with the partners: the reporter's exports, its imports.
    let detail_x = count(&d, r().and(is_x()).and(in_partners(partners)), "_dx");
    let detail_m = count(&d, r().and(is_m()).and(in_partners(partners)), "_dm");
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
    .alias("_gl_products")]);
    let parts = [
        x_ij, m_ij, x_i, m_i, x_w, m_j, m_w, own_m, rec_j, rec_other, hx, hp, detail_x, detail_m,
        tc, gl,
    ];
    let wide = concat_lf_horizontal(parts, HConcatOptions::default()).expect("one-row frames");
    let null_f = || lit(NULL).cast(DataType::Float64);
    let has = |c: &str| col(c).gt(lit(0));
    let known = |name: &str, when_known: Expr| {
        when(when_known)
            .then(col(name))
            .otherwise(null_f())
            .alias(name)
    };
    let exports_known = || has("n_x_i");
    let wide = wide.with_columns([
        known("x_ij", exports_known()),
        known("x_i", exports_known()),
        known("m_ij", has("n_m_ij").or(has("_own_m")).or(has("_rec_j"))),
        known("m_i", has("n_m_i").or(has("_own_m")).or(has("_rec_other"))),
        known("x_w", has("n_x_w")),
        known("m_j", has("n_m_j")),
        known("m_w", has("n_m_w")),
        // The reporter's exports and imports with the partners both detailed by product.
        has("_dx").and(has("_dm")).alias("_detail"),
    ]);
    let div = |a: Expr, b: Expr| when(b.clone().gt(lit(0.0))).then(a / b).otherwise(null_f());
    // Without product detail of both sides, the aggregate Grubel-Lloyd index is computed over
    // the total exports and imports: sum(X+M-|X-M|)/sum(X+M) with one term.
    let gl_totals = (col("x_ij") + col("m_ij") - (col("x_ij") - col("m_ij")).abs())
        / (col("x_ij") + col("m_ij"));
    let wide = wide.with_columns([
        div(col("x_ij"), col("x_i")).alias("export_share"),
        div(col("m_ij"), col("m_i")).alias("import_share"),
        // Trade intensity: (X_ij / X_i) / (M_j / M_w).
        div(div(col("x_ij"), col("x_i")), div(col("m_j"), col("m_w"))).alias("trade_intensity"),
        when(col("_detail"))
            .then(col("_gl_products"))
            .when((col("x_ij") + col("m_ij")).gt(lit(0.0)))
            .then(gl_totals)
            .otherwise(null_f())
            .alias("grubel_lloyd_aggregate"),
        col("_detail")
            .not()
            .and((col("x_ij") + col("m_ij")).gt(lit(0.0)))
            .alias("_gl_totals"),
        // Product-level indicators need the reporter's exports detailed by product.
        when(has("_dx"))
            .then(col("products_exported"))
            .otherwise(null_f())
            .alias("products_exported"),
    ]);
    wide.select(
        INDICATORS
            .iter()
            .map(|n| col(*n).cast(DataType::Float64))
            .chain([col("_detail"), col("_gl_totals")])
            .collect::<Vec<_>>(),
    )
}

/// Why indicators of a row of [`indicators`] are empty, and how the aggregate Grubel-Lloyd
/// index was computed, in words for the reader: `get` reads an indicator, `detail` and
/// `gl_totals` are the row's `_detail` and `_gl_totals`; `who` names the reporter and `with`
/// the partners ("Botswana", "the world").
pub fn indicator_notes(
    get: &dyn Fn(&str) -> Option<f64>,
    detail: bool,
    gl_totals: bool,
    who: &str,
    with: &str,
) -> Vec<String> {
    let mut notes = Vec::new();
    let empty = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| get(n).is_none())
            .map(|n| n.to_string())
            .collect()
    };
    if get("x_i").is_none() {
        notes.push(format!(
            "not computed: {} need {who}'s exports, which are not in the data",
            empty(&["x_ij", "x_i", "export_share", "trade_intensity"]).join(", ")
        ));
    }
    if get("m_ij").is_none() {
        let mut names = empty(&["m_ij", "import_share"]);
        if !gl_totals && get("grubel_lloyd_aggregate").is_none() {
            names.push("grubel_lloyd_aggregate".into());
        }
        notes.push(format!(
            "not computed: {} need {who}'s imports from {with}, which are not in the data",
            names.join(", ")
        ));
    }
    let product_level = empty(&PRODUCT_LEVEL);
    if !detail && !product_level.is_empty() && get("x_i").is_some() {
        notes.push(format!(
            "not computed: {} need product detail, and the data gives {who}'s trade with {with} \
             as totals only (or one side only)",
            product_level.join(", ")
        ));
    }
    if gl_totals {
        notes.push(
            "grubel_lloyd_aggregate is computed from total exports and imports (no product \
             detail): 1 - |X - M| / (X + M), an upper bound of the index over products"
                .into(),
        );
    }
    if get("m_j").is_none() && get("x_i").is_some() {
        let whose = if with == "the world" {
            "the other countries".to_string()
        } else {
            with.to_string()
        };
        notes.push(format!(
            "not computed: trade_intensity needs the imports of {whose}, which are not in the data"
        ));
    }
    notes
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
    let base = super::top_level(usable(super::involving(lf, reporter, partners)))
        .filter(col("reconciled").not());
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
            let d = declared(lf.clone(), 2020, None);
            let detail = product_detail(d.clone(), "KAZ", &Partners::Some(vec!["MEX".into()]))
                .collect().unwrap();
            for gl in floats(&detail, "grubel_lloyd").unwrap().into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&gl));
            }
            let ind = indicators(declared_totals(lf, 2020), d, "KAZ", &Partners::Some(vec!["MEX".into()])).collect().unwrap();
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
