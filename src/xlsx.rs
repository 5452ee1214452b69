//! Excel workbooks of tables: one sheet per [`Table`] with typed cells (numbers as numbers with a
//! display format in the table's unit, shares as percentages, years as integers), the header
//! row frozen and the columns fitted, and a last sheet with the titles, notes, sources and the
//! command line. Written in memory (rust_xlsxwriter) for the caller to write atomically.
//!
//! The workbook holds the same raw values as the CSV output (`Table::render(Format::Csv)`):
//! only the display differs. An unknown figure is an empty cell, never 0.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};
use crate::output::{Cell, Kind, Table};

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on the characters of a sheet name.
const MAX_SHEET_NAME: usize = 31;
/// The widest a fitted column gets, in pixels (a 300-character product name wraps instead).
const MAX_COLUMN_PX: u32 = 480;
/// The name of the last sheet.
pub const NOTES_SHEET: &str = "Sources and notes";

/// What the notes sheet says about the workbook as a whole.
#[derive(Debug, Clone, Default)]
pub struct About {
    /// The workbook's title (document properties and the first line of the notes sheet).
    pub title: Option<String>,
    /// Sources of the data, cited in full.
    pub sources: Vec<String>,
    /// The command line that made the workbook.
    pub command_line: Vec<String>,
}

fn xlsx_err(e: XlsxError) -> Error {
    Error::Document {
        what: "Excel workbook",
        why: e.to_string(),
    }
}

/// Text fit for a cell: no control characters but newline and tab (XML cannot hold them), at
/// most Excel's 32,767 characters (cut with an ellipsis, never refused).
pub fn cell_text(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if clean.chars().count() <= MAX_CELL_CHARS {
        return clean;
    }
    let mut cut: String = clean.chars().take(MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Sheet names from table names: Excel's forbidden characters replaced, at most 31
/// characters, unique without regard to case (a suffix " (2)" where two would clash).
pub fn sheet_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = vec![NOTES_SHEET.to_lowercase()];
    let mut out = Vec::new();
    for name in names {
        let base: String = name
            .chars()
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
                c if c.is_control() => '_',
                c => c,
            })
            .collect();
        let base = base.trim_matches('\'').trim();
        let base = if base.is_empty() { "table" } else { base };
        let mut n = 1;
        let name = loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let keep = MAX_SHEET_NAME - suffix.chars().count();
            let candidate: String = base.chars().take(keep).collect::<String>() + &suffix;
            if !taken.contains(&candidate.to_lowercase()) {
                break candidate;
            }
            n += 1;
        };
        taken.push(name.to_lowercase());
        out.push(name);
    }
    out
}

/// The display format of money in `currency`: "$" or "€" before the figure, else the code
/// after it; whole units for large figures, cents for small ones (a unit value of $1.25).
fn money_format(currency: &str, cents: bool) -> String {
    let digits = if cents { "#,##0.00" } else { "#,##0" };
    match currency {
        "USD" | "" => format!("\"$\"{digits}"),
        "EUR" => format!("\"€\"{digits}"),
        other => {
            let code: String = other
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            format!("{digits}\" {code}\"")
        }
    }
}

/// Whether a figure needs decimals to be read: a fraction below 1,000.
fn needs_decimals(v: f64) -> bool {
    v.abs() < 1000.0 && v.fract() != 0.0
}

/// The number format of a value in a column of `kind`.
fn number_format(kind: Kind, v: f64, integer: bool, currency: &str) -> String {
    match kind {
        Kind::Money => money_format(currency, needs_decimals(v)),
        Kind::Number if needs_decimals(v) => "#,##0.00".into(),
        Kind::Number | Kind::Integer => "#,##0".into(),
        Kind::Percent => "0.0%".into(),
        Kind::Ratio => "0.000".into(),
        // A year, a code: an integer without a thousands separator.
        Kind::Text if integer => "0".into(),
        Kind::Text => "General".into(),
    }
}

/// One table as a sheet: the header row (bold, frozen), one typed cell per value.
fn write_sheet(ws: &mut Worksheet, name: &str, t: &Table, currency: &str) -> Result<()> {
    ws.set_name(name).map_err(xlsx_err)?;
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for (c, col) in t.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, cell_text(&col.name), &header)
            .map_err(xlsx_err)?;
    }
    let year_column: Vec<bool> = t
        .columns
        .iter()
        .map(|c| c.name.eq_ignore_ascii_case("year"))
        .collect();
    let mut formats: std::collections::HashMap<String, Format> = Default::default();
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, col) in t.columns.iter().enumerate() {
            let cell = row.get(c).unwrap_or(&Cell::Empty);
            let c = c as u16;
            let (v, integer) = match cell {
                // Unknown is not zero: nothing is written.
                Cell::Empty => continue,
                // Some tables hold their years as text (the JSON output keeps them as strings);
                // a workbook holds every year as an integer.
                Cell::Text(s) if year_column[c as usize] && s.parse::<i32>().is_ok() => {
                    (s.parse::<i32>().unwrap_or_default() as f64, true)
                }
                Cell::Text(s) => {
                    let s = cell_text(s);
                    if s.chars().count() > 60 {
                        ws.write_string_with_format(r, c, s, &wrap)
                    } else {
                        ws.write_string(r, c, s)
                    }
                    .map_err(xlsx_err)?;
                    continue;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b).map_err(xlsx_err)?;
                    continue;
                }
                Cell::Num(v) if !v.is_finite() => continue,
                Cell::Num(v) => (*v, false),
                Cell::Int(i) => (*i as f64, true),
            };
            let code = number_format(col.kind, v, integer, currency);
            let format = formats
                .entry(code.clone())
                .or_insert_with(|| Format::new().set_num_format(code));
            ws.write_number_with_format(r, c, v, format)
                .map_err(xlsx_err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    ws.set_autofit_max_width(MAX_COLUMN_PX);
    ws.autofit();
    Ok(())
}

/// A workbook of `tables` (name, table), one sheet each in order, then the notes sheet: the
/// title, each table's title and notes, the sources and the command line.
pub fn workbook(tables: &[(&str, &Table)], currency: &str, about: &About) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let names = sheet_names(tables.iter().map(|(n, _)| *n));
    for ((_, t), name) in tables.iter().zip(&names) {
        write_sheet(wb.add_worksheet(), name, t, currency)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(NOTES_SHEET).map_err(xlsx_err)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 100).map_err(xlsx_err)?;
    // (text, bold); an empty line is a gap.
    let mut lines: Vec<(String, bool)> = Vec::new();
    if let Some(title) = &about.title {
        lines.push((title.clone(), true));
        lines.push((String::new(), false));
    }
    for ((_, t), name) in tables.iter().zip(&names) {
        let head = match &t.title {
            Some(title) => format!("Sheet {name}: {title}"),
            None => format!("Sheet {name}"),
        };
        lines.push((head, true));
        lines.extend(t.notes.iter().map(|n| (n.clone(), false)));
    }
    lines.push((String::new(), false));
    lines.push(("Sources".into(), true));
    if about.sources.is_empty() {
        lines.push(("(none recorded)".into(), false));
    }
    lines.extend(about.sources.iter().map(|s| (s.clone(), false)));
    lines.push((String::new(), false));
    lines.push(("Command line".into(), true));
    lines.push((about.command_line.join(" "), false));
    lines.push((format!("tradestat {}", env!("CARGO_PKG_VERSION")), false));
    for (r, (text, is_bold)) in lines.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        let f = if *is_bold { &bold } else { &wrap };
        ws.write_string_with_format(r as u32, 0, cell_text(text), f)
            .map_err(xlsx_err)?;
    }
    if let Some(title) = &about.title {
        let props = rust_xlsxwriter::DocProperties::new()
            .set_title(cell_text(title))
            .set_author("tradestat");
        wb.set_properties(&props);
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn read(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook")
    }

    fn sample() -> Table {
        let mut t = Table::new(vec![
            ("year", Kind::Text),
            ("product", Kind::Text),
            ("exports", Kind::Money),
            ("share", Kind::Percent),
            ("n", Kind::Integer),
            ("ratio", Kind::Ratio),
        ]);
        t.title = Some("Top <exports> & more".into());
        t.notes.push("a note".into());
        t.push(vec![
            Cell::Int(2014),
            Cell::Text("=HYPERLINK(\"x\") & <b>\u{1b}".into()),
            Cell::Num(171_000.0),
            Cell::Num(0.25),
            Cell::Int(8739),
            Cell::Num(1.25),
        ]);
        t.push(vec![
            Cell::Text("2018".into()),
            Cell::Text("x".repeat(300)),
            Cell::Empty,
            Cell::Num(f64::NAN),
            Cell::Empty,
            Cell::Num(-0.5),
        ]);
        t
    }

    #[test]
    fn cells_are_typed_and_unknowns_empty() {
        let t = sample();
        let about = About {
            title: Some("Deck".into()),
            sources: vec!["seeds/000.txt".into()],
            command_line: vec!["tradestat".into(), "summary".into()],
        };
        let bytes = workbook(&[("top", &t)], "USD", &about).unwrap();
        let mut wb = read(bytes);
        assert_eq!(wb.sheet_names(), ["top", NOTES_SHEET]);
        let range = wb.worksheet_range("top").unwrap();
        assert_eq!(range.get_size(), (3, 6));
        assert_eq!(range.get((0, 2)), Some(&Data::String("exports".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::Float(2014.0)));
        assert_eq!(
            range.get((2, 0)),
            Some(&Data::Float(2018.0)),
            "a year as text"
        );
        assert_eq!(range.get((1, 2)), Some(&Data::Float(171_000.0)));
        assert_eq!(range.get((1, 3)), Some(&Data::Float(0.25)));
        // Text is text, never a formula; control characters are gone.
        assert_eq!(
            range.get((1, 1)),
            Some(&Data::String("=HYPERLINK(\"x\") & <b> ".into()))
        );
        assert_eq!(range.get((2, 1)), Some(&Data::String("x".repeat(300))));
        // Unknown is not zero: empty cells.
        assert_eq!(range.get((2, 2)), Some(&Data::Empty));
        assert_eq!(range.get((2, 3)), Some(&Data::Empty));
        assert_eq!(range.get((2, 5)), Some(&Data::Float(-0.5)));
        let notes = wb.worksheet_range(NOTES_SHEET).unwrap();
        let text: Vec<String> = notes.rows().map(|r| r[0].to_string()).collect();
        assert_eq!(text[0], "Deck");
        assert!(text.contains(&"Sheet top: Top <exports> & more".to_string()));
        assert!(text.contains(&"seeds/000.txt".to_string()));
        assert!(text.contains(&"tradestat summary".to_string()));
    }

    #[test]
    fn formats_follow_the_column_kind() {
        assert_eq!(
            number_format(Kind::Money, 1.5e6, false, "USD"),
            "\"$\"#,##0"
        );
        assert_eq!(
            number_format(Kind::Money, 1.25, false, "EUR"),
            "\"€\"#,##0.00"
        );
        assert_eq!(
            number_format(Kind::Money, 5.0, false, "GBP"),
            "#,##0\" GBP\""
        );
        assert_eq!(number_format(Kind::Percent, 0.1, false, "USD"), "0.0%");
        assert_eq!(number_format(Kind::Text, 2014.0, true, "USD"), "0");
        assert_eq!(number_format(Kind::Integer, 2014.0, true, "USD"), "#,##0");
    }

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let long = "a".repeat(40);
        let names = sheet_names(["top", "TOP", "a/b:c", &long, &long, "Sources and notes", ""]);
        assert_eq!(names[0], "top");
        assert_eq!(names[1], "TOP (2)");
        assert_eq!(names[2], "a_b_c");
        assert_eq!(names[3].chars().count(), 31);
        assert_eq!(names[4], format!("{} (2)", "a".repeat(27)));
        assert_eq!(names[5], "Sources and notes (2)");
        assert_eq!(names[6], "table");
    }

    #[test]
    fn a_cell_longer_than_excel_allows_is_cut() {
        let s = cell_text(&"y".repeat(40_000));
        assert_eq!(s.chars().count(), MAX_CELL_CHARS);
        assert!(s.ends_with('…'));
    }
}
