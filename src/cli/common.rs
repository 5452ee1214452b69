//! Arguments shared by the analysis subcommands, turned into the library's question, and the
//! one way a command prints a table with its notes.

use clap::Args;
use tradestat::analysis::notes;
use tradestat::output::Table;
use tradestat::question::{Filters, Question};
use tradestat::{Dataset, Result};

/// Who and when: the filters every analysis command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Reporting country (code, ISO2/ISO3, legacy code such as ROM, or name); default: the only
    /// reporter in the data
    #[arg(long, short = 'r', value_name = "COUNTRY")]
    pub reporter: Option<String>,
    /// Partner country or countries (comma-separated), or `world`; default: the only partner
    /// in the data, else the world
    #[arg(long, short = 'p', value_name = "COUNTRY")]
    pub partner: Option<String>,
    /// Partners in an M49 region, subregion or intermediate region, e.g. "Latin America and the Caribbean"
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Years to keep, e.g. 2014,2018 or 2010-2020
    #[arg(long, short = 'y', value_name = "YEARS")]
    pub years: Option<String>,
    /// Keep products whose code starts with one of these (comma-separated), e.g. 85,8471
    #[arg(long, value_name = "CODES")]
    pub products: Option<String>,
    /// Exchange rates to convert other currencies to US dollars: a CSV with columns
    /// currency,year,rate (US dollars per unit). Without it, mixed currencies are refused
    #[arg(long, value_name = "FILE")]
    pub fx: Option<std::path::PathBuf>,
}

impl FilterArgs {
    /// The question as the library takes it.
    pub fn filters(&self) -> Filters {
        Filters {
            reporter: self.reporter.clone(),
            partner: self.partner.clone(),
            region: self.region.clone(),
            years: self.years.clone(),
            products: self.products.clone(),
            fx: self.fx.clone(),
        }
    }
}

/// Print an analysis table (or write it as the sheet `name` of a workbook), then its notes on
/// stderr: rows left out, the command's own notes, and the sources of the data.
pub fn emit(
    g: &super::Global,
    name: &str,
    ds: &Dataset,
    q: &Question,
    table: &Table,
    extra: Vec<String>,
) -> Result<()> {
    let sources = notes::sources(ds)?;
    g.emit_tables(
        &[(name, table)],
        &q.currency,
        sources.split("; ").map(str::to_string).collect(),
    )?;
    let mut notes = table.notes.clone();
    notes.extend(tradestat::analysis::coverage::notes(ds, q)?);
    notes.extend(notes::question_notes(ds, q)?);
    notes.extend(extra.into_iter().filter(|n| !table.notes.contains(n)));
    notes.push(format!("sources: {}", notes::sources(ds)?));
    g.note(&notes);
    Ok(())
}

/// The sources named in a command's notes (the line "sources: a; b"), for a workbook's
/// sources sheet.
pub fn sources_in_notes(notes: &[String]) -> Vec<String> {
    notes
        .iter()
        .filter_map(|n| n.strip_prefix("sources: "))
        .flat_map(|s| s.split("; "))
        .map(str::to_string)
        .collect()
}

/// `--engine` values.
pub fn parse_engine(s: &str) -> std::result::Result<tradestat::analysis::door::Engine, String> {
    s.parse()
}
