//! `tradestat partners`: a reporter's partners ranked by turnover, exports or imports.

use clap::Args;
use tradestat::analysis::Direction;
use tradestat::tables;
use tradestat::{Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// A reporter's partners ranked by turnover, exports or imports in one year, optionally within a
/// region, to check statements such as "Mexico is Kazakhstan's second biggest trading partner in
/// Latin America after Brazil".
#[derive(Debug, Args)]
#[command(
    after_help = "Exports and imports are the reporter's own figures (and reconciled BACI flows); turnover is
a reported turnover where the source gives one, else exports + imports. Share is of the listed total.

Examples:
  tradestat partners baci_2021.csv -r ZAF -n 10
  tradestat partners comtrade.csv -r KAZ --region 'Latin America and the Caribbean'
  tradestat partners data.csv -r DEU --by exports --years 2021 --output json"
)]
pub struct PartnersArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Rank by turnover, exports or imports
    #[arg(long, default_value = "turnover")]
    pub by: Direction,
    /// How many to show (0 for all)
    #[arg(short = 'n', long, default_value_t = 0)]
    pub n: usize,
}

pub fn run(args: PartnersArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    // Partners are ranked, not chosen: without --region the ranking covers the world.
    let mut filters = args.filters.clone();
    if filters.partner.is_none() && filters.region.is_none() {
        filters.partner = Some("world".into());
    }
    let (ds, q) = filters.filters().prepare(ds)?;
    let t = tables::partner_ranking(&ds, &q, args.by, args.n)?;
    super::common::emit(g, "partners", &ds, &q, &t, Vec::new())?;
    Ok(())
}
