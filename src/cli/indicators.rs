//! `tradestat indicators`: shares, concentration, RCA, intensity, complementarity, intra-industry
//! trade and unit values.

use clap::Args;
use tradestat::analysis::indicators as ind;
use tradestat::frame::floats;
use tradestat::output::{Cell, Kind, Table};
use tradestat::{Error, Result, load};

use super::common::{Filters, table_from};
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
    pub filters: Filters,
    /// Product code length to work at (2, 4, 6 ...); default: the finest codes in the data
    #[arg(long)]
    pub level: Option<i32>,
    /// Per-item detail instead of the summary: products (RCA, Grubel-Lloyd), unit-values, marginal
    #[arg(long)]
    pub detail: Option<String>,
}

pub fn run(args: IndicatorsArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.apply(ds)?;
    let year = q.one_year()?;
    let declared = |y: i32| ind::declared(ds.lf.clone(), y, args.level);
    let mut t = match args.detail.as_deref() {
        None => {
            let df = ds.collect(
                ind::indicators(declared(year), &q.reporter, &q.partners),
                "the indicators",
            )?;
            let mut t = Table::new(vec![("indicator", Kind::Text), ("value", Kind::Ratio)]);
            for name in ind::INDICATORS {
                let v = floats(&df, name)?.first().copied().flatten();
                t.push(vec![
                    Cell::Text(name.to_string()),
                    v.map(Cell::Num).unwrap_or(Cell::Empty),
                ]);
            }
            t.title = Some(format!("Indicators: {}, {year}", q.title()));
            t
        }
        Some("products") => {
            let df = ds.collect(
                ind::product_detail(declared(year), &q.reporter, &q.partners),
                "the product detail",
            )?;
            let mut t = table_from(
                &df,
                &[
                    ("product", Kind::Text),
                    ("exports", Kind::Money),
                    ("imports", Kind::Money),
                    ("grubel_lloyd", Kind::Ratio),
                    ("rca", Kind::Ratio),
                ],
            )?;
            t.title = Some(format!(
                "RCA and Grubel-Lloyd by product: {}, {year}",
                q.title()
            ));
            t
        }
        Some("unit-values") => {
            let df = ds.collect(
                ind::unit_values(declared(year), &q.reporter, &q.partners),
                "unit values",
            )?;
            let mut t = table_from(
                &df,
                &[
                    ("dir", Kind::Text),
                    ("product", Kind::Text),
                    ("quantity_unit", Kind::Text),
                    ("value", Kind::Money),
                    ("quantity", Kind::Number),
                    ("unit_value", Kind::Ratio),
                ],
            )?;
            t.title = Some(format!(
                "Unit values (x exports, m imports): {}, {year}",
                q.title()
            ));
            t
        }
        Some("marginal") => {
            let ys = q.years.clone().unwrap_or_default();
            let [a, b] = ys.as_slice() else {
                return Err(Error::Request(
                    "--detail marginal needs two years, e.g. --years 2020,2021".into(),
                ));
            };
            let detail = |y: i32| ind::product_detail(declared(y), &q.reporter, &q.partners);
            let df = ds.collect(ind::marginal_iit(detail(*a), detail(*b)), "marginal IIT")?;
            let mut t = table_from(
                &df,
                &[
                    ("product", Kind::Text),
                    ("dx", Kind::Money),
                    ("dm", Kind::Money),
                    ("b", Kind::Ratio),
                ],
            )?;
            t.title = Some(format!(
                "Marginal intra-industry trade {a}-{b}: {}",
                q.title()
            ));
            t
        }
        Some(other) => {
            return Err(Error::Request(format!(
                "--detail {other}: use products, unit-values or marginal"
            )));
        }
    };
    if t.rows.is_empty() {
        return Err(Error::Request(format!(
            "no product data for {} in {year}",
            q.title()
        )));
    }
    t.notes.push("world = all reporters in the input".into());
    let world = "world (w) = the sum over all reporters in the input".to_string();
    super::common::emit(g, &ds, &q, &t, vec![world])?;
    Ok(())
}
