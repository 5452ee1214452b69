//! Line-by-line checks with the csv crate: ragged rows, encoding, numbers and required cells,
//! reported with file, line and column. Also used to explain a failed polars scan.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::read::layout::{Check, YEARS, month_ok, year_ok};
use crate::read::sniff::Sniffed;

/// What a full pass over a file found, short of an error.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Data rows (blank lines are not rows).
    pub rows: u64,
    /// Per value column: cells left empty, and the first line with one. (Empty quantities are
    /// normal and not counted.)
    pub missing: Vec<(String, u64, u64)>,
}

fn parse_number(s: &str) -> Option<f64> {
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

/// A whole number (`2018` or `2018.0`), as the plans' strict casts read one.
fn whole(s: &str) -> Option<i64> {
    parse_number(s)
        .filter(|v| v.fract() == 0.0 && v.abs() < 1e15)
        .map(|v| v as i64)
}

/// A Comtrade/Comext period: `YYYY`, or `YYYYMM` with the month 01-12 or 52 (the year).
fn period_ok(p: i64) -> bool {
    if p > 9999 {
        year_ok(p / 100) && month_ok(p % 100, true)
    } else {
        year_ok(p)
    }
}

/// The most characters of a cell quoted in a message.
const QUOTED_CHARS: usize = 80;

/// A cell quoted for a message: `'2O21'`; a longer one is cut after [`QUOTED_CHARS`]
/// characters and its length given (`'xxxx...' (20000000 characters)`), so that a 100 MB
/// cell makes a message of a line, not of 100 MB.
pub fn quoted(cell: &str) -> String {
    match cell.char_indices().nth(QUOTED_CHARS) {
        None => format!("'{cell}'"),
        Some((end, _)) => format!(
            "'{}...' ({} characters)",
            &cell[..end],
            cell.chars().count()
        ),
    }
}

/// Refuse a record with NUL bytes: UTF-16 text (most bytes alternate with a NUL) or damage.
fn nul_bytes(path: &Path, line: u64, bytes: &[u8]) -> Result<()> {
    // `contains` on bytes is a memchr: the common case costs little beside the UTF-8 check.
    if !bytes.contains(&0) {
        return Ok(());
    }
    let count = bytes.iter().filter(|&&b| b == 0).count();
    // A UTF-16 line of ASCII text has a NUL for every other byte (the csv reader has taken
    // the separators out); a UTF-16 part that begins inside a UTF-8 line has fewer, but four
    // characters in a row each beside a NUL. A few stray NULs are damage.
    let utf16_run = bytes
        .windows(8)
        .any(|w| (0..4).all(|k| w[2 * k] != 0 && w[2 * k + 1] == 0));
    if count * 3 >= bytes.len() || utf16_run {
        return Err(Error::Utf16Part {
            path: path.to_path_buf(),
            line,
        });
    }
    Err(Error::NulBytes {
        path: path.to_path_buf(),
        line,
        count,
    })
}

/// Check every row of `reader` against the header in `sniffed` and the column checks.
pub fn check<R: Read>(
    path: &Path,
    reader: R,
    sniffed: &Sniffed,
    checks: &[(String, Check)],
) -> Result<Report> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniffed.delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let cols: Vec<(usize, &str, Check)> = checks
        .iter()
        .filter_map(|(name, c)| {
            let i = sniffed.normalised.iter().position(|h| h == name)?;
            Some((i, sniffed.header[i].trim(), *c))
        })
        .collect();
    let mut missing: Vec<(String, u64, u64)> = Vec::new();
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    let expected = sniffed.header.len();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(match e.kind() {
                    csv::ErrorKind::UnequalLengths { len, .. } => Error::Ragged {
                        path: path.to_path_buf(),
                        line,
                        expected,
                        found: *len as usize,
                    },
                    csv::ErrorKind::Io(io) => Error::Io {
                        path: path.to_path_buf(),
                        source: std::io::Error::new(io.kind(), io.to_string()),
                    },
                    _ => Error::Cell {
                        path: path.to_path_buf(),
                        line,
                        column: "(row)".into(),
                        message: e.to_string(),
                    },
                });
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        rows += 1;
        // NUL bytes before the encoding: a UTF-16 part has them beside each character, and
        // its other bytes may pass for Latin-1 (é is E9 00), which would be the wrong advice.
        nul_bytes(path, line, record.as_slice())?;
        if let Err(e) = std::str::from_utf8(record.as_slice()) {
            return Err(Error::Encoding {
                path: path.to_path_buf(),
                line,
                byte: record.as_slice()[e.valid_up_to()],
            });
        }
        for &(i, name, check) in &cols {
            // Valid UTF-8 was checked above for the whole record.
            let cell = std::str::from_utf8(&record[i]).unwrap_or_default().trim();
            let bad = |message: String| Error::Cell {
                path: path.to_path_buf(),
                line,
                column: name.to_string(),
                message,
            };
            let empty = cell.is_empty()
                || (check == Check::Quantity && cell == crate::read::baci::QUANTITY_NA);
            if empty {
                if matches!(check, Check::Integer | Check::Required | Check::Year) {
                    return Err(bad("empty cell; a value is required".into()));
                }
                if check == Check::Value {
                    match missing.iter_mut().find(|(n, _, _)| n == name) {
                        Some(m) => m.1 += 1,
                        None => missing.push((name.to_string(), 1, line)),
                    }
                }
                continue;
            }
            match check {
                Check::Required => {}
                Check::Integer => match parse_number(cell) {
                    Some(v) if v.fract() == 0.0 && v.abs() < 1e9 => {}
                    _ => {
                        return Err(bad(format!(
                            "expected a whole number, found {}",
                            quoted(cell)
                        )));
                    }
                },
                Check::Year => match whole(cell) {
                    Some(y) if year_ok(y) => {}
                    _ => {
                        return Err(bad(format!(
                            "expected a year from {} to {}, found {}",
                            YEARS.start(),
                            YEARS.end(),
                            quoted(cell)
                        )));
                    }
                },
                Check::Month | Check::RefMonth => match whole(cell) {
                    Some(m) if month_ok(m, check == Check::RefMonth) => {}
                    _ => {
                        let annual = if check == Check::RefMonth {
                            ", or 52 for a year"
                        } else {
                            ""
                        };
                        return Err(bad(format!(
                            "expected a month from 1 to 12{annual}, found {}",
                            quoted(cell)
                        )));
                    }
                },
                Check::Period => {
                    if !whole(cell).is_some_and(period_ok) {
                        return Err(bad(format!(
                            "expected a period YYYY or YYYYMM (a year from {} to {}, the month \
                             01 to 12, or 52 for the year), found {}",
                            YEARS.start(),
                            YEARS.end(),
                            quoted(cell)
                        )));
                    }
                }
                Check::Value | Check::Quantity => match parse_number(cell) {
                    Some(v) if v < 0.0 => {
                        return Err(bad(format!(
                            "negative value {}; trade values and quantities cannot be negative",
                            quoted(cell)
                        )));
                    }
                    Some(_) => {}
                    None => return Err(bad(format!("expected a number, found {}", quoted(cell)))),
                },
            }
        }
    }
    if rows == 0 {
        return Err(Error::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    Ok(Report { rows, missing })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_quoted_cut_with_their_length() {
        assert_eq!(quoted("2O21"), "'2O21'");
        let long = "é".repeat(1_000_000);
        let q = quoted(&long);
        assert!(q.len() < 200, "{q}");
        assert!(q.ends_with("...' (1000000 characters)"), "{q}");
    }

    #[test]
    fn nul_bytes_are_told_apart_from_utf16_text() {
        let p = Path::new("t.csv");
        assert!(nul_bytes(p, 3, b"2021ZAF700").is_ok());
        let utf16: Vec<u8> = "2021ZAFAFG"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(matches!(
            nul_bytes(p, 3, &utf16),
            Err(Error::Utf16Part { line: 3, .. })
        ));
        // A UTF-16 part that begins inside a line ("Café,700" after the product code).
        let part: Vec<u8> = [
            &b"2021ZAFAFGimport010129"[..],
            &"Café700"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        ]
        .concat();
        assert!(matches!(
            nul_bytes(p, 3, &part),
            Err(Error::Utf16Part { line: 3, .. })
        ));
        assert!(matches!(
            nul_bytes(p, 4, b"2021ZAF7\x0000"),
            Err(Error::NulBytes {
                line: 4,
                count: 1,
                ..
            })
        ));
    }
}
