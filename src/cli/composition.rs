//! `tradestat composition`: totals and shares by HS section, chapter, heading or category.

use clap::Args;
use tradestat::analysis::{self, Direction, GroupBy};
use tradestat::frame::{floats, ints, strings};
use tradestat::output::{Cell, Kind, Table};
use tradestat::{Error, Result, load};

use super::common::Filters;
use super::{Global, Inputs};

/// Totals and shares of what is traded, by HS section, chapter (2 digits), heading (4 digits) or
/// the categories named in the data, for one year or several side by side.
#[derive(Debug, Args)]
#[command(
    after_help = "Codes are rolled up from their finest level in the data, so mixed-level files are not
double counted. Categories named without a value (press releases) are listed with an empty value.

Examples:
  tradestat composition --group category             products named in the seed documents
  tradestat composition h3_china_india.csv -r IND -p CHN --flow imports --group section
  tradestat composition baci_2021.csv -r ZAF --group chapter --output markdown"
)]
pub struct CompositionArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: Filters,
    /// Grouping: section, chapter, heading, category
    #[arg(long, default_value = "chapter", value_parser = parse_group)]
    pub group: GroupBy,
    /// Direction: exports, imports or turnover
    #[arg(long = "flow", default_value = "turnover")]
    pub direction: Direction,
}

/// Parse a `--group` value.
pub fn parse_group(s: &str) -> std::result::Result<GroupBy, String> {
    match s {
        "section" | "sections" => Ok(GroupBy::Section),
        "chapter" | "chapters" | "hs2" => Ok(GroupBy::Chapter),
        "heading" | "headings" | "hs4" => Ok(GroupBy::Heading),
        "category" | "categories" => Ok(GroupBy::Category),
        _ => Err(format!(
            "unknown group '{s}'; use section, chapter, heading or category"
        )),
    }
}

pub fn run(args: CompositionArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.apply(ds)?;
    let lf = q.keep_years(analysis::composition(
        ds.lf.clone(),
        &q.reporter,
        &q.partners,
        args.direction,
        args.group,
    ));
    let df = ds.collect(lf, "the composition")?;
    if df.height() == 0 {
        return Err(Error::Request(format!(
            "no product detail for {} ({:?}); the data may hold totals only",
            q.title(),
            args.direction
        )));
    }
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("group", Kind::Text),
        ("label", Kind::Text),
        ("value", Kind::Money),
        ("share", Kind::Percent),
    ]);
    t.title = Some(format!(
        "Composition of {:?}: {}",
        args.direction,
        q.title()
    ));
    let (y, gr, l, v, s) = (
        ints(&df, "year")?,
        strings(&df, "group")?,
        strings(&df, "label")?,
        floats(&df, "value")?,
        floats(&df, "share")?,
    );
    let text = |o: &Option<String>| Cell::Text(o.clone().unwrap_or_default());
    for i in 0..df.height() {
        t.push(vec![
            y[i].map(|y| Cell::Text(y.to_string()))
                .unwrap_or(Cell::Empty),
            text(&gr[i]),
            text(&l[i]),
            v[i].map(Cell::Num).unwrap_or(Cell::Empty),
            s[i].map(Cell::Num).unwrap_or(Cell::Empty),
        ]);
    }
    super::common::emit(g, &ds, &q, &t, Vec::new())?;
    Ok(())
}
