//! `tradestat report` and `tradestat render`: a self-contained HTML and Markdown report with
//! charts, tables and narrative; a TOML deck of charts and tables rendered in one run. Both
//! also write a workbook of their tables and a PowerPoint deck.

use std::path::{Path, PathBuf};

use clap::Args;
use tradestat::report::spec::Deck;
use tradestat::report::{build, deck, files};
use tradestat::{Error, Result, load};

use super::common::FilterArgs;
use super::fetch::{Connection, fetch_to_temp};
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

With --fetch, the records are first fetched from the UN Comtrade API (see `tradestat fetch
--help`): the reporter, partners, years and products of the filters are the query, and the
report names the download date.

Examples:
  tradestat report                                   the embedded seed data into report/
  tradestat report --fetch -r KAZ -p MEX --years 2014-2018 -o kaz-mex/
  tradestat report comtrade.csv -r KAZ -p MEX --years 2014-2018 -o kaz-mex/
  tradestat report baci.csv -r ZAF -o zaf/"
)]
pub struct ReportArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Fetch the records from the UN Comtrade API first (the query: -r, -p, --years,
    /// --products), through fetch's cache
    #[arg(long)]
    pub fetch: bool,
    #[command(flatten)]
    pub connection: Connection,
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
share one; default: the charts, then the tables). A [data] section (reporters, partners, years,
flows, products, level, classification, monthly) fetches records from the UN Comtrade API
first, as `tradestat fetch` does, through its cache; the options below say how to reach the API.

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
    #[command(flatten)]
    pub connection: Connection,
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
    let mut files = args.inputs.files.clone();
    let fetched = if args.fetch {
        let f = fetch_to_temp(&fetch_query(&args.filters)?, &args.connection, g)?;
        files.push(f.path.to_string_lossy().into_owned());
        Some(f)
    } else {
        None
    };
    let _spinner = g.spinner("reading the inputs");
    let ds = load(&files, &g.load_options(Default::default())?)?.materialise()?;
    let mut inputs = build::input_entries(&ds)?;
    let (mut ds, q) = args.filters.filters().apply(ds)?;
    // The report's years compare: in the later HS edition where they differ (its notes say so).
    tradestat::analysis::products::harmonise_compared_years(&mut ds, &q)?;
    // The subtitle names the inputs: the fetched records by their place in the report.
    let shown: Vec<String> = files
        .iter()
        .map(|f| match &fetched {
            Some(t) if *f == t.path.to_string_lossy() => {
                format!("{FETCHED} (fetched from the UN Comtrade API)")
            }
            _ => f.clone(),
        })
        .collect();
    let report = build::build(&ds, &q, &shown)?;
    let mut out = report.files(&std::env::args().collect::<Vec<_>>())?;
    if let Some(f) = &fetched {
        // The fetched records go into the report as data/comtrade.csv (the download folder is
        // temporary), and the manifest names them there.
        let bytes = std::fs::read(&f.path).map_err(|source| Error::Io {
            path: f.path.clone(),
            source,
        })?;
        let temp = f.path.display().to_string();
        for e in inputs.iter_mut().filter(|e| e.path == temp) {
            e.path = FETCHED.to_string();
        }
        out.push((FETCHED.to_string(), bytes));
    }
    let replaced = files::write(
        &dir,
        &out,
        env!("CARGO_PKG_VERSION"),
        std::env::args().collect(),
        inputs,
    )?;
    note_written(g, &dir, out.len() + 1, &replaced);
    drop(fetched);
    Ok(())
}

/// Where `report --fetch` puts the fetched records in the report.
const FETCHED: &str = "data/comtrade.csv";

/// The fetch query of `report --fetch`: the report's own filters.
fn fetch_query(f: &FilterArgs) -> Result<tradestat::fetch::QueryText> {
    let list = |s: &Option<String>| -> Vec<String> {
        s.as_deref()
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    if f.reporter.is_none() || f.years.is_none() {
        return Err(Error::Request(
            "report --fetch needs the query: -r REPORTER and --years YEARS (and -p PARTNER,              --products CODES)"
                .into(),
        ));
    }
    if f.region.is_some() {
        return Err(Error::Request(
            "report --fetch: --region is not a fetch query; name the partners with -p".into(),
        ));
    }
    Ok(tradestat::fetch::QueryText {
        reporters: list(&f.reporter),
        partners: list(&f.partner),
        years: f.years.clone().unwrap_or_default(),
        products: list(&f.products),
        ..Default::default()
    })
}

pub fn render(args: RenderArgs, g: &Global) -> Result<()> {
    let spec = Deck::read(&args.spec)?;
    let Some(dir) = g.out.clone() else {
        return Err(Error::Request(
            "render needs an output directory: -o DIR".into(),
        ));
    };
    let mut spec = spec;
    // The fetched file is read as one more input (an absolute path stays as it is beside the
    // spec's own relative inputs).
    let fetched = match &spec.data {
        Some(q) => {
            let mut q = q.clone();
            if q.classification.is_none() {
                q.classification = g.classification.clone();
            }
            let f = fetch_to_temp(&q, &args.connection, g)?;
            spec.inputs.push(f.path.to_string_lossy().into_owned());
            Some(f)
        }
        None => None,
    };
    let _spinner = g.spinner("reading the inputs");
    let out = deck::render(
        &spec,
        &args.spec,
        &g.load_options(Default::default())?,
        &std::env::args().collect::<Vec<_>>(),
    )?;
    drop(fetched);
    let replaced = files::write_plain(&dir, &out)?;
    note_written(g, &dir, out.len(), &replaced);
    Ok(())
}
