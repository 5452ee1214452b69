//! BACI's CSV rows parsed by hand, on every core: the fast lane's reader for CSV inputs.
//!
//! A BACI row is `t,i,j,k,v,q` (see [`crate::read::baci`]): four integers, a decimal number and
//! a quoted, padded quantity.
//! Only the fields a question uses are parsed (`q` never is); each thread folds the rows it
//! parses into its own state (sums, or the rows a filter keeps), so nothing row-sized is held.
//! Anything unexpected (a field that is not a plain number, a missing code, a negative value)
//! stops the scan: the caller then runs the line-by-line checks, which name the line and
//! column, or hands the question to the general engine.

use crate::error::Result;
use crate::read::Data;
use crate::read::baci;
use crate::read::blocks::on_every_core;

/// The numbers of one row, as written: `k` without its leading zero
/// ([`baci::PRODUCT_DIGITS`]), `v` in thousands of US dollars ([`baci::VALUE_UNIT`]) and `None`
/// when the cell is empty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub t: i32,
    pub i: i32,
    pub j: i32,
    pub k: i32,
    pub v: Option<f64>,
}

/// Positions of `t,i,j,k,v` ([`baci::REQUIRED`]) in the header.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    t: usize,
    i: usize,
    j: usize,
    k: usize,
    v: usize,
    last: usize,
    /// The number of fields in the header: every row must have as many.
    fields: usize,
}

impl Columns {
    /// Find the columns by their (normalised) header names.
    pub fn find(normalised: &[String]) -> Option<Columns> {
        let pos = |n: &str| normalised.iter().position(|h| h == n);
        let (t, i, j, k, v) = (
            pos(baci::YEAR)?,
            pos(baci::EXPORTER)?,
            pos(baci::IMPORTER)?,
            pos(baci::PRODUCT)?,
            pos(baci::VALUE)?,
        );
        Some(Columns {
            t,
            i,
            j,
            k,
            v,
            last: t.max(i).max(j).max(k).max(v),
            fields: normalised.len(),
        })
    }
}

/// Trim spaces and one pair of surrounding quotes.
fn unquote(f: &[u8]) -> &[u8] {
    let f = f.trim_ascii();
    match f {
        [b'"', inner @ .., b'"'] => inner.trim_ascii(),
        _ => f,
    }
}

/// A non-negative integer written with digits only.
fn int(f: &[u8]) -> Option<i32> {
    // Plain digits need no trimming (the common case).
    let f = if f.first().is_some_and(u8::is_ascii_digit) && f.last().is_some_and(u8::is_ascii_digit)
    {
        f
    } else {
        unquote(f)
    };
    if f.is_empty() || f.len() > 9 {
        return None;
    }
    let mut n: i32 = 0;
    for &b in f {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i32::from(b - b'0');
    }
    Some(n)
}

/// A non-negative decimal number. Plain decimals with at most 15 significant digits (BACI's
/// `52.051`) take Clinger's fast path: the digits as an integer divided by a power of ten, both
/// exact in f64, so the one rounding of the division gives the correctly rounded value, the
/// same as `str::parse`. Anything else (exponents, long mantissas) goes to `str::parse`.
fn decimal(f: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let (mut digits, mut frac, mut dot) = (0usize, 0usize, false);
    for &b in f {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                frac += usize::from(dot);
                if digits > 15 {
                    return std::str::from_utf8(f).ok()?.parse().ok();
                }
            }
            b'.' if !dot => dot = true,
            _ => return std::str::from_utf8(f).ok()?.parse().ok(),
        }
    }
    if digits == 0 {
        return None;
    }
    Some(mantissa as f64 / POW10[frac])
}

/// The fields in the tail of a line after a separator (or in a whole line): one more than the
/// separators outside quotes (`""` inside a quoted field leaves the count as it was).
pub(crate) fn fields_in(tail: &[u8], sep: u8) -> usize {
    let mut quoted = false;
    let mut n = 1;
    for &b in tail {
        if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            n += 1;
        }
    }
    n
}

/// Parse one line; `Ok(None)` for a blank line, `Err(())` when it is not a plain BACI row.
/// Only the fields up to the last one used are parsed; the rest of the line (BACI's padded `q`)
/// is only counted, so that a row with too many or too few fields is refused here as the line
/// checks refuse it, never summed.
fn row(line: &[u8], sep: u8, c: &Columns) -> std::result::Result<Option<Row>, ()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut fields: [&[u8]; 16] = [&[]; 16];
    if c.last >= fields.len() {
        return Err(());
    }
    let mut rest = line;
    let mut more = false;
    for (n, slot) in fields.iter_mut().take(c.last + 1).enumerate() {
        let end = if rest.first() == Some(&b'"') {
            // A quoted field: up to the closing quote, then the separator.
            let close = rest[1..].iter().position(|&b| b == b'"').ok_or(())? + 1;
            match rest[close + 1..].iter().position(|&b| b == sep) {
                Some(p) => close + 1 + p,
                None => rest.len(),
            }
        } else {
            match rest.iter().position(|&b| b == sep) {
                Some(p) => p,
                None if n == c.last => rest.len(),
                // Too few fields: a blank line, or not a BACI row.
                None if line.iter().all(u8::is_ascii_whitespace) => return Ok(None),
                None => return Err(()),
            }
        };
        *slot = &rest[..end];
        more = end < rest.len();
        rest = if more { &rest[end + 1..] } else { &[] };
    }
    let after = if more { fields_in(rest, sep) } else { 0 };
    if c.last + 1 + after != c.fields {
        return Err(());
    }
    let v = unquote(fields[c.v]);
    let v = if v.is_empty() {
        None
    } else {
        let x = decimal(v).ok_or(())?;
        if !(x.is_finite() && x >= 0.0) {
            return Err(());
        }
        Some(x)
    };
    // A year no source writes (0, -1, 999999999) is not summed: the line checks name it.
    let t = int(fields[c.t]).ok_or(())?;
    if !crate::read::layout::year_ok(i64::from(t)) {
        return Err(());
    }
    Ok(Some(Row {
        t,
        i: int(fields[c.i]).ok_or(())?,
        j: int(fields[c.j]).ok_or(())?,
        k: int(fields[c.k]).ok_or(())?,
        v,
    }))
}

/// Fold every row of a block into `state`; `false` at the first line that is not a BACI row.
fn block<S>(
    bytes: &[u8],
    sep: u8,
    c: &Columns,
    state: &mut S,
    visit: &(impl Fn(&mut S, Row) + Sync),
) -> bool {
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        if end < start {
            break;
        }
        let line = &bytes[start..end];
        start = end + 1;
        match row(line, sep, c) {
            Ok(Some(r)) => visit(state, r),
            Ok(None) => {}
            Err(()) => return false,
        }
    }
    true
}

/// Scan a BACI CSV source on all cores: this thread reads blocks of lines, the workers parse
/// them, folding each block's rows into a fresh state (`init`). Returns one state per block in
/// file order (so that results are added up in the same order on every run), or `None` when a
/// line is not a plain BACI row.
pub fn scan<S: Send>(
    label: &str,
    data: &Data,
    sep: u8,
    columns: &Columns,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, Row) + Sync,
) -> Result<Option<Vec<S>>> {
    let (_, states) = on_every_core(
        label,
        data,
        || (),
        |_, bytes| {
            let mut state = init();
            block(bytes, sep, columns, &mut state, &visit).then_some(state)
        },
    )?;
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_too_many_or_too_few_fields_are_refused() {
        let names: Vec<String> = ["t", "i", "j", "k", "v", "q"].map(String::from).to_vec();
        let c = Columns::find(&names).unwrap();
        let ok = row(b"2021,4,8,10121,1.5,\"        NA\"", b',', &c);
        assert_eq!(ok.unwrap().unwrap().v, Some(1.5));
        // q empty is still six fields.
        assert!(row(b"2021,4,8,10121,1.5,", b',', &c).unwrap().is_some());
        // Five fields, seven fields, a separator inside quotes is not a field.
        assert!(row(b"2021,4,8,10121,1.5", b',', &c).is_err());
        assert!(row(b"2021,4,8,10121,1.5,2,999999", b',', &c).is_err());
        assert!(
            row(b"2021,4,8,10121,1.5,\"1,5\"", b',', &c)
                .unwrap()
                .is_some()
        );
        // A blank line is not a row.
        assert_eq!(row(b"  ", b',', &c), Ok(None));
    }
    use std::sync::Arc;

    fn cols() -> Columns {
        Columns::find(&["t", "i", "j", "k", "v", "q"].map(String::from)).unwrap()
    }

    #[test]
    fn rows_as_baci_writes_them() {
        let c = cols();
        assert_eq!(
            row(b"2021,4,24,382390,52.051,\"       13.235\"", b',', &c),
            Ok(Some(Row {
                t: 2021,
                i: 4,
                j: 24,
                k: 382390,
                v: Some(52.051)
            }))
        );
        // Quoted numbers, CRLF, an empty value, blank lines.
        assert_eq!(
            row(b"\"2021\",\"4\",\"24\",\"71120\",,\"NA\"\r", b',', &c)
                .unwrap()
                .unwrap()
                .v,
            None
        );
        assert_eq!(row(b"   ", b',', &c), Ok(None));
        // Not plain BACI rows: the caller checks line by line.
        for bad in [
            &b"2021,4,24,382390,-1,1"[..],
            b"2021,4,24,382390,abc,1",
            b"2021.0,4,24,382390,1,1",
            b"2021,,24,382390,1,1",
            b"2021,4,24",
        ] {
            assert_eq!(
                row(bad, b',', &c),
                Err(()),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn decimals_parse_exactly_as_the_standard_library() {
        for text in [
            "52.051",
            "0.041",
            "0",
            "7",
            "123456789.123",
            "0.1",
            "0.3",
            "1.",
            ".5",
            "999999999999.999",
            "1234567890123456.5",
            "1e3",
            "2.5E-3",
            "0000.010",
            "4503599627370497.0",
        ] {
            let std: f64 = text.parse().unwrap();
            assert_eq!(decimal(text.as_bytes()), Some(std), "{text}");
        }
        // Every value of three decimals up to 100, as BACI writes them.
        for n in 0..100_000u32 {
            let text = format!("{}.{:03}", n / 1000, n % 1000);
            assert_eq!(decimal(text.as_bytes()), text.parse().ok(), "{text}");
        }
        for bad in ["", ".", "1.2.3", "abc", "-1", "1,5"] {
            assert!(decimal(bad.as_bytes()).is_none_or(|v| v < 0.0), "{bad}");
        }
    }

    #[test]
    fn scan_sums_every_row_once_on_all_threads() {
        let mut text = String::from("\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"\n");
        let mut expected = 0.0;
        for n in 0..300_000 {
            let v = (n % 1000) as f64 / 8.0;
            expected += v;
            text.push_str(&format!(
                "2021,{},{},{},{v},\"   NA\"\n",
                n % 7,
                n % 11,
                n % 5000
            ));
        }
        let data = Data::Bytes(Arc::new(text.into_bytes()));
        let states = scan(
            "test",
            &data,
            b',',
            &cols(),
            || (0.0, 0usize),
            |s, r| {
                s.0 += r.v.unwrap();
                s.1 += 1;
            },
        )
        .unwrap()
        .unwrap();
        let (sum, n) = states.iter().fold((0.0, 0), |a, s| (a.0 + s.0, a.1 + s.1));
        assert_eq!(n, 300_000);
        assert!((sum - expected).abs() < 1e-6 * expected, "{sum} {expected}");
        let bad = Data::Bytes(Arc::new(b"t,i,j,k,v\n2021,1,2,3,x\n".to_vec()));
        assert!(
            scan("bad", &bad, b',', &cols(), || (), |_, _| {})
                .unwrap()
                .is_none()
        );
    }
}
