//! `tradestat composition`: totals and shares by HS section, chapter, heading, category, broad
//! economic category or end use.

use clap::Args;
use tradestat::analysis::products::harmonise_compared_years;
use tradestat::analysis::{Direction, GroupBy};
use tradestat::tables;
use tradestat::{Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Totals and shares of what is traded, by HS section, chapter (2 digits), heading (4 digits),
/// the categories named in the data, the UN's Broad Economic Categories (BEC Rev.4) or end use
/// (capital, intermediate, consumption goods), for one year or several side by side.
#[derive(Debug, Args)]
#[command(
    after_help = "Codes are rolled up from their finest level in the data, so mixed-level files are not
double counted. Categories named without a value (press releases) are listed with an empty value.
--group bec and end-use read each HS code in its edition (the file's, else the one in force in
its year) through the UNSD HS-to-BEC tables; a code in several groups is shown as 'several', one
the tables lack as 'Not in the BEC tables'.

Examples:
  tradestat composition --group category             products named in the seed documents
  tradestat composition h3_china_india.csv -r IND -p CHN --flow imports --group section
  tradestat composition baci_2021.csv -r ZAF --group chapter --output markdown
  tradestat composition BACI_HS17_Y2021_V202401.csv -r ZAF --flow imports --group end-use"
)]
pub struct CompositionArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Grouping: section, chapter, heading, category, bec, end-use
    #[arg(long, visible_alias = "by", default_value = "chapter", value_parser = parse_group)]
    pub group: GroupBy,
    /// Direction: exports, imports or turnover
    #[arg(long = "flow", default_value = "turnover")]
    pub direction: Direction,
}

/// Parse a `--group` value.
pub fn parse_group(s: &str) -> std::result::Result<GroupBy, String> {
    s.parse()
}

pub fn run(args: CompositionArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let (mut ds, q) = args.filters.filters().prepare(ds)?;
    // Years of two HS editions compare in the later one.
    // The note on it is among the question's notes.
    harmonise_compared_years(&mut ds, &q)?;
    let t = tables::composition_by_year(&ds, &q, args.direction, args.group)?;
    super::common::emit(g, "composition", &ds, &q, &t, Vec::new())?;
    Ok(())
}
