//! What a reader must be told beside the figures: rows left out (domestic flows among them),
//! codes kept without knowing them, months that are not full years, and the sources the
//! figures come from.

use polars::prelude::*;

use crate::analysis::{self, Partners};
use crate::frame::{floats, ints, strings};
use crate::question::Question;
use crate::reference::countries;
use crate::{Dataset, Result};

/// "1 row", "3 rows": a count with its noun in the singular or the plural.
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Notes on rows that the analysis left out, and on codes it kept without knowing them, over
/// every row of the data (the world table is about every country).
pub fn left_out_notes(ds: &Dataset) -> Result<Vec<String>> {
    let mut notes = left_out_rows(ds, None)?;
    notes.extend(unknown_codes(ds, ds.lf.clone())?);
    Ok(notes)
}

/// Notes on rows that the analysis left out, and on codes it kept without knowing them among
/// the rows the question used (the reporter's rows with the partners asked about, in the years
/// asked): a code elsewhere in the file is not the reader's concern here.
pub fn question_notes(ds: &Dataset, q: &Question) -> Result<Vec<String>> {
    let mut notes = left_out_rows(ds, Some(countries_rows(q)))?;
    notes.extend(unknown_codes(ds, question_rows(ds.lf.clone(), q))?);
    if let Some(to) = ds.options.hs_edition {
        notes.extend(crate::analysis::products::harmonise_notes(
            question_rows(ds.lf.clone(), q),
            to,
            &q.currency,
        )?);
        notes.extend(ds.options.hs_compared.clone());
    }
    if let Some(cats) = &ds.options.categories {
        notes.extend(crate::analysis::user_categories::notes(
            question_rows(ds.lf.clone(), q),
            cats,
            &q.currency,
        )?);
    }
    Ok(notes)
}

/// The rows a question reads: the reporter's, on either side, with the partners asked about,
/// in the years asked.
fn question_rows(lf: LazyFrame, q: &Question) -> LazyFrame {
    let r = || lit(q.reporter.clone());
    let mine = match &q.partners {
        Partners::World => col("reporter").eq(r()).or(col("partner").eq(r())),
        Partners::Some(list) => {
            let set = || lit(Series::new(PlSmallStr::EMPTY, list.clone())).implode(true);
            (col("reporter")
                .eq(r())
                .and(col("partner").is_in(set(), false)))
            .or(col("partner")
                .eq(r())
                .and(col("reporter").is_in(set(), false)))
        }
    };
    q.keep_years(lf.filter(mine))
}

/// The rows of the question's countries, on either side: the reporter's and the partners'
/// named (every row of theirs, whoever the other side is). What a question reads when only
/// those rows are parsed ([`crate::question::Filters::prepare`]), so the counts of rows left out
/// are the same whether the inputs were narrowed to them or not.
pub(crate) fn countries_rows(q: &Question) -> Expr {
    let mut countries = vec![q.reporter.clone()];
    if let Partners::Some(list) = &q.partners {
        countries.extend(list.iter().cloned());
    }
    either_side(countries)
}

/// The rows whose reporter or partner is one of `countries` (canonical codes).
pub(crate) fn either_side(countries: Vec<String>) -> Expr {
    let set = || lit(Series::new(PlSmallStr::EMPTY, countries.clone())).implode(true);
    col("reporter")
        .is_in(set(), false)
        .or(col("partner").is_in(set(), false))
}

/// Notes on the rows left out (aggregates, breakdowns, domestic flows), among the rows `within`
/// keeps (all rows when `None`).
fn left_out_rows(ds: &Dataset, within: Option<Expr>) -> Result<Vec<String>> {
    let narrow = |lf: LazyFrame| match &within {
        Some(keep) => lf.filter(keep.clone()),
        None => lf,
    };
    let df = ds.collect(analysis::left_out(narrow(ds.lf.clone())), "rows left out")?;
    let mut notes = Vec::new();
    for name in df.get_column_names() {
        let n = ints(&df, name.as_str())?[0].unwrap_or(0);
        if n > 0 {
            notes.push(format!(
                "left out {} {name}",
                plural(n.unsigned_abs(), "row", "rows")
            ));
        }
    }
    if let Some(dom) = &ds.domestic {
        let df = ds.collect(
            analysis::domestic_left_out(narrow(dom.clone())),
            "domestic flows",
        )?;
        let (c, n, v) = (
            strings(&df, "currency")?,
            ints(&df, "rows")?,
            floats(&df, "value")?,
        );
        let values: Vec<(String, f64)> = (0..df.height())
            .map(|i| (c[i].clone().unwrap_or_default(), v[i].unwrap_or(0.0)))
            .collect();
        let rows = n.iter().flatten().sum::<i64>() as u64;
        notes.extend(domestic_note(rows, &values));
    }
    Ok(notes)
}

/// The note on country codes the table does not know among the rows of `lf`.
fn unknown_codes(ds: &Dataset, lf: LazyFrame) -> Result<Option<String>> {
    let table = countries();
    let lf = lf.cache();
    let mut unknown = Vec::new();
    for column in ["reporter", "partner"] {
        let counts = ds.collect(
            lf.clone()
                .group_by([col(column).alias("code")])
                .agg([len().alias("n")])
                .sort(["code"], SortMultipleOptions::default()),
            "country codes",
        )?;
        let (codes, n) = (strings(&counts, "code")?, ints(&counts, "n")?);
        for (c, n) in codes.into_iter().zip(n) {
            if let Some(c) = c
                && !table.is_known(&c)
            {
                unknown.push((column, c, n.unwrap_or(0).unsigned_abs()));
            }
        }
    }
    Ok(unknown_codes_note(&unknown))
}

/// "country codes not in the country table, kept as written: reporter 999 (1 row), ...", from
/// (column, code, rows) triples; `None` when there are none. Both engines word it so.
pub(crate) fn unknown_codes_note(unknown: &[(&str, String, u64)]) -> Option<String> {
    (!unknown.is_empty()).then(|| {
        let items: Vec<String> = unknown
            .iter()
            .map(|(column, code, n)| format!("{column} {code} ({})", plural(*n, "row", "rows")))
            .collect();
        format!(
            "country codes not in the country table, kept as written: {}",
            items.join(", ")
        )
    })
}

/// The note on the domestic flows left out (`rows` rows, `values` per currency), the same from
/// both engines; `None` when there are none.
pub(crate) fn domestic_note(rows: u64, values: &[(String, f64)]) -> Option<String> {
    if rows == 0 {
        return None;
    }
    let worth: Vec<String> = values
        .iter()
        .map(|(c, v)| crate::output::human_money(*v, c))
        .filter(|w| !w.is_empty())
        .collect();
    let worth = if worth.is_empty() {
        String::new()
    } else {
        format!(" worth {}", worth.join(" + "))
    };
    Some(format!(
        "left out {rows} domestic flow row(s){worth}: a country's trade with itself \
         (exporter = importer) is not international trade; --keep-domestic counts it"
    ))
}

/// The distinct sources of the rows with a value, for the "sources" note (seed files cited).
pub fn sources(ds: &Dataset) -> Result<String> {
    let df = ds.collect(
        analysis::usable(ds.lf.clone())
            .select([col("source")])
            .unique(None, UniqueKeepStrategy::Any)
            .sort(["source"], SortMultipleOptions::default()),
        "the sources",
    )?;
    Ok(strings(&df, "source")?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; "))
}

/// Years the reporter has only some months of (no annual row): growth and CAGR then compare
/// unequal periods, which the reader must be told.
pub fn partial_years(ds: &Dataset, q: &Question) -> Result<Vec<String>> {
    let r = lit(q.reporter.clone());
    let df = ds.collect(
        analysis::usable(ds.lf.clone())
            .filter(col("reporter").eq(r.clone()).or(col("partner").eq(r)))
            .group_by([col("year")])
            .agg([
                col("month").is_null().any(true).alias("annual"),
                col("month")
                    .drop_nulls()
                    .unique()
                    .sort(Default::default())
                    .alias("months"),
            ])
            .filter(col("annual").not())
            .with_column(col("months").list().len().alias("n"))
            .filter(col("n").lt(lit(12)))
            .sort(["year"], SortMultipleOptions::default()),
        "the months covered",
    )?;
    let years = ints(&df, "year")?;
    let n = ints(&df, "n")?;
    Ok((0..df.height())
        .map(|i| {
            format!(
                "{} has {} month(s) of data, not a full year: growth and CAGR compare unequal periods",
                years[i].unwrap_or(0),
                n[i].unwrap_or(0)
            )
        })
        .collect())
}

/// Sources of the reporter's usable rows in `years`.
pub fn sources_in(ds: &Dataset, q: &Question, years: &[i32]) -> Result<Vec<String>> {
    let r = lit(q.reporter.clone());
    let df =
        ds.collect(
            analysis::usable(ds.lf.clone())
                .filter(col("reporter").eq(r.clone()).or(col("partner").eq(r)).and(
                    col("year").is_in(
                        lit(Series::new(PlSmallStr::EMPTY, years.to_vec())).implode(true),
                        false,
                    ),
                ))
                .select([col("source")])
                .unique(None, UniqueKeepStrategy::Any)
                .sort(["source"], SortMultipleOptions::default()),
            "the sources",
        )?;
    Ok(strings(&df, "source")?.into_iter().flatten().collect())
}

/// The sources of a dataset's files, known without reading the rows: for the fast lane, whose
/// inputs are all BACI files.
pub fn file_sources(ds: &Dataset) -> String {
    let mut s: Vec<String> = ds.files.iter().map(|f| f.source.clone()).collect();
    s.sort();
    s.dedup();
    s.join("; ")
}

/// The years of each derived figure in one phrase, "imports in 2003, 2005; turnover in
/// 2001-2021", from a summary's years and `derived` lists ("exports, turnover"); `None` when
/// nothing was derived. One line however many years, the figures in the summary's order.
pub fn derived_years(years: &[i32], derived: &[Option<String>]) -> Option<String> {
    let mut by: Vec<(String, Vec<i32>)> = Vec::new();
    for (y, d) in years.iter().zip(derived) {
        for flow in d.as_deref().unwrap_or("").split(',').map(str::trim) {
            if flow.is_empty() {
                continue;
            }
            match by.iter_mut().find(|(f, _)| f == flow) {
                Some((_, ys)) => ys.push(*y),
                None => by.push((flow.to_string(), vec![*y])),
            }
        }
    }
    (!by.is_empty()).then(|| {
        by.iter()
            .map(|(flow, ys)| format!("{flow} in {}", year_ranges(ys)))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// "2001-2003, 2005": consecutive years as ranges.
pub fn year_ranges(years: &[i32]) -> String {
    let mut ys = years.to_vec();
    ys.sort();
    ys.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ys.len() {
        let mut j = i;
        while j + 1 < ys.len() && ys[j + 1] == ys[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}-{}", ys[i], ys[j])
        } else {
            ys[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_years_are_one_phrase() {
        let years = [2001, 2002, 2003, 2005];
        let d = |s: &str| Some(s.to_string());
        let derived = [
            d("turnover"),
            d("imports, turnover"),
            d("turnover"),
            d("turnover"),
        ];
        assert_eq!(
            derived_years(&years, &derived).as_deref(),
            Some("turnover in 2001-2003, 2005; imports in 2002")
        );
        assert_eq!(derived_years(&years, &[None, None, None, None]), None);
    }

    #[test]
    fn counts_word_their_nouns() {
        assert_eq!(plural(1u64, "row", "rows"), "1 row");
        assert_eq!(
            plural(2u64, "country code", "country codes"),
            "2 country codes"
        );
    }
}
