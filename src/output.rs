//! Output tables: human units for the terminal, and CSV, JSON and Markdown for machines and documents.
//!
//! A [`Table`] holds typed cells; [`Table::render`] writes it in one [`Format`]. The terminal
//! table and Markdown use human units ("$121.4M", "-81.1%", "8,739"); CSV and JSON keep the raw
//! values (fractions for percentages) so that they round-trip. Non-finite numbers never reach any
//! output: they are written as empty cells (`null` in JSON). Every output ends with one newline.
//!
//! Rounding is done on the shortest decimal form of each number, half away from zero, so that
//! `percent(-0.8105)` is "-81.1%" even though `-0.8105 * 100.0` is not exactly `-81.05`.

use std::str::FromStr;

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, left-aligned.
    Text,
    /// An amount of money: human units with the currency sign ("$121.4M").
    Money,
    /// A quantity: human units without a sign ("121.4M").
    Number,
    /// A count, with thousands separators ("8,739").
    Integer,
    /// A fraction shown as a percentage ("-81.1%"); machine formats keep the fraction.
    Percent,
    /// A plain ratio with up to three decimals ("1.25").
    Ratio,
}

impl Kind {
    /// Numeric kinds are right-aligned.
    fn is_numeric(self) -> bool {
        !matches!(self, Kind::Text)
    }
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: an empty field, `null` in JSON.
    Empty,
    /// Text, written as it is (escaped where the format needs it).
    Text(String),
    /// A number, written according to its column's [`Kind`].
    Num(f64),
    /// An exact integer, written according to its column's [`Kind`].
    Int(i64),
    /// A flag: "yes"/"no" for people, `true`/`false` for machines.
    Bool(bool),
}

/// A column's header and how its values are written.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// A titled table of typed cells, with notes for the reader.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Shown above the terminal table and as a Markdown heading; not in CSV or JSON.
    pub title: Option<String>,
    pub columns: Vec<Column>,
    /// One `Vec` per row, one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Remarks for the reader; never rendered here (the caller prints them on stderr).
    pub notes: Vec<String>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// An aligned plain-text table in human units.
    #[default]
    Table,
    /// CSV with raw values.
    Csv,
    /// A pretty-printed JSON array of objects with raw values.
    Json,
    /// A GitHub pipe table in human units.
    Markdown,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            _ => Err(format!(
                "unknown output format `{s}`: expected one of table, csv, json, markdown (or md)"
            )),
        }
    }
}

impl Table {
    /// An empty table with these columns, no title and no notes.
    pub fn new(columns: Vec<(&str, Kind)>) -> Table {
        Table {
            title: None,
            columns: columns
                .into_iter()
                .map(|(name, kind)| Column {
                    name: name.to_string(),
                    kind,
                })
                .collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Appends a row. The row must have one cell per column (checked in debug builds; in
    /// release builds missing cells render as empty and extra cells are ignored).
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(
            row.len(),
            self.columns.len(),
            "a row must have one cell per column"
        );
        self.rows.push(row);
    }

    /// Writes the table in `format`; `currency` (e.g. "USD") is used for [`Kind::Money`]
    /// columns in the human formats. The result ends with one newline.
    pub fn render(&self, format: Format, currency: &str) -> String {
        let mut out = match format {
            Format::Table => self.render_table(currency),
            Format::Csv => self.render_csv(),
            Format::Json => self.render_json(),
            Format::Markdown => self.render_markdown(currency),
        };
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    /// The cell of `row` in column `col`, empty when the row is too short.
    fn cell(row: &[Cell], col: usize) -> &Cell {
        row.get(col).unwrap_or(&Cell::Empty)
    }

    /// Header and rows in human units ($121.4M, 12.3%), unescaped, one `Vec` per line: for
    /// callers that lay tables out themselves (the HTML report) and escape for their format.
    pub fn human_rows(&self, currency: &str) -> Vec<Vec<String>> {
        self.human_grid(currency, |s| s.to_string())
    }

    /// Whether column `i` holds numbers (right-aligned).
    pub fn is_numeric_column(&self, i: usize) -> bool {
        self.columns.get(i).is_some_and(|c| c.kind.is_numeric())
    }

    /// Header and rows in human units, one `Vec` per line, cleaned by `clean`.
    fn human_grid(&self, currency: &str, clean: fn(&str) -> String) -> Vec<Vec<String>> {
        let mut grid = Vec::with_capacity(self.rows.len() + 1);
        grid.push(self.columns.iter().map(|c| clean(&c.name)).collect());
        for row in &self.rows {
            grid.push(
                self.columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| clean(&human_cell(Self::cell(row, i), c.kind, currency)))
                    .collect(),
            );
        }
        grid
    }

    /// Column widths in characters over all lines of `grid`, at least `min`.
    fn widths(&self, grid: &[Vec<String>], min: usize) -> Vec<usize> {
        (0..self.columns.len())
            .map(|i| {
                grid.iter()
                    .map(|line| line[i].chars().count())
                    .fold(min, usize::max)
            })
            .collect()
    }

    fn render_table(&self, currency: &str) -> String {
        let grid = self.human_grid(currency, terminal_clean);
        let widths = self.widths(&grid, 0);
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(&terminal_clean(title));
            out.push('\n');
        }
        if self.columns.is_empty() {
            return out;
        }
        let separator: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let lines = std::iter::once(&grid[0])
            .chain(std::iter::once(&separator))
            .chain(&grid[1..]);
        for line in lines {
            let cells: Vec<String> = line
                .iter()
                .zip(&self.columns)
                .zip(&widths)
                .map(|((text, col), width)| pad(text, *width, col.kind.is_numeric()))
                .collect();
            let joined = cells.join("  ");
            let trimmed = joined.trim_end();
            // A row of empty cells keeps its padding rather than becoming a blank line.
            out.push_str(if trimmed.is_empty() { &joined } else { trimmed });
            out.push('\n');
        }
        out
    }

    fn render_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let header = self.columns.iter().map(|c| c.name.as_str());
        // Writing to a Vec cannot fail, and every record has one field per column.
        let mut result = writer.write_record(header);
        for row in &self.rows {
            if result.is_err() {
                break;
            }
            let fields = (0..self.columns.len()).map(|i| csv_cell(Self::cell(row, i)));
            result = writer.write_record(fields);
        }
        debug_assert!(result.is_ok(), "CSV to memory failed: {result:?}");
        let bytes = writer.into_inner().unwrap_or_default();
        // Every field came from a `&str`, so the bytes are UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn render_json(&self) -> String {
        let keys: Vec<String> = self.columns.iter().map(|c| json_string(&c.name)).collect();
        let mut out = String::from("[");
        for (r, row) in self.rows.iter().enumerate() {
            out.push_str(if r == 0 { "\n  {" } else { ",\n  {" });
            for (i, key) in keys.iter().enumerate() {
                out.push_str(if i == 0 { "\n    " } else { ",\n    " });
                out.push_str(key);
                out.push_str(": ");
                out.push_str(&json_value(Self::cell(row, i)));
            }
            out.push_str(if keys.is_empty() { "}" } else { "\n  }" });
        }
        out.push_str(if self.rows.is_empty() { "]\n" } else { "\n]\n" });
        out
    }

    fn render_markdown(&self, currency: &str) -> String {
        let grid = self.human_grid(currency, markdown_escape);
        let widths = self.widths(&grid, 3);
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str("### ");
            out.push_str(&markdown_escape(title));
            out.push_str("\n\n");
        }
        if self.columns.is_empty() {
            return out.trim_end().to_string();
        }
        let rule: Vec<String> = self
            .columns
            .iter()
            .zip(&widths)
            .map(|(col, w)| {
                if col.kind.is_numeric() {
                    format!("{}:", "-".repeat(w - 1))
                } else {
                    "-".repeat(*w)
                }
            })
            .collect();
        let lines = std::iter::once(&grid[0])
            .chain(std::iter::once(&rule))
            .chain(&grid[1..]);
        for line in lines {
            let cells: Vec<String> = line
                .iter()
                .zip(&self.columns)
                .zip(&widths)
                .map(|((text, col), width)| pad(text, *width, col.kind.is_numeric()))
                .collect();
            out.push_str("| ");
            out.push_str(&cells.join(" | "));
            out.push_str(" |\n");
        }
        out
    }
}

/// `text` padded with spaces to `width` characters, on the left when `right` is set.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    if right {
        fill + text
    } else {
        format!("{text}{fill}")
    }
}

/// A cell in human units for its column kind (before escaping).
fn human_cell(cell: &Cell, kind: Kind, currency: &str) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => text.clone(),
        Cell::Bool(flag) => if *flag { "yes" } else { "no" }.to_string(),
        Cell::Num(v) if !v.is_finite() => String::new(),
        Cell::Num(v) => match kind {
            Kind::Text => v.to_string(),
            Kind::Money => human_money(*v, currency),
            Kind::Number => human_number(*v),
            Kind::Integer => thousands(v.round()),
            Kind::Percent => percent(*v),
            Kind::Ratio => ratio(*v),
        },
        Cell::Int(i) => match kind {
            Kind::Text => i.to_string(),
            Kind::Integer => {
                let sign = if *i < 0 { "-" } else { "" };
                format!("{sign}{}", group_digits(&i.unsigned_abs().to_string()))
            }
            _ => human_cell(&Cell::Num(*i as f64), kind, currency),
        },
    }
}

/// A cell as a raw machine value for CSV: shortest round-trip numbers, fractions for percents.
fn machine_cell(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => text.clone(),
        Cell::Num(v) if v.is_finite() => v.to_string(),
        Cell::Num(_) => String::new(),
        Cell::Int(i) => i.to_string(),
        Cell::Bool(flag) => flag.to_string(),
    }
}

/// A cell as a JSON value; empty and non-finite cells are `null`.
fn json_value(cell: &Cell) -> String {
    match cell {
        Cell::Empty => "null".to_string(),
        Cell::Text(text) => json_string(text),
        // `Value::from(f64)` is `Null` for NaN and infinities.
        Cell::Num(v) => serde_json::Value::from(*v).to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Bool(flag) => flag.to_string(),
    }
}

/// `text` as a quoted, escaped JSON string.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// Whether CSV cells that a spreadsheet would run as a formula are neutralised (on unless the
/// user asks for the cells as they are: `--keep-formulas`).
static FORMULA_GUARD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Turn the neutralising of formula-like CSV cells on or off for this process.
pub fn set_formula_guard(on: bool) {
    FORMULA_GUARD.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return
/// first) gets a leading `'`, the OWASP rule against CSV injection; so does one that already
/// starts with quotes before such a character, so that the rule can be undone exactly.
pub fn formula_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let rest = text.trim_start_matches('\'');
    let risky = rest.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && FORMULA_GUARD.load(std::sync::atomic::Ordering::Relaxed) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A cell for CSV: as [`machine_cell`], text neutralised by [`formula_safe`]; numbers (a
/// negative balance) are numbers, not formulas, and stay as they are.
fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => formula_safe(text).into_owned(),
        other => machine_cell(other),
    }
}

/// Text safe for a terminal line: control characters (newlines, tabs, escape sequences) become
/// spaces, so that text from an input file cannot move the cursor or clear the screen.
pub fn terminal_clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Text safe for a Markdown table cell that may be rendered as HTML: `&`, `<`, `>` become
/// entities; `|`, `\`, `` ` ``, `[` and `]` are backslash-escaped (no cell splits, code spans
/// or links from input text); control characters become spaces.
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The decimal digits of `round(|value| × 10^(shift + decimals))`, most significant first,
/// without leading zeros (at least one digit). Rounding is half away from zero on the shortest
/// decimal representation of `value`, so no binary noise leaks in. `value` must be finite.
fn scaled_digits(value: f64, shift: i32, decimals: usize) -> Vec<u8> {
    // `{:e}` gives the shortest round-trip form: "8.105e-1", "1.214e8", "0e0".
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // A leading zero absorbs the carry of rounding up: |value| = 0.0d₁d₂… × 10^(exponent + 2).
    let mut digits: Vec<u8> = std::iter::once(0)
        .chain(
            mantissa
                .bytes()
                .filter(u8::is_ascii_digit)
                .map(|b| b - b'0'),
        )
        .collect();
    let decimals = i32::try_from(decimals).unwrap_or(i32::MAX);
    let point = exponent
        .saturating_add(2)
        .saturating_add(shift)
        .saturating_add(decimals);
    if point <= 0 {
        return vec![0];
    }
    let point = point as usize;
    if point >= digits.len() {
        digits.resize(point, 0);
    } else {
        let round_up = digits[point] >= 5;
        digits.truncate(point);
        if round_up {
            for d in digits.iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    break;
                }
            }
        }
    }
    let first = digits
        .iter()
        .position(|d| *d != 0)
        .unwrap_or(digits.len() - 1);
    digits.drain(..first);
    digits
}

/// `|value| × 10^shift` rounded to `decimals` places: (integer part, exactly `decimals` digits).
fn fixed(value: f64, shift: i32, decimals: usize) -> (String, String) {
    let mut digits = scaled_digits(value, shift, decimals);
    if digits.len() <= decimals {
        let missing = decimals + 1 - digits.len();
        digits.splice(0..0, std::iter::repeat_n(0, missing));
    }
    let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let (int, frac) = text.split_at(text.len() - decimals);
    (int.to_string(), frac.to_string())
}

/// "int.frac" without trailing zeros in `frac`, or "int" when nothing is left.
fn join_trimmed(int: &str, frac: &str) -> String {
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// "-" for a negative value whose written form is not zero (no "-0").
fn sign(value: f64, int: &str, frac: &str) -> &'static str {
    let zero = int.bytes().chain(frac.bytes()).all(|b| b == b'0');
    if value < 0.0 && !zero { "-" } else { "" }
}

/// Comma every three digits of a string of ASCII digits: "1234567" -> "1,234,567".
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Sign, mantissa (up to 3 decimals, trimmed) and suffix of a value in human units;
/// `None` for non-finite values.
fn human(value: f64) -> Option<(&'static str, String, &'static str)> {
    const SCALES: [(i32, &str); 5] = [(12, "T"), (9, "B"), (6, "M"), (3, "K"), (0, "")];
    if !value.is_finite() {
        return None;
    }
    let magnitude = value.abs();
    let mut index = SCALES
        .iter()
        .position(|(power, _)| magnitude >= 10f64.powi(*power))
        .unwrap_or(SCALES.len() - 1);
    loop {
        let (power, suffix) = SCALES[index];
        let (int, frac) = fixed(magnitude, -power, 3);
        // Rounding up to 1000 moves to the next suffix: 999_999_999 is "1B", not "1000M".
        if int.len() > 3 && index > 0 {
            index -= 1;
            continue;
        }
        return Some((sign(value, &int, &frac), join_trimmed(&int, &frac), suffix));
    }
}

/// "$121.4M", "$171K", "$23M", "$121.229M", "$1.2B", "$950", "-$3.5M", "€2.1M" (EUR), "CHF 5K" for other currencies.
///
/// Non-finite values give an empty string.
pub fn human_money(value: f64, currency: &str) -> String {
    let Some((sign, mantissa, suffix)) = human(value) else {
        return String::new();
    };
    format!("{sign}{}{mantissa}{suffix}", currency_prefix(currency))
}

/// What money in human units starts with (after the sign): "$" for USD, "€" for EUR, "£" for
/// GBP, nothing for no currency, else the code and a space ("CHF ").
pub fn currency_prefix(currency: &str) -> String {
    let code = currency.trim();
    if code.eq_ignore_ascii_case("USD") {
        "$".to_string()
    } else if code.eq_ignore_ascii_case("EUR") {
        "€".to_string()
    } else if code.eq_ignore_ascii_case("GBP") {
        "£".to_string()
    } else if code.is_empty() {
        String::new()
    } else {
        format!("{code} ")
    }
}

/// Money for prose: the figure of [`human_money`] with its suffix in words: "$121.4 million"
/// where a table says "$121.4M", "-€2.5 billion" for "-€2.5B", "$950" for "$950".
///
/// The sign, currency prefix and digits are those of [`human_money`] (the same rounding); the
/// one difference is that a whole number before a word gets ".0" ("$23.0 million" for "$23M",
/// "$171.0 thousand" for "$171K"), as prose has always written it: the same number, so a reader
/// comparing the text with a table never finds two figures for one value.
///
/// Non-finite values give an empty string.
pub fn human_money_words(value: f64, currency: &str) -> String {
    let Some((sign, mut mantissa, suffix)) = human(value) else {
        return String::new();
    };
    let word = match suffix {
        "T" => " trillion",
        "B" => " billion",
        "M" => " million",
        "K" => " thousand",
        _ => "",
    };
    if !word.is_empty() && !mantissa.contains('.') {
        mantissa.push_str(".0");
    }
    format!("{sign}{}{mantissa}{word}", currency_prefix(currency))
}

/// Human scale without currency sign: "121.4M", "171K", "950", "1.25B", "-3.5M".
///
/// Non-finite values give an empty string.
pub fn human_number(value: f64) -> String {
    match human(value) {
        Some((sign, mantissa, suffix)) => format!("{sign}{mantissa}{suffix}"),
        None => String::new(),
    }
}

/// Percent with one decimal and sign for changes: percent(-0.8105) == "-81.1%", percent(0.5) == "50.0%".
///
/// Non-finite values give an empty string.
pub fn percent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return String::new();
    }
    let (int, frac) = fixed(fraction, 2, 1);
    format!("{}{int}.{frac}%", sign(fraction, &int, &frac))
}

/// A change with its sign: [`percent`] with "+" before a positive figure: "+12.5%", "-81.1%",
/// "0.0%" (no sign on a change that rounds to zero).
///
/// Non-finite values give an empty string.
pub fn signed_percent(fraction: f64) -> String {
    let p = percent(fraction);
    if fraction > 0.0 && !p.is_empty() && p != "0.0%" {
        format!("+{p}")
    } else {
        p
    }
}

/// Thousands separators: "121,400,000", "171,000", "1,234.5" (keeps up to 3 decimals, trims trailing zeros), "-1,000".
///
/// Non-finite values give an empty string.
pub fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let (int, frac) = fixed(value, 0, 3);
    let sign = sign(value, &int, &frac);
    format!("{sign}{}", join_trimmed(&group_digits(&int), &frac))
}

/// A plain number with up to 3 decimals, trailing zeros trimmed: "0.001", "1.25", "-2".
fn ratio(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let (int, frac) = fixed(value, 0, 3);
    format!("{}{}", sign(value, &int, &frac), join_trimmed(&int, &frac))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_look_like_formulas_are_neutralised() {
        let mut t = Table::new(vec![("name", Kind::Text), ("v", Kind::Money)]);
        for name in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "'=x",
            "plain",
            "\tx",
        ] {
            t.push(vec![Cell::Text(name.into()), Cell::Num(-5.0)]);
        }
        let csv = t.render(Format::Csv, "USD");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"x\"\")\",-5");
        assert_eq!(lines[2], "'+1,-5");
        assert_eq!(lines[3], "'-2,-5");
        assert_eq!(lines[4], "'@SUM(A1),-5");
        assert_eq!(lines[5], "''=x,-5");
        assert_eq!(lines[6], "plain,-5");
        assert_eq!(lines[7], "'\tx,-5");
    }

    /// The small table rendered in every format by the golden tests.
    fn sample() -> Table {
        let mut table = Table::new(vec![
            ("Partner", Kind::Text),
            ("Value", Kind::Money),
            ("Change", Kind::Percent),
            ("Flows", Kind::Integer),
            ("Share", Kind::Ratio),
            ("Mirror", Kind::Text),
        ]);
        table.title = Some("Top partners".to_string());
        table.notes.push("Values are FOB.".to_string());
        table.push(vec![
            Cell::Text("Côte d'Ivoire".to_string()),
            Cell::Num(121_400_000.0),
            Cell::Num(-0.8105),
            Cell::Int(8739),
            Cell::Num(0.25),
            Cell::Bool(true),
        ]);
        table.push(vec![
            Cell::Text("China".to_string()),
            Cell::Num(171_000.0),
            Cell::Num(0.5),
            Cell::Int(12),
            Cell::Num(1.0 / 3.0),
            Cell::Bool(false),
        ]);
        table.push(vec![
            Cell::Text("Peru".to_string()),
            Cell::Num(f64::NAN),
            Cell::Empty,
            Cell::Num(1_234_567.0),
            Cell::Num(f64::INFINITY),
            Cell::Empty,
        ]);
        table
    }

    #[test]
    fn human_money_examples() {
        assert_eq!(human_money(121_400_000.0, "USD"), "$121.4M");
        assert_eq!(human_money(171_000.0, "USD"), "$171K");
        assert_eq!(human_money(23_000_000.0, "USD"), "$23M");
        assert_eq!(human_money(121_229_000.0, "USD"), "$121.229M");
        assert_eq!(human_money(1_200_000_000.0, "USD"), "$1.2B");
        assert_eq!(human_money(950.0, "USD"), "$950");
        assert_eq!(human_money(-3_500_000.0, "USD"), "-$3.5M");
        assert_eq!(human_money(2_100_000.0, "EUR"), "€2.1M");
        assert_eq!(human_money(2_100_000.0, "eur"), "€2.1M");
        assert_eq!(human_money(40_000.0, "GBP"), "£40K");
        assert_eq!(human_money(5_000.0, "CHF"), "CHF 5K");
        assert_eq!(human_money(-5_000.0, "CHF"), "-CHF 5K");
        assert_eq!(human_money(2.5e12, "USD"), "$2.5T");
    }

    #[test]
    fn human_money_words_examples() {
        assert_eq!(human_money_words(121_400_000.0, "USD"), "$121.4 million");
        assert_eq!(human_money_words(23_000_000.0, "USD"), "$23.0 million");
        assert_eq!(human_money_words(171_000.0, "USD"), "$171.0 thousand");
        assert_eq!(human_money_words(121_229_000.0, "USD"), "$121.229 million");
        assert_eq!(
            human_money_words(-121_058_000.0, "USD"),
            "-$121.058 million"
        );
        assert_eq!(human_money_words(2.5e9, "EUR"), "€2.5 billion");
        assert_eq!(human_money_words(40_000.0, "gbp"), "£40.0 thousand");
        assert_eq!(human_money_words(-5_000.0, "CHF"), "-CHF 5.0 thousand");
        assert_eq!(human_money_words(2.5e12, "USD"), "$2.5 trillion");
        assert_eq!(human_money_words(950.0, "USD"), "$950");
        assert_eq!(human_money_words(0.4, "USD"), "$0.4");
        assert_eq!(human_money_words(-0.0001, "USD"), "$0");
        assert_eq!(human_money_words(999_999_999.0, "USD"), "$1.0 billion");
        assert_eq!(human_money_words(f64::NAN, "USD"), "");
    }

    #[test]
    fn signed_percent_examples() {
        assert_eq!(signed_percent(-0.8105), "-81.1%");
        assert_eq!(signed_percent(0.04), "+4.0%");
        assert_eq!(signed_percent(1.0), "+100.0%");
        assert_eq!(signed_percent(0.0004), "0.0%");
        assert_eq!(signed_percent(-0.0004), "0.0%");
        assert_eq!(signed_percent(f64::INFINITY), "");
    }

    #[test]
    fn human_number_examples() {
        assert_eq!(human_number(121_400_000.0), "121.4M");
        assert_eq!(human_number(171_000.0), "171K");
        assert_eq!(human_number(950.0), "950");
        assert_eq!(human_number(1_250_000_000.0), "1.25B");
        assert_eq!(human_number(-3_500_000.0), "-3.5M");
        assert_eq!(human_number(999.5), "999.5");
        assert_eq!(human_number(0.0), "0");
        assert_eq!(human_number(-0.0), "0");
        assert_eq!(human_number(-0.0001), "0", "no negative zero");
        assert_eq!(human_number(1_234.567_8), "1.235K", "half away from zero");
        assert_eq!(human_number(5e15), "5000T", "T is the largest suffix");
    }

    #[test]
    fn rounding_carries_to_the_next_suffix() {
        assert_eq!(human_number(999_999_999.0), "1B");
        assert_eq!(human_money(999_999_999.0, "USD"), "$1B");
        assert_eq!(human_number(999_999.999_6), "1M");
        assert_eq!(human_number(999.9996), "1K");
        assert_eq!(human_number(-999_999_999.0), "-1B");
        assert_eq!(human_number(999_999_999_999_999.0), "1000T");
        assert_eq!(human_number(999_999.0), "999.999K");
    }

    #[test]
    fn non_finite_helpers_are_empty() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(human_money(v, "USD"), "");
            assert_eq!(human_money_words(v, "USD"), "");
            assert_eq!(signed_percent(v), "");
            assert_eq!(human_number(v), "");
            assert_eq!(percent(v), "");
            assert_eq!(thousands(v), "");
            assert_eq!(ratio(v), "");
        }
    }

    #[test]
    fn percent_examples() {
        assert_eq!(percent(-0.8105), "-81.1%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(-0.0004), "0.0%", "no negative zero");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(0.12345), "12.3%");
        assert_eq!(percent(0.00995), "1.0%");
        assert_eq!(percent(12.5), "1250.0%");
    }

    #[test]
    fn thousands_examples() {
        assert_eq!(thousands(121_400_000.0), "121,400,000");
        assert_eq!(thousands(171_000.0), "171,000");
        assert_eq!(thousands(1_234.5), "1,234.5");
        assert_eq!(thousands(-1_000.0), "-1,000");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(1_234.567_89), "1,234.568");
        assert_eq!(thousands(0.0004), "0");
        assert_eq!(thousands(1e21), "1,000,000,000,000,000,000,000");
    }

    #[test]
    fn ratio_examples() {
        assert_eq!(ratio(0.001), "0.001");
        assert_eq!(ratio(1.25), "1.25");
        assert_eq!(ratio(2.0), "2");
        assert_eq!(ratio(-0.0004), "0");
        assert_eq!(ratio(1.0 / 3.0), "0.333");
    }

    #[test]
    fn format_from_str() {
        assert_eq!("table".parse::<Format>(), Ok(Format::Table));
        assert_eq!("CSV".parse::<Format>(), Ok(Format::Csv));
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!(Format::default(), Format::Table);
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.contains("xml"), "{err}");
        for choice in ["table", "csv", "json", "markdown", "md"] {
            assert!(err.contains(choice), "{err}");
        }
    }

    #[test]
    fn golden_table() {
        let expected = "\
Top partners
Partner          Value  Change      Flows  Share  Mirror
-------------  -------  ------  ---------  -----  ------
Côte d'Ivoire  $121.4M  -81.1%      8,739   0.25  yes
China            $171K   50.0%         12  0.333  no
Peru                            1,234,567
";
        assert_eq!(sample().render(Format::Table, "USD"), expected);
    }

    #[test]
    fn golden_csv() {
        let expected = "\
Partner,Value,Change,Flows,Share,Mirror
Côte d'Ivoire,121400000,-0.8105,8739,0.25,true
China,171000,0.5,12,0.3333333333333333,false
Peru,,,1234567,,
";
        assert_eq!(sample().render(Format::Csv, "USD"), expected);
    }

    #[test]
    fn golden_json() {
        let expected = r#"[
  {
    "Partner": "Côte d'Ivoire",
    "Value": 121400000.0,
    "Change": -0.8105,
    "Flows": 8739,
    "Share": 0.25,
    "Mirror": true
  },
  {
    "Partner": "China",
    "Value": 171000.0,
    "Change": 0.5,
    "Flows": 12,
    "Share": 0.3333333333333333,
    "Mirror": false
  },
  {
    "Partner": "Peru",
    "Value": null,
    "Change": null,
    "Flows": 1234567.0,
    "Share": null,
    "Mirror": null
  }
]
"#;
        assert_eq!(sample().render(Format::Json, "USD"), expected);
    }

    #[test]
    fn golden_markdown() {
        let expected = "\
### Top partners

| Partner       |   Value | Change |     Flows | Share | Mirror |
| ------------- | ------: | -----: | --------: | ----: | ------ |
| Côte d'Ivoire | $121.4M | -81.1% |     8,739 |  0.25 | yes    |
| China         |   $171K |  50.0% |        12 | 0.333 | no     |
| Peru          |         |        | 1,234,567 |       |        |
";
        assert_eq!(sample().render(Format::Markdown, "USD"), expected);
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let mut table = Table::new(vec![("Name", Kind::Text), ("Value", Kind::Number)]);
        table.push(vec![
            Cell::Text("Korea, \"Republic\" of".to_string()),
            Cell::Num(1.5),
        ]);
        let out = table.render(Format::Csv, "USD");
        assert_eq!(out, "Name,Value\n\"Korea, \"\"Republic\"\" of\",1.5\n");
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], "Korea, \"Republic\" of");
    }

    #[test]
    fn json_is_valid_and_keeps_column_order() {
        let mut table = Table::new(vec![
            ("zeta", Kind::Text),
            ("alpha", Kind::Money),
            ("mid \"quoted\"", Kind::Integer),
        ]);
        table.push(vec![
            Cell::Text("a\nb".to_string()),
            Cell::Num(1.5),
            Cell::Int(-3),
        ]);
        let json = table.render(Format::Json, "USD");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value[0]["zeta"], "a\nb");
        assert_eq!(value[0]["alpha"], 1.5);
        assert_eq!(value[0]["mid \"quoted\""], -3);
        let zeta = json.find("\"zeta\"").unwrap();
        let alpha = json.find("\"alpha\"").unwrap();
        let mid = json.find("\"mid").unwrap();
        assert!(zeta < alpha && alpha < mid, "{json}");
    }

    #[test]
    fn non_finite_never_appears() {
        let kinds = [
            Kind::Text,
            Kind::Money,
            Kind::Number,
            Kind::Integer,
            Kind::Percent,
            Kind::Ratio,
        ];
        let columns: Vec<(&str, Kind)> = kinds.iter().map(|k| ("c", *k)).collect();
        let mut table = Table::new(columns);
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            table.push(vec![Cell::Num(v); kinds.len()]);
        }
        for format in [Format::Table, Format::Csv, Format::Json, Format::Markdown] {
            let out = table.render(format, "USD").to_lowercase();
            assert!(
                !out.contains("nan") && !out.contains("inf"),
                "{format:?}: {out}"
            );
        }
        let json = table.render(Format::Json, "USD");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(value[0]["c"].is_null() && value[2]["c"].is_null());
    }

    #[test]
    fn markdown_escapes_pipes_and_html() {
        let mut table = Table::new(vec![("Name <b>", Kind::Text), ("Note", Kind::Text)]);
        table.title = Some("A & B".to_string());
        table.push(vec![
            Cell::Text("<script>alert(1)</script>".to_string()),
            Cell::Text("a|b \\| [x](y)\nz".to_string()),
        ]);
        let out = table.render(Format::Markdown, "USD");
        assert!(!out.contains("<script>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains("a\\|b \\\\\\| \\[x\\](y) z"), "{out}");
        assert!(
            out.starts_with("### A &amp; B\n\n| Name &lt;b&gt; "),
            "{out}"
        );
        // Every table line has exactly its three unescaped column delimiters.
        for line in out.lines().skip(2) {
            let unescaped = line
                .char_indices()
                .filter(|(i, c)| {
                    *c == '|'
                        && line[..*i].chars().rev().take_while(|p| *p == '\\').count() % 2 == 0
                })
                .count();
            assert_eq!(unescaped, 3, "{line}");
        }
    }

    #[test]
    fn alignment_counts_characters_not_bytes() {
        let mut table = Table::new(vec![("Partner", Kind::Text), ("Value", Kind::Money)]);
        table.push(vec![
            Cell::Text("Côte d'Ivoire".to_string()),
            Cell::Num(5e6),
        ]);
        table.push(vec![Cell::Text("Chad".to_string()), Cell::Num(-2.5e9)]);
        let out = table.render(Format::Table, "EUR");
        assert_eq!(
            out,
            "\
Partner         Value
-------------  ------
Côte d'Ivoire     €5M
Chad           -€2.5B
"
        );
        let widths: Vec<usize> = out.lines().map(|l| l.chars().count()).collect();
        assert_eq!(widths, [21, 21, 21, 21]);
    }

    #[test]
    fn every_output_ends_with_one_newline() {
        let empty = Table::new(vec![("a", Kind::Text), ("b", Kind::Number)]);
        let tables = [sample(), empty, Table::default()];
        for table in &tables {
            for format in [Format::Table, Format::Csv, Format::Json, Format::Markdown] {
                let out = table.render(format, "USD");
                assert!(
                    out.ends_with('\n') && !out.ends_with("\n\n"),
                    "{format:?}: {out:?}"
                );
            }
        }
        assert_eq!(tables[1].render(Format::Json, "USD"), "[]\n");
        assert_eq!(tables[1].render(Format::Csv, "USD"), "a,b\n");
        assert_eq!(tables[1].render(Format::Table, "USD"), "a  b\n-  -\n");
    }

    #[test]
    fn terminal_table_strips_control_characters() {
        let mut table = Table::new(vec![("Name", Kind::Text)]);
        table.push(vec![Cell::Text("a\u{1b}[31mred\nx".to_string())]);
        let out = table.render(Format::Table, "USD");
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert_eq!(out.lines().count(), 3, "{out:?}");
    }

    #[test]
    #[should_panic(expected = "one cell per column")]
    #[cfg(debug_assertions)]
    fn push_checks_row_length() {
        let mut table = Table::new(vec![("a", Kind::Text)]);
        table.push(vec![Cell::Empty, Cell::Empty]);
    }

    #[test]
    fn int_cells_in_human_columns() {
        let mut table = Table::new(vec![
            ("m", Kind::Money),
            ("i", Kind::Integer),
            ("p", Kind::Percent),
        ]);
        table.push(vec![Cell::Int(23_000_000), Cell::Int(-1_000), Cell::Int(1)]);
        assert_eq!(
            table.render(Format::Table, "USD"),
            "   m       i       p\n----  ------  ------\n$23M  -1,000  100.0%\n"
        );
    }
}
