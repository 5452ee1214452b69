//! `tradestat convert`: write the inputs as one canonical table, CSV or Parquet.

use std::path::PathBuf;

use clap::Args;
use tradestat::read::Validation;
use tradestat::{Error, Result, load, write};

use super::{Global, Inputs};

/// Convert the inputs into one canonical table (see the README for the columns).
#[derive(Debug, Args)]
#[command(
    after_help = "The output format follows the extension of -o: .csv or .parquet.

Examples:
  tradestat convert comtrade.csv -o canonical.csv
  tradestat convert BACI_HS92_Y2021_V202401.csv --classification H0 -o baci2021.parquet
  tradestat convert 'comext/*.dat.gz' -o comext.parquet"
)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub inputs: Inputs,
}

pub fn run(args: ConvertArgs, g: &Global) -> Result<()> {
    let out: PathBuf = g
        .out
        .clone()
        .ok_or_else(|| Error::Request("convert needs -o FILE.csv or -o FILE.parquet".into()))?;
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext != "csv" && ext != "parquet" {
        return Err(Error::Request(format!(
            "{}: unknown output extension '{ext}'; use .csv or .parquet",
            out.display()
        )));
    }
    let ds = load(&args.inputs.files, &g.load_options(Validation::Always)?)?;
    let mut df = ds.collect(ds.lf.clone(), "the canonical table")?;
    if ext == "csv" {
        write::csv(&out, &mut df)?;
    } else {
        write::parquet(&out, &mut df)?;
    }
    let mut notes: Vec<String> = ds.files.iter().flat_map(|f| f.warnings.clone()).collect();
    notes.push(format!("wrote {} rows to {}", df.height(), out.display()));
    g.note(&notes);
    Ok(())
}
