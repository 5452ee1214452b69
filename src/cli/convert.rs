//! `tradestat convert`: write the inputs as one canonical table, CSV or Parquet.

use std::path::PathBuf;

use clap::Args;
use polars::prelude::IntoLazy;
use tradestat::analysis::baci_lane::BaciLane;
use tradestat::analysis::products::harmonise_notes;
use tradestat::analysis::user_categories;
use tradestat::read::Validation;
use tradestat::{Error, Result, load, write};

use super::{Global, Inputs};

/// Convert the inputs into one canonical table (see the README for the columns).
#[derive(Debug, Args)]
#[command(
    after_help = "The output format follows the extension of -o: .csv or .parquet.
With --keep-layout, BACI inputs are written to Parquet in BACI's own layout, typed
(t, i, j as integers, k as six-digit text, v in thousands of US dollars and q in tonnes as
numbers, NA as empty): a quarter of the canonical file's size, and `profile` and `world` read
it through their fast lane. tradestat reads both kinds of Parquet file.

Examples:
  tradestat convert comtrade.csv -o canonical.csv
  tradestat convert BACI_HS92_Y2021_V202401.csv --classification H0 -o baci2021.parquet
  tradestat convert 'comext/*.dat.gz' -o comext.parquet
  tradestat convert BACI_HS17_Y2021_V202401.csv --keep-layout -o baci2021.parquet"
)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Keep BACI's layout (typed) instead of the canonical table; Parquet output only
    #[arg(long)]
    pub keep_layout: bool,
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
    let _spinner = g.spinner("converting");
    let ds = load(&args.inputs.files, &g.load_options(Validation::Always)?)?;
    let mut df = if args.keep_layout {
        if ext != "parquet" {
            return Err(Error::Request(
                "--keep-layout writes Parquet: use -o FILE.parquet".into(),
            ));
        }
        let lane = BaciLane::of(&ds)?.ok_or_else(|| {
            Error::Request("--keep-layout needs BACI inputs (t,i,j,k,v,q) only".into())
        })?;
        lane.layout_frame()?
    } else {
        ds.collect(ds.lf.clone(), "the canonical table")?
    };
    let mut hs_notes = Vec::new();
    if let Some(to) = ds.options.hs_edition.filter(|_| !args.keep_layout) {
        hs_notes = harmonise_notes(df.clone().lazy(), to, "USD")?;
        // What each row went through is for the notes; the table keeps its canonical columns.
        df = df.drop_many(["hs_rule", "hs_from"]);
    }
    if let Some(cats) = ds.options.categories.as_ref().filter(|_| !args.keep_layout) {
        hs_notes.extend(user_categories::notes(df.clone().lazy(), cats, "USD")?);
        df = df.drop_many(["category_from"]);
    }
    if ext == "csv" {
        let mut df = write::guard_formulas(df.clone(), g.keep_formulas)?;
        write::csv(&out, &mut df)?;
    } else {
        write::parquet(&out, &mut df)?;
    }
    let mut notes: Vec<String> = ds.files.iter().flat_map(|f| f.warnings.clone()).collect();
    if ext == "parquet" && !args.keep_layout && BaciLane::of(&ds)?.is_some() {
        notes.push(
            "the inputs are BACI files: with --keep-layout the Parquet file keeps BACI's typed \
             layout, about a quarter of the size, and profile and world read it much faster"
                .into(),
        );
    }
    notes.extend(hs_notes);
    notes.push(format!("wrote {} rows to {}", df.height(), out.display()));
    drop(_spinner);
    g.note(&notes);
    Ok(())
}
