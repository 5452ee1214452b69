//! A first pass over a delimited file's bytes that keeps only the lines a question about some
//! countries can use: the lines whose reporter or partner cell could be one of them. What it
//! keeps is then parsed by the file's own plan, which filters the rows again exactly, so this
//! pass only has to keep a superset: a line it cannot read with certainty is kept.
//!
//! It reads the file in blocks of whole lines on every core (as the BACI lane does), looks at two
//! cells per line and copies the kept lines, so its memory is the blocks in flight plus the kept
//! lines, whatever the file's size. A cell's verdict is decided once per distinct spelling, by
//! the caller (the layout's own country expression), and remembered.
//!
//! Quoted fields are followed so that a delimiter or line break inside quotes is not taken for
//! one. A block that ends inside quotes (a field with a line break across the split), or a quote
//! in the middle of an unquoted field, makes the pass give up (`None`): the caller then reads
//! the file as before.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc;

use crate::error::Result;
use crate::read::Data;
use crate::read::blocks::Blocks;

/// One of the two cells looked at: its field number and whether a cell's text (unquoted; `None`
/// for an empty cell) is one the question keeps.
pub struct Side<'a> {
    pub field: usize,
    pub keeps: &'a (dyn Fn(Option<&str>) -> bool + Sync),
}

/// One worker's kept lines: (block number, the block's kept lines) for each block it read.
type Numbered = Vec<(usize, Vec<u8>)>;

/// The header line and every line of `data` whose cell in either side's field the side keeps
/// (or that cannot be read with certainty), in file order; `None` when the file's quoting does
/// not allow reading it in blocks (see the module's note).
pub fn kept_lines(
    label: &str,
    data: &Data,
    delimiter: u8,
    sides: [Side; 2],
) -> Result<Option<Vec<u8>>> {
    let mut blocks = Blocks::open(label, data)?;
    let header = blocks.header().to_vec();
    let shared: [Shared; 2] = [Shared::new(&sides[0]), Shared::new(&sides[1])];
    let fields = [sides[0].field, sides[1].field];
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers * 2);
    let rx = Mutex::new(rx);
    let (done, read) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut memo = [Memo::default(), Memo::default()];
                    let mut out: Vec<(usize, Vec<u8>)> = Vec::new();
                    let mut ok = true;
                    loop {
                        let next = rx.lock().map(|r| r.recv());
                        let Ok(Ok((n, bytes))) = next else { break };
                        if ok {
                            let mut kept = Vec::new();
                            let mut keeps =
                                |side: usize, cell: &[u8]| memo[side].keeps(cell, &shared[side]);
                            ok = block(&bytes, delimiter, fields, &mut keeps, &mut kept);
                            out.push((n, kept));
                        }
                    }
                    ok.then_some(out)
                })
            })
            .collect();
        let mut read: Result<()> = Ok(());
        let mut n = 0;
        loop {
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
        let done: Option<Vec<Numbered>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or(None))
            .collect();
        (done, read)
    });
    read?;
    Ok(done.map(|parts| {
        let mut all: Vec<(usize, Vec<u8>)> = parts.into_iter().flatten().collect();
        all.sort_by_key(|(n, _)| *n);
        let mut text = header;
        if !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        for (_, part) in all {
            text.extend_from_slice(&part);
        }
        text
    }))
}

/// The verdicts shared by the workers: one per distinct cell text, decided once.
struct Shared<'a> {
    keeps: &'a (dyn Fn(Option<&str>) -> bool + Sync),
    seen: Mutex<HashMap<Vec<u8>, bool>>,
}

impl<'a> Shared<'a> {
    fn new(side: &Side<'a>) -> Shared<'a> {
        Shared {
            keeps: side.keeps,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn keeps(&self, cell: &[u8]) -> bool {
        // The lock is held while a new spelling is judged, so that each is judged once.
        let mut seen = match self.seen.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(&k) = seen.get(cell) {
            return k;
        }
        // A cell that is not text cannot be judged: kept, for the plan to refuse or read.
        let k = match std::str::from_utf8(&unquoted(cell)) {
            Ok("") => (self.keeps)(None),
            Ok(text) => (self.keeps)(Some(text)),
            Err(_) => true,
        };
        seen.insert(cell.to_vec(), k);
        k
    }
}

/// A worker's own copy of the verdicts: small numbers (country codes) in a table, the rest in a
/// map, so that the shared lock is taken once per distinct cell, not once per line.
#[derive(Default)]
struct Memo {
    small: Vec<u8>,
    other: HashMap<Vec<u8>, bool>,
}

/// Numbers below this are looked up in [`Memo::small`].
const SMALL: usize = 10_000;

impl Memo {
    fn keeps(&mut self, cell: &[u8], shared: &Shared) -> bool {
        // Plain digits without a leading zero: one spelling per number.
        if !cell.is_empty()
            && cell.len() <= 4
            && cell.iter().all(u8::is_ascii_digit)
            && (cell[0] != b'0' || cell.len() == 1)
        {
            let n = cell
                .iter()
                .fold(0usize, |n, d| n * 10 + usize::from(d - b'0'));
            if self.small.is_empty() {
                self.small = vec![0; SMALL];
            }
            match self.small[n] {
                1 => return true,
                2 => return false,
                _ => {}
            }
            let k = shared.keeps(cell);
            self.small[n] = if k { 1 } else { 2 };
            return k;
        }
        if let Some(&k) = self.other.get(cell) {
            return k;
        }
        let k = shared.keeps(cell);
        self.other.insert(cell.to_vec(), k);
        k
    }
}

/// A cell's text as the CSV reader gives it: without the quotes around it, `""` read as `"`,
/// spaces kept.
fn unquoted(cell: &[u8]) -> Vec<u8> {
    match cell {
        [b'"', inner @ .., b'"'] => {
            let mut out = Vec::with_capacity(inner.len());
            let mut i = 0;
            while i < inner.len() {
                out.push(inner[i]);
                i += if inner[i] == b'"' { 2 } else { 1 };
            }
            out
        }
        _ => cell.to_vec(),
    }
}

/// The end of the field starting at `pos` (exclusive) and the index of the byte after it (a
/// delimiter, a line break, or the end of the block); `None` when the block cannot be read in
/// isolation (a quoted field not closed in it, a quote inside an unquoted field, text after a
/// closing quote).
fn field(b: &[u8], pos: usize, delimiter: u8) -> Option<(usize, usize)> {
    if b.get(pos) == Some(&b'"') {
        let mut q = pos + 1;
        loop {
            q += memchr::memchr(b'"', &b[q..])?;
            if b.get(q + 1) == Some(&b'"') {
                q += 2;
            } else {
                break;
            }
        }
        let end = q + 1;
        return match b.get(end) {
            None => Some((end, end)),
            Some(&c) if c == delimiter || c == b'\n' => Some((end, end)),
            Some(b'\r') if matches!(b.get(end + 1), None | Some(b'\n')) => Some((end, end + 1)),
            Some(_) => None,
        };
    }
    let end = memchr::memchr2(delimiter, b'\n', &b[pos..]).map_or(b.len(), |i| pos + i);
    if memchr::memchr(b'"', &b[pos..end]).is_some() {
        return None;
    }
    Some((end, end))
}

/// Copy the lines of a block that `keeps` keeps (by the cells in `fields`) to `out`; `false`
/// when the block cannot be read in isolation.
fn block(
    b: &[u8],
    delimiter: u8,
    fields: [usize; 2],
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    out: &mut Vec<u8>,
) -> bool {
    let last = fields[0].max(fields[1]);
    let mut pos = 0;
    while pos < b.len() {
        let start = pos;
        let mut cells: [Option<&[u8]>; 2] = [None, None];
        let mut f = 0;
        // The fields up to the last one looked at.
        let mut at_line_end = false;
        loop {
            let Some((end, next)) = field(b, pos, delimiter) else {
                return false;
            };
            let mut cell = &b[pos..end];
            if let Some(c) = cell.strip_suffix(b"\r") {
                cell = c;
            }
            for (side, want) in fields.iter().enumerate() {
                if *want == f {
                    cells[side] = Some(cell);
                }
            }
            pos = next;
            if next >= b.len() || b[next] == b'\n' {
                at_line_end = true;
                break;
            }
            // Past the delimiter.
            pos += 1;
            if f == last {
                break;
            }
            f += 1;
        }
        // The rest of the line: only quotes matter (a quoted field may hold a line break).
        let mut line_end = pos;
        if !at_line_end {
            loop {
                match memchr::memchr2(b'"', b'\n', &b[pos..]) {
                    None => {
                        line_end = b.len();
                        break;
                    }
                    Some(i) if b[pos + i] == b'\n' => {
                        line_end = pos + i;
                        break;
                    }
                    Some(i) => {
                        let q = pos + i;
                        // Only a quote opening a field is a quote.
                        if q == 0 || b[q - 1] != delimiter {
                            return false;
                        }
                        let Some((_, next)) = field(b, q, delimiter) else {
                            return false;
                        };
                        pos = next;
                        if next >= b.len() {
                            line_end = b.len();
                            break;
                        }
                    }
                }
            }
        }
        let keep = match cells {
            [Some(r), Some(p)] => keeps(0, r) || keeps(1, p),
            // A line too short to hold both cells: kept, for the plan to read or refuse.
            _ => true,
        };
        if keep {
            out.extend_from_slice(&b[start..line_end]);
            out.push(b'\n');
        }
        pos = line_end + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn kept(text: &str, fields: [usize; 2], codes: &[&str]) -> Option<String> {
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let keeps = |c: Option<&str>| c.is_some_and(|c| codes.contains(&c));
        let sides = [
            Side {
                field: fields[0],
                keeps: &keeps,
            },
            Side {
                field: fields[1],
                keeps: &keeps,
            },
        ];
        kept_lines("test", &data, b',', sides)
            .unwrap()
            .map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn keeps_the_lines_whose_reporter_or_partner_is_kept() {
        let text = "d,r,p,v\nx,4,8,1\nx,5,4,2\nx,5,6,3\nx,8,0,4\n";
        assert_eq!(
            kept(text, [1, 2], &["4"]).unwrap(),
            "d,r,p,v\nx,4,8,1\nx,5,4,2\n"
        );
        assert_eq!(
            kept(text, [1, 2], &["4", "8"]).unwrap(),
            "d,r,p,v\nx,4,8,1\nx,5,4,2\nx,8,0,4\n"
        );
        assert_eq!(kept(text, [1, 2], &[]).unwrap(), "d,r,p,v\n");
    }

    #[test]
    fn quoted_cells_delimiters_and_line_breaks_inside_quotes() {
        let text = "d,r,p,v\n\"a, b\",\"4\",9,1\n\"c\nd\",5,9,\"x,\ny\"\n\"e\",5,\"4\",3\r\nz,6,7,\"q\"\"\"\n";
        assert_eq!(
            kept(text, [1, 2], &["4"]).unwrap(),
            "d,r,p,v\n\"a, b\",\"4\",9,1\n\"e\",5,\"4\",3\r\n"
        );
        // The cells looked at are the last ones of the line, and a line break in a quoted
        // field after them is followed.
        let text = "r,p,d\n4,1,\"a\nb\"\n2,3,c\n";
        assert_eq!(kept(text, [0, 1], &["4"]).unwrap(), "r,p,d\n4,1,\"a\nb\"\n");
    }

    #[test]
    fn short_lines_are_kept_and_a_stray_quote_gives_up() {
        assert_eq!(
            kept("d,r,p\nx,5\nx,5,6\n\n", [1, 2], &["4"]).unwrap(),
            "d,r,p\nx,5\n\n"
        );
        assert!(kept("d,r,p\nx,5\"a,6\n", [1, 2], &["4"]).is_none());
        assert!(kept("d,r,p\nx,5,6,a\"b\n", [1, 2], &["4"]).is_none());
        assert!(kept("d,r,p\nx,5,6,\"open\n", [1, 2], &["4"]).is_none());
    }

    #[test]
    fn verdicts_are_asked_once_per_spelling_and_every_line_is_seen_across_blocks() {
        let mut text = String::from("r,p,v\n");
        for n in 0..400_000 {
            text.push_str(&format!("{},{},{n}\n", n % 300, (n + 7) % 300));
        }
        let asked = Mutex::new(0usize);
        let keeps = |c: Option<&str>| {
            *asked.lock().unwrap() += 1;
            c == Some("17")
        };
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let out = kept_lines(
            "test",
            &data,
            b',',
            [
                Side {
                    field: 0,
                    keeps: &keeps,
                },
                Side {
                    field: 1,
                    keeps: &keeps,
                },
            ],
        )
        .unwrap()
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        let expected: usize = (0..400_000)
            .filter(|n| n % 300 == 17 || (n + 7) % 300 == 17)
            .count();
        assert_eq!(out.lines().count(), expected + 1);
        // Two sides, 300 spellings each: asked at most once per spelling per side.
        assert!(*asked.lock().unwrap() <= 600, "{}", asked.lock().unwrap());
    }
}
