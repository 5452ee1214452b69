//! `tradestat report` and `tradestat render`: a self-contained HTML and Markdown report with
//! charts, tables and narrative; a TOML deck of charts and tables rendered in one run. Both
//! also write a workbook of their tables and a PowerPoint deck.

use std::path::{Path, PathBuf};

use clap::Args;
use tradestat::report::spec::Deck;
use tradestat::report::{build, deck, files};
use tradestat::{Error, Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Write a report on a bilateral relationship (or a reporter and the world) into a directory:
/// index.html (self-contained, prints to A4), report.md, charts/ (PNG and SVG), tables/ (CSV),
/// tables.xlsx (every table, one sheet each), report.pptx (the charts and short tables as
/// 16:9 slides, the narrative in the speaker notes) and manifest.json (inputs with SHA-256,
/// version, command line, files written).
#[derive(Debug, Args, Default)]
#[command(
    after_help = "Sections appear only where the data supports them: key figures, narrative, trend, flows
and balance, composition, top products, partner ranking, mirror comparison, indicators, data and
method notes. The narrative is generated from the numbers; each figure cites its sources.
An existing directory is not wiped: files tradestat did not write are left alone, and the
files replaced are named on stderr. Every file is written to a temporary file and renamed.

Examples:
  tradestat report                                   the embedded seed data into report/
  tradestat report comtrade.csv -r KAZ -p MEX --years 2014-2018 -o kaz-mex/
  tradestat report baci.csv -r ZAF -o zaf/"
)]
pub struct ReportArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Render the charts and tables of a deck specification (TOML) into a directory.
#[derive(Debug, Args)]
#[command(
    after_help = "The spec lists [[chart]] items (name, kind, filters, title, subtitle, size or
width/height, scale, theme, formats, flow, by, n, group, stacked, donut) and [[table]] items
(name, kind = summary|top|composition|partners|mirror|indicators, filters, title, flow, by, n,
group); both take notes (the slide's speaker notes). [defaults] holds filters for every item;
inputs are relative to the spec file (none: the seed data). The title slide comes from title,
subtitle, date, author and notes at the top; aspect = \"16:9\" (default) or \"4:3\"; slides = [...]
lists the slides in order by item name (chart:NAME / table:NAME where a chart and a table
share one; default: the charts, then the tables).

Written: NAME.png and NAME.svg per chart, NAME.csv and NAME.md per table, tables.xlsx (every
table, one sheet each, typed cells, a sources sheet) and deck.pptx (a PowerPoint file: a title
slide, then a slide per chart and table).

Examples:
  tradestat render examples/deck.toml -o deck/
  soffice --headless --convert-to pdf deck/deck.pptx    a PDF of the slides"
)]
pub struct RenderArgs {
    /// The deck specification (TOML)
    #[arg(value_name = "SPEC.toml")]
    pub spec: PathBuf,
}

fn note_written(g: &Global, dir: &Path, written: usize, replaced: &[String]) {
    let mut notes = Vec::new();
    if !replaced.is_empty() {
        notes.push(format!(
            "replaced {} file(s) in {}: {}",
            replaced.len(),
            dir.display(),
            replaced.join(", ")
        ));
    }
    notes.push(format!("wrote {written} file(s) to {}", dir.display()));
    g.note(&notes);
}

pub fn run(args: ReportArgs, g: &Global) -> Result<()> {
    let dir = g.out.clone().unwrap_or_else(|| PathBuf::from("report"));
    if dir.is_file() {
        return Err(Error::Request(format!(
            "-o {}: a report is a directory, and this is a file",
            dir.display()
        )));
    }
    let _spinner = g.spinner("reading the inputs");
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let inputs = build::input_entries(&ds)?;
    let (ds, q) = args.filters.filters().apply(ds)?;
    let report = build::build(&ds, &q, &args.inputs.files)?;
    let out = report.files(&std::env::args().collect::<Vec<_>>())?;
    let replaced = files::write(
        &dir,
        &out,
        env!("CARGO_PKG_VERSION"),
        std::env::args().collect(),
        inputs,
    )?;
    note_written(g, &dir, out.len() + 1, &replaced);
    Ok(())
}

pub fn render(args: RenderArgs, g: &Global) -> Result<()> {
    let spec = Deck::read(&args.spec)?;
    let Some(dir) = g.out.clone() else {
        return Err(Error::Request(
            "render needs an output directory: -o DIR".into(),
        ));
    };
    let _spinner = g.spinner("reading the inputs");
    let out = deck::render(
        &spec,
        &args.spec,
        &g.load_options(Default::default())?,
        &std::env::args().collect::<Vec<_>>(),
    )?;
    let replaced = files::write_plain(&dir, &out)?;
    note_written(g, &dir, out.len(), &replaced);
    Ok(())
}
