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
//! the file as before. So does a line whose `veto` cell is one the caller cannot narrow (a
//! reconciled flow in a canonical file: whether its sides are known depends on every row).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::error::Result;
use crate::read::Data;
use crate::read::blocks::on_every_core;

/// One of the two cells looked at: its field number and, for a list of cells' texts (unquoted;
/// `None` for an empty cell), whether each is one the question keeps. Asked with many cells at
/// once: judging a cell may cost as much as building a lookup table (a layout's country
/// names), so it is done for the new cells of a block together.
pub struct Side<'a> {
    pub field: usize,
    pub keeps: &'a (dyn Fn(&[Option<&str>]) -> Vec<bool> + Sync),
    /// Spellings likely in the file (the country table's codes and names), judged together
    /// before the pass: a file sorted by country would otherwise bring new ones in most blocks.
    pub known: &'a [String],
}

/// The header line and every line of `data` whose cell in either side's field the side keeps
/// (or that cannot be read with certainty), in file order; `None` when the file's quoting does
/// not allow reading it in blocks (see the module's note) or a line's cell in the `veto` field
/// is one the veto keeps.
pub fn kept_lines(
    label: &str,
    data: &Data,
    delimiter: u8,
    sides: [Side; 2],
    veto: Option<Side>,
) -> Result<Option<Vec<u8>>> {
    let mut shared = vec![Shared::new(&sides[0]), Shared::new(&sides[1])];
    let mut fields = vec![sides[0].field, sides[1].field];
    let mut known = vec![sides[0].known, sides[1].known];
    if let Some(v) = &veto {
        shared.push(Shared::new(v));
        fields.push(v.field);
        known.push(v.known);
    }
    for (shared, known) in shared.iter().zip(&known) {
        if !known.is_empty() {
            let cells: Vec<&[u8]> = known.iter().map(|k| k.as_bytes()).collect();
            shared.judge(&cells);
        }
    }
    let (mut text, parts) = on_every_core(
        label,
        data,
        // Each worker starts with the verdicts judged up front.
        || shared.iter().map(Shared::memo).collect::<Vec<Memo>>(),
        |memo, bytes| {
            let (ok, kept) = judged_block(bytes, delimiter, &fields, memo, &shared);
            ok.then_some(kept)
        },
    )?;
    Ok(parts.map(|parts| {
        if !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        for part in parts {
            text.extend_from_slice(&part);
        }
        text
    }))
}

/// One block's kept lines, with the verdicts of the worker's `memo`. A cell the memo does not
/// know is noted and the line kept for now; the noted cells are then judged together
/// ([`Shared::judge`]) and the block read again. After the first blocks every cell is known,
/// so a block is read once.
fn judged_block(
    bytes: &[u8],
    delimiter: u8,
    fields: &[usize],
    memo: &mut [Memo],
    shared: &[Shared],
) -> (bool, Vec<u8>) {
    let mut missed: HashSet<(usize, Vec<u8>)> = HashSet::new();
    let mut kept = Vec::new();
    let ok = {
        let mut keeps = |side: usize, cell: &[u8]| match memo[side].get(cell) {
            Some(k) => k,
            None => {
                missed.insert((side, cell.to_vec()));
                // Not a veto until judged.
                side != 2
            }
        };
        block(bytes, delimiter, fields, &mut keeps, &mut kept)
    };
    if missed.is_empty() {
        return (ok, kept);
    }
    for (side, shared) in shared.iter().enumerate() {
        let cells: Vec<&[u8]> = missed
            .iter()
            .filter(|(s, _)| *s == side)
            .map(|(_, c)| c.as_slice())
            .collect();
        if cells.is_empty() {
            continue;
        }
        for (cell, k) in cells.iter().zip(shared.judge(&cells)) {
            memo[side].insert(cell, k);
        }
    }
    kept.clear();
    // Every cell of the block is known now: a cell still unknown would be kept (never lost).
    let mut keeps = |side: usize, cell: &[u8]| memo[side].get(cell).unwrap_or(side != 2);
    let ok = block(bytes, delimiter, fields, &mut keeps, &mut kept);
    (ok, kept)
}

/// The verdicts shared by the workers: one per distinct cell text, decided once.
struct Shared<'a> {
    keeps: &'a (dyn Fn(&[Option<&str>]) -> Vec<bool> + Sync),
    seen: Mutex<HashMap<Vec<u8>, bool>>,
}

impl<'a> Shared<'a> {
    /// A worker's copy of the verdicts given so far.
    fn memo(&self) -> Memo {
        let mut memo = Memo::default();
        let seen = match self.seen.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (cell, k) in seen.iter() {
            memo.insert(cell, *k);
        }
        memo
    }

    fn new(side: &Side<'a>) -> Shared<'a> {
        Shared {
            keeps: side.keeps,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The verdicts of `cells` (as written in the file), judging together those no worker
    /// has seen yet.
    fn judge(&self, cells: &[&[u8]]) -> Vec<bool> {
        // The lock is held while new spellings are judged, so that each is judged once.
        let mut seen = match self.seen.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let new: Vec<&[u8]> = cells
            .iter()
            .copied()
            .filter(|c| !seen.contains_key(*c))
            .collect();
        let texts: Vec<Option<String>> = new
            .iter()
            .map(|c| String::from_utf8(unquoted(c)).ok())
            .collect();
        // Cells that are text, judged in one call; a cell that is not text cannot be judged:
        // kept, for the plan to refuse or read.
        let asked: Vec<Option<&str>> = texts
            .iter()
            .flatten()
            .map(|t| (!t.is_empty()).then_some(t.as_str()))
            .collect();
        let mut verdicts = if asked.is_empty() {
            Vec::new()
        } else {
            (self.keeps)(&asked)
        }
        .into_iter();
        for (cell, text) in new.iter().zip(&texts) {
            let k = match text {
                Some(_) => verdicts.next().unwrap_or(true),
                None => true,
            };
            seen.insert(cell.to_vec(), k);
        }
        cells
            .iter()
            .map(|c| seen.get(*c).copied().unwrap_or(true))
            .collect()
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

/// Plain digits without a leading zero (one spelling per number), below [`SMALL`]: the number.
fn small_number(cell: &[u8]) -> Option<usize> {
    if !cell.is_empty()
        && cell.len() <= 4
        && cell.iter().all(u8::is_ascii_digit)
        && (cell[0] != b'0' || cell.len() == 1)
    {
        Some(
            cell.iter()
                .fold(0usize, |n, d| n * 10 + usize::from(d - b'0')),
        )
    } else {
        None
    }
}

impl Memo {
    fn get(&self, cell: &[u8]) -> Option<bool> {
        match small_number(cell) {
            Some(n) => match self.small.get(n) {
                Some(1) => Some(true),
                Some(2) => Some(false),
                _ => None,
            },
            None => self.other.get(cell).copied(),
        }
    }

    fn insert(&mut self, cell: &[u8], k: bool) {
        match small_number(cell) {
            Some(n) => {
                if self.small.is_empty() {
                    self.small = vec![0; SMALL];
                }
                self.small[n] = if k { 1 } else { 2 };
            }
            None => {
                self.other.insert(cell.to_vec(), k);
            }
        }
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

/// Copy the lines of a block that `keeps` keeps (by the cells in `fields`: reporter, partner
/// and, if given, the veto) to `out`; `false` when the block cannot be read in isolation or a
/// veto cell is kept.
fn block(
    b: &[u8],
    delimiter: u8,
    fields: &[usize],
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    out: &mut Vec<u8>,
) -> bool {
    let last = fields.iter().copied().max().unwrap_or(0);
    if memchr::memchr(b'"', b).is_none() {
        return plain_block(b, delimiter, fields, last, keeps, out);
    }
    quoted_block(b, delimiter, fields, last, keeps, out)
}

/// Whether a line with these cells (reporter, partner, veto) is kept; `None` when its veto
/// cell stops the pass.
fn verdict(
    cells: &[Option<&[u8]>; 3],
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
) -> Option<bool> {
    if let Some(v) = cells[2]
        && keeps(2, v)
    {
        return None;
    }
    Some(match cells {
        [Some(r), Some(p), _] => {
            // Both asked (no short cut): an unknown cell is noted on either side.
            let (a, b) = (keeps(0, r), keeps(1, p));
            a || b
        }
        // A line too short to hold both cells: kept, for the plan to read or refuse.
        _ => true,
    })
}

/// [`block`] for a block with quotes: fields are followed one by one.
fn quoted_block(
    b: &[u8],
    delimiter: u8,
    fields: &[usize],
    last: usize,
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    out: &mut Vec<u8>,
) -> bool {
    let mut pos = 0;
    while pos < b.len() {
        let start = pos;
        let mut cells: [Option<&[u8]>; 3] = [None, None, None];
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
        match verdict(&cells, keeps) {
            None => return false,
            Some(true) => {
                out.extend_from_slice(&b[start..line_end]);
                out.push(b'\n');
            }
            Some(false) => {}
        }
        pos = line_end + 1;
    }
    true
}

/// [`block`] for a block without quotes (most files): lines end at line breaks, fields at
/// delimiters, and only the start of each line is looked at (a byte at a time: the cells are
/// short, and a search call per cell costs more than the bytes).
fn plain_block(
    b: &[u8],
    delimiter: u8,
    fields: &[usize],
    last: usize,
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    out: &mut Vec<u8>,
) -> bool {
    let mut start = 0;
    while start < b.len() {
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        let line = &b[start..end];
        let mut cells: [Option<&[u8]>; 3] = [None, None, None];
        let (mut f, mut from) = (0, 0);
        for (i, &c) in line.iter().enumerate() {
            if c == delimiter {
                for (side, want) in fields.iter().enumerate() {
                    if *want == f {
                        cells[side] = Some(&line[from..i]);
                    }
                }
                if f == last {
                    break;
                }
                f += 1;
                from = i + 1;
            }
        }
        if f < last || cells.iter().take(fields.len()).any(Option::is_none) {
            // The last field looked at ends the line (or the line is short).
            let mut cell = &line[from..];
            if let Some(c) = cell.strip_suffix(b"\r") {
                cell = c;
            }
            for (side, want) in fields.iter().enumerate() {
                if *want == f && cells[side].is_none() {
                    cells[side] = Some(cell);
                }
            }
        }
        match verdict(&cells, keeps) {
            None => return false,
            Some(true) => {
                out.extend_from_slice(line);
                out.push(b'\n');
            }
            Some(false) => {}
        }
        start = end + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The reporter and partner sides at `fields`, judged by `keeps`.
    fn sides<'a>(
        keeps: &'a (dyn Fn(&[Option<&str>]) -> Vec<bool> + Sync),
        fields: [usize; 2],
        known: &'a [String],
    ) -> [Side<'a>; 2] {
        fields.map(|field| Side {
            field,
            keeps,
            known,
        })
    }

    /// A verdict on many cells from a verdict on one.
    fn each(
        f: impl Fn(Option<&str>) -> bool + Sync,
    ) -> impl Fn(&[Option<&str>]) -> Vec<bool> + Sync {
        move |cells| cells.iter().map(|c| f(*c)).collect()
    }

    fn kept(text: &str, fields: [usize; 2], codes: &[&str]) -> Option<String> {
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let keeps = each(|c| c.is_some_and(|c| codes.contains(&c)));
        let sides = sides(&keeps, fields, &[]);
        kept_lines("test", &data, b',', sides, None)
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
        let keeps = |cells: &[Option<&str>]| {
            *asked.lock().unwrap() += cells.len();
            cells.iter().map(|c| *c == Some("17")).collect()
        };
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let out = kept_lines("test", &data, b',', sides(&keeps, [0, 1], &[]), None)
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

    #[test]
    fn a_vetoed_cell_anywhere_gives_up() {
        let keeps = each(|c| c == Some("4"));
        let veto = each(|c| c != Some("false"));
        let run = |text: &str| {
            let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
            kept_lines(
                "test",
                &data,
                b',',
                sides(&keeps, [0, 1], &[]),
                Some(Side {
                    field: 3,
                    keeps: &veto,
                    known: &[],
                }),
            )
            .unwrap()
        };
        assert_eq!(
            run("r,p,v,rec\n4,1,2,false\n5,6,7,false\n").as_deref(),
            Some(&b"r,p,v,rec\n4,1,2,false\n"[..])
        );
        // A reconciled row of other countries still stops the pass.
        assert!(run("r,p,v,rec\n4,1,2,false\n5,6,7,true\n").is_none());
        assert!(run("r,p,v,rec\n4,1,2,false\n5,6,7,\n").is_none());
    }

    #[test]
    fn blocks_without_quotes_read_as_blocks_with_them() {
        let texts = [
            "4,1,2\n5,6,7\n\n8\n9,4\n1,2,3,4,5\r\n4,\r\n,4\n",
            "a,b,4,c\nx,y,z,4\n,,,\n",
            "",
            "4",
            "7,4",
        ];
        for text in texts {
            for fields in [[0, 1], [1, 0], [2, 3], [0, 0]] {
                let run = |quoted: bool| {
                    let mut out = Vec::new();
                    let mut keeps = |_: usize, c: &[u8]| c == b"4";
                    let last = fields[0].max(fields[1]);
                    let ok = if quoted {
                        quoted_block(text.as_bytes(), b',', &fields, last, &mut keeps, &mut out)
                    } else {
                        plain_block(text.as_bytes(), b',', &fields, last, &mut keeps, &mut out)
                    };
                    (ok, String::from_utf8(out).unwrap())
                };
                assert_eq!(run(false), run(true), "{text:?} {fields:?}");
            }
        }
    }

    #[test]
    fn known_spellings_are_judged_before_the_pass_in_one_call() {
        let mut text = String::from("r,p,v\n");
        for n in 0..300_000 {
            text.push_str(&format!("{},{},{n}\n", n / 1000, (n + 7) % 300));
        }
        let calls = Mutex::new(0usize);
        let keeps = |cells: &[Option<&str>]| {
            *calls.lock().unwrap() += 1;
            cells.iter().map(|c| *c == Some("17")).collect()
        };
        let known: Vec<String> = (0..300).map(|n| n.to_string()).collect();
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        let out = kept_lines("test", &data, b',', sides(&keeps, [0, 1], &known), None)
            .unwrap()
            .unwrap();
        let expected = (0..300_000)
            .filter(|n| n / 1000 == 17 || (n + 7) % 300 == 17)
            .count();
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), expected + 1);
        // One call per side, before the pass; none during it.
        assert_eq!(*calls.lock().unwrap(), 2);
    }
}
