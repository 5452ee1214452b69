//! The `tradestat` command line: global options shared by every subcommand, and dispatch to one
//! file per subcommand.

pub mod chart;
pub mod common;
pub mod compare;
pub mod composition;
pub mod convert;
pub mod fetch;
pub mod indicators;
pub mod inspect;
pub mod mirror;
pub mod partners;
pub mod profile;
pub mod report;
mod spinner;
pub mod summary;
pub mod top;
pub mod world;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
pub use spinner::Spinner;
use tradestat::output::{Format, Table};
use tradestat::read::layout::{Layout, Mapping, ReadOptions};
use tradestat::read::{Encoding, Validation};
use tradestat::{Error, LoadOptions, Result};

/// Turn trade-flow records into correct numbers, charts and reports.
#[derive(Debug, Parser)]
#[command(
    name = "tradestat",
    version,
    about,
    after_help = "With no command, tradestat runs `summary` on the embedded Kazakhstan-Mexico seed dataset.\n\nExamples:\n  tradestat                                   summary of the embedded seed data\n  tradestat inspect data.csv                  what is in a file\n  tradestat convert BACI_*.csv -o baci.parquet one canonical table\n  tradestat summary --reporter KAZ --partner MEX"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub global: Global,
}

/// Options every subcommand takes.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Input layout, instead of detecting it from the header:
    /// canonical, comtrade-plus, comtrade-legacy, baci, comext, mapped
    #[arg(long, global = true, value_name = "LAYOUT", value_parser = parse_layout)]
    pub format: Option<Layout>,
    /// Column mapping for other layouts, e.g.
    /// exporter=origin,importer=destination,year=year,value=exports
    #[arg(long, global = true, value_name = "FIELD=COLUMN,...")]
    pub map: Option<String>,
    /// Multiplier from the file's value unit to currency units (1000 for thousands)
    #[arg(long, global = true, value_name = "N")]
    pub value_unit: Option<f64>,
    /// Currency of a mapped file's values (default USD)
    #[arg(long, global = true, value_name = "CODE")]
    pub currency: Option<String>,
    /// Classification to record, e.g. H0 for a BACI HS92 file
    #[arg(long, global = true, value_name = "CODE")]
    pub classification: Option<String>,
    /// Harmonise six-digit HS codes of every edition to one (H0..H6, HS1992..HS2022, HS92..HS22)
    /// with the UNSD conversion tables, so that files of different editions compare (also
    /// --hs, e.g. --hs 2017)
    #[arg(long, global = true, value_name = "EDITION", visible_alias = "hs")]
    pub hs_edition: Option<String>,
    /// With --hs-edition: codes with several counterparts in that edition (1:n, n:n) are
    /// aggregated to the smallest group of codes that maps exactly (group, the default) or
    /// split among their counterparts with equal weights (equal)
    #[arg(long, global = true, value_name = "HOW", value_parser = ["group", "equal"])]
    pub hs_split: Option<String>,
    /// Your own product categories: a CSV of category name and HS code prefixes (a header
    /// line, then e.g. "Phones,851712 851713"); every analysis, chart and report groups the
    /// products by them (codes in none are "uncategorised", counted in a warning)
    #[arg(long, global = true, value_name = "FILE")]
    pub categories: Option<std::path::PathBuf>,
    /// Flow of every row of a file without a flow column; with exporter=/importer= mapped,
    /// export or import reads each row as that side's own declaration (left out, each row is
    /// the exporter's export and the importer's import at once)
    #[arg(long, global = true, value_name = "FLOW")]
    pub map_flow: Option<String>,
    /// Year of every row of a file without a year column (a cross-section)
    #[arg(long, global = true, value_name = "YEAR")]
    pub year: Option<i32>,
    /// Count domestic flows (exporter = importer, a country's trade with itself, as gravity
    /// panels carry) in the figures; by default they are left out and a note says how much
    #[arg(long, global = true)]
    pub keep_domestic: bool,
    /// Parse every row of the inputs, even for a question about a few countries (by default
    /// only their rows are parsed; the answer is the same, this is slower: for checking)
    #[arg(long, global = true)]
    pub every_row: bool,
    /// Text encoding of the inputs: utf8 (default) or latin1
    #[arg(long, global = true, value_name = "ENCODING", value_parser = parse_encoding, default_value = "utf8")]
    pub encoding: Encoding,
    /// Output format: table (default), csv, json, markdown, or xlsx (an Excel workbook: one
    /// sheet per table and a sources sheet; needs -o FILE.xlsx, and an -o ending in .xlsx
    /// chooses it)
    #[arg(long, global = true, value_name = "FORMAT", default_value = "table", value_parser = parse_output)]
    pub output: Output,
    /// Write the output to FILE instead of standard output
    #[arg(short = 'o', long = "out", global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// No notes or warnings on standard error
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Write CSV cells that begin with = + - @ as they are (by default they get a leading ',
    /// so that a spreadsheet shows them instead of running them as formulas)
    #[arg(long, global = true)]
    pub keep_formulas: bool,
}

/// What `--output` asks for: text in one of the table formats, or an Excel workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Text(Format),
    Xlsx,
}

impl Default for Output {
    fn default() -> Output {
        Output::Text(Format::Table)
    }
}

fn parse_output(s: &str) -> std::result::Result<Output, String> {
    if s.trim().eq_ignore_ascii_case("xlsx") {
        return Ok(Output::Xlsx);
    }
    s.parse::<Format>()
        .map(Output::Text)
        .map_err(|e| format!("{e}, or xlsx (with -o FILE.xlsx)"))
}

fn parse_layout(s: &str) -> std::result::Result<Layout, String> {
    Layout::from_name(s).ok_or_else(|| {
        format!(
            "unknown layout '{s}'; layouts are {}",
            Layout::NAMES.join(", ")
        )
    })
}

fn parse_encoding(s: &str) -> std::result::Result<Encoding, String> {
    match s.to_ascii_lowercase().replace('-', "").as_str() {
        "utf8" => Ok(Encoding::Utf8),
        "latin1" | "iso88591" | "windows1252" | "cp1252" => Ok(Encoding::Latin1),
        _ => Err(format!("unknown encoding '{s}'; use utf8 or latin1")),
    }
}

impl Global {
    /// Loading options from the global flags.
    pub fn load_options(&self, validation: Validation) -> Result<LoadOptions> {
        let map = self.map.as_deref().map(str::parse::<Mapping>).transpose()?;
        if let Some(f) = &self.map_flow {
            let ok = ["export", "import", "turnover", "re-export", "re-import"];
            if !ok.contains(&f.as_str()) {
                return Err(Error::Mapping(format!(
                    "--map-flow {f}: expected one of {}",
                    ok.join(", ")
                )));
            }
        }
        Ok(LoadOptions {
            read: ReadOptions {
                format: self.format,
                map,
                value_unit: self.value_unit,
                currency: self.currency.clone(),
                classification: self.classification.clone(),
                flow: self.map_flow.clone(),
                year: self.year,
            },
            encoding: self.encoding,
            validation,
            keep_domestic: self.keep_domestic,
            every_row: self.every_row,
            hs_edition: self
                .hs_edition
                .as_deref()
                .map(|e| {
                    tradestat::reference::parse_hs_edition(e).ok_or_else(|| {
                        Error::Request(format!(
                            "--hs-edition {e}: expected an HS edition, H0..H6 or HS1992, HS1996, \
                             HS2002, HS2007, HS2012, HS2017, HS2022"
                        ))
                    })
                })
                .transpose()?,
            hs_split: match self.hs_split.as_deref() {
                Some("equal") => tradestat::analysis::products::HsSplit::Equal,
                _ => tradestat::analysis::products::HsSplit::Group,
            },
            categories: self
                .categories
                .as_deref()
                .map(tradestat::analysis::user_categories::UserCategories::read)
                .transpose()?,
            hs_compared: None,
        })
    }

    /// The output asked for: `--output`, or a workbook for an `-o` ending in `.xlsx` when no
    /// format was given.
    pub fn output(&self) -> Output {
        let xlsx_file = self.out.as_ref().is_some_and(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        });
        match self.output {
            Output::Text(Format::Table) if xlsx_file => Output::Xlsx,
            o => o,
        }
    }

    /// The text format of the output (for a workbook, the CSV its cells hold).
    pub fn format(&self) -> Format {
        match self.output() {
            Output::Text(f) => f,
            Output::Xlsx => Format::Csv,
        }
    }

    /// Write the command's tables: as one Excel workbook to `-o` (one sheet per table, then the
    /// sources, given in full, and the command line), or as text (see [`Global::emit`]).
    pub fn emit_tables(
        &self,
        tables: &[(&str, &Table)],
        currency: &str,
        sources: Vec<String>,
    ) -> Result<()> {
        match (self.output(), &self.out) {
            (Output::Xlsx, Some(path)) => {
                let about = tradestat::xlsx::About {
                    title: tables.first().and_then(|(_, t)| t.title.clone()),
                    sources,
                    command_line: std::env::args().collect(),
                };
                let bytes = tradestat::xlsx::workbook(tables, currency, &about)?;
                tradestat::write::bytes(path, &bytes)
            }
            (Output::Xlsx, None) => Err(xlsx_needs_a_file()),
            (Output::Text(f), _) => {
                let text = match tables {
                    [(_, t)] => t.render(f, currency),
                    _ => tradestat::tables::render_tables(f, tables, currency),
                };
                self.emit(&text)
            }
        }
    }

    /// Print warnings and notes on standard error unless `--quiet`.
    pub fn note(&self, lines: &[String]) {
        if self.quiet {
            return;
        }
        let mut err = std::io::stderr().lock();
        for l in lines {
            // Notes quote input files (codes, names, sources): never their control characters.
            let _ = writeln!(err, "note: {}", tradestat::output::terminal_clean(l));
        }
    }

    /// A spinner on standard error while inputs are read and queried: shown after a second,
    /// only when standard error is a terminal and not `--quiet`; cleared when dropped.
    pub fn spinner(&self, what: &str) -> Spinner {
        use std::io::IsTerminal;
        Spinner::start(what, !self.quiet && std::io::stderr().is_terminal())
    }

    /// Write the command's output to `-o FILE` (atomically) or standard output.
    pub fn emit(&self, text: &str) -> Result<()> {
        match &self.out {
            Some(path) => tradestat::write::text(path, text),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())
                    .and_then(|_| out.flush())
                    .map_err(|source| Error::Write {
                        path: "standard output".into(),
                        source,
                    })
            }
        }
    }
}

/// Input files, shared by the subcommands.
#[derive(Debug, Args, Clone, Default)]
pub struct Inputs {
    /// Input files or glob patterns (CSV, .csv.gz, Parquet); none: the embedded seed dataset
    #[arg(value_name = "FILES")]
    pub files: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Inspect(inspect::InspectArgs),
    Convert(convert::ConvertArgs),
    Fetch(fetch::FetchArgs),
    Summary(summary::SummaryArgs),
    Compare(compare::CompareArgs),
    Top(top::TopArgs),
    Composition(composition::CompositionArgs),
    Partners(partners::PartnersArgs),
    Mirror(mirror::MirrorArgs),
    Indicators(indicators::IndicatorsArgs),
    Profile(profile::ProfileArgs),
    World(world::WorldArgs),
    Chart(chart::ChartArgs),
    Report(report::ReportArgs),
    Render(report::RenderArgs),
}

/// Refuse, before any input is read, a `--year` or `--years` outside the years tradestat
/// reads: every command took its years only after loading the inputs.
fn check_years(cli: &Cli) -> Result<()> {
    if let Some(y) = cli.global.year {
        tradestat::question::check_year("--year", &y.to_string(), y)?;
    }
    let years = match &cli.command {
        Some(Command::Summary(a)) => a.filters.years.as_deref(),
        Some(Command::Compare(a)) => a.filters.years.as_deref(),
        Some(Command::Top(a)) => a.filters.years.as_deref(),
        Some(Command::Composition(a)) => a.filters.years.as_deref(),
        Some(Command::Partners(a)) => a.filters.years.as_deref(),
        Some(Command::Mirror(a)) => a.filters.years.as_deref(),
        Some(Command::Indicators(a)) => a.filters.years.as_deref(),
        Some(Command::Profile(a)) => a.filters.years.as_deref(),
        Some(Command::Chart(a)) => a.filters.years.as_deref(),
        Some(Command::Report(a)) => a.filters.years.as_deref(),
        Some(Command::World(a)) => a.years.as_deref(),
        Some(Command::Fetch(a)) => Some(a.years.as_str()),
        Some(Command::Inspect(_) | Command::Convert(_) | Command::Render(_)) | None => None,
    };
    years.map_or(Ok(()), |y| tradestat::question::parse_years(y).map(drop))
}

fn xlsx_needs_a_file() -> Error {
    Error::Request("--output xlsx writes an Excel workbook: give -o FILE.xlsx".into())
}

/// Refuse, before any input is read, a run that could not write its output: a workbook with
/// no file to go to, an `-o` path that cannot be written (see `write::check_target`).
fn check_output(cli: &Cli) -> Result<()> {
    let g = &cli.global;
    let folder = match &cli.command {
        Some(Command::Report(_)) => Some(g.out.clone().unwrap_or_else(|| PathBuf::from("report"))),
        Some(Command::Render(_)) => g.out.clone(),
        // `fetch --bulk -o DIR/` writes one file per listed file into a folder.
        Some(Command::Fetch(a))
            if a.bulk
                && g.out
                    .as_deref()
                    .is_some_and(tradestat::fetch::bulk::is_folder) =>
        {
            g.out.clone()
        }
        _ => None,
    };
    if let Some(dir) = folder {
        return tradestat::write::check_target(&dir, true);
    }
    let tables = !matches!(&cli.command, Some(Command::Chart(_) | Command::Convert(_)));
    if tables && g.output() == Output::Xlsx && g.out.is_none() {
        return Err(xlsx_needs_a_file());
    }
    match &g.out {
        Some(out) => tradestat::write::check_target(out, false),
        None => Ok(()),
    }
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    tradestat::output::set_formula_guard(!cli.global.keep_formulas);
    check_output(&cli)?;
    check_years(&cli)?;
    match cli.command {
        Some(Command::Inspect(a)) => inspect::run(a, &cli.global),
        Some(Command::Convert(a)) => convert::run(a, &cli.global),
        Some(Command::Fetch(a)) => fetch::run(a, &cli.global),
        Some(Command::Summary(a)) => summary::run(a, &cli.global),
        Some(Command::Compare(a)) => compare::run(a, &cli.global),
        Some(Command::Top(a)) => top::run(a, &cli.global),
        Some(Command::Composition(a)) => composition::run(a, &cli.global),
        Some(Command::Partners(a)) => partners::run(a, &cli.global),
        Some(Command::Mirror(a)) => mirror::run(a, &cli.global),
        Some(Command::Indicators(a)) => indicators::run(a, &cli.global),
        Some(Command::Profile(a)) => profile::run(a, &cli.global),
        Some(Command::World(a)) => world::run(a, &cli.global),
        Some(Command::Chart(a)) => chart::run(a, &cli.global),
        Some(Command::Report(a)) => report::run(a, &cli.global),
        Some(Command::Render(a)) => report::render(a, &cli.global),
        None => summary::run(summary::SummaryArgs::default(), &cli.global),
    }
}
