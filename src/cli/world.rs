//! `tradestat world`: every country's exports, imports, balance and turnover, ranked.

use clap::Args;
use tradestat::analysis::door::{self, Engine};
use tradestat::tables::world_table;
use tradestat::{Result, load};

use super::common::parse_engine;
use super::{Global, Inputs};

/// The world table: for every country in the data, per year, its exports, imports, balance and
/// turnover over its partners in the data, ranked by turnover (by exports where it is unknown).
#[derive(Debug, Args)]
#[command(
    after_help = "A country's exports and imports are its own declarations, and for BACI's reconciled rows the
exporter's export and the importer's import; a side without rows is zero. Turnover is a
reported turnover where the source gives one, else exports + imports. BACI inputs take a fast
lane (one scan, only the columns needed).
Countries are ranked by turnover within each year; those whose turnover is unknown (exports or
imports not in the data) follow, ranked by exports, then imports: the title and a note say so.

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
    #[arg(long, value_name = "ENGINE", default_value = "auto", value_parser = parse_engine)]
    pub engine: Engine,
}

pub fn run(args: WorldArgs, g: &Global) -> Result<()> {
    let spinner = g.spinner("reading the inputs");
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let answer = door::world(ds, args.years.as_deref(), args.engine)?;
    let t = world_table(&answer.value, args.n)?;
    drop(spinner);
    let sources = super::common::sources_in_notes(&answer.notes);
    g.emit_tables(&[("world", &t)], "USD", sources)?;
    g.note(&answer.notes);
    Ok(())
}
