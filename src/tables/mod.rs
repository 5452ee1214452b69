//! Tables made from analysis results: the one place where collected frames and typed answers
//! become [`Table`]s, so a figure is laid out and formatted the same in every command, report
//! and deck.

mod bilateral;
mod inspect;
mod profile;

pub use bilateral::*;
pub use inspect::*;
pub use profile::*;

use polars::prelude::DataFrame;

use crate::Result;
use crate::frame::{floats, ints, strings};
use crate::output::{Cell, Format, Kind, Table};

/// A table of `cols` (name, kind) read from a collected frame: text columns as text, integer
/// columns as integers, the rest as numbers.
pub fn table_from(df: &DataFrame, cols: &[(&str, Kind)]) -> Result<Table> {
    let mut t = Table::new(cols.to_vec());
    let data: Vec<Vec<Cell>> = cols
        .iter()
        .map(|(c, k)| -> Result<Vec<Cell>> {
            Ok(match k {
                Kind::Text => strings(df, c)?
                    .into_iter()
                    .map(|v| v.map(Cell::Text).unwrap_or(Cell::Empty))
                    .collect(),
                Kind::Integer => ints(df, c)?
                    .into_iter()
                    .map(|v| v.map(Cell::Int).unwrap_or(Cell::Empty))
                    .collect(),
                _ => floats(df, c)?
                    .into_iter()
                    .map(|v| v.map(Cell::Num).unwrap_or(Cell::Empty))
                    .collect(),
            })
        })
        .collect::<Result<_>>()?;
    for i in 0..df.height() {
        t.push(data.iter().map(|c| c[i].clone()).collect());
    }
    Ok(t)
}

/// Several named tables as one output: for JSON an object of arrays, for CSV the tables one
/// after the other, each after a `# name` line and separated by a blank line, for the terminal
/// and Markdown the titled tables one after the other.
pub fn render_tables(format: Format, tables: &[(&str, &Table)], currency: &str) -> String {
    match format {
        Format::Json => {
            // Spliced from each table's own JSON, which keeps the columns in order.
            let parts: Vec<String> = tables
                .iter()
                .map(|(name, t)| {
                    let body = t.render(Format::Json, currency);
                    let body = body.trim_end().replace('\n', "\n  ");
                    format!("  {}: {body}", serde_json::Value::from(*name))
                })
                .collect();
            format!("{{\n{}\n}}\n", parts.join(",\n"))
        }
        Format::Csv => tables
            .iter()
            .map(|(name, t)| format!("# {name}\n{}", t.render(Format::Csv, currency)))
            .collect::<Vec<_>>()
            .join("\n"),
        f => tables
            .iter()
            .map(|(_, t)| t.render(f, currency))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A number cell, or an empty cell for an unknown figure.
pub(crate) fn num(v: Option<f64>) -> Cell {
    v.map(Cell::Num).unwrap_or(Cell::Empty)
}

/// A text cell, or an empty cell.
pub(crate) fn text(v: Option<String>) -> Cell {
    v.map(Cell::Text).unwrap_or(Cell::Empty)
}
