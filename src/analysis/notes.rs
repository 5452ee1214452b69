//! What a reader must be told beside the figures: rows left out (domestic flows among them),
//! codes kept without knowing them, months that are not full years, and the sources the
//! figures come from.

use polars::prelude::*;

use crate::analysis;
use crate::frame::{floats, ints, strings};
use crate::question::Question;
use crate::reference::countries;
use crate::{Dataset, Result};

/// Notes on rows that the analysis left out, and on codes it kept without knowing them.
pub fn left_out_notes(ds: &Dataset) -> Result<Vec<String>> {
    let df = ds.collect(analysis::left_out(ds.lf.clone()), "rows left out")?;
    let mut notes = Vec::new();
    for name in df.get_column_names() {
        let n = ints(&df, name.as_str())?[0].unwrap_or(0);
        if n > 0 {
            notes.push(format!("left out {n} row(s) {name}"));
        }
    }
    if let Some(dom) = &ds.domestic {
        let df = ds.collect(analysis::domestic_left_out(dom.clone()), "domestic flows")?;
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
    let table = countries();
    let mut unknown = Vec::new();
    for column in ["reporter", "partner"] {
        let counts = ds.collect(
            ds.lf
                .clone()
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
                unknown.push(format!("{column} {c} ({} rows)", n.unwrap_or(0)));
            }
        }
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "country codes not in the country table, kept as written: {}",
            unknown.join(", ")
        ));
    }
    Ok(notes)
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
