//! `tradestat partners`: a reporter's partners ranked by turnover, exports or imports.

use clap::Args;
use tradestat::analysis::{self, Direction};
use tradestat::frame::{floats, ints, strings};
use tradestat::output::{Cell, Kind, Table};
use tradestat::reference::countries;
use tradestat::{Error, Result, load};

use super::common::Filters;
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
    pub filters: Filters,
    /// Rank by turnover, exports or imports
    #[arg(long, default_value = "turnover")]
    pub by: Direction,
    /// How many to show (0 for all)
    #[arg(short = 'n', long, default_value_t = 0)]
    pub n: usize,
}

pub fn run(args: PartnersArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    // Partners are ranked, not chosen: without --region the ranking covers the world.
    let mut filters = args.filters.clone();
    if filters.partner.is_none() && filters.region.is_none() {
        filters.partner = Some("world".into());
    }
    let (ds, q) = filters.apply(ds)?;
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::partners(ds.lf.clone(), &q.reporter, &q.partners, year, args.by),
        "the partner ranking",
    )?;
    if df.height() == 0 {
        return Err(Error::Request(format!(
            "no partners with data for {} in {year}",
            q.title()
        )));
    }
    let mut t = Table::new(vec![
        ("rank", Kind::Integer),
        ("partner", Kind::Text),
        ("name", Kind::Text),
        ("exports", Kind::Money),
        ("imports", Kind::Money),
        ("turnover", Kind::Money),
        ("balance", Kind::Money),
        ("share", Kind::Percent),
    ]);
    let within = args
        .filters
        .region
        .clone()
        .unwrap_or_else(|| "World".into());
    t.title = Some(format!(
        "Partners of {} by {:?}, {year} ({within})",
        countries().name_of(&q.reporter),
        args.by
    ));
    let rank = ints(&df, "rank")?;
    let partner = strings(&df, "partner")?;
    let nums: Vec<Vec<Option<f64>>> = ["exports", "imports", "turnover", "balance", "share"]
        .iter()
        .map(|c| floats(&df, c))
        .collect::<Result<_>>()?;
    let limit = if args.n == 0 {
        df.height()
    } else {
        args.n.min(df.height())
    };
    for i in 0..limit {
        let p = partner[i].clone().unwrap_or_default();
        let mut row = vec![
            rank[i].map(Cell::Int).unwrap_or(Cell::Empty),
            Cell::Text(p.clone()),
            Cell::Text(countries().name_of(&p)),
        ];
        row.extend(
            nums.iter()
                .map(|c| c[i].map(Cell::Num).unwrap_or(Cell::Empty)),
        );
        t.push(row);
    }
    super::common::emit(g, &ds, &q, &t, Vec::new())?;
    Ok(())
}
