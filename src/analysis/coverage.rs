//! Coverage: what part of the world a figure covers when the data holds only some of the
//! declarations it needs, said in numbers ("imports from 1 of its 210 partners").
//!
//! A file restricted to some exporters (a BACI extract of two countries and all their
//! partners) gives each country's exports in full, but any country's imports only from those
//! exporters: true of the file, false of the world. Sums over partners compare different sets
//! when a partner is missing in some years, and sums over declarers when a year has fewer of
//! them. The figures stay what the data says; these notes say what they lack, in every output
//! (stderr for commands, the report's text, chart footnotes).

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::{Partners, usable};
use crate::frame::{ints, strings};
use crate::question::Question;
use crate::reference::countries;
use crate::schema::{WORLD, flow};
use crate::{Dataset, Result};

/// What the data holds about a question, as plain sets: enough to say what its figures cover.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The reporter (canonical code).
    pub reporter: String,
    /// The partners asked: `None` for the world.
    pub partners: Option<Vec<String>>,
    /// Per year of the question: the exporters whose reconciled rows the data holds (each row
    /// is also its importer's import). Empty when the data has no reconciled rows.
    pub exporters: BTreeMap<i32, BTreeSet<String>>,
    /// Years in which the reporter declares its own imports.
    pub own_imports: BTreeSet<i32>,
    /// Per year: the reporter's partners in the data (either direction, within `partners`).
    pub counterparts: BTreeMap<i32, BTreeSet<String>>,
    /// The reporter's totals come from its partner-World rows, not from sums over partners.
    pub world_rows: bool,
}

/// "Afghanistan, South Africa", "A, B, C, D, E and 3 more".
fn names(codes: &BTreeSet<String>) -> String {
    let t = countries();
    let mut v: Vec<String> = codes.iter().map(|c| t.name_of(c)).collect();
    v.sort();
    if v.len() > 5 {
        let more = v.len() - 5;
        v.truncate(5);
        format!("{} and {more} more", v.join(", "))
    } else {
        v.join(", ")
    }
}

/// "2019, 2020", "2019-2021".
fn year_list(years: &[i32]) -> String {
    let contiguous = years.windows(2).all(|w| w[1] == w[0] + 1);
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b && contiguous && years.len() > 2 => format!("{a}-{b}"),
        _ => years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl Facts {
    /// Notes on what the question's figures cover; empty when they cover what they say.
    pub fn notes(&self) -> Vec<String> {
        self.worded(false)
    }

    /// The same notes in short, for a chart's footnote: "South Africa's imports: from 1 of its
    /// 210 partners only (the data holds the exports of 2 countries)."
    pub fn short_notes(&self) -> Vec<String> {
        self.worded(true)
    }

    fn worded(&self, short: bool) -> Vec<String> {
        let mut notes = Vec::new();
        let t = countries();
        let who = t.name_of(&self.reporter);
        let years: BTreeSet<i32> = self.counterparts.keys().copied().collect();
        // Imports known only from the exporters the data holds.
        if !self.exporters.is_empty() {
            let exporters: BTreeSet<String> = self.exporters.values().flatten().cloned().collect();
            let others: BTreeSet<String> = exporters
                .iter()
                .filter(|c| **c != self.reporter)
                .cloned()
                .collect();
            let declares = years.iter().all(|y| self.own_imports.contains(y));
            let holds = format!(
                "the data holds the exports of {} {} ({})",
                exporters.len(),
                if exporters.len() == 1 {
                    "country"
                } else {
                    "countries"
                },
                names(&exporters)
            );
            let partners: BTreeSet<String> =
                self.counterparts.values().flatten().cloned().collect();
            match &self.partners {
                Some(p) if p.len() == 1 => {
                    if !declares && !others.contains(&p[0]) && short {
                        notes.push(format!(
                            "{who}'s imports from {}: not in the data ({holds})",
                            t.name_of(&p[0])
                        ));
                    } else if !declares && !others.contains(&p[0]) {
                        notes.push(format!(
                            "{who}'s imports from {} are not in the data: {holds}, not {}'s",
                            t.name_of(&p[0]),
                            t.name_of(&p[0])
                        ));
                    }
                }
                _ if declares => {}
                _ if !exporters.contains(&self.reporter) && short => notes.push(format!(
                    "{who}'s exports: not in the data; its imports: from the exporters in the \
                     data only ({holds})"
                )),
                _ if !exporters.contains(&self.reporter) => notes.push(format!(
                    "{who}'s exports are not in the data, and its imports come only from the \
                     countries whose exports it holds: {holds}"
                )),
                _ => {
                    let known: BTreeSet<String> = partners.intersection(&others).cloned().collect();
                    if known.len() < partners.len() && short {
                        notes.push(format!(
                            "{who}'s imports: from {} of its {} partners only ({holds})",
                            known.len(),
                            partners.len()
                        ));
                    } else if known.len() < partners.len() {
                        notes.push(format!(
                            "{who}'s imports come from {} of its {} partners in the data{}, as \
                             {holds}; imports from the other {}, and the turnover and balance \
                             that include them, are not in these figures",
                            known.len(),
                            partners.len(),
                            if known.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", names(&known))
                            },
                            partners.len() - known.len()
                        ));
                    }
                }
            }
            // Imports from the world or several partners, in years with different sets of
            // exporters (one partner's imports are simply unknown in a year it exports nothing).
            let several = !matches!(&self.partners, Some(p) if p.len() == 1);
            if several && !declares && years.len() > 1 {
                let counts: BTreeMap<i32, usize> = years
                    .iter()
                    .map(|y| (*y, self.exporters.get(y).map_or(0, BTreeSet::len)))
                    .collect();
                if counts.values().collect::<BTreeSet<_>>().len() > 1 {
                    notes.push(if short {
                        format!("exporters in the data: {}", declarer_counts(&counts))
                    } else {
                        format!(
                            "the data holds the exports of {}: {who}'s imports compare \
                             different sets of exporters from year to year",
                            declarer_counts(&counts)
                        )
                    });
                }
            }
        }
        // Sums over partners in years with different partners.
        let several = !matches!(&self.partners, Some(p) if p.len() == 1);
        if several && !self.world_rows && years.len() > 1 {
            let all: BTreeSet<String> = self.counterparts.values().flatten().cloned().collect();
            let mut gaps: Vec<(String, Vec<i32>)> = Vec::new();
            for c in &all {
                let missing: Vec<i32> = years
                    .iter()
                    .filter(|y| !self.counterparts[y].contains(c))
                    .copied()
                    .collect();
                if !missing.is_empty() {
                    gaps.push((c.clone(), missing));
                }
            }
            if !gaps.is_empty() && short {
                notes.push(format!(
                    "{} of {who}'s {} partners are missing in some years",
                    gaps.len(),
                    all.len()
                ));
            } else if !gaps.is_empty() {
                let shown: Vec<String> = gaps
                    .iter()
                    .take(3)
                    .map(|(c, ys)| format!("{}: none in {}", t.name_of(c), year_list(ys)))
                    .collect();
                notes.push(format!(
                    "{} of {who}'s {} partners in the data are missing in some years ({}{}): \
                     sums over partners compare different sets of partners from year to year",
                    gaps.len(),
                    all.len(),
                    shown.join("; "),
                    if gaps.len() > 3 {
                        format!("; {} more", gaps.len() - 3)
                    } else {
                        String::new()
                    }
                ));
            }
        }
        notes
    }
}

/// "2 countries in 2019, 3 in 2020-2021".
fn declarer_counts(counts: &BTreeMap<i32, usize>) -> String {
    let mut runs: Vec<(usize, Vec<i32>)> = Vec::new();
    for (y, n) in counts {
        match runs.last_mut() {
            Some((m, ys)) if m == n => ys.push(*y),
            _ => runs.push((*n, vec![*y])),
        }
    }
    runs.iter()
        .enumerate()
        .map(|(i, (n, ys))| {
            let what = if i > 0 {
                ""
            } else if *n == 1 {
                " country"
            } else {
                " countries"
            };
            format!("{n}{what} in {}", year_list(ys))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Notes on the world table (every country's figures): imports known only from the exporters
/// the data holds, and years with different numbers of exporters. `exporters` and `countries`
/// are per year: the exporters of reconciled rows, and every country in the data.
pub fn world_notes(
    exporters: &BTreeMap<i32, BTreeSet<String>>,
    countries_in: &BTreeMap<i32, BTreeSet<String>>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if exporters.is_empty() {
        return notes;
    }
    let all_x: BTreeSet<String> = exporters.values().flatten().cloned().collect();
    let all_c: BTreeSet<String> = countries_in.values().flatten().cloned().collect();
    if all_x.len() < all_c.len() {
        notes.push(format!(
            "the data holds the exports of {} of the {} countries it names ({}): every \
             country's imports come from those only, and countries without exports have no \
             exports, turnover or balance here",
            all_x.len(),
            all_c.len(),
            names(&all_x)
        ));
    }
    let counts: BTreeMap<i32, usize> = countries_in
        .keys()
        .map(|y| (*y, exporters.get(y).map_or(0, BTreeSet::len)))
        .collect();
    if counts.values().collect::<BTreeSet<_>>().len() > 1 {
        notes.push(format!(
            "the data holds the exports of {}: imports and ranks compare different sets of \
             exporters from year to year",
            declarer_counts(&counts)
        ));
    }
    notes
}

/// Distinct (year, code) pairs of a frame as a map.
fn by_year(df: &DataFrame, column: &str) -> Result<BTreeMap<i32, BTreeSet<String>>> {
    let (ys, cs) = (ints(df, "year")?, strings(df, column)?);
    let mut out: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    for (y, c) in ys.into_iter().zip(cs) {
        if let (Some(y), Some(c)) = (y, c) {
            out.entry(y as i32).or_default().insert(c);
        }
    }
    Ok(out)
}

/// The years of the question: those asked, else every year of the data.
fn year_filter(q: &Question) -> Expr {
    match &q.years {
        Some(ys) => col("year").is_in(
            lit(Series::new(PlSmallStr::EMPTY, ys.clone())).implode(true),
            false,
        ),
        None => lit(true),
    }
}

/// The exporters of reconciled rows per year, in the question's years.
fn reconciled_exporters(ds: &Dataset, keep: Expr) -> Result<BTreeMap<i32, BTreeSet<String>>> {
    let df = ds.collect(
        usable(ds.lf.clone())
            .filter(
                keep.and(col("reconciled"))
                    .and(col("flow").eq(lit(flow::EXPORT)))
                    .and(col("reporter").neq(lit(WORLD)))
                    .and(col("partner").neq(lit(WORLD))),
            )
            .select([col("year"), col("reporter")])
            .unique(None, UniqueKeepStrategy::Any),
        "the exporters",
    )?;
    by_year(&df, "reporter")
}

/// The [`Facts`] of a question, from the general engine's table.
pub fn facts(ds: &Dataset, q: &Question) -> Result<Facts> {
    let r = || lit(q.reporter.clone());
    let years = year_filter(q);
    let exporters = reconciled_exporters(ds, years.clone())?;
    let own = ds.collect(
        usable(ds.lf.clone())
            .filter(
                years
                    .clone()
                    .and(col("reporter").eq(r()))
                    .and(col("flow").eq(lit(flow::IMPORT)))
                    .and(col("reconciled").not()),
            )
            .select([col("year")])
            .unique(None, UniqueKeepStrategy::Any),
        "the reporter's imports",
    )?;
    let own_imports = ints(&own, "year")?
        .into_iter()
        .flatten()
        .map(|y| y as i32)
        .collect();
    let within = match &q.partners {
        Partners::World => lit(true),
        Partners::Some(p) => col("counterpart").is_in(super::set(p), false),
    };
    let rows = usable(ds.lf.clone())
        .filter(years.and(col("reporter").eq(r()).or(col("partner").eq(r()))))
        .with_column(
            when(col("reporter").eq(r()))
                .then(col("partner"))
                .otherwise(col("reporter"))
                .alias("counterpart"),
        );
    let world_rows = ds
        .collect(
            rows.clone()
                .filter(col("counterpart").eq(lit(WORLD)))
                .select([len().alias("n")]),
            "the World rows",
        )
        .and_then(|df| Ok(ints(&df, "n")?[0].unwrap_or(0) > 0))?;
    let cp = ds.collect(
        rows.filter(
            within
                .and(col("counterpart").neq(lit(WORLD)))
                .and(col("counterpart").neq(r())),
        )
        .select([col("year"), col("counterpart")])
        .unique(None, UniqueKeepStrategy::Any),
        "the partners",
    )?;
    let mut counterparts = by_year(&cp, "counterpart")?;
    // A year with rows of the reporter but none with a partner country still counts.
    for y in &q.data_years {
        if q.years.as_ref().is_none_or(|ys| ys.contains(y)) {
            counterparts.entry(*y).or_default();
        }
    }
    Ok(Facts {
        reporter: q.reporter.clone(),
        partners: match &q.partners {
            Partners::World => None,
            Partners::Some(p) => Some(p.clone()),
        },
        exporters,
        own_imports,
        counterparts,
        world_rows,
    })
}

/// Notes on what the question's figures cover (see [`Facts::notes`]).
pub fn notes(ds: &Dataset, q: &Question) -> Result<Vec<String>> {
    Ok(facts(ds, q)?.notes())
}

/// Notes on the world table of the general engine (see [`world_notes`]).
pub fn world_table_notes(ds: &Dataset, years: Option<&[i32]>) -> Result<Vec<String>> {
    let keep = match years {
        Some(ys) => col("year").is_in(
            lit(Series::new(PlSmallStr::EMPTY, ys.to_vec())).implode(true),
            false,
        ),
        None => lit(true),
    };
    let exporters = reconciled_exporters(ds, keep.clone())?;
    if exporters.is_empty() {
        return Ok(Vec::new());
    }
    let rows = usable(ds.lf.clone()).filter(keep);
    let side = |c: &str| {
        rows.clone()
            .filter(col(c).neq(lit(WORLD)).and(col(c).is_not_null()))
            .select([col("year"), col(c).alias("country")])
    };
    let df = ds.collect(
        concat([side("reporter"), side("partner")], UnionArgs::default())
            .expect("same schema")
            .unique(None, UniqueKeepStrategy::Any),
        "the countries",
    )?;
    Ok(world_notes(&exporters, &by_year(&df, "country")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn imports_from_some_exporters_are_said_in_numbers() {
        let f = Facts {
            reporter: "ZAF".into(),
            partners: None,
            exporters: BTreeMap::from([(2021, set(&["ZAF", "AFG"]))]),
            counterparts: BTreeMap::from([(2021, set(&["AFG", "BWA", "NAM"]))]),
            ..Facts::default()
        };
        let n = f.notes();
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(
            n[0].starts_with(
                "South Africa's imports come from 1 of its 3 partners in the data (Afghanistan), \
                 as the data holds the exports of 2 countries (Afghanistan, South Africa)"
            ),
            "{n:?}"
        );
        // The reporter's own import declarations cover every partner.
        let own = Facts {
            own_imports: BTreeSet::from([2021]),
            ..f.clone()
        };
        assert!(own.notes().is_empty());
        // A pair: the partner's exports are not in the data.
        let pair = Facts {
            partners: Some(vec!["BWA".into()]),
            counterparts: BTreeMap::from([(2021, set(&["BWA"]))]),
            ..f
        };
        assert_eq!(
            pair.notes(),
            [
                "South Africa's imports from Botswana are not in the data: the data holds the \
              exports of 2 countries (Afghanistan, South Africa), not Botswana's"
            ]
        );
    }

    #[test]
    fn partners_missing_in_some_years_and_fewer_exporters() {
        let f = Facts {
            reporter: "KAZ".into(),
            partners: None,
            counterparts: BTreeMap::from([
                (2019, set(&["MEX"])),
                (2020, set(&["MEX", "BRA"])),
                (2021, set(&["MEX", "BRA"])),
            ]),
            ..Facts::default()
        };
        assert_eq!(
            f.notes(),
            [
                "1 of Kazakhstan's 2 partners in the data are missing in some years (Brazil: none \
              in 2019): sums over partners compare different sets of partners from year to year"
            ]
        );
        let counts = BTreeMap::from([(2019, 2), (2020, 3), (2021, 3)]);
        assert_eq!(
            declarer_counts(&counts),
            "2 countries in 2019, 3 in 2020, 2021"
        );
    }
}
