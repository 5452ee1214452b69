//! `tradestat top`: the top N products or partners, with shares and cumulative shares.

use clap::Args;
use tradestat::analysis::{self, By, Direction};
use tradestat::tables::ranking_table;
use tradestat::{Error, Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// The top N products or partners by value in one year, with share and cumulative share (Pareto).
#[derive(Debug, Args)]
#[command(
    after_help = "Products are ranked at their finest codes (codes with no sub-code in the data), or at
exactly --level digits. Share = value / total of all ranked items; ties are ordered by code.

Examples:
  tradestat top h3_china_india.csv -r IND -p CHN --flow imports -n 10
  tradestat top baci_2021.csv -r ZAF --by partner --flow exports -n 15
  tradestat top comtrade.csv -r IND --level 2 --output csv -o top_chapters.csv"
)]
pub struct TopArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// What to rank: product or partner
    #[arg(long, default_value = "product", value_parser = parse_by)]
    pub by: By,
    /// Direction: exports, imports or turnover
    #[arg(long = "flow", default_value = "exports")]
    pub direction: Direction,
    /// How many to show (0 for all)
    #[arg(short = 'n', long, default_value_t = 10)]
    pub n: usize,
    /// Product code length to rank at (2, 4, 6 ...)
    #[arg(long)]
    pub level: Option<i32>,
}

fn parse_by(s: &str) -> std::result::Result<By, String> {
    match s {
        "product" | "products" => Ok(By::Product),
        "partner" | "partners" => Ok(By::Partner),
        _ => Err(format!("unknown '{s}'; use product or partner")),
    }
}

pub fn run(args: TopArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let (ds, q) = args.filters.filters().prepare(ds)?;
    let year = q.one_year()?;
    let lf = analysis::top(
        ds.lf.clone(),
        &q.reporter,
        &q.partners,
        analysis::Ranking {
            direction: args.direction,
            by: args.by,
            year,
            level: args.level,
            n: args.n,
        },
    );
    let df = ds.collect(lf, "the ranking")?;
    if df.height() == 0 {
        return Err(Error::Request(format!(
            "no {:?} with values for {} in {year}",
            args.direction,
            q.title()
        )));
    }
    let t = ranking_table(
        &df,
        args.by,
        format!("Top {:?} {}, {year}", args.direction, q.title()),
    )?;
    super::common::emit(g, "top", &ds, &q, &t, Vec::new())?;
    Ok(())
}
