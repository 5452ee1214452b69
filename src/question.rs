//! The question a command asks of the data: reporter, partners or region, years, products and
//! currency, resolved against what the loaded data holds (with errors that list what is there).
//!
//! The command line builds a [`Filters`] from its arguments; [`Filters::apply`] prepares the data
//! (product filter, currency conversion) and returns the resolved [`Question`] that every
//! analysis, chart and report takes.

use std::path::PathBuf;

use polars::prelude::*;

use crate::analysis::{self, Partners};
use crate::frame::{ints, strings};
use crate::reference::countries;
use crate::schema::WORLD;
use crate::{Dataset, Error, Result};

/// Who and when, as asked (text as the user wrote it; nothing resolved yet).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Reporting country (code, ISO2/ISO3 or name); none: the only reporter in the data.
    pub reporter: Option<String>,
    /// Partner country or countries (comma-separated), or `world`; none: the only partner of
    /// the reporter in the data, else the world.
    pub partner: Option<String>,
    /// Partners in an M49 region, subregion or intermediate region.
    pub region: Option<String>,
    /// Years to keep, e.g. `2014,2018` or `2010-2020`.
    pub years: Option<String>,
    /// Product code prefixes to keep (comma-separated), e.g. `85,8471`.
    pub products: Option<String>,
    /// Exchange rates (CSV `currency,year,rate`, US dollars per unit) to convert other
    /// currencies to US dollars.
    pub fx: Option<PathBuf>,
}

/// A resolved question: reporter, partners and years.
#[derive(Debug, Clone)]
pub struct Question {
    /// Currency of every value in the prepared data.
    pub currency: String,
    pub reporter: String,
    pub partners: Partners,
    /// The region the partners were chosen by, when they were.
    pub region: Option<String>,
    pub years: Option<Vec<i32>>,
    /// Years present for the reporter in the data, sorted.
    pub data_years: Vec<i32>,
}

/// The years a question may name: those the readers accept in a file
/// ([`crate::read::layout::YEARS`], 1700..=2100), so that an option is refused before any
/// input is read (`--years 0-100000000` once allocated 4.8 GB expanding the range).
pub const YEARS: std::ops::RangeInclusive<i32> = crate::read::layout::YEARS;

/// Refuse a year outside [`YEARS`], naming the option (`--year`, `--years`) and what it got.
pub fn check_year(option: &str, text: &str, year: i32) -> Result<()> {
    if YEARS.contains(&year) {
        return Ok(());
    }
    Err(Error::Request(format!(
        "{option}: '{text}' is outside the years tradestat reads ({}-{})",
        YEARS.start(),
        YEARS.end()
    )))
}

/// Years for a message: "2014, 2018".
pub fn year_list(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parse `2014,2018` or `2010-2020` (or a mix).
pub fn parse_years(s: &str) -> Result<Vec<i32>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || {
            Error::Request(format!(
                "--years: '{part}' is not a year or a range like 2010-2020"
            ))
        };
        if let Some((a, b)) = part.split_once('-') {
            let (a, b): (i32, i32) = (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            );
            if a > b {
                return Err(bad());
            }
            // A range is expanded year by year: bound it before anything is allocated.
            check_year("--years", part, a)?;
            check_year("--years", part, b)?;
            out.extend(a..=b);
        } else {
            let y = part.parse().map_err(|_| bad())?;
            check_year("--years", part, y)?;
            out.push(y);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn distinct(ds: &Dataset, lf: LazyFrame, column: &str) -> Result<Vec<String>> {
    let df = ds.collect(
        lf.select([col(column)])
            .filter(col(column).is_not_null())
            .unique(None, UniqueKeepStrategy::Any)
            .sort([column], SortMultipleOptions::default()),
        "the list of countries",
    )?;
    Ok(strings(&df, column)?.into_iter().flatten().collect())
}

/// What a country the user asked for is in the data, for an error that says it is absent:
/// every code of `codes` (the countries in the data) that matches the user's text, by code, name,
/// alias or legacy code, so that the one meant is named however long the list of the others is.
/// "; Romania is in the data as ROM" when the text names the code exactly, "; in the data with
/// a similar name or code: YMD (South Yemen)" otherwise, "" when nothing matches.
pub(crate) fn matching_words(asked: &str, codes: &[String]) -> String {
    let t = asked.trim().to_lowercase();
    if t.chars().count() < 2 {
        return String::new();
    }
    let table = countries();
    let (mut exact, mut similar) = (Vec::new(), Vec::new());
    for code in codes {
        let mut names: Vec<String> = vec![code.to_lowercase(), table.name_of(code).to_lowercase()];
        if let Some(c) = table.by_iso3(code) {
            names.extend(c.aliases.iter().map(|a| a.to_lowercase()));
        }
        if let Some(l) = table.legacy(code) {
            names.push(l.name.to_lowercase());
        }
        if names.contains(&t) {
            exact.push(code.clone());
        } else if names
            .iter()
            .any(|n| n.contains(&t) || (n.len() > 3 && t.contains(n)))
        {
            similar.push(format!("{code} ({})", table.name_of(code)));
        }
    }
    let asked = asked.trim();
    match (exact.as_slice(), similar.is_empty()) {
        ([], true) => String::new(),
        ([], false) => format!(
            "; in the data with a similar name or code: {}",
            similar.join(", ")
        ),
        (e, _) => {
            let mut s = format!("; {asked} is in the data as {}", e.join(", "));
            if !similar.is_empty() {
                s.push_str(&format!(
                    "; with a similar name or code: {}",
                    similar.join(", ")
                ));
            }
            s
        }
    }
}

/// Countries with their names for an error message (the first 40, then how many more; the ones
/// that match what the user asked for are named before it by [`matching_words`]).
pub(crate) fn country_list(codes: &[String]) -> String {
    let t = countries();
    let mut v: Vec<String> = codes
        .iter()
        .take(40)
        .map(|c| format!("{c} ({})", t.name_of(c)))
        .collect();
    if codes.len() > 40 {
        v.push(format!("... {} more", codes.len() - 40));
    }
    v.join(", ")
}

/// Read an exchange-rate file: currency, year, rate (US dollars per unit).
fn read_fx(path: &std::path::Path) -> Result<DataFrame> {
    let bad = |line: u64, column: &str, message: String| Error::Cell {
        path: path.to_path_buf(),
        line,
        column: column.into(),
        message,
    };
    let mut rdr = csv::Reader::from_path(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let (mut cur, mut year, mut rate) = (Vec::new(), Vec::new(), Vec::new());
    for record in rdr.records() {
        let r = record
            .map_err(|e| bad(e.position().map_or(0, |p| p.line()), "(row)", e.to_string()))?;
        let line = r.position().map_or(0, |p| p.line());
        if r.len() < 3 {
            return Err(bad(line, "(row)", "expected currency,year,rate".into()));
        }
        cur.push(r[0].trim().to_uppercase());
        year.push(
            r[1].trim()
                .parse::<i32>()
                .map_err(|_| bad(line, "year", format!("expected a year, found '{}'", &r[1])))?,
        );
        let v: f64 = r[2].trim().parse().map_err(|_| {
            bad(
                line,
                "rate",
                format!("expected a number, found '{}'", &r[2]),
            )
        })?;
        if !(v.is_finite() && v > 0.0) {
            return Err(bad(
                line,
                "rate",
                format!("expected a positive rate, found '{}'", &r[2]),
            ));
        }
        rate.push(v);
    }
    DataFrame::new_infer_height(vec![
        Column::new("currency".into(), cur),
        Column::new("year".into(), year),
        Column::new("_rate".into(), rate),
    ])
    .map_err(Error::polars(format!("{}: exchange rates", path.display())))
}

impl Filters {
    /// The countries whose rows answer the question: the reporter and the partners named, or
    /// `None` when the question needs more (no reporter: it is found from every row; a region:
    /// its members are resolved against the data).
    pub fn scope(&self) -> Option<Vec<String>> {
        let reporter = analysis::resolve_country(self.reporter.as_deref()?);
        if self.region.is_some() {
            return None;
        }
        let mut scope = vec![reporter];
        if let Some(Partners::Some(list)) = self
            .partner
            .as_deref()
            .map(|p| analysis::resolve_partners(Some(p), None))
            .transpose()
            .ok()?
        {
            scope.extend(list);
        }
        scope.sort();
        scope.dedup();
        Some(scope)
    }

    /// Read the data for the question, parsed once ([`Dataset::materialise`]), and apply the
    /// question to it ([`Filters::apply`]). Where the inputs allow it ([`Dataset::can_scope`])
    /// only the rows of the question's countries ([`Filters::scope`]) are parsed into the
    /// canonical table: the same answer at a fraction of the cost on a large file. The data
    /// those rows do not hold (the other reporters, for the message saying a country is not in
    /// the data) is read from every row when the question cannot be answered from them.
    pub fn prepare(&self, ds: Dataset) -> Result<(Dataset, Question)> {
        if let Some(scope) = self.scope()
            && ds.can_scope()
        {
            let narrowed = ds.clone().scoped(&scope)?.materialise()?;
            if let Ok(done) = self.apply(narrowed) {
                return Ok(done);
            }
        }
        self.apply(ds.materialise()?)
    }

    /// Prepare the data for the question (products filter, currencies) and resolve it.
    pub fn apply(&self, mut ds: Dataset) -> Result<(Dataset, Question)> {
        if let Some(p) = &self.products {
            let prefixes: Vec<&str> = p
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let keep = prefixes
                .iter()
                .map(|p| col("product").str().starts_with(lit(p.to_string())))
                .reduce(|a, b| a.or(b))
                .ok_or_else(|| Error::Request("--products needs at least one code".into()))?;
            ds.lf = ds.lf.filter(keep.clone());
            // The note on domestic flows left out speaks of the same products.
            ds.domestic = ds.domestic.map(|d| d.filter(keep));
        }
        // The currencies of the rows the question is about (its countries' rows, either side):
        // rows of other countries in another currency do not stop it, and whether every row or
        // only those rows were parsed ([`Filters::prepare`]) the answer is the same.
        let usable = analysis::usable(ds.lf.clone());
        let usable = match self.scope() {
            Some(countries) => usable.filter(analysis::notes::either_side(countries)),
            None => usable,
        };
        let currencies = distinct(&ds, usable, "currency")?;
        let currency = match (currencies.as_slice(), &self.fx) {
            ([], _) => "USD".to_string(),
            ([one], None) => one.clone(),
            (_, None) => {
                return Err(Error::Request(format!(
                    "values are in several currencies ({}); tradestat does not add them. Give --fx FILE \
                     (columns currency,year,rate in US dollars per unit) to convert them to USD",
                    currencies.join(", ")
                )));
            }
            (_, Some(path)) => {
                let fx = read_fx(path)?;
                let joined = ds.lf.clone().join(
                    fx.lazy(),
                    [col("currency"), col("year")],
                    [col("currency"), col("year")],
                    JoinArgs::new(JoinType::Left),
                );
                let is_usd = col("currency").eq(lit("USD"));
                let missing = ds.collect(
                    joined
                        .clone()
                        .filter(
                            is_usd
                                .clone()
                                .not()
                                .and(col("_rate").is_null())
                                .and(col("value").is_not_null()),
                        )
                        .select([col("currency"), col("year")])
                        .unique(None, UniqueKeepStrategy::Any)
                        .sort(["currency", "year"], SortMultipleOptions::default()),
                    "the exchange rates needed",
                )?;
                if missing.height() > 0 {
                    let (c, y) = (strings(&missing, "currency")?, ints(&missing, "year")?);
                    let list: Vec<String> = (0..missing.height())
                        .map(|i| {
                            format!("{} {}", c[i].clone().unwrap_or_default(), y[i].unwrap_or(0))
                        })
                        .collect();
                    return Err(Error::Request(format!(
                        "{}: no rate for {}",
                        path.display(),
                        list.join(", ")
                    )));
                }
                ds.lf = joined
                    .with_columns([
                        when(is_usd.clone())
                            .then(col("value"))
                            .otherwise(col("value") * col("_rate"))
                            .alias("value"),
                        lit("USD").alias("currency"),
                    ])
                    .drop(cols(["_rate"]));
                "USD".to_string()
            }
        };
        let mut q = self.resolve(&ds)?;
        q.currency = currency;
        Ok((ds, q))
    }

    /// Resolve the filters against the data: defaults, and clear errors for what is absent.
    pub fn resolve(&self, ds: &Dataset) -> Result<Question> {
        let usable = analysis::usable(ds.lf.clone());
        let reporters = distinct(ds, usable.clone(), "reporter")?;
        let reporter = match &self.reporter {
            Some(r) => {
                let code = analysis::resolve_country(r);
                let partners_col = distinct(ds, usable.clone(), "partner")?;
                if !reporters.contains(&code) && !partners_col.contains(&code) {
                    let mut every = reporters.clone();
                    every.extend(partners_col);
                    every.sort();
                    every.dedup();
                    return Err(Error::Request(format!(
                        "{r} ({code}) is not in the data{}; reporters are: {}",
                        matching_words(r, &every),
                        country_list(&reporters)
                    )));
                }
                code
            }
            None => {
                let real: Vec<&String> = reporters.iter().filter(|r| *r != WORLD).collect();
                match real.as_slice() {
                    [one] => (*one).clone(),
                    _ => {
                        // A country that reports most often is a guess; ask instead.
                        return Err(Error::Request(format!(
                            "several reporters in the data; choose one with --reporter: {}",
                            country_list(&reporters)
                        )));
                    }
                }
            }
        };
        let partners = match (&self.partner, &self.region) {
            (None, None) => {
                let mine = usable.clone().filter(
                    col("reporter")
                        .eq(lit(reporter.clone()))
                        .or(col("partner").eq(lit(reporter.clone()))),
                );
                let mut others: Vec<String> = distinct(ds, mine.clone(), "partner")?;
                others.extend(distinct(ds, mine, "reporter")?);
                others.retain(|p| *p != reporter && p != WORLD);
                others.sort();
                others.dedup();
                if others.len() == 1 {
                    Partners::Some(others)
                } else {
                    Partners::World
                }
            }
            (p, r) => analysis::resolve_partners(p.as_deref(), r.as_deref())?,
        };
        if let Partners::Some(list) = &partners {
            let all = {
                let mut a = distinct(ds, usable.clone(), "partner")?;
                a.extend(reporters.iter().cloned());
                a
            };
            if self.region.is_none() {
                // The text the user wrote for each partner, for the list of what matches it.
                let asked: Vec<&str> = self
                    .partner
                    .as_deref()
                    .map(|p| p.split(',').collect())
                    .unwrap_or_default();
                for (i, p) in list.iter().enumerate() {
                    if !all.contains(p) {
                        let mut every = all.clone();
                        every.sort();
                        every.dedup();
                        return Err(Error::Request(format!(
                            "partner {p} ({}) is not in the data{}; partners are: {}",
                            countries().name_of(p),
                            matching_words(asked.get(i).copied().unwrap_or(p), &every),
                            country_list(&distinct(ds, usable.clone(), "partner")?)
                        )));
                    }
                }
            }
        }
        let yd = ds.collect(
            usable
                .filter(
                    col("reporter")
                        .eq(lit(reporter.clone()))
                        .or(col("partner").eq(lit(reporter.clone()))),
                )
                .select([col("year")])
                .unique(None, UniqueKeepStrategy::Any)
                .sort(["year"], SortMultipleOptions::default()),
            "the years",
        )?;
        let data_years: Vec<i32> = ints(&yd, "year")?
            .into_iter()
            .flatten()
            .map(|y| y as i32)
            .collect();
        let years = match &self.years {
            Some(s) => {
                let ys = parse_years(s)?;
                let missing: Vec<String> = ys
                    .iter()
                    .filter(|y| !data_years.contains(y))
                    .map(i32::to_string)
                    .collect();
                if !missing.is_empty() && ys.len() <= 2 {
                    return Err(Error::Request(format!(
                        "no data for {reporter} in {}; years in the data: {}",
                        missing.join(", "),
                        year_list(&data_years)
                    )));
                }
                Some(ys)
            }
            None => None,
        };
        Ok(Question {
            currency: "USD".into(),
            reporter,
            partners,
            region: self.region.clone(),
            years,
            data_years,
        })
    }
}

impl Question {
    /// The reporter's name: "Kazakhstan".
    pub fn reporter_name(&self) -> String {
        countries().name_of(&self.reporter)
    }

    /// The partner side in words: the region asked for, "the world", a country's name, or
    /// "3 partners".
    pub fn partner_words(&self) -> String {
        match (&self.partners, &self.region) {
            (_, Some(r)) => r.clone(),
            (Partners::World, None) => "the world".into(),
            (Partners::Some(p), None) if p.len() == 1 => countries().name_of(&p[0]),
            (Partners::Some(p), None) => format!("{} partners", p.len()),
        }
    }

    /// Both sides for a heading: "Kazakhstan - Mexico", "South Africa - World".
    pub fn pair_words(&self) -> String {
        let partner = self.partner_words();
        let p = partner.strip_prefix("the ").unwrap_or(&partner);
        let p = if p == "world" { "World" } else { p };
        format!("{} - {}", self.reporter_name(), p)
    }

    /// "Kazakhstan - Mexico", "Kazakhstan - World", "Kazakhstan - 33 partners".
    pub fn title(&self) -> String {
        let t = countries();
        let partner = match &self.partners {
            Partners::World => "World".to_string(),
            Partners::Some(p) if p.len() == 1 => t.name_of(&p[0]),
            Partners::Some(p) => format!("{} partners", p.len()),
        };
        format!("{} - {}", t.name_of(&self.reporter), partner)
    }

    /// Keep the asked years in a frame with a `year` column.
    pub fn keep_years(&self, lf: LazyFrame) -> LazyFrame {
        match &self.years {
            Some(ys) => lf.filter(col("year").is_in(
                lit(Series::new(PlSmallStr::EMPTY, ys.clone())).implode(true),
                false,
            )),
            None => lf,
        }
    }

    /// The year a single-year command looks at: the only or last asked year, else the latest.
    pub fn one_year(&self) -> Result<i32> {
        self.years
            .as_ref()
            .and_then(|y| y.last().copied())
            .or_else(|| self.data_years.last().copied())
            .ok_or_else(|| Error::Request("no years with data for this reporter".into()))
    }
}
