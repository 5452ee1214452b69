//! What the profile and world questions answer, the same types from both engines (the BACI
//! lane and the general engine), and the finishing steps both engines share.

use polars::prelude::*;

use crate::analysis::Direction;
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
    /// What `top_partners` is ranked by: turnover, or a direction known for every partner
    /// when the turnover is not (see [`rank_partners`]).
    pub ranked_by: Direction,
    /// `year`, `products`, `hhi`.
    pub concentration: DataFrame,
    pub year: Option<i32>,
    /// What the reader must know about these figures: a ranking by another measure than the
    /// one asked, a concentration that needs product detail.
    pub notes: Vec<String>,
}

/// A partner ranking with what it is by and why.
pub struct PartnerRanking {
    /// `rank`, `partner`, `exports`, `imports`, `turnover`, (`balance`,) `share` (of `by`).
    pub frame: DataFrame,
    pub by: Direction,
    pub note: Option<String>,
}

fn direction_column(d: Direction) -> &'static str {
    match d {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    }
}

/// Rank partners (`partner`, `exports`, `imports`, `turnover`, optionally `balance`) by
/// `asked`, the first `n` (0: all), with the share of the ranked measure.
///
/// A turnover needs both sides; where one side is unknown for some partners (a one-sided file,
/// or imports known only from the exporters in the data), a ranking by turnover would put
/// partners in order of what the data happens to hold. The ranking is then by exports (or
/// imports) when that side is known for every partner, and the note says so; otherwise by what
/// was asked, partners without it last and unranked in share.
pub fn rank_partners(df: DataFrame, asked: Direction, n: usize) -> Result<PartnerRanking> {
    let rows = df.height();
    let unknown = |d: Direction| -> Result<usize> {
        Ok(floats(&df, direction_column(d))?
            .iter()
            .filter(|v| v.is_none())
            .count())
    };
    let missing = unknown(asked)?;
    let by = if missing == 0 || asked != Direction::Turnover {
        asked
    } else if unknown(Direction::Exports)? == 0 {
        Direction::Exports
    } else if unknown(Direction::Imports)? == 0 {
        Direction::Imports
    } else {
        asked
    };
    let asked_name = direction_column(asked);
    let note = (missing > 0).then(|| {
        if by == asked {
            format!(
                "{asked_name} is unknown for {missing} of {rows} partners (a side of their trade \
                 is not in the data): they are listed last, left out of the shares"
            )
        } else {
            format!(
                "{asked_name} is unknown for {missing} of {rows} partners (a side of their trade \
                 is not in the data): partners are ranked by {} instead",
                direction_column(by)
            )
        }
    });
    let key = direction_column(by);
    let mut figures = vec![
        col("partner"),
        col("exports"),
        col("imports"),
        col("turnover"),
    ];
    if df
        .get_column_names()
        .iter()
        .any(|c| c.as_str() == "balance")
    {
        figures.push(col("balance"));
    }
    let mut columns = vec![col("rank")];
    columns.extend(figures.iter().cloned());
    columns.push(col("share"));
    let ranked = df
        .lazy()
        .select(figures)
        .with_column((col(key) / col(key).sum()).alias("share"))
        .sort_by_exprs(
            [col(key), col("partner")],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_nulls_last(true),
        )
        .with_row_index("rank", Some(1))
        .select(columns);
    let ranked = if n > 0 {
        ranked.limit(n as u32)
    } else {
        ranked
    };
    Ok(PartnerRanking {
        frame: ranked
            .collect()
            .map_err(Error::polars("cannot rank the partners"))?,
        by,
        note,
    })
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

/// The concentration of exports over products (`code`, `value`: one row per product, as the
/// ranking gives them) in `year`, and a note when product detail is missing.
///
/// A Herfindahl-Hirschman index over one "product" that is the total of all products would be
/// 1, a figure about the file, not about the exports: the `TOTAL` rows are not products. With
/// exports given as totals only, the index and the count are empty and the note says why;
/// with some exports given as totals only, the index covers the products given in detail and
/// the note says how much of the exports that is.
pub(crate) fn concentration_of(
    products: DataFrame,
    year: Option<i32>,
) -> Result<(DataFrame, Option<String>)> {
    let codes = strings(&products, "code")?;
    let values = floats(&products, "value")?;
    let (mut total, mut all) = (0.0, 0.0);
    for (c, v) in codes.iter().zip(&values) {
        let v = v.unwrap_or(0.0).max(0.0);
        all += v;
        if c.as_deref() == Some(crate::schema::TOTAL) {
            total += v;
        }
    }
    let detail = products
        .lazy()
        .filter(col("code").neq(lit(crate::schema::TOTAL)))
        .select([col("value")]);
    let df = hhi_of(detail, year)?;
    if total <= 0.0 {
        return Ok((df, None));
    }
    if total >= all {
        let df = df
            .lazy()
            .with_column(lit(NULL).cast(DataType::Int64).alias("products"))
            .collect()
            .map_err(Error::polars("cannot compute the concentration"))?;
        return Ok((
            df,
            Some(
                "export concentration (HHI) needs product detail: the data gives the exports \
                 as totals only, so it is not computed"
                    .into(),
            ),
        ));
    }
    Ok((
        df,
        Some(format!(
            "export concentration (HHI) is over the products given in detail, {} of the \
                 exports; the rest is given as totals only",
            crate::output::percent((all - total) / all)
        )),
    ))
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

/// The direction a composition or ranking of `asked` can show for the question (in its years):
/// the turnover needs both sides, so where the data holds only one of them the turnover is
/// not known and what is shown is that side, with a note saying so. Titles then name what is
/// shown ("Composition of exports"), never "turnover" over one side.
pub fn shown_direction(
    ds: &Dataset,
    q: &Question,
    asked: Direction,
) -> Result<(Direction, Option<String>)> {
    if asked != Direction::Turnover {
        return Ok((asked, None));
    }
    let s = Summary::of(ds, q)?;
    let any = |c: &[Option<f64>]| c.iter().any(Option::is_some);
    let missing = match (any(&s.exports), any(&s.imports)) {
        (true, false) => (Direction::Exports, "imports from"),
        (false, true) => (Direction::Imports, "exports to"),
        _ => return Ok((asked, None)),
    };
    Ok((
        missing.0,
        Some(format!(
            "{}'s {} {} are not in the data, so the turnover is not known: {} only are shown",
            q.reporter_name(),
            missing.1,
            q.partner_words(),
            direction_column(missing.0)
        )),
    ))
}

/// A product category a source names for the question's trade, without a value, with
/// tradestat's reading of it as HS codes where it has one (`data/ref/categories.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedCategory {
    pub year: i32,
    /// The declarer as the source states it (Mexico for "Mexican exports to Kazakhstan").
    pub reporter: String,
    pub partner: String,
    pub flow: String,
    pub code: String,
    /// The source's words ("metal pipes"); the code where it gives none.
    pub name: String,
    pub source: String,
    /// HS headings or chapters, empty where tradestat has no reading of the category.
    pub hs: Vec<String>,
    pub reading: Option<crate::reference::Reading>,
    /// The HS sections of `hs` (Roman numerals, in HS order, each once).
    pub sections: Vec<String>,
}

impl NamedCategory {
    /// The categories the sources name for the question (in its years), in the sources' order
    /// within a year.
    pub fn of(ds: &Dataset, q: &Question) -> Result<Vec<NamedCategory>> {
        let df = ds.collect(
            q.keep_years(analysis::named_categories(
                ds.lf.clone(),
                &q.reporter,
                &q.partners,
            )),
            "the named product categories",
        )?;
        let text = |c: &str| -> Result<Vec<String>> {
            Ok(strings(&df, c)?
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect())
        };
        let (reporter, partner, flow, code, name, source) = (
            text("reporter")?,
            text("partner")?,
            text("flow")?,
            text("product")?,
            text("product_name")?,
            text("source")?,
        );
        let table = hs();
        Ok(ints(&df, "year")?
            .into_iter()
            .enumerate()
            .map(|(i, y)| {
                let read = crate::reference::categories().get(&code[i]);
                let hs_codes = read.map(|c| c.hs.clone()).unwrap_or_default();
                let mut sections: Vec<&crate::reference::Section> = hs_codes
                    .iter()
                    .filter_map(|c| table.chapter(&c[..2]))
                    .filter_map(|ch| table.section(&ch.section))
                    .collect();
                sections.sort_by_key(|s| s.number);
                sections.dedup_by_key(|s| s.number);
                NamedCategory {
                    year: y.unwrap_or(0) as i32,
                    reporter: reporter[i].clone(),
                    partner: partner[i].clone(),
                    flow: flow[i].clone(),
                    name: if name[i].is_empty() {
                        code[i].clone()
                    } else {
                        name[i].clone()
                    },
                    code: code[i].clone(),
                    source: source[i].clone(),
                    hs: hs_codes,
                    reading: read.map(|c| c.reading),
                    sections: sections.iter().map(|s| s.roman.clone()).collect(),
                }
            })
            .collect())
    }
}
