//! Fuzz target: the first pass that keeps a question's lines (`read::prefilter::kept_lines`)
//! on arbitrary bytes. The first two bytes choose the reporter's and the partner's fields and
//! the delimiter, and the high bits of the first byte whether the first line of each (year,
//! reporter, partner) is kept too (BACI) and whether lines are counted against the header's
//! width; a cell is kept when its text has an odd length. Invariant: the output is the header
//! line, then lines of the input, in the input's order.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use tradestat::read::Data;
use tradestat::read::prefilter::{FirstOfEach, Side, kept_lines};

/// The lines of a text (split at `\n`; a final `\n` ends the last line rather than starting an
/// empty one).
fn lines(text: &[u8]) -> Vec<&[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split(|&b| b == b'\n').collect()
}

fuzz_target!(|data: &[u8]| {
    let [a, b, text @ ..] = data else {
        return;
    };
    let delimiter = [b',', b';', b'\t'][usize::from(b >> 4) % 3];
    let keeps = |cells: &[Option<&str>]| -> Vec<bool> {
        cells
            .iter()
            .map(|cell| cell.is_some_and(|c| c.len() % 2 == 1))
            .collect()
    };
    let sides = [
        Side {
            field: usize::from(a & 0x3f) % 8,
            keeps: &keeps,
            known: &[],
        },
        Side {
            field: usize::from(b % 8),
            keeps: &keeps,
            known: &[],
        },
    ];
    let input = Data::Bytes(Arc::new(text.to_vec()));
    // Year and value fields for the first-of-each lines, from the low bits of the second byte.
    let first = (a & 0x80 != 0).then(|| FirstOfEach {
        year: usize::from(b & 0x3) % 8,
        value: usize::from((b >> 2) & 0x3) % 8,
    });
    // The header's width (as the reader gives it), when asked.
    let width = (a & 0x40 != 0).then(|| {
        let header = text.split(|&c| c == b'\n').next().unwrap_or(b"");
        header.iter().filter(|&&c| c == delimiter).count() + 1
    });
    let Ok(Some(out)) = kept_lines("fuzz.csv", &input, delimiter, sides, None, first, width) else {
        return;
    };
    let input = lines(text);
    let output = lines(&out);
    // The header line first (given a line break when the input has none after it).
    let header = input.first().copied().unwrap_or(b"");
    assert_eq!(output.first().copied(), Some(header), "header");
    // Then a subsequence of the other lines.
    let mut rest = input.iter().skip(1);
    for line in output.iter().skip(1) {
        assert!(
            rest.any(|l| l == line),
            "kept line {:?} is not a line of the input (in order)",
            String::from_utf8_lossy(line)
        );
    }
});
