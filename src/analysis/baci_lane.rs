//! The fast lane for exporter-to-importer records (CEPII BACI, as CSV or as Parquet written by
//! `convert --keep-layout`): typed columns, only the columns a question uses, filters pushed
//! into the scan, one streaming scan per command, and codes turned into names only on the
//! aggregated result.
//!
//! BACI rows are reconciled flows: one row is at once the exporter's export and the importer's
//! import, every product at HS6, with no aggregates, breakdowns or months. What the general
//! engine does to avoid double counting (usable rows, top-level and leaf codes, the World rule)
//! therefore reduces to plain sums here. The integration tests check that both engines give the
//! same figures on the real BACI extract.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

use crate::analysis::Direction;
use crate::analysis::answers::{
    Answer, Pair, Reporter, concentration_of, int_set, keep_years, latest, rank_partners,
    with_chapter_names,
};
use crate::analysis::coverage::Facts;
use crate::error::{Error, Result};
use crate::load::Dataset;
use crate::read::baci_rows::{self, Columns, Row};
use crate::read::{self, BaciSource, baci, layout::Layout};
use crate::reference::countries;
use crate::schema::WORLD;

/// The inputs of a dataset as one typed frame of flows: `year`, `i` (exporter code), `j`
/// (importer code), `k` (product code as a number), `v` (US dollars).
pub struct BaciLane<'a> {
    ds: &'a Dataset,
    sources: Vec<BaciSource>,
    /// Country code -> canonical code, from our table, then the BACI code tables given.
    names: HashMap<i32, String>,
    /// Six-digit product code -> name, from the BACI product tables given.
    products: HashMap<String, String>,
}

/// The six-digit product code (BACI drops the leading zero: 71120 is 071120).
fn product() -> Expr {
    baci::product_code_of_number(col(baci::PRODUCT))
}

/// `value` where `n > 0`, else empty: a direction without rows has no figure.
fn known(value: Expr, n: Expr) -> Expr {
    when(n.gt(lit(0)))
        .then(value)
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Per year: exports (`_dir` = x), imports (m), turnover and balance (both known), as the
/// general engine's summary defines them. `sides` has, per year, whether each side is known
/// without rows (`_kx`, `_km`: its declarer, an exporter, is in the data; see
/// [`crate::analysis::known_sides`]).
fn per_year(rows: LazyFrame, sides: DataFrame) -> LazyFrame {
    let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
    let kx = || col("nx").gt(lit(0)).or(col("_kx"));
    let km = || col("nm").gt(lit(0)).or(col("_km"));
    let both = || kx().and(km());
    let null_f = || lit(NULL).cast(DataType::Float64);
    rows.filter(col("v").is_not_null())
        .group_by([col("year")])
        .agg([
            col("v").filter(dir("x")).sum().alias("x"),
            col("v").filter(dir("m")).sum().alias("m"),
            dir("x").cast(DataType::UInt32).sum().alias("nx"),
            dir("m").cast(DataType::UInt32).sum().alias("nm"),
        ])
        .join(
            sides.lazy(),
            [col("year")],
            [col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("_kx").fill_null(lit(false)),
            col("_km").fill_null(lit(false)),
        ])
        .select([
            col("year"),
            when(kx())
                .then(col("x"))
                .otherwise(null_f())
                .alias("exports"),
            when(km())
                .then(col("m"))
                .otherwise(null_f())
                .alias("imports"),
            when(both())
                .then(col("x") + col("m"))
                .otherwise(null_f())
                .alias("turnover"),
            when(both())
                .then(col("x") - col("m"))
                .otherwise(null_f())
                .alias("balance"),
        ])
        .sort(["year"], SortMultipleOptions::default())
}

impl<'a> BaciLane<'a> {
    /// The fast lane over `ds` when every input is a BACI file; `None` otherwise (the seed
    /// dataset, other layouts).
    pub fn of(ds: &'a Dataset) -> Result<Option<BaciLane<'a>>> {
        // Harmonised HS codes are the general engine's (the lane reads BACI's own codes).
        if ds.seed
            || ds.files.is_empty()
            || ds.files.iter().any(|f| f.layout != Layout::Baci)
            || ds.options.hs_edition.is_some()
        {
            return Ok(None);
        }
        let sources = ds
            .files
            .iter()
            .map(read::baci_source)
            .collect::<Result<Vec<_>>>()?;
        let mut names = HashMap::new();
        let (old, new) = countries().numeric_pairs();
        for (o, n) in old.iter().zip(new) {
            if let Ok(c) = o.parse::<i32>() {
                names.entry(c).or_insert(n);
            }
        }
        // The BACI tables given among the inputs name the codes our table does not know.
        for (code, iso3) in ds.country_table_pairs() {
            if let Ok(c) = code.parse::<i32>() {
                names.entry(c).or_insert(iso3);
            }
        }
        let products = ds.product_table_pairs().into_iter().collect();
        Ok(Some(BaciLane {
            ds,
            sources,
            names,
            products,
        }))
    }

    /// The canonical code of a country code: our table's, else the code as written.
    pub fn country(&self, code: i32) -> String {
        self.names
            .get(&code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The codes that stand for a canonical country code (several codes may share one, and a
    /// code unknown to the tables stands for itself).
    pub fn codes(&self, canonical: &str) -> Vec<i32> {
        let mut v: Vec<i32> = self
            .names
            .iter()
            .filter(|(_, n)| n.as_str() == canonical)
            .map(|(c, _)| *c)
            .collect();
        if let Ok(c) = canonical.parse::<i32>()
            && !self.names.contains_key(&c)
        {
            v.push(c);
        }
        v.sort();
        v
    }

    /// The raw typed frame (`year`, `i`, `j`, `k`, `v` in thousands, `q`) for `convert`.
    pub fn raw(&self) -> Result<LazyFrame> {
        let parts = self
            .ds
            .files
            .iter()
            .map(read::baci_typed)
            .collect::<Result<Vec<_>>>()?;
        concat(parts, UnionArgs::default()).map_err(Error::polars("cannot combine the inputs"))
    }

    /// The inputs in BACI's own layout, typed (`t`, `i`, `j`, `k` as six-digit text, `v` in
    /// thousands, `q`), for `convert --keep-layout`.
    pub fn layout_frame(&self) -> Result<DataFrame> {
        self.ds.collect(
            self.raw()?.select([
                col("year").alias("t"),
                col("i"),
                col("j"),
                product().alias("k"),
                col("v"),
                col("q"),
            ]),
            "the BACI table",
        )
    }

    /// Run a stage (filters, partial sums) over every input and stack the results: `stage` on
    /// the typed columns `year`, `i`, `j`, `k`, `v` (US dollars) of Parquet files, `csv` (the
    /// same stage over hand-parsed rows) on CSV files.
    ///
    /// When the typed scan fails, the line-by-line checks name the line and column; when they
    /// find nothing wrong (text the checks accept but the typed scan does not), `None` sends the
    /// question to the general engine.
    fn run(
        &self,
        stage: &dyn Fn(LazyFrame) -> LazyFrame,
        csv: &CsvStage,
    ) -> Result<Option<DataFrame>> {
        let typed = |lf: LazyFrame| {
            stage(
                read::baci_columns(lf, false)
                    // v is in thousands of US dollars.
                    .with_column(baci::value(col(baci::VALUE)).alias("v")),
            )
        };
        let mut parts: Vec<DataFrame> = Vec::new();
        for source in &self.sources {
            match source {
                BaciSource::Parquet(lf) => {
                    let done = typed(lf.as_ref().clone())
                        .collect_with_engine(Engine::Streaming)
                        .map(|r| r.unwrap_single());
                    match self.attempt(done)? {
                        Some(df) => parts.push(df),
                        None => return Ok(None),
                    }
                }
                BaciSource::Csv {
                    label,
                    data,
                    schema,
                    separator,
                } => {
                    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
                    let columns = Columns::find(&names).ok_or_else(|| {
                        Error::Request(format!("{label}: not a BACI file (t,i,j,k,v)"))
                    })?;
                    let done = csv(label, data, *separator, &columns)?
                        .ok_or_else(|| PolarsError::ComputeError("not a plain BACI row".into()));
                    match self.attempt(done)? {
                        Some(df) => parts.push(df),
                        None => return Ok(None),
                    }
                }
            }
        }
        if parts.is_empty() {
            // No rows at all: the stage's columns, from an empty typed frame.
            let empty = DataFrame::empty_with_schema(&Schema::from_iter([
                Field::new("t".into(), DataType::Int32),
                Field::new("i".into(), DataType::Int32),
                Field::new("j".into(), DataType::Int32),
                Field::new("k".into(), DataType::Int32),
                Field::new("v".into(), DataType::Float64),
            ]));
            parts.push(
                typed(empty.lazy())
                    .collect()
                    .map_err(Error::polars("cannot read the inputs"))?,
            );
        }
        let lazy: Vec<LazyFrame> = parts.into_iter().map(DataFrame::lazy).collect();
        concat(lazy, UnionArgs::default())
            .and_then(LazyFrame::collect)
            .map(Some)
            .map_err(Error::polars("cannot combine the inputs"))
    }

    fn attempt(&self, done: PolarsResult<DataFrame>) -> Result<Option<DataFrame>> {
        match done {
            Ok(df) => Ok(Some(df)),
            Err(_) => {
                for f in self.ds.files.iter().filter(|f| !f.validated) {
                    read::run_checks(f)?;
                }
                Ok(None)
            }
        }
    }

    /// Replace the country codes in `columns` of a small frame with canonical codes.
    fn named(&self, lf: LazyFrame, columns: &[&str]) -> LazyFrame {
        let (codes, names): (Vec<i32>, Vec<String>) =
            self.names.iter().map(|(c, n)| (*c, n.clone())).unzip();
        let map = |c: &str| {
            col(c)
                .replace_strict(
                    lit(Series::new(PlSmallStr::EMPTY, codes.clone())),
                    lit(Series::new(PlSmallStr::EMPTY, names.clone())),
                    Some(col(c).cast(DataType::String)),
                    Some(DataType::String),
                )
                .alias(c)
        };
        lf.with_columns(columns.iter().map(|c| map(c)).collect::<Vec<_>>())
    }

    /// Notes on the rows of a question: left out for want of a value, and codes not in the
    /// country table. `counts` has `i`, `j` (codes), `n` (rows) and `nv` (rows without value).
    fn notes(&self, counts: &DataFrame) -> Result<Vec<String>> {
        let n = crate::frame::ints(counts, "n")?;
        let nv = crate::frame::ints(counts, "nv")?;
        let mut notes = Vec::new();
        let without: i64 = nv.iter().flatten().sum();
        if without > 0 {
            notes.push(format!(
                "left out {} without a value",
                super::notes::plural(without.unsigned_abs(), "row", "rows")
            ));
        }
        let mut unknown: Vec<(&str, String, u64)> = Vec::new();
        for (column, label) in [("i", "reporter"), ("j", "partner")] {
            let codes = crate::frame::ints(counts, column)?;
            let mut by: std::collections::BTreeMap<i64, i64> = Default::default();
            for (c, n) in codes.iter().zip(&n) {
                if let Some(c) = c
                    && !self.names.contains_key(&(*c as i32))
                {
                    *by.entry(*c).or_default() += n.unwrap_or(0);
                }
            }
            unknown.extend(
                by.iter()
                    .map(|(c, n)| (label, c.to_string(), n.unsigned_abs())),
            );
        }
        notes.extend(super::notes::unknown_codes_note(&unknown));
        Ok(notes)
    }

    /// Row counts by exporter and importer of a collected subset, for [`Flows::notes`].
    fn counts(&self, sub: &DataFrame) -> Result<DataFrame> {
        sub.clone()
            .lazy()
            .group_by([col("i"), col("j")])
            .agg([
                len().cast(DataType::Int64).alias("n"),
                col("v").null_count().cast(DataType::Int64).alias("nv"),
            ])
            .collect()
            .map_err(Error::polars("cannot count the rows"))
    }

    /// Set the domestic flows of `df` apart (exporter and importer the same country once codes
    /// are canonical, as [`crate::analysis::domestic`] says of canonical rows): `df` without
    /// them, unless `--keep-domestic` keeps them, and the note on what was left out. `df` has
    /// `i`, `j` (codes) and `v`, and `n` (rows) when it holds sums.
    fn split_domestic(&self, df: DataFrame) -> Result<(DataFrame, Option<String>)> {
        let is = {
            let i = crate::frame::ints(&df, "i")?;
            let j = crate::frame::ints(&df, "j")?;
            i.iter()
                .zip(&j)
                .map(|(i, j)| match (i, j) {
                    (Some(i), Some(j)) => {
                        let c = self.country(*i as i32);
                        c != WORLD && c == self.country(*j as i32)
                    }
                    _ => false,
                })
                .collect::<BooleanChunked>()
        };
        let dom = df
            .filter(&is)
            .map_err(Error::polars("cannot set the domestic flows apart"))?;
        let rows = if dom.column("n").is_ok() {
            crate::frame::ints(&dom, "n")?.iter().flatten().sum::<i64>() as u64
        } else {
            dom.height() as u64
        };
        let value: f64 = crate::frame::floats(&dom, "v")?.iter().flatten().sum();
        if self.ds.options.keep_domestic {
            return Ok((df, None));
        }
        let note = crate::analysis::notes::domestic_note(rows, &[(baci::CURRENCY.into(), value)]);
        let rest = df
            .filter(&!&is)
            .map_err(Error::polars("cannot set the domestic flows apart"))?;
        Ok((rest, note))
    }

    /// Every country's exports, imports, balance and turnover per year, as
    /// [`crate::analysis::world`] gives them. One scan: flows are summed by (year, exporter,
    /// importer) first, then by country.
    pub fn world(&self, years: Option<&[i32]>) -> Result<Option<Answer<DataFrame>>> {
        let keys = || [col("year"), col("i"), col("j")];
        // Summed by (year, exporter, importer) in each block, then over the blocks.
        let partial = |lf: LazyFrame| {
            keep_years(lf, years).group_by(keys()).agg([
                col("v").sum().alias("v"),
                len().cast(DataType::Int64).alias("n"),
                col("v").null_count().cast(DataType::Int64).alias("nv"),
            ])
        };
        let csv = |label: &str, data: &read::Data, sep: u8, c: &Columns| {
            world_rows(label, data, sep, c, years)
        };
        let Some(partials) = self.run(&partial, &csv)? else {
            return Ok(None);
        };
        let pairs = partials
            .lazy()
            .group_by(keys())
            .agg([col("v").sum(), col("n").sum(), col("nv").sum()])
            .collect()
            .map_err(Error::polars("cannot compute the world table"))?;
        let (pairs, domestic) = self.split_domestic(pairs)?;
        let mut notes = self.notes(&pairs)?;
        notes.extend(domestic);
        // Every country's imports come only from the exporters in the data.
        let (ty, ti, tj) = (
            crate::frame::ints(&pairs, "year")?,
            crate::frame::ints(&pairs, "i")?,
            crate::frame::ints(&pairs, "j")?,
        );
        let (mut exporters, mut every): (BTreeMap<i32, BTreeSet<String>>, BTreeMap<_, _>) =
            Default::default();
        for r in 0..pairs.height() {
            let (Some(y), Some(i), Some(j)) = (ty[r], ti[r], tj[r]) else {
                continue;
            };
            let (i, j) = (self.country(i as i32), self.country(j as i32));
            exporters.entry(y as i32).or_default().insert(i.clone());
            let e: &mut BTreeSet<String> = every.entry(y as i32).or_default();
            e.insert(i);
            e.insert(j);
        }
        for c in [&mut exporters, &mut every] {
            for set in c.values_mut() {
                set.remove(WORLD);
            }
        }
        notes.splice(
            0..0,
            crate::analysis::coverage::world_notes(&exporters, &every),
        );
        let named = self.named(pairs.lazy(), &["i", "j"]);
        let side = |c: &str, name: &str, n: &str| {
            named
                .clone()
                .group_by([col("year"), col(c).alias("country")])
                .agg([
                    col("v").sum().alias(name),
                    (col("n") - col("nv")).sum().alias(n),
                ])
        };
        let keys = || [col("year"), col("country")];
        let both = || col("nx").gt(lit(0)).and(col("nm").gt(lit(0)));
        let null_f = || lit(NULL).cast(DataType::Float64);
        let df = side("i", "x", "nx")
            .join(
                side("j", "m", "nm"),
                keys(),
                keys(),
                JoinArgs {
                    coalesce: JoinCoalesce::CoalesceColumns,
                    ..JoinArgs::new(JoinType::Full)
                },
            )
            .with_columns([col("nx").fill_null(lit(0)), col("nm").fill_null(lit(0))])
            .filter(col("country").neq(lit(WORLD)))
            .select([
                col("year"),
                col("country"),
                known(col("x"), col("nx")).alias("exports"),
                known(col("m"), col("nm")).alias("imports"),
                when(both())
                    .then(col("x") - col("m"))
                    .otherwise(null_f())
                    .alias("balance"),
                when(both())
                    .then(col("x") + col("m"))
                    .otherwise(null_f())
                    .alias("turnover"),
            ])
            .sort_by_exprs(
                [col("year"), col("turnover"), col("country")],
                SortMultipleOptions::default()
                    .with_order_descending_multi([false, true, false])
                    .with_nulls_last(true),
            )
            .collect()
            .map_err(Error::polars("cannot compute the world table"))?;
        Ok(Some(Answer { value: df, notes }))
    }

    /// The rows of a question (`keep` on Parquet frames, `keep_row` on parsed CSV rows), tagged
    /// `_dir` x where `exports` holds and m otherwise, with the flows per year, the latest year,
    /// that year's rows with a value, and the exporters of the data (in `years`) per year.
    /// `sides` tells, from those exporters, which sides are known in each year. Domestic flows
    /// are left out, or with `--keep-domestic` counted for both sides: tagged m once more where
    /// `imports` holds too.
    fn subset(
        &self,
        keep: &dyn Fn(LazyFrame) -> LazyFrame,
        keep_row: &(dyn Fn(&Row) -> bool + Sync),
        (exports, imports): (Expr, Expr),
        years: Option<&[i32]>,
        sides: &dyn Fn(&Exporters) -> Result<DataFrame>,
        reporter: &[i32],
    ) -> Result<Option<Subset>> {
        // One scan gives the rows kept and, as marker rows (`j` = -1), every exporter of
        // each year: a reconciled row is also its importer's import, so an exporter in the
        // data tells that the importers' imports from it are known (zero where it has no row).
        let stage = |lf: LazyFrame| {
            let markers = keep_years(lf.clone(), years)
                .select([col("year"), col("i")])
                .unique(None, UniqueKeepStrategy::Any)
                .with_columns([
                    lit(MARKER).alias("j"),
                    lit(MARKER).alias("k"),
                    lit(NULL).cast(DataType::Float64).alias("v"),
                ]);
            concat(
                [
                    keep(lf).select([col("year"), col("i"), col("j"), col("k"), col("v")]),
                    markers,
                ],
                UnionArgs {
                    to_supertypes: true,
                    ..UnionArgs::default()
                },
            )
            .expect("the same columns")
        };
        let csv = |label: &str, data: &read::Data, sep: u8, c: &Columns| {
            kept_rows(label, data, sep, c, keep_row, years)
        };
        let Some(all) = self.run(&stage, &csv)? else {
            return Ok(None);
        };
        let split = |marker: bool| {
            let is = col("j").eq(lit(MARKER));
            all.clone()
                .lazy()
                .filter(if marker { is } else { is.not() })
                .collect()
                .map_err(Error::polars("cannot read the rows"))
        };
        let (sub, marks) = (split(false)?, split(true)?);
        let exporters = Exporters::of(&marks)?;
        let (sub, domestic) = self.split_domestic(sub)?;
        let mut notes = self.notes(&self.counts(&sub)?)?;
        notes.extend(domestic);
        // The reporter's partners per year, for the coverage notes.
        let mut counterparts: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
        let (ty, ti, tj) = (
            crate::frame::ints(&sub, "year")?,
            crate::frame::ints(&sub, "i")?,
            crate::frame::ints(&sub, "j")?,
        );
        // Distinct (year, code) pairs first, as integers: a country is named once per pair, not
        // once per row kept (W2 keeps about 1.5 million rows of a BACI year).
        let mut pairs: std::collections::HashSet<(i32, i32)> = Default::default();
        for r in 0..sub.height() {
            let (Some(y), Some(i), Some(j)) = (ty[r], ti[r], tj[r]) else {
                continue;
            };
            let other = if reporter.contains(&(i as i32)) { j } else { i };
            pairs.insert((y as i32, other as i32));
        }
        for (y, other) in pairs {
            counterparts
                .entry(y)
                .or_default()
                .insert(self.country(other));
        }
        let sub = sub.lazy();
        let both = sub
            .clone()
            .filter(exports.clone().and(imports))
            .with_column(lit("m").alias("_dir"));
        let rows = concat(
            [
                sub.with_column(
                    when(exports)
                        .then(lit("x"))
                        .otherwise(lit("m"))
                        .alias("_dir"),
                ),
                both,
            ],
            UnionArgs::default(),
        )
        .map_err(Error::polars("cannot tag the flows"))?
        .cache();
        let flows = per_year(rows.clone(), sides(&exporters)?)
            .collect()
            .map_err(Error::polars("cannot compute the flows"))?;
        let year = latest(&flows)?;
        let in_year = rows.filter(
            col("year")
                .eq(lit(year.unwrap_or(i32::MIN)))
                .and(col("v").is_not_null()),
        );
        Ok(Some(Subset {
            flows,
            year,
            in_year,
            notes,
            exporters,
            counterparts,
        }))
    }

    /// The profile of `reporter` against `partner` (canonical codes), top `n` products.
    pub fn pair(
        &self,
        reporter: &str,
        partner: &str,
        years: Option<&[i32]>,
        n: usize,
    ) -> Result<Option<Answer<Pair>>> {
        let (a, b) = (self.codes(reporter), self.codes(partner));
        let ia = || col("i").is_in(int_set(&a), false);
        let ja = || col("j").is_in(int_set(&a), false);
        let ib = || col("i").is_in(int_set(&b), false);
        let jb = || col("j").is_in(int_set(&b), false);
        let keep = |lf: LazyFrame| keep_years(lf, years).filter(ia().and(jb()).or(ib().and(ja())));
        let keep_row = |r: &Row| {
            years.is_none_or(|ys| ys.contains(&r.t))
                && ((a.contains(&r.i) && b.contains(&r.j))
                    || (b.contains(&r.i) && a.contains(&r.j)))
        };
        // Exports are known where the reporter is an exporter of the data, imports where the
        // partner is.
        let sides = |e: &Exporters| e.sides(&a, &|c: i32| b.contains(&c));
        let Some(Subset {
            flows,
            year,
            in_year,
            mut notes,
            exporters,
            counterparts,
        }) = self.subset(
            &keep,
            &keep_row,
            (ia().and(jb()), ib().and(ja())),
            years,
            &sides,
            &a,
        )?
        else {
            return Ok(None);
        };
        let facts = self.facts(reporter, Some(partner), &exporters, counterparts);
        notes.splice(0..0, facts.notes());
        let top = in_year
            .clone()
            .filter(col("_dir").eq(lit("x")))
            .group_by([product().alias("product")])
            .agg([col("v").sum().alias("value")])
            .with_column((col("value") / col("value").sum()).alias("share"))
            .sort_by_exprs(
                [col("value"), col("product")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .with_row_index("rank", Some(1))
            .limit(if n == 0 { u32::MAX } else { n as u32 });
        let top = self.product_names(top)?;
        let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
        let chapters = in_year
            .group_by([product().str().head(lit(2)).alias("chapter")])
            .agg([
                known(
                    col("v").filter(dir("x")).sum(),
                    dir("x").cast(DataType::UInt32).sum(),
                )
                .alias("exports"),
                known(
                    col("v").filter(dir("m")).sum(),
                    dir("m").cast(DataType::UInt32).sum(),
                )
                .alias("imports"),
            ])
            .sort(["chapter"], SortMultipleOptions::default())
            .collect()
            .map_err(Error::polars("cannot compute the chapters"))?;
        let chapters = with_chapter_names(chapters)?;
        Ok(Some(Answer {
            value: Pair {
                flows,
                top_products: top,
                chapters,
                // BACI's products are HS6 codes.
                own_categories: false,
                year,
            },
            notes,
        }))
    }

    /// What the data holds about a profile's question, for the coverage notes: the same
    /// [`Facts`] as the general engine gathers (BACI rows are all reconciled; the reporter
    /// never declares its own imports, and there are no partner-World rows).
    fn facts(
        &self,
        reporter: &str,
        partner: Option<&str>,
        exporters: &Exporters,
        mut counterparts: BTreeMap<i32, BTreeSet<String>>,
    ) -> Facts {
        let mut by_year: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
        for (y, c) in &exporters.0 {
            by_year.entry(*y).or_default().insert(self.country(*c));
        }
        // Only the years of the question, as the general engine sees them.
        by_year.retain(|y, _| counterparts.contains_key(y));
        for y in by_year.keys() {
            counterparts.entry(*y).or_default();
        }
        counterparts.retain(|y, _| by_year.contains_key(y));
        Facts {
            reporter: reporter.to_string(),
            partners: partner.map(|p| vec![p.to_string()]),
            exporters: by_year,
            own_imports: BTreeSet::new(),
            counterparts,
            world_rows: false,
        }
    }

    /// The HS edition of the lane's rows: as `--classification` or the file names state it
    /// (`BACI_HS92_...` is H0), `HS` (unknown) when the files do not agree.
    fn classification(&self) -> String {
        if let Some(c) = &self.ds.options.read.classification {
            return c.clone();
        }
        let mut eds = self.ds.files.iter().map(|f| {
            let name = std::path::Path::new(&f.path)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            baci::edition_of_file_name(&name).unwrap_or(baci::CLASSIFICATION)
        });
        let first = eds.next().unwrap_or(baci::CLASSIFICATION);
        if eds.all(|e| e == first) {
            first.to_string()
        } else {
            baci::CLASSIFICATION.to_string()
        }
    }

    /// Product names from the BACI product tables given, else from the HS table in the lane's
    /// edition, as `name`.
    fn product_names(&self, top: LazyFrame) -> Result<DataFrame> {
        let (codes, names): (Vec<String>, Vec<String>) = self
            .products
            .iter()
            .map(|(c, n)| (c.clone(), n.clone()))
            .unzip();
        top.with_column(
            col("product")
                .replace_strict(
                    lit(Series::new(PlSmallStr::EMPTY, codes)),
                    lit(Series::new(PlSmallStr::EMPTY, names)),
                    Some(lit(NULL).cast(DataType::String)),
                    Some(DataType::String),
                )
                .fill_null(crate::analysis::products::hs_name(
                    col("product"),
                    lit(self.classification()),
                ))
                .alias("name"),
        )
        .select([
            col("rank"),
            col("product"),
            col("name"),
            col("value"),
            col("share"),
        ])
        .collect()
        .map_err(Error::polars("cannot compute the top products"))
    }

    /// The profile of `reporter` (canonical code): flows per year, top `n` partners by
    /// turnover and the concentration of its exports over HS6 products in the latest year.
    pub fn reporter(
        &self,
        reporter: &str,
        years: Option<&[i32]>,
        n: usize,
    ) -> Result<Option<Answer<Reporter>>> {
        let a = self.codes(reporter);
        let ia = || col("i").is_in(int_set(&a), false);
        let ja = || col("j").is_in(int_set(&a), false);
        let keep = |lf: LazyFrame| keep_years(lf, years).filter(ia().or(ja()));
        let keep_row = |r: &Row| {
            years.is_none_or(|ys| ys.contains(&r.t)) && (a.contains(&r.i) || a.contains(&r.j))
        };
        // As the general engine tags rows: a row with the reporter on both sides (a domestic
        // flow, kept only with --keep-domestic) is its export and its import.
        // Exports are known where the reporter is an exporter of the data; imports from the
        // world where any other country is (from those exporters only).
        let sides = |e: &Exporters| e.sides(&a, &|c: i32| !a.contains(&c));
        let Some(Subset {
            flows,
            year,
            in_year,
            mut notes,
            exporters,
            counterparts,
        }) = self.subset(&keep, &keep_row, (ia(), ja()), years, &sides, &a)?
        else {
            return Ok(None);
        };
        let facts = self.facts(reporter, None, &exporters, counterparts);
        notes.splice(0..0, facts.notes());
        let dir = |d: &str| col("_dir").eq(lit(d.to_string()));
        let y = year.unwrap_or(i32::MIN);
        // As the general engine's partner ranking: a partner's imports are known when it is
        // an exporter of the data that year, exports when the reporter is.
        let exports_known = exporters.of_year(y).any(|c| a.contains(&c));
        let importers_known: Vec<String> = exporters.of_year(y).map(|c| self.country(c)).collect();
        let counterpart = self
            .named(
                in_year
                    .clone()
                    .with_column(when(ia()).then(col("j")).otherwise(col("i")).alias("cp")),
                &["cp"],
            )
            .filter(col("cp").neq(lit(WORLD)));
        let null_f = || lit(NULL).cast(DataType::Float64);
        let partners = counterpart
            .group_by([col("cp").alias("partner")])
            .agg([
                col("v").filter(dir("x")).sum().alias("exports"),
                col("v").filter(dir("m")).sum().alias("imports"),
            ])
            .with_columns([
                lit(exports_known).alias("_kx"),
                col("partner")
                    .is_in(crate::analysis::set(&importers_known), false)
                    .alias("_km"),
            ])
            .with_columns([
                when(col("_kx"))
                    .then(col("exports"))
                    .otherwise(null_f())
                    .alias("exports"),
                when(col("_km"))
                    .then(col("imports"))
                    .otherwise(null_f())
                    .alias("imports"),
            ])
            .with_column((col("exports") + col("imports")).alias("turnover"))
            .select([
                col("partner"),
                col("exports"),
                col("imports"),
                col("turnover"),
            ])
            .collect()
            .map_err(Error::polars("cannot compute the top partners"))?;
        let ranking = rank_partners(partners, Direction::Turnover, n)?;
        let products = in_year
            .filter(dir("x"))
            .group_by([product().alias("code")])
            .agg([col("v").sum().alias("value")])
            .collect()
            .map_err(Error::polars("cannot compute the products"))?;
        let (concentration, hhi_note) = concentration_of(products, year)?;
        Ok(Some(Answer {
            value: Reporter {
                flows,
                top_partners: ranking.frame,
                ranked_by: ranking.by,
                concentration,
                year,
                notes: ranking.note.into_iter().chain(hhi_note).collect(),
            },
            notes,
        }))
    }
}

/// What [`Flows::subset`] gives a profile.
struct Subset {
    flows: DataFrame,
    year: Option<i32>,
    in_year: LazyFrame,
    notes: Vec<String>,
    exporters: Exporters,
    /// The reporter's partners per year (canonical codes).
    counterparts: BTreeMap<i32, BTreeSet<String>>,
}

/// `j` and `k` of the marker rows that carry the exporters of the data (codes are never
/// negative).
const MARKER: i32 = -1;

/// The exporters of the data (BACI codes) per year.
pub(crate) struct Exporters(Vec<(i32, i32)>);

impl Exporters {
    /// From the marker rows (`year`, `i`).
    fn of(marks: &DataFrame) -> Result<Exporters> {
        let years = crate::frame::ints(marks, "year")?;
        let codes = crate::frame::ints(marks, "i")?;
        let mut v: Vec<(i32, i32)> = years
            .iter()
            .zip(&codes)
            .filter_map(|(y, c)| Some((((*y)?) as i32, ((*c)?) as i32)))
            .collect();
        v.sort();
        v.dedup();
        Ok(Exporters(v))
    }

    /// The exporters of `year`.
    fn of_year(&self, year: i32) -> impl Iterator<Item = i32> + '_ {
        self.0
            .iter()
            .filter(move |(y, _)| *y == year)
            .map(|(_, c)| *c)
    }

    /// Per year: `_kx` the reporter (`codes`) is an exporter, `_km` a country `partner` accepts
    /// is: the sides known without rows, as [`crate::analysis::known_sides`] defines them.
    fn sides(&self, codes: &[i32], partner: &dyn Fn(i32) -> bool) -> Result<DataFrame> {
        let mut years: Vec<i32> = self.0.iter().map(|(y, _)| *y).collect();
        years.dedup();
        let kx: Vec<bool> = years
            .iter()
            .map(|y| self.of_year(*y).any(|c| codes.contains(&c)))
            .collect();
        let km: Vec<bool> = years
            .iter()
            .map(|y| self.of_year(*y).any(partner))
            .collect();
        DataFrame::new_infer_height(vec![
            Column::new("year".into(), years),
            Column::new("_kx".into(), kx),
            Column::new("_km".into(), km),
        ])
        .map_err(Error::polars("cannot list the exporters"))
    }
}

/// A stage over the rows of one CSV input: (label, data, separator, columns) -> its result, or
/// `None` when a line is not a plain BACI row.
type CsvStage<'a> = dyn Fn(&str, &read::Data, u8, &Columns) -> Result<Option<DataFrame>> + 'a;

/// Sums by (year, exporter, importer) of a CSV input: `year`, `i`, `j`, `v` (US dollars), `n`
/// (rows), `nv` (rows without a value). Rows are sorted by exporter and importer in BACI, so
/// each block adds to the same key most of the time and looks it up only when it changes; the
/// blocks' sums are then added in file order.
fn world_rows(
    label: &str,
    data: &read::Data,
    sep: u8,
    columns: &Columns,
    years: Option<&[i32]>,
) -> Result<Option<DataFrame>> {
    /// (year, exporter, importer) -> (value, rows, rows without a value).
    type Key = (i32, i32, i32);
    type Acc = (f64, i64, i64);
    type Sums = HashMap<Key, Acc>;
    #[derive(Default)]
    struct State {
        sums: Sums,
        key: Option<Key>,
        acc: Acc,
    }
    fn flush(s: &mut State) {
        if let Some(k) = s.key {
            let e = s.sums.entry(k).or_default();
            e.0 += s.acc.0;
            e.1 += s.acc.1;
            e.2 += s.acc.2;
        }
        s.acc = (0.0, 0, 0);
    }
    let states = baci_rows::scan(label, data, sep, columns, State::default, |s, r| {
        if years.is_some_and(|ys| !ys.contains(&r.t)) {
            return;
        }
        let key = (r.t, r.i, r.j);
        if s.key != Some(key) {
            flush(s);
            s.key = Some(key);
        }
        s.acc.0 += r.v.map_or(0.0, |v| v * baci::VALUE_UNIT);
        s.acc.1 += 1;
        s.acc.2 += i64::from(r.v.is_none());
    })?;
    let Some(states) = states else {
        return Ok(None);
    };
    let mut all: Sums = HashMap::new();
    for mut s in states {
        flush(&mut s);
        for (k, v) in s.sums {
            let e = all.entry(k).or_default();
            e.0 += v.0;
            e.1 += v.1;
            e.2 += v.2;
        }
    }
    let mut keys: Vec<_> = all.into_iter().collect();
    keys.sort_by_key(|(k, _)| *k);
    let col_of = |f: fn(&(Key, Acc)) -> i32| keys.iter().map(f).collect::<Vec<i32>>();
    DataFrame::new_infer_height(vec![
        Column::new("year".into(), col_of(|e| e.0.0)),
        Column::new("i".into(), col_of(|e| e.0.1)),
        Column::new("j".into(), col_of(|e| e.0.2)),
        Column::new("v".into(), keys.iter().map(|e| e.1.0).collect::<Vec<f64>>()),
        Column::new("n".into(), keys.iter().map(|e| e.1.1).collect::<Vec<i64>>()),
        Column::new(
            "nv".into(),
            keys.iter().map(|e| e.1.2).collect::<Vec<i64>>(),
        ),
    ])
    .map(Some)
    .map_err(Error::polars("cannot build the world table"))
}

/// The rows of a CSV input that `keep` keeps: `year`, `i`, `j`, `k`, `v` (US dollars), then
/// one marker row (`j`, `k` = [`MARKER`], no value) per exporter and year in `years`.
fn kept_rows(
    label: &str,
    data: &read::Data,
    sep: u8,
    columns: &Columns,
    keep: &(dyn Fn(&Row) -> bool + Sync),
    years: Option<&[i32]>,
) -> Result<Option<DataFrame>> {
    /// The rows kept, and the (year, exporter) pairs seen.
    type State = (Vec<Row>, Vec<(i32, i32)>);
    let states = baci_rows::scan(
        label,
        data,
        sep,
        columns,
        State::default,
        |s: &mut State, r| {
            // Rows are sorted by exporter in BACI: a pair is pushed when it changes.
            if years.is_none_or(|ys| ys.contains(&r.t)) && s.1.last() != Some(&(r.t, r.i)) {
                s.1.push((r.t, r.i));
            }
            if keep(&r) {
                s.0.push(r);
            }
        },
    )?;
    let Some(states) = states else {
        return Ok(None);
    };
    // In file order (the blocks come back in order), whatever the threads did; the columns are
    // filled block by block, each block freed once copied.
    let n: usize = states.iter().map(|s| s.0.len()).sum();
    let (mut t, mut i, mut j, mut k, mut v) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut exporters: Vec<(i32, i32)> = Vec::new();
    for (block, seen) in states {
        for r in block {
            t.push(r.t);
            i.push(r.i);
            j.push(r.j);
            k.push(r.k);
            v.push(r.v.map(|v| v * baci::VALUE_UNIT));
        }
        exporters.extend(seen);
    }
    exporters.sort();
    exporters.dedup();
    for (year, code) in exporters {
        t.push(year);
        i.push(code);
        j.push(MARKER);
        k.push(MARKER);
        v.push(None);
    }
    DataFrame::new_infer_height(vec![
        Column::new("year".into(), t),
        Column::new("i".into(), i),
        Column::new("j".into(), j),
        Column::new("k".into(), k),
        Column::new("v".into(), v),
    ])
    .map(Some)
    .map_err(Error::polars("cannot build the rows"))
}
