//! `tradestat summary`: exports, imports, turnover, balance, coverage and growth per year.

use clap::Args;
use tradestat::analysis;
use tradestat::frame::{floats, ints, strings};
use tradestat::output::{Cell, Kind, Table, percent};
use tradestat::{Result, load};

use super::common::Filters;
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
    pub filters: Filters,
}

pub fn run(args: SummaryArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.apply(ds)?;
    let lf = q.keep_years(analysis::summary(ds.lf.clone(), &q.reporter, &q.partners));
    let df = ds.collect(lf, "the summary")?;
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("exports", Kind::Money),
        ("imports", Kind::Money),
        ("turnover", Kind::Money),
        ("balance", Kind::Money),
        ("coverage", Kind::Ratio),
        ("growth", Kind::Percent),
        ("derived", Kind::Text),
    ]);
    t.title = Some(format!("Trade summary: {}", q.title()));
    let year = ints(&df, "year")?;
    let cols: Vec<Vec<Option<f64>>> = [
        "exports", "imports", "turnover", "balance", "coverage", "growth",
    ]
    .iter()
    .map(|c| floats(&df, c))
    .collect::<Result<_>>()?;
    let derived = strings(&df, "derived")?;
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    let mut points = Vec::new();
    for i in 0..df.height() {
        let mut row = vec![
            year[i]
                .map(|y| Cell::Text(y.to_string()))
                .unwrap_or(Cell::Empty),
        ];
        row.extend(cols.iter().map(|c| num(c[i])));
        row.push(derived[i].clone().map(Cell::Text).unwrap_or(Cell::Empty));
        t.push(row);
        if let (Some(y), Some(v)) = (year[i], cols[2][i]) {
            points.push((y, v));
        }
    }
    if df.height() == 0 {
        return Err(tradestat::Error::Request(format!(
            "no trade between {} in the data for the years asked",
            q.title()
        )));
    }
    let mut notes = super::common::partial_years(&ds, &q)?;
    if let Some(c) = analysis::cagr(&points) {
        let (first, last) = (points.first().unwrap().0, points.last().unwrap().0);
        notes.push(format!("turnover CAGR {first}-{last}: {}", percent(c)));
        t.notes
            .push(format!("turnover CAGR {first}-{last}: {}", percent(c)));
    }
    super::common::emit(g, &ds, &q, &t, notes)?;
    Ok(())
}
