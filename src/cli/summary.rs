//! `tradestat summary`: exports, imports, turnover, balance, coverage and growth per year.

use clap::Args;
use tradestat::analysis::answers::Summary;
use tradestat::analysis::notes;
use tradestat::output::percent;
use tradestat::tables::summary_table;
use tradestat::{Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Per year, for a reporter against a partner, a region or the world: exports, imports,
/// turnover, balance, coverage ratio (exports/imports), year-on-year growth of turnover, and the
/// compound annual growth over the span.
#[derive(Debug, Args, Default)]
#[command(
    after_help = "Turnover is the reported turnover where the source gives one, else exports + imports
(marked derived). Growth is against the previous calendar year, empty when that year is absent.
CAGR = (last / first)^(1 / years) - 1 over the first and last years with turnover.

Examples:
  tradestat summary                                   the embedded Kazakhstan-Mexico figures
  tradestat summary comtrade.csv --reporter KAZ --partner MEX
  tradestat summary baci_2021.csv -r ZAF --region 'Sub-Saharan Africa'
  tradestat summary data.csv -r DEU --years 2018-2022 --output csv -o deu.csv"
)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
}

pub fn run(args: SummaryArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let (ds, q) = args.filters.filters().prepare(ds)?;
    let s = Summary::of(&ds, &q)?;
    if s.years.is_empty() {
        return Err(tradestat::Error::Request(format!(
            "no trade between {} in the data for the years asked",
            q.title()
        )));
    }
    let mut t = summary_table(&s, format!("Trade summary: {}", q.title()));
    let mut notes = notes::partial_years(&ds, &q)?;
    if let Some((first, last, c)) = s.turnover_cagr() {
        let line = format!("turnover CAGR {first}-{last}: {}", percent(c));
        notes.push(line.clone());
        t.notes.push(line);
    }
    super::common::emit(g, "summary", &ds, &q, &t, notes)?;
    Ok(())
}
