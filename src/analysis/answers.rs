//! What the profile and world questions answer, the same types from both engines (the BACI
//! lane and the general engine), and the finishing steps both engines share.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::frame::{floats, ints, strings};
use crate::question::Question;
use crate::reference::hs;
use crate::{Dataset, analysis};

/// Results with the notes the reader must see (rows left out, unknown codes).
pub struct Answer<T> {
    pub value: T,
    pub notes: Vec<String>,
}

/// A pair profile: flows per year, the top products of the reporter's exports to the partner
/// and the chapter totals both ways, in the latest year.
pub struct Pair {
    /// `year`, `exports`, `imports`, `turnover`, `balance`.
    pub flows: DataFrame,
    /// `rank`, `product`, `name`, `value`, `share`.
    pub top_products: DataFrame,
    /// `chapter`, `name`, `exports`, `imports`: HS chapters, or the data's own categories as
    /// they are when its products are not HS codes (`own_categories`).
    pub chapters: DataFrame,
    /// True when the products are the data's own categories, not HS codes.
    pub own_categories: bool,
    /// The year of the rankings: the latest year with trade.
    pub year: Option<i32>,
}

/// A reporter profile: flows per year, the top partners by turnover and the concentration of
/// the reporter's exports over products, in the latest year.
pub struct Reporter {
    /// `year`, `exports`, `imports`, `turnover`, `balance`.
    pub flows: DataFrame,
    /// `rank`, `partner`, `exports`, `imports`, `turnover`, `share`.
    pub top_partners: DataFrame,
    /// `year`, `products`, `hhi`.
    pub concentration: DataFrame,
    pub year: Option<i32>,
}

pub(crate) fn int_set(values: &[i32]) -> Expr {
    lit(Series::new(PlSmallStr::EMPTY, values.to_vec())).implode(true)
}

/// Keep the rows of `years` (all when `None`).
pub(crate) fn keep_years(lf: LazyFrame, years: Option<&[i32]>) -> LazyFrame {
    match years {
        Some(ys) => lf.filter(col("year").is_in(int_set(ys), false)),
        None => lf,
    }
}

/// The latest year with a figure in a `flows` frame.
pub(crate) fn latest(flows: &DataFrame) -> Result<Option<i32>> {
    let years = crate::frame::ints(flows, "year")?;
    let x = crate::frame::floats(flows, "exports")?;
    let m = crate::frame::floats(flows, "imports")?;
    Ok((0..flows.height())
        .filter(|&r| x[r].is_some() || m[r].is_some())
        .filter_map(|r| years[r])
        .map(|y| y as i32)
        .max())
}

/// One row `year`, `products`, `hhi` from a frame of `value` per product (positive values).
pub(crate) fn hhi_of(values: LazyFrame, year: Option<i32>) -> Result<DataFrame> {
    crate::analysis::indicators::hhi(values, "value")
        .select([
            match year {
                Some(y) => lit(y),
                None => lit(NULL).cast(DataType::Int32),
            }
            .alias("year"),
            col("n").cast(DataType::Int64).alias("products"),
            // No exports, no concentration (not zero).
            when(col("n").gt(lit(0.0)))
                .then(col("hhi"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("hhi"),
        ])
        .collect()
        .map_err(Error::polars("cannot compute the concentration"))
}

/// Add the chapter labels of our HS table as `name`, after `chapter`.
pub(crate) fn with_chapter_names(df: DataFrame) -> Result<DataFrame> {
    let table = hs();
    let codes = crate::frame::strings(&df, "chapter")?;
    let names: Vec<Option<String>> = codes
        .iter()
        .map(|c| {
            c.as_deref()
                .and_then(|c| table.chapter(c))
                .map(|c| c.label.clone())
        })
        .collect();
    df.lazy()
        .with_column(lit(Series::new("name".into(), names)).alias("name"))
        .select([col("chapter"), col("name"), col("exports"), col("imports")])
        .collect()
        .map_err(Error::polars("cannot name the chapters"))
}

/// The summary per year, as numbers.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub years: Vec<i32>,
    pub exports: Vec<Option<f64>>,
    pub imports: Vec<Option<f64>>,
    pub turnover: Vec<Option<f64>>,
    pub balance: Vec<Option<f64>>,
    pub coverage: Vec<Option<f64>>,
    pub growth: Vec<Option<f64>>,
    pub derived: Vec<Option<String>>,
}

impl Summary {
    /// The summary of the question, per year (the years asked, else every year).
    pub fn of(ds: &Dataset, q: &Question) -> Result<Summary> {
        let df = ds.collect(
            q.keep_years(analysis::summary(ds.lf.clone(), &q.reporter, &q.partners)),
            "the summary",
        )?;
        Ok(Summary {
            years: ints(&df, "year")?
                .into_iter()
                .map(|y| y.unwrap_or(0) as i32)
                .collect(),
            exports: floats(&df, "exports")?,
            imports: floats(&df, "imports")?,
            turnover: floats(&df, "turnover")?,
            balance: floats(&df, "balance")?,
            coverage: floats(&df, "coverage")?,
            growth: floats(&df, "growth")?,
            derived: strings(&df, "derived")?,
        })
    }
}

impl Summary {
    /// The compound annual growth of the turnover between the first and last years with a
    /// turnover: (first year, last year, rate).
    pub fn turnover_cagr(&self) -> Option<(i32, i32, f64)> {
        let points: Vec<(i64, f64)> = (0..self.years.len())
            .filter_map(|i| self.turnover[i].map(|v| (self.years[i] as i64, v)))
            .collect();
        let c = analysis::cagr(&points)?;
        Some((points.first()?.0 as i32, points.last()?.0 as i32, c))
    }
}
