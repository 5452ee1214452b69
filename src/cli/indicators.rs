//! `tradestat indicators`: shares, concentration, RCA, intensity, complementarity, intra-industry
//! trade and unit values.

use clap::Args;
use tradestat::tables;
use tradestat::{Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Trade indicators for a reporter and its partners in one year (or two, for marginal IIT).
#[derive(Debug, Args)]
#[command(
    after_help = "Exports are as declared by exporters and imports as declared by importers (BACI rows count
for both). i = reporter, j = partner(s), k = product (finest codes in the data, or --level),
w = world = the sum over ALL reporters in the input (state this when you quote a figure).

  export_share           X_ij / X_i             import_share   M_ij / M_i
  hhi_*                  H = sum s^2 over products (or partners); normalised (H - 1/N) / (1 - 1/N)
  rca (detail)           (X_ik / X_i) / (X_wk / X_w)          Balassa revealed comparative advantage
  trade_intensity        (X_ij / X_i) / (M_j / M_w)
  trade_complementarity  100 * (1 - sum_k |m_jk - x_ik| / 2), shares of j's imports and i's exports
  grubel_lloyd (detail)  1 - |X_k - M_k| / (X_k + M_k); aggregate sum(X+M-|X-M|) / sum(X+M)
  marginal IIT           B_k = 1 - |dX_k - dM_k| / (|dX_k| + |dM_k|) between two years (--detail marginal)
  unit values            value / quantity per product and unit (--detail unit-values)
A ratio with a zero denominator is left empty.

Examples:
  tradestat indicators baci_2021.csv -r ZAF -p BWA
  tradestat indicators baci_2021.csv -r ZAF -p BWA --detail products --output csv -o rca.csv
  tradestat indicators h3_china_india.csv -r IND -p CHN --detail unit-values
  tradestat indicators panel.parquet -r DEU -p FRA --years 2020,2021 --detail marginal"
)]
pub struct IndicatorsArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Product code length to work at (2, 4, 6 ...); default: the finest codes in the data
    #[arg(long)]
    pub level: Option<i32>,
    /// Per-item detail instead of the summary: products (RCA, Grubel-Lloyd), unit-values, marginal
    #[arg(long)]
    pub detail: Option<String>,
}

pub fn run(args: IndicatorsArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.filters().apply(ds)?;
    let t = tables::indicators(&ds, &q, args.level, args.detail.as_deref())?;
    super::common::emit(g, "indicators", &ds, &q, &t, Vec::new())?;
    Ok(())
}
