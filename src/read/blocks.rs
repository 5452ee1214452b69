//! Large CSV files read in blocks of whole lines: the memory a query needs is bounded by the
//! block size, not the file size (the file is read, not memory-mapped, so its pages are not
//! counted against the process either).
//!
//! Lines are split at `\n`. That is safe for the layouts read this way (BACI), whose fields
//! never hold a line break; a file that does is caught by the line-by-line checks when the
//! block fails to parse.

use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

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
        // The header is read to its line break, however long it is.
        let mut want = 64 * 1024;
        loop {
            let first = blocks.fill(want)?;
            match first.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    blocks.header = first[..=i].to_vec();
                    blocks.carry = first[i + 1..].to_vec();
                    break;
                }
                None if blocks.eof => {
                    blocks.header = first;
                    break;
                }
                None => {
                    want = first.len() * 2;
                    blocks.carry = first;
                }
            }
        }
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
    /// A line is never split: a line longer than a block is read on to its end (memory grows
    /// with the longest line, not with the file).
    pub fn next_block(&mut self) -> Result<Option<Vec<u8>>> {
        let mut want = BLOCK_BYTES;
        loop {
            let mut body = self.fill(want)?;
            if body.is_empty() {
                return Ok(None);
            }
            if self.eof {
                return Ok(Some(body));
            }
            if let Some(i) = body.iter().rposition(|&b| b == b'\n') {
                self.carry = body.split_off(i + 1);
                return Ok(Some(body));
            }
            want = body.len() * 2;
            self.carry = body;
        }
    }
}

/// Read `data` in blocks on this thread and hand them to a worker per core: each worker makes
/// its state once (`worker`) and turns each block it gets into a result (`work`). Returns the
/// header line and the results in file order (so that they are combined the same way on every
/// run), or `None` for the results when `work` gave up on a block (`None`): the other workers
/// then only drain what was sent and the rest of the file is not read.
pub fn on_every_core<W, R: Send>(
    label: &str,
    data: &Data,
    worker: impl Fn() -> W + Sync,
    work: impl Fn(&mut W, &[u8]) -> Option<R> + Sync,
) -> Result<(Vec<u8>, Option<Vec<R>>)> {
    let mut blocks = Blocks::open(label, data)?;
    let header = blocks.header().to_vec();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Two blocks in flight per worker keep the workers busy and memory small.
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers * 2);
    let rx = Mutex::new(rx);
    let stop = AtomicBool::new(false);
    let (done, read) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut state = worker();
                    let mut out: Vec<(usize, R)> = Vec::new();
                    let mut ok = true;
                    loop {
                        let next = rx.lock().map(|r| r.recv());
                        let Ok(Ok((n, bytes))) = next else { break };
                        if ok {
                            match work(&mut state, &bytes) {
                                Some(r) => out.push((n, r)),
                                None => {
                                    ok = false;
                                    stop.store(true, Ordering::Relaxed);
                                }
                            }
                        }
                    }
                    ok.then_some(out)
                })
            })
            .collect();
        let mut read: Result<()> = Ok(());
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            match blocks.next_block() {
                Ok(Some(b)) => {
                    if tx.send((n, b)).is_err() {
                        break;
                    }
                    n += 1;
                }
                Ok(None) => break,
                Err(e) => {
                    read = Err(e);
                    break;
                }
            }
        }
        drop(tx);
        let done: Option<Vec<Vec<(usize, R)>>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or(None))
            .collect();
        (done, read)
    });
    read?;
    Ok((
        header,
        done.map(|parts| {
            let mut all: Vec<(usize, R)> = parts.into_iter().flatten().collect();
            all.sort_by_key(|(n, _)| *n);
            all.into_iter().map(|(_, r)| r).collect()
        }),
    ))
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
    fn a_line_longer_than_a_block_is_never_split() {
        let long = "9".repeat(BLOCK_BYTES * 2 + 17);
        let text = format!("t,i,j\n1,2,3\n{long},1,2\n4,5,6\n");
        let blocks = blocks_of(&text);
        let lines: Vec<String> = blocks
            .iter()
            .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert_eq!(lines.len(), 3, "{} lines", lines.len());
        assert_eq!(lines[0], "1,2,3");
        assert_eq!(lines[1], format!("{long},1,2"));
        assert_eq!(lines[2], "4,5,6");
        for b in &blocks {
            assert!(b.ends_with('\n'));
        }
    }

    #[test]
    fn a_header_longer_than_the_first_read_is_read_whole() {
        let header = format!("t,{}", "x".repeat(200_000));
        let text = format!("{header}\n1,2\n");
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let mut b = Blocks::open("test", &data).unwrap();
        assert_eq!(b.header(), format!("{header}\n").as_bytes());
        assert_eq!(b.next_block().unwrap().unwrap(), b"1,2\n");
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
