//! Large CSV files read in blocks of whole lines: the memory a query needs is bounded by the
//! block size, not the file size (the file is read, not memory-mapped, so its pages are not
//! counted against the process either).
//!
//! Lines are split at `\n`. That is safe for the layouts read this way (BACI), whose fields
//! never hold a line break; a file that does is caught by the line-by-line checks when the
//! block fails to parse.

use std::io::{Cursor, Read};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::read::Data;

/// Block size: large enough to amortise the hand-over between threads, small enough that the
/// few blocks in flight stay far under the size of the file.
pub const BLOCK_BYTES: usize = 4 * 1024 * 1024;

/// Whole-line blocks of a CSV file after its header line.
pub struct Blocks {
    reader: Box<dyn Read + Send>,
    label: String,
    header: Vec<u8>,
    carry: Vec<u8>,
    eof: bool,
}

impl Blocks {
    /// Open a file (or in-memory text) and read its header line.
    pub fn open(label: &str, data: &Data) -> Result<Blocks> {
        let reader: Box<dyn Read + Send> = match data {
            Data::File(p) => Box::new(std::fs::File::open(p).map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })?),
            Data::Bytes(b) => Box::new(Cursor::new(ArcBytes(b.clone()))),
        };
        let mut blocks = Blocks {
            reader,
            label: label.to_string(),
            header: Vec::new(),
            carry: Vec::new(),
            eof: false,
        };
        let first = blocks.fill(64 * 1024)?;
        let end = first
            .iter()
            .position(|&b| b == b'\n')
            .map_or(first.len(), |i| i + 1);
        blocks.header = first[..end].to_vec();
        blocks.carry = first[end..].to_vec();
        Ok(blocks)
    }

    /// Read until `carry` holds at least `want` bytes or the file ends; returns the bytes.
    fn fill(&mut self, want: usize) -> Result<Vec<u8>> {
        let mut buf = std::mem::take(&mut self.carry);
        buf.reserve(want.saturating_sub(buf.len()) + self.header.len());
        if buf.len() < want && !self.eof {
            // `read_to_end` fills the spare capacity without zeroing it first.
            let more = (want - buf.len()) as u64;
            let n = (&mut self.reader)
                .take(more)
                .read_to_end(&mut buf)
                .map_err(|source| Error::Io {
                    path: self.label.clone().into(),
                    source,
                })?;
            if (n as u64) < more {
                self.eof = true;
            }
        }
        Ok(buf)
    }

    /// The header line, with its line break.
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// The next block of whole lines (the last may lack its line break). `None` at the end.
    pub fn next_block(&mut self) -> Result<Option<Vec<u8>>> {
        let mut body = self.fill(BLOCK_BYTES)?;
        if body.is_empty() {
            return Ok(None);
        }
        let cut = if self.eof {
            body.len()
        } else {
            // A block longer than one line always holds a line break; a single line longer
            // than a block is read whole.
            match body.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => body.len(),
            }
        };
        self.carry = body.split_off(cut);
        Ok(Some(body))
    }
}

/// Shared bytes readable through a `Cursor`.
struct ArcBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(text: &str) -> Vec<String> {
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let mut b = Blocks::open("test", &data).unwrap();
        let mut out = Vec::new();
        while let Some(block) = b.next_block().unwrap() {
            out.push(String::from_utf8(block).unwrap());
        }
        out
    }

    #[test]
    fn every_line_once_in_whole_lines() {
        let mut text = String::from("t,i,j\n");
        for n in 0..2_000_000 {
            text.push_str(&format!("{n},1,2\n"));
        }
        let blocks = blocks_of(&text);
        assert!(blocks.len() >= 2, "{} blocks", blocks.len());
        let mut lines = Vec::new();
        for b in &blocks {
            assert!(b.ends_with('\n'));
            lines.extend(b.lines().map(str::to_string));
        }
        assert_eq!(lines.len(), 2_000_000);
        assert_eq!(lines[0], "0,1,2");
        assert_eq!(lines[1_999_999], "1999999,1,2");
    }

    #[test]
    fn last_line_without_a_line_break_and_header_only() {
        assert_eq!(blocks_of("a,b\n1,2"), vec!["1,2".to_string()]);
        assert!(blocks_of("a,b\n").is_empty());
    }
}
