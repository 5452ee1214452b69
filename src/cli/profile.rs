//! `tradestat profile`: a reporter's profile (flows, top partners, export concentration) or a
//! pair's (flows both ways, top products, chapter totals) from one scan of the inputs.

use clap::Args;
use tradestat::analysis::flows::{Flows, Pair, Reporter};
use tradestat::analysis::{profile, resolve_country};
use tradestat::output::{Kind, Table};
use tradestat::reference::countries;
use tradestat::{Error, Result, load};

use super::common::{self, EngineChoice, Filters, parse_years, table_from};
use super::{Global, Inputs};

/// A reporter's profile: exports, imports, turnover and balance per year, its top partners by
/// turnover and the concentration of its exports over products (HHI). With --partner, the
/// pair's profile instead: flows both ways per year, the top products of the reporter's exports
/// to the partner, and HS chapter totals both ways. Rankings are for the latest year.
#[derive(Debug, Args)]
#[command(
    after_help = "Built for large files: BACI inputs (CSV, .csv.gz, or Parquet from `convert --keep-layout`)
take a fast lane that reads only the columns needed, filters while reading and scans once for
all tables. Other layouts, and --region/--products/--fx/--value-unit, use the general engine
(same definitions as summary, top, partners and composition). HHI = sum of squared shares of
the reporter's exports by product (leaf codes: HS6 for BACI), in [1/N, 1].

Examples:
  tradestat profile BACI_HS17_Y2021_V202401.csv -r KAZ
  tradestat profile BACI_HS17_Y2021_V202401.csv -r KAZ -p MEX --output json
  tradestat profile 'BACI_HS17_Y20*_V202401.csv' -r CHN --years 2019-2021
  tradestat profile comtrade.csv -r KAZ -p MEX -n 5"
)]
pub struct ProfileArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: Filters,
    /// How many products or partners to list (0 for all)
    #[arg(short = 'n', long, default_value_t = 10)]
    pub n: usize,
    /// Engine: auto (fast lane for BACI inputs) or general
    #[arg(long, value_enum, default_value_t = EngineChoice::Auto)]
    pub engine: EngineChoice,
}

fn flows_table(df: &polars::prelude::DataFrame, title: String) -> Result<Table> {
    let mut t = table_from(
        df,
        &[
            ("year", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
            ("turnover", Kind::Money),
            ("balance", Kind::Money),
        ],
    )?;
    t.title = Some(title);
    Ok(t)
}

fn year_words(year: Option<i32>) -> String {
    year.map(|y| format!(" in {y}")).unwrap_or_default()
}

/// Add country names after the `partner` column.
fn with_names(t: &mut Table, column: usize) {
    let names = countries();
    t.columns.insert(
        column + 1,
        tradestat::output::Column {
            name: "name".into(),
            kind: Kind::Text,
        },
    );
    for row in &mut t.rows {
        let name = match &row[column] {
            tradestat::output::Cell::Text(c) => tradestat::output::Cell::Text(names.name_of(c)),
            _ => tradestat::output::Cell::Empty,
        };
        row.insert(column + 1, name);
    }
}

fn pair_tables(p: &Pair, who: &str) -> Result<Vec<(&'static str, Table)>> {
    let flows = flows_table(&p.flows, format!("Trade: {who}"))?;
    let mut top = table_from(
        &p.top_products,
        &[
            ("rank", Kind::Integer),
            ("product", Kind::Text),
            ("name", Kind::Text),
            ("value", Kind::Money),
            ("share", Kind::Percent),
        ],
    )?;
    top.title = Some(format!("Top exports: {who}{}", year_words(p.year)));
    let mut chapters = table_from(
        &p.chapters,
        &[
            ("chapter", Kind::Text),
            ("name", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
        ],
    )?;
    chapters.title = Some(format!("HS chapters: {who}{}", year_words(p.year)));
    Ok(vec![
        ("flows", flows),
        ("top_products", top),
        ("chapters", chapters),
    ])
}

fn reporter_tables(r: &Reporter, who: &str) -> Result<Vec<(&'static str, Table)>> {
    let flows = flows_table(&r.flows, format!("Trade: {who} - World"))?;
    let mut top = table_from(
        &r.top_partners,
        &[
            ("rank", Kind::Integer),
            ("partner", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
            ("turnover", Kind::Money),
            ("share", Kind::Percent),
        ],
    )?;
    with_names(&mut top, 1);
    top.title = Some(format!(
        "Top partners by turnover: {who}{}",
        year_words(r.year)
    ));
    let mut conc = table_from(
        &r.concentration,
        &[
            ("year", Kind::Text),
            ("products", Kind::Integer),
            ("hhi", Kind::Ratio),
        ],
    )?;
    conc.title = Some(format!("Export concentration over products: {who}"));
    Ok(vec![
        ("flows", flows),
        ("top_partners", top),
        ("concentration", conc),
    ])
}

pub fn run(args: ProfileArgs, g: &Global) -> Result<()> {
    let _spinner = g.spinner("reading the inputs");
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let f = &args.filters;
    if f.partner
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case("world"))
    {
        return Err(Error::Request(
            "profile: leave out --partner for the reporter's profile against the world".into(),
        ));
    }
    let years = f.years.as_deref().map(parse_years).transpose()?;
    let fast = common::fast_lane_allowed(args.engine, f, g);
    if let (true, Some(reporter)) = (fast, f.reporter.as_deref())
        && let Some(lane) = Flows::of(&ds)?
    {
        let reporter = resolve_country(reporter);
        let answer = match f.partner.as_deref() {
            Some(p) => {
                let partner = resolve_country(p);
                if partner == reporter {
                    return Err(Error::Request(format!(
                        "profile: reporter and partner are both {reporter}"
                    )));
                }
                lane.pair(&reporter, &partner, years.as_deref(), args.n)?
                    .map(|a| {
                        (
                            pair_tables(&a.value, &pair_words(&reporter, &partner)),
                            a.notes,
                        )
                    })
            }
            None => lane
                .reporter(&reporter, years.as_deref(), args.n)?
                .map(|a| {
                    (
                        reporter_tables(&a.value, &countries().name_of(&reporter)),
                        a.notes,
                    )
                }),
        };
        if let Some((tables, mut notes)) = answer {
            let tables = tables?;
            if tables[0].1.rows.is_empty() {
                return Err(no_trade(&reporter, f.partner.as_deref(), &[]));
            }
            notes.push(format!("sources: {}", common::file_sources(&ds)));
            drop(_spinner);
            return emit(g, &tables, notes, "USD");
        }
    }
    let ds = ds.materialise()?;
    let mut filters = f.clone();
    if filters.partner.is_none() && filters.region.is_none() {
        filters.partner = Some("world".into());
    }
    let (ds, q) = filters.apply(ds)?;
    let lf = ds.lf.clone();
    let tables = match &q.partners {
        tradestat::analysis::Partners::World => reporter_tables(
            &profile::reporter(lf, &q.reporter, q.years.as_deref(), args.n)?,
            &countries().name_of(&q.reporter),
        )?,
        tradestat::analysis::Partners::Some(p) if p.len() == 1 => pair_tables(
            &profile::pair(lf, &q.reporter, &p[0], q.years.as_deref(), args.n)?,
            &pair_words(&q.reporter, &p[0]),
        )?,
        tradestat::analysis::Partners::Some(_) => {
            return Err(Error::Request(
                "profile takes one partner (or none, for the world); for a region use summary, top or composition".into(),
            ));
        }
    };
    if tables[0].1.rows.is_empty() {
        return Err(no_trade(&q.reporter, f.partner.as_deref(), &q.data_years));
    }
    let mut notes = common::left_out_notes(&ds)?;
    notes.push(format!("sources: {}", common::sources(&ds)?));
    drop(_spinner);
    emit(g, &tables, notes, &q.currency)
}

fn pair_words(reporter: &str, partner: &str) -> String {
    let t = countries();
    format!("{} - {}", t.name_of(reporter), t.name_of(partner))
}

fn no_trade(reporter: &str, partner: Option<&str>, years: &[i32]) -> Error {
    let with = partner.map(|p| format!(" with {p}")).unwrap_or_default();
    let span = if years.is_empty() {
        String::new()
    } else {
        format!(
            " (years in the data for {reporter}: {})",
            years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Error::Request(format!(
        "no trade of {reporter}{with} in the data for the years asked{span}"
    ))
}

fn emit(
    g: &Global,
    tables: &[(&'static str, Table)],
    notes: Vec<String>,
    currency: &str,
) -> Result<()> {
    let refs: Vec<(&str, &Table)> = tables.iter().map(|(n, t)| (*n, t)).collect();
    g.emit(&common::render_tables(g, &refs, currency))?;
    g.note(&notes);
    Ok(())
}
