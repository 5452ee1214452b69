//! What is in a set of inputs: layout, rows, years, countries, flows, product levels, units,
//! unresolved codes and the aggregate rows that would double count if summed naively.

use polars::prelude::*;

use crate::analysis::notes::plural;
use crate::error::Result;
use crate::frame::{floats, ints, strings};
use crate::load::{Dataset, derive_directions};
use crate::read::layout::Layout;
use crate::reference::countries;
use crate::schema::{self, TOTAL, WORLD};

/// Counts of something, most frequent first (ties by name).
pub type Counts = Vec<(String, u64)>;

/// What `inspect` found in one input file.
#[derive(Debug, Clone, Default)]
pub struct FileStats {
    pub path: String,
    pub layout: String,
    pub rows: u64,
    pub years: Vec<i64>,
    pub reporters: Counts,
    pub partners: Counts,
    pub flows: Counts,
    /// Product levels: "0 (TOTAL)", "2", "4", "6", "custom".
    pub levels: Counts,
    pub classifications: Counts,
    /// Per currency: rows and the sum of values.
    pub currencies: Vec<(String, u64, f64)>,
    pub quantity_units: Counts,
    /// Codes not in the country table, with the column they are in and their row count.
    pub unresolved: Vec<(String, String, u64)>,
    /// Aggregate rows by kind (partner World, product TOTAL, partner2, mode, customs,
    /// a code whose parent code is also present).
    pub aggregates: Counts,
    /// Rows that are exact duplicates of another row.
    pub duplicates: u64,
    /// Rows whose value is empty.
    pub missing_values: u64,
    /// Rows derived by tradestat (e.g. imports from turnover and exports).
    pub derived: u64,
    /// Domestic flows (a country's trade with itself), per currency: rows and the sum of
    /// values. The analyses leave them out unless `--keep-domestic`.
    pub domestic: Vec<(String, u64, f64)>,
    pub warnings: Vec<String>,
}

fn counts(df: &DataFrame, key: &str) -> Result<Counts> {
    let keys = strings(df, key)?;
    let n = ints(df, "n")?;
    let mut out: Counts = keys
        .into_iter()
        .zip(n)
        .map(|(k, n)| (k.unwrap_or_else(|| "(empty)".into()), n.unwrap_or(0) as u64))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

fn count_by(ds: &Dataset, lf: &LazyFrame, key: Expr) -> Result<Counts> {
    let df = ds.collect(
        lf.clone()
            .group_by([key.alias("k")])
            .agg([len().alias("n")]),
        "counts",
    )?;
    counts(&df, "k")
}

/// Rows whose product code's parent (the code two digits shorter) is present in the same year,
/// month, reporter, partner and flow: summing both counts the trade twice.
fn parent_present(lf: &LazyFrame) -> LazyFrame {
    let keys = ["year", "month", "reporter", "partner", "flow"];
    let coded = lf.clone().filter(
        col("product_level")
            .gt(lit(2))
            .and(col("product_level").lt_eq(lit(12))),
    );
    let children = coded.with_column(
        col("product")
            .str()
            .head(col("product_level") - lit(2))
            .alias("parent"),
    );
    let parents = lf
        .clone()
        .select(
            keys.iter()
                .map(|k| col(*k))
                .chain([col("product").alias("parent")])
                .collect::<Vec<_>>(),
        )
        .unique(None, UniqueKeepStrategy::Any);
    let on: Vec<Expr> = keys
        .iter()
        .map(|k| col(*k))
        .chain([col("parent")])
        .collect();
    children.join(
        parents,
        on.clone(),
        on,
        JoinArgs {
            nulls_equal: true,
            ..JoinArgs::new(JoinType::Semi)
        },
    )
}

/// Statistics for every input of the dataset.
pub fn inspect(ds: &Dataset) -> Result<Vec<FileStats>> {
    let mut out = Vec::new();
    for (info, part) in ds.files.iter().zip(&ds.parts) {
        // A dozen questions are asked of each file below: parse it once when it fits in memory
        // (as a question's dataset does, see `Dataset::materialise`), else let each one scan.
        // Parquet is already typed and columnar: scanned as it is.
        let in_memory =
            !info.variant.starts_with("parquet") && info.size() <= crate::load::materialise_bytes();
        let part = if in_memory {
            ds.collect(part.clone(), "the rows")?.lazy()
        } else {
            part.clone()
        };
        let part = &part;
        let lf = if matches!(info.layout, Layout::Canonical | Layout::Mapped) {
            derive_directions(part.clone())
        } else {
            part.clone()
        };
        let mut s = FileStats {
            path: info.path.clone(),
            layout: format!("{} ({})", info.layout.name(), info.variant),
            warnings: info.warnings.clone(),
            ..FileStats::default()
        };
        let base = ds.collect(
            lf.clone().select([
                len().alias("rows"),
                col("derived").cast(DataType::UInt32).sum().alias("derived"),
                col("value").null_count().alias("missing"),
            ]),
            "row counts",
        )?;
        s.rows = ints(&base, "rows")?[0].unwrap_or(0) as u64;
        s.derived = ints(&base, "derived")?[0].unwrap_or(0) as u64;
        s.missing_values = ints(&base, "missing")?[0].unwrap_or(0) as u64;
        let years = ds.collect(
            lf.clone()
                .select([col("year")])
                .unique(None, UniqueKeepStrategy::Any)
                .sort(["year"], SortMultipleOptions::default()),
            "years",
        )?;
        s.years = ints(&years, "year")?.into_iter().flatten().collect();
        s.reporters = count_by(ds, &lf, col("reporter"))?;
        s.partners = count_by(ds, &lf, col("partner"))?;
        s.flows = count_by(ds, &lf, col("flow"))?;
        let level = when(col("product_level").eq(lit(0)))
            .then(lit("0 (TOTAL)"))
            .otherwise(
                col("product_level")
                    .cast(DataType::String)
                    .fill_null(lit("custom")),
            );
        s.levels = count_by(ds, &lf, level)?;
        s.classifications = count_by(ds, &lf, col("classification"))?;
        s.quantity_units = count_by(
            ds,
            &lf.clone().filter(col("quantity_unit").is_not_null()),
            col("quantity_unit"),
        )?;
        let cur = ds.collect(
            lf.clone()
                .group_by([col("currency")])
                .agg([len().alias("n"), col("value").sum().alias("total")])
                .sort(["currency"], SortMultipleOptions::default()),
            "totals",
        )?;
        let (names, ns, totals) = (
            strings(&cur, "currency")?,
            ints(&cur, "n")?,
            floats(&cur, "total")?,
        );
        for i in 0..names.len() {
            s.currencies.push((
                names[i].clone().unwrap_or_default(),
                ns[i].unwrap_or(0) as u64,
                totals[i].unwrap_or(0.0),
            ));
        }
        let dom = ds.collect(
            crate::analysis::domestic_left_out(lf.clone()),
            "domestic flows",
        )?;
        let (c, n, v) = (
            strings(&dom, "currency")?,
            ints(&dom, "rows")?,
            floats(&dom, "value")?,
        );
        for i in 0..dom.height() {
            s.domestic.push((
                c[i].clone().unwrap_or_default(),
                n[i].unwrap_or(0) as u64,
                v[i].unwrap_or(0.0),
            ));
        }
        let table = countries();
        for column in ["reporter", "partner", "partner2"] {
            for (code, n) in count_by(
                ds,
                &lf.clone().filter(col(column).is_not_null()),
                col(column),
            )? {
                if !table.is_known(&code) {
                    s.unresolved.push((column.to_string(), code, n));
                }
            }
        }
        let agg = ds.collect(
            lf.clone().select([
                col("partner")
                    .eq(lit(WORLD))
                    .cast(DataType::UInt32)
                    .sum()
                    .alias("partner World"),
                col("product")
                    .eq(lit(TOTAL))
                    .cast(DataType::UInt32)
                    .sum()
                    .alias("product TOTAL"),
                (col("partner2")
                    .is_not_null()
                    .and(col("partner2").neq(lit(WORLD))))
                .cast(DataType::UInt32)
                .sum()
                .alias("partner2 breakdown (not World)"),
                (col("transport_mode")
                    .is_not_null()
                    .and(col("transport_mode").neq(lit("0"))))
                .cast(DataType::UInt32)
                .sum()
                .alias("transport mode breakdown (not 0)"),
                (col("customs_procedure")
                    .is_not_null()
                    .and(col("customs_procedure").neq(lit("C00"))))
                .cast(DataType::UInt32)
                .sum()
                .alias("customs procedure breakdown (not C00)"),
            ]),
            "aggregate rows",
        )?;
        for name in agg.get_column_names() {
            let n = ints(&agg, name.as_str())?[0].unwrap_or(0) as u64;
            if n > 0 {
                s.aggregates.push((name.to_string(), n));
            }
        }
        let pp = ds.collect(
            parent_present(&lf).select([len().alias("n")]),
            "code hierarchy",
        )?;
        let n = ints(&pp, "n")?[0].unwrap_or(0) as u64;
        if n > 0 {
            s.aggregates
                .push(("code whose parent code is also present".into(), n));
        }
        let all: Vec<Expr> = schema::COLUMNS.iter().map(|c| col(*c)).collect();
        let dup = ds.collect(
            lf.clone()
                .group_by(all)
                .agg([len().alias("n")])
                .filter(col("n").gt(lit(1)))
                .select([(col("n") - lit(1)).sum().alias("n")]),
            "duplicates",
        )?;
        s.duplicates = ints(&dup, "n")?.first().copied().flatten().unwrap_or(0) as u64;
        if s.duplicates > 0 {
            s.warnings.push(format!(
                "{}: {} row(s) repeat another row exactly; they are kept, check whether the file was concatenated twice",
                s.path, s.duplicates
            ));
        }
        let levels: Vec<&str> = s
            .levels
            .iter()
            .map(|(l, _)| l.as_str())
            .filter(|l| *l != "custom")
            .collect();
        if levels.len() > 1 {
            let mut l = levels.clone();
            l.sort();
            s.warnings.push(format!(
                "{}: product levels {} are mixed; summing all rows double counts, so summaries use one level",
                s.path,
                l.join(", ")
            ));
        }
        if !s.unresolved.is_empty() {
            // A code is counted once however many columns it is in; a row once however many
            // of its columns hold unknown codes.
            let mut codes: Vec<&str> = s.unresolved.iter().map(|u| u.1.as_str()).collect();
            codes.sort();
            codes.dedup();
            let unknown = |c: &str| {
                let c = lit(c.to_string());
                col("reporter")
                    .eq(c.clone())
                    .or(col("partner").eq(c.clone()))
                    .or(col("partner2").eq(c))
            };
            let any = codes
                .iter()
                .map(|c| unknown(c))
                .reduce(|a, b| a.or(b))
                .expect("at least one code");
            let rows = ds.collect(
                lf.clone()
                    .filter(any)
                    .select([len().cast(DataType::Int64).alias("n")]),
                "rows with unknown codes",
            )?;
            let rows = ints(&rows, "n")?[0].unwrap_or(0).unsigned_abs();
            s.warnings.push(format!(
                "{}: {} in {} {} not in the country table; {} kept as written",
                s.path,
                plural(codes.len() as u64, "country code", "country codes"),
                plural(rows, "row", "rows"),
                if codes.len() == 1 { "is" } else { "are" },
                if codes.len() == 1 {
                    "it is"
                } else {
                    "they are"
                },
            ));
        }
        let domestic: u64 = s.domestic.iter().map(|d| d.1).sum();
        if domestic > 0 {
            s.warnings.push(format!(
                "{}: {domestic} row(s) are domestic flows (exporter = importer, a country's trade \
                 with itself); the analyses leave them out of international figures and say so, \
                 --keep-domestic counts them",
                s.path
            ));
        }
        if s.currencies.len() > 1 {
            s.warnings.push(format!(
                "{}: values are in several currencies; summaries refuse to add them",
                s.path
            ));
        }
        out.push(s);
    }
    Ok(out)
}

/// The rows of the dataset, sorted, for showing the seed data with its citations.
pub fn rows(ds: &Dataset) -> Result<DataFrame> {
    ds.collect(
        ds.lf.clone().sort(
            ["year", "reporter", "partner", "flow", "product"],
            SortMultipleOptions::default().with_nulls_last(true),
        ),
        "rows",
    )
}
