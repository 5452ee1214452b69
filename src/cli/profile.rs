//! `tradestat profile`: a reporter's profile (flows, top partners, export concentration) or a
//! pair's (flows both ways, top products, chapter totals) from one scan of the inputs.

use clap::Args;
use tradestat::analysis::door::{self, Engine};
use tradestat::tables::profile_tables;
use tradestat::{Result, load};

use super::common::{FilterArgs, parse_engine};
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
(same definitions as summary, top, partners and composition); on Comtrade and Comext files it
parses only the rows of the reporter and the partner (either side) into its table. HHI = sum of squared shares of
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
    pub filters: FilterArgs,
    /// How many products or partners to list (0 for all)
    #[arg(short = 'n', long, default_value_t = 10)]
    pub n: usize,
    /// Engine: auto (fast lane for BACI inputs, the question's rows only for Comtrade and
    /// Comext) or general (every row)
    #[arg(long, value_name = "ENGINE", default_value = "auto", value_parser = parse_engine)]
    pub engine: Engine,
}

pub fn run(args: ProfileArgs, g: &Global) -> Result<()> {
    let spinner = g.spinner("reading the inputs");
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let answer = door::profile(ds, &args.filters.filters(), args.n, args.engine)?;
    let tables = profile_tables(&answer.profile)?;
    drop(spinner);
    let refs: Vec<(&str, &tradestat::output::Table)> =
        tables.iter().map(|(n, t)| (*n, t)).collect();
    g.emit_tables(
        &refs,
        &answer.currency,
        super::common::sources_in_notes(&answer.notes),
    )?;
    g.note(&answer.notes);
    Ok(())
}
