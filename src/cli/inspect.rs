//! `tradestat inspect`: what is in the inputs, file by file.

use clap::Args;
use tradestat::inspect;
use tradestat::output::{Cell, Format, Kind, Table};
use tradestat::read::Validation;
use tradestat::tables::{describe, inspect_text, seed_table};
use tradestat::{Result, load};

use super::{Global, Inputs};

/// Show the detected layout, rows, years, countries, flows, product levels, units, unresolved
/// codes, aggregate rows, domestic flows and warnings of each input.
#[derive(Debug, Args, Default)]
#[command(after_help = "Examples:
  tradestat inspect                             the embedded seed rows with their citations
  tradestat inspect comtrade.csv baci_2021.csv  each file's layout and contents
  tradestat inspect 'data/*.csv.gz' --output json
  tradestat inspect tradeflow.csv --map exporter=origin_country_code,importer=destination_country_code,year=year,value=exports")]
pub struct InspectArgs {
    #[command(flatten)]
    pub inputs: Inputs,
}

pub fn run(args: InspectArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Validation::Always)?)?;
    let stats = inspect::inspect(&ds)?;
    let mut table = Table::new(vec![
        ("file", Kind::Text),
        ("item", Kind::Text),
        ("value", Kind::Text),
    ]);
    for s in &stats {
        for (k, v) in describe(s) {
            table.push(vec![
                Cell::Text(s.path.clone()),
                Cell::Text(k),
                Cell::Text(v),
            ]);
        }
    }
    if g.output() == super::Output::Xlsx {
        let mut sheets = vec![("inspect", table.clone())];
        if ds.seed {
            sheets.push(("seed rows", seed_table(&inspect::rows(&ds)?)?));
        }
        let refs: Vec<(&str, &tradestat::output::Table)> =
            sheets.iter().map(|(n, t)| (*n, t)).collect();
        g.emit_tables(&refs, "USD", Vec::new())?;
    } else {
        let mut text = if g.format() == Format::Table {
            inspect_text(&stats, &ds.code_tables)
        } else {
            table.render(g.format(), "USD")
        };
        if ds.seed && g.format() == Format::Table {
            let df = inspect::rows(&ds)?;
            let rows = seed_table(&df)?;
            text.push_str("\nseed rows\n");
            text.push_str(&rows.render(Format::Table, "USD"));
        }
        g.emit(&text)?;
    }
    let warnings: Vec<String> = stats.iter().flat_map(|s| s.warnings.clone()).collect();
    g.note(&warnings);
    Ok(())
}
