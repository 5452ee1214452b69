//! `tradestat world`: every country's exports, imports, balance and turnover, ranked.

use clap::Args;
use tradestat::analysis::flows::Flows;
use tradestat::analysis::profile;
use tradestat::output::{Cell, Column, Kind};
use tradestat::reference::countries;
use tradestat::{Error, Result, load};

use super::common::{self, EngineChoice, Filters, parse_years, table_from};
use super::{Global, Inputs};

/// The world table: for every country in the data, per year, its exports, imports, balance and
/// turnover over its partners in the data, ranked by turnover.
#[derive(Debug, Args)]
#[command(
    after_help = "A country's exports and imports are its own declarations, and for BACI's reconciled rows the
exporter's export and the importer's import; a side without rows is zero. Turnover is a
reported turnover where the source gives one, else exports + imports. BACI inputs take a fast
lane (one scan, only the columns needed).

Examples:
  tradestat world BACI_HS17_Y2021_V202401.csv -n 20
  tradestat world 'BACI_HS17_Y20*_V202401.csv' --years 2019,2021 --output csv -o world.csv
  tradestat world comtrade.csv"
)]
pub struct WorldArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Years to keep, e.g. 2021 or 2019-2021
    #[arg(long, short = 'y', value_name = "YEARS")]
    pub years: Option<String>,
    /// How many countries to list per year (0 for all)
    #[arg(short = 'n', long, default_value_t = 0)]
    pub n: usize,
    /// Engine: auto (fast lane for BACI inputs) or general
    #[arg(long, value_enum, default_value_t = EngineChoice::Auto)]
    pub engine: EngineChoice,
}

pub fn run(args: WorldArgs, g: &Global) -> Result<()> {
    let _spinner = g.spinner("reading the inputs");
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let years = args.years.as_deref().map(parse_years).transpose()?;
    let filters = Filters {
        years: args.years.clone(),
        ..Filters::default()
    };
    let fast = match common::fast_lane_allowed(args.engine, &filters, g) {
        true => match Flows::of(&ds)? {
            Some(lane) => lane.world(years.as_deref())?,
            None => None,
        },
        false => None,
    };
    let (df, notes) = match fast {
        Some(a) => {
            let mut notes = a.notes;
            notes.push(format!("sources: {}", common::file_sources(&ds)));
            (a.value, notes)
        }
        None => {
            let ds = ds.materialise()?;
            let df = profile::world(ds.lf.clone(), years.as_deref())?;
            let mut notes = common::left_out_notes(&ds)?;
            notes.push(format!("sources: {}", common::sources(&ds)?));
            (df, notes)
        }
    };
    if df.height() == 0 {
        return Err(Error::Request(
            "no trade in the data for the years asked".into(),
        ));
    }
    let mut t = table_from(
        &df,
        &[
            ("year", Kind::Text),
            ("country", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
            ("balance", Kind::Money),
            ("turnover", Kind::Money),
        ],
    )?;
    // Rank within each year (the frame is sorted by year, then turnover).
    t.columns.insert(
        1,
        Column {
            name: "rank".into(),
            kind: Kind::Integer,
        },
    );
    t.columns.insert(
        3,
        Column {
            name: "name".into(),
            kind: Kind::Text,
        },
    );
    let names = countries();
    let mut rows = Vec::new();
    let (mut last, mut rank) = (None, 0i64);
    for mut row in std::mem::take(&mut t.rows) {
        if Some(&row[0]) != last.as_ref() {
            last = Some(row[0].clone());
            rank = 0;
        }
        rank += 1;
        if args.n > 0 && rank > args.n as i64 {
            continue;
        }
        let name = match &row[1] {
            Cell::Text(c) => Cell::Text(names.name_of(c)),
            _ => Cell::Empty,
        };
        row.insert(1, Cell::Int(rank));
        row.insert(3, name);
        rows.push(row);
    }
    t.rows = rows;
    t.title = Some("World table: exports, imports, balance and turnover by country".into());
    drop(_spinner);
    g.emit(&t.render(g.output, "USD"))?;
    g.note(&notes);
    Ok(())
}
