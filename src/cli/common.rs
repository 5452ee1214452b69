//! Filters shared by the analysis subcommands, and how a question's defaults are found.

use clap::Args;
use polars::prelude::*;
use tradestat::analysis::{self, Partners};
use tradestat::frame::{ints, strings};
use tradestat::reference::countries;
use tradestat::schema::WORLD;
use tradestat::{Dataset, Error, Result};

/// Who and when: the filters every analysis command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct Filters {
    /// Reporting country (code, ISO2/ISO3 or name); default: the only reporter in the data
    #[arg(long, short = 'r', value_name = "COUNTRY")]
    pub reporter: Option<String>,
    /// Partner country or countries (comma-separated), or `world`; default: the only partner
    /// in the data, else the world
    #[arg(long, short = 'p', value_name = "COUNTRY")]
    pub partner: Option<String>,
    /// Partners in an M49 region, subregion or intermediate region, e.g. "Latin America and the Caribbean"
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Years to keep, e.g. 2014,2018 or 2010-2020
    #[arg(long, short = 'y', value_name = "YEARS")]
    pub years: Option<String>,
    /// Keep products whose code starts with one of these (comma-separated), e.g. 85,8471
    #[arg(long, value_name = "CODES")]
    pub products: Option<String>,
    /// Exchange rates to convert other currencies to US dollars: a CSV with columns
    /// currency,year,rate (US dollars per unit). Without it, mixed currencies are refused
    #[arg(long, value_name = "FILE")]
    pub fx: Option<std::path::PathBuf>,
}

/// A resolved question: reporter, partners and years.
pub struct Question {
    /// Currency of every value in the prepared data.
    pub currency: String,
    pub reporter: String,
    pub partners: Partners,
    pub years: Option<Vec<i32>>,
    /// Years present for the reporter in the data, sorted.
    pub data_years: Vec<i32>,
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
            out.extend(a..=b);
        } else {
            out.push(part.parse().map_err(|_| bad())?);
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

fn names(codes: &[String]) -> String {
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
            ds.lf = ds.lf.filter(keep);
        }
        let currencies = distinct(&ds, analysis::usable(ds.lf.clone()), "currency")?;
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
                    return Err(Error::Request(format!(
                        "{r} ({code}) is not in the data; reporters are: {}",
                        names(&reporters)
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
                            names(&reporters)
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
                for p in list {
                    if !all.contains(p) {
                        return Err(Error::Request(format!(
                            "partner {p} ({}) is not in the data; partners are: {}",
                            countries().name_of(p),
                            names(&distinct(ds, usable.clone(), "partner")?)
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
                        data_years
                            .iter()
                            .map(i32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
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
            years,
            data_years,
        })
    }
}

impl Question {
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

/// Print an analysis table, then its notes on stderr: rows left out, the command's own notes,
/// and the sources of the data.
pub fn emit(
    g: &super::Global,
    ds: &Dataset,
    q: &Question,
    table: &tradestat::output::Table,
    extra: Vec<String>,
) -> Result<()> {
    g.emit(&table.render(g.output, &q.currency))?;
    let mut notes = left_out_notes(ds)?;
    notes.extend(extra);
    notes.push(format!("sources: {}", sources(ds)?));
    g.note(&notes);
    Ok(())
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
        q.keep_years(analysis::indicators::mirror(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            cif_fob,
        )),
        "mirror statistics",
    )?;
    let (ev, iv) = (
        tradestat::frame::floats(&df, "exporter_value")?,
        tradestat::frame::floats(&df, "importer_value")?,
    );
    if !(0..df.height()).any(|i| ev[i].is_some() && iv[i].is_some()) {
        return Err(Error::Request(format!(
            "{what} needs both sides: no flow of {pair} is declared by both exporter and importer \
             (load both countries' files; BACI rows are already reconciled)"
        )));
    }
    Ok(df)
}

/// A table of `cols` (name, kind) read from a collected frame: text columns as text, integer
/// columns as integers, the rest as numbers.
pub fn table_from(
    df: &polars::prelude::DataFrame,
    cols: &[(&str, tradestat::output::Kind)],
) -> Result<tradestat::output::Table> {
    use tradestat::frame::floats;
    use tradestat::output::{Cell, Kind, Table};
    let mut t = Table::new(cols.to_vec());
    let data: Vec<Vec<Cell>> = cols
        .iter()
        .map(|(c, k)| -> Result<Vec<Cell>> {
            Ok(match k {
                Kind::Text => strings(df, c)?
                    .into_iter()
                    .map(|v| v.map(Cell::Text).unwrap_or(Cell::Empty))
                    .collect(),
                Kind::Integer => ints(df, c)?
                    .into_iter()
                    .map(|v| v.map(Cell::Int).unwrap_or(Cell::Empty))
                    .collect(),
                _ => floats(df, c)?
                    .into_iter()
                    .map(|v| v.map(Cell::Num).unwrap_or(Cell::Empty))
                    .collect(),
            })
        })
        .collect::<Result<_>>()?;
    for i in 0..df.height() {
        t.push(data.iter().map(|c| c[i].clone()).collect());
    }
    Ok(t)
}

/// Which engine answers `profile` and `world`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum EngineChoice {
    /// The fast lane for BACI inputs when the question allows it, else the general engine
    #[default]
    Auto,
    /// Always the general engine (to check the fast lane, or compare timings)
    General,
}

/// Several named tables as one output: for JSON an object of arrays, for CSV the tables one
/// after the other, each after a `# name` line and separated by a blank line, for the terminal
/// and Markdown the titled tables one after the other.
pub fn render_tables(
    g: &super::Global,
    tables: &[(&str, &tradestat::output::Table)],
    currency: &str,
) -> String {
    use tradestat::output::Format;
    match g.output {
        Format::Json => {
            // Spliced from each table's own JSON, which keeps the columns in order.
            let parts: Vec<String> = tables
                .iter()
                .map(|(name, t)| {
                    let body = t.render(Format::Json, currency);
                    let body = body.trim_end().replace('\n', "\n  ");
                    format!("  {}: {body}", serde_json::Value::from(*name))
                })
                .collect();
            format!("{{\n{}\n}}\n", parts.join(",\n"))
        }
        Format::Csv => tables
            .iter()
            .map(|(name, t)| format!("# {name}\n{}", t.render(Format::Csv, currency)))
            .collect::<Vec<_>>()
            .join("\n"),
        f => tables
            .iter()
            .map(|(_, t)| t.render(f, currency))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The sources of a dataset's files, known without reading the rows: for the fast lane, whose
/// inputs are all BACI files.
pub fn file_sources(ds: &Dataset) -> String {
    let mut s: Vec<String> = ds.files.iter().map(|f| f.source.clone()).collect();
    s.sort();
    s.dedup();
    s.join("; ")
}

/// Whether `profile` and `world` may take the fast lane: asked for, and no option the lane
/// does not implement (regions, product filters, exchange rates, another value unit).
pub fn fast_lane_allowed(engine: EngineChoice, filters: &Filters, g: &super::Global) -> bool {
    engine == EngineChoice::Auto
        && filters.region.is_none()
        && filters.products.is_none()
        && filters.fx.is_none()
        && g.value_unit.is_none()
}
