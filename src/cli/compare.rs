//! `tradestat compare`: two years side by side, overall and per product group.

use clap::Args;
use tradestat::analysis::GroupBy;
use tradestat::analysis::products::harmonise_compared_years;
use tradestat::tables;
use tradestat::{Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Two years side by side: exports, imports, turnover and balance, then per product group, in
/// absolute and percent change.
#[derive(Debug, Args)]
#[command(after_help = "Change % = (B - A) / A; empty when A is zero or missing.

Examples:
  tradestat compare --years 2014,2018                  the embedded seed data
  tradestat compare comtrade.csv -r IND -p CHN --years 2009,2010
  tradestat compare baci.parquet -r ZAF --years 2020,2021 --group section --output markdown")]
pub struct CompareArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Product grouping for the per-group part: section, chapter, heading, category
    #[arg(long, default_value = "chapter", value_parser = super::composition::parse_group)]
    pub group: GroupBy,
}

pub fn run(args: CompareArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let (mut ds, q) = args.filters.filters().prepare(ds)?;
    // Two years of two HS editions compare in the later one.
    // The note on it is among the question's notes.
    harmonise_compared_years(&mut ds, &q)?;
    let t = tables::compare_table(&ds, &q, args.group)?;
    super::common::emit(g, "compare", &ds, &q, &t, Vec::new())?;
    Ok(())
}
