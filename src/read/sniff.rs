//! Header sniffing: byte-order mark, delimiter, header names and data presence, read from the
//! start of a file before any full scan.

use std::path::Path;

use crate::error::{Error, Result};

/// What the first bytes of a file say about it.
#[derive(Debug, Clone)]
pub struct Sniffed {
    /// Field separator: `,`, `;` or tab.
    pub delimiter: u8,
    /// Header names as written, without the byte-order mark.
    pub header: Vec<String>,
    /// Header names normalised for matching (see [`normalise`]).
    pub normalised: Vec<String>,
    /// Whether the file starts with a UTF-8 byte-order mark.
    pub bom: bool,
}

/// Normalise a column name for matching layouts: trim, drop a BOM, lower-case, and drop `_`,
/// spaces and dots, so `refYear`, `ref_year` and `Ref Year` all read `refyear`.
pub fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .chars()
        .filter(|c| !matches!(c, '_' | ' ' | '.' | '"'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Count a delimiter's occurrences outside double quotes in one line.
fn count_outside_quotes(line: &[u8], delim: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delim && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Whether the first bytes of a file are UTF-16 text: a byte-order mark (as written, or
/// turned into `ÿþ`/`þÿ` by `--encoding latin1`), or, without one, a NUL byte beside each
/// character of the header (ASCII text in UTF-16, little- or big-endian). NUL bytes never
/// occur in UTF-8 or Latin-1 text files.
fn is_utf16(bytes: &[u8]) -> bool {
    const BOMS: [&[u8]; 4] = [
        &[0xFF, 0xFE],
        &[0xFE, 0xFF],
        &[0xC3, 0xBF, 0xC3, 0xBE],
        &[0xC3, 0xBE, 0xC3, 0xBF],
    ];
    if BOMS.iter().any(|b| bytes.starts_with(b)) {
        return true;
    }
    let pairs: Vec<&[u8]> = bytes[..bytes.len().min(128)].chunks_exact(2).collect();
    if pairs.len() < 4 {
        return false;
    }
    let zeros = |side: usize| pairs.iter().filter(|p| p[side] == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    // Most pairs carry their NUL on the same side, and none on the other (a non-ASCII
    // character may have none).
    (odd * 4 >= pairs.len() * 3 && even == 0) || (even * 4 >= pairs.len() * 3 && odd == 0)
}

/// Sniff decoded text (the whole file or its first part).
pub fn sniff_bytes(path: &Path, bytes: &[u8]) -> Result<Sniffed> {
    if is_utf16(bytes) {
        return Err(Error::Utf16 {
            path: path.to_path_buf(),
        });
    }
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let body = if bom { &bytes[3..] } else { bytes };
    // No line feed at all, but a carriage return with text after it: CR-only line endings.
    // Split on LF, the whole file would be one header line and no data.
    if !body.contains(&b'\n')
        && let Some(cr) = body.iter().position(|&b| b == b'\r')
        && body[cr + 1..].iter().any(|b| !b.is_ascii_whitespace())
    {
        return Err(Error::CrLineEndings {
            path: path.to_path_buf(),
        });
    }
    let mut lines = body
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let header_line = loop {
        match lines.next() {
            Some(l) if l.iter().all(u8::is_ascii_whitespace) => continue,
            Some(l) => break l,
            None => {
                return Err(Error::Empty {
                    path: path.to_path_buf(),
                });
            }
        }
    };
    // The reader stops at the limit: a header line that has not ended by then is refused
    // rather than taken for a header without data.
    let header_end = header_line.as_ptr() as usize - body.as_ptr() as usize + header_line.len();
    if header_end == body.len() && body.len() > super::HEADER_LIMIT_BYTES {
        return Err(Error::HeaderTooLong {
            path: path.to_path_buf(),
            limit: super::HEADER_LIMIT_BYTES,
        });
    }
    let has_data = lines.any(|l| !l.iter().all(u8::is_ascii_whitespace));
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (count_outside_quotes(header_line, d), d == b','))
        .unwrap_or(b',');
    let text = std::str::from_utf8(header_line).map_err(|e| Error::Encoding {
        path: path.to_path_buf(),
        line: 1,
        byte: header_line[e.valid_up_to()],
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.records().next() {
        Some(Ok(r)) => r.iter().map(str::to_string).collect(),
        Some(Err(e)) => {
            return Err(Error::Cell {
                path: path.to_path_buf(),
                line: 1,
                column: "(header)".into(),
                message: format!("the header line is not valid CSV: {e}"),
            });
        }
        None => {
            return Err(Error::Empty {
                path: path.to_path_buf(),
            });
        }
    };
    if !has_data {
        return Err(Error::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    let normalised = header.iter().map(|h| normalise(h)).collect();
    Ok(Sniffed {
        delimiter,
        header,
        normalised,
        bom,
    })
}

impl Sniffed {
    /// Index of the first header column whose normalised name is one of `names`.
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.normalised.iter().position(|h| h == n))
    }

    /// Whether every one of `names` is a column.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.normalised.iter().any(|h| h == n))
    }

    /// The header joined for messages.
    pub fn header_text(&self) -> String {
        self.header.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(s: &str) -> Result<Sniffed> {
        sniff_bytes(Path::new("t.csv"), s.as_bytes())
    }

    #[test]
    fn detects_delimiters_bom_and_padding() {
        let s = sniff("\u{feff}destination_country_code ;origin_country_code ;year\r\nA;B;1\r\n")
            .unwrap();
        assert_eq!(s.delimiter, b';');
        assert!(s.bom);
        assert_eq!(
            s.normalised,
            ["destinationcountrycode", "origincountrycode", "year"]
        );
        let t = sniff("a\tb\tc\n1\t2\t3\n").unwrap();
        assert_eq!(t.delimiter, b'\t');
        let q = sniff("\"x;y\",b,c\n1,2,3\n").unwrap();
        assert_eq!(q.delimiter, b',');
        assert_eq!(q.header[0], "x;y");
    }

    #[test]
    fn cr_only_line_endings_are_named() {
        let e = sniff("t,i,j,k,v,q\r2021,4,8,10121,1.5,2\r").unwrap_err();
        assert!(matches!(e, Error::CrLineEndings { .. }), "{e}");
        assert!(e.to_string().contains("carriage return only"), "{e}");
        // A header ending in CR alone, without data, is still a header without data.
        assert!(matches!(sniff("t,i,j\r"), Err(Error::HeaderOnly { .. })));
        // CRLF files are read as always.
        assert!(sniff("t,i,j\r\n1,2,3\r\n").is_ok());
    }

    #[test]
    fn utf16_is_recognised_and_utf8_is_not() {
        let text = "t,i,j,k,v\n2021,4,8,10121,1.5\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(is_utf16(&le) && is_utf16(&be));
        assert!(is_utf16(&[0xFF, 0xFE, b't', 0]));
        assert!(!is_utf16(text.as_bytes()));
        assert!(!is_utf16("\u{feff}année,pays\n".as_bytes()));
        assert!(!is_utf16(b"t,i\n"));
    }

    #[test]
    fn a_header_longer_than_the_limit_is_named() {
        let mut long = "x,".repeat(super::super::HEADER_LIMIT_BYTES / 2 + 1);
        let e = sniff(&long).unwrap_err();
        assert!(matches!(e, Error::HeaderTooLong { .. }), "{e}");
        // Ended within the limit, with data, it is a header like any other.
        long.truncate(super::super::HEADER_LIMIT_BYTES - 10);
        long.push_str("y\n1\n");
        assert!(sniff(&long).is_ok());
    }

    #[test]
    fn empty_and_header_only_are_errors() {
        assert!(matches!(sniff(""), Err(Error::Empty { .. })));
        assert!(matches!(sniff("\n\n"), Err(Error::Empty { .. })));
        assert!(matches!(sniff("t,i,j\n\n"), Err(Error::HeaderOnly { .. })));
    }

    #[test]
    fn camel_and_snake_case_normalise_alike() {
        assert_eq!(normalise("refYear"), normalise("ref_year"));
        assert_eq!(normalise("Trade Value (US$)"), "tradevalue(us$)");
    }
}
