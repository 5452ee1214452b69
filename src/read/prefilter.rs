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
//!
//! For BACI's reconciled flows the pass can instead keep, besides the question's lines, the first
//! line of each distinct (year, exporter, importer) ([`FirstOfEach`]): which exporters a year's
//! data holds (what says that an importer's import from them is known, and zero when absent)
//! then reads the same from the kept lines as from the whole file.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::error::Result;
use crate::read::Data;
use crate::read::baci_rows::fields_in;
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

/// Keep also the first line of each distinct (year, reporter cell, partner cell), and every line
/// whose value cell is not surely a number (a line without a value may be read otherwise by the
/// plan's rules, so it cannot stand for the others): the fields of the year and of the value.
/// Every rule that looks at other countries' rows only to learn which (year, reporter,
/// partner) the data holds (BACI: which exporters a year has) reads the same from the kept
/// lines as from the whole file, since the lines of one such triple differ only in product,
/// value and quantity.
#[derive(Debug, Clone, Copy)]
pub struct FirstOfEach {
    pub year: usize,
    pub value: usize,
}

/// The fields looked at: reporter, partner, veto, and [`FirstOfEach`]'s year and value.
type Fields = [Option<usize>; 5];

/// Slots of [`Fields`].
const VETO: usize = 2;
const YEAR: usize = 3;
const VALUE: usize = 4;

/// The header line and every line of `data` whose cell in either side's field the side keeps
/// (or that cannot be read with certainty), and with `first_of_each` the lines it asks for, in
/// file order; `None` when the file's quoting does not allow reading it in blocks (see the
/// module's note) or a line's cell in the `veto` field is one the veto keeps. With `width` (the
/// header's number of fields), a line with another number of fields is kept too, so that the
/// plan refuses it with its line whichever countries it names, as it does reading every row.
pub fn kept_lines(
    label: &str,
    data: &Data,
    delimiter: u8,
    sides: [Side; 2],
    veto: Option<Side>,
    first_of_each: Option<FirstOfEach>,
    width: Option<usize>,
) -> Result<Option<Vec<u8>>> {
    let mut shared = vec![Shared::new(&sides[0]), Shared::new(&sides[1])];
    let mut fields: Fields = [Some(sides[0].field), Some(sides[1].field), None, None, None];
    let mut known = vec![sides[0].known, sides[1].known];
    if let Some(v) = &veto {
        shared.push(Shared::new(v));
        fields[VETO] = Some(v.field);
        known.push(v.known);
    }
    if let Some(f) = first_of_each {
        fields[YEAR] = Some(f.year);
        fields[VALUE] = Some(f.value);
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
        || {
            (
                shared.iter().map(Shared::memo).collect::<Vec<Memo>>(),
                Firsts::default(),
            )
        },
        |(memo, firsts), bytes| {
            let (ok, kept) =
                judged_block(bytes, delimiter, (&fields, width), memo, firsts, &shared);
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
    fields: (&Fields, Option<usize>),
    memo: &mut [Memo],
    firsts: &mut Firsts,
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
                side != VETO
            }
        };
        block(bytes, delimiter, fields, &mut keeps, firsts, &mut kept)
    };
    if missed.is_empty() {
        firsts.commit();
        return (ok, kept);
    }
    // The block is read again: the firsts it noted are noted again.
    firsts.forget();
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
    let mut keeps = |side: usize, cell: &[u8]| memo[side].get(cell).unwrap_or(side != VETO);
    let ok = block(bytes, delimiter, fields, &mut keeps, firsts, &mut kept);
    firsts.commit();
    (ok, kept)
}

/// A worker's (year, reporter, partner) triples already kept ([`FirstOfEach`]): those of its
/// blocks read to the end, and those of the block being read.
#[derive(Default)]
struct Firsts {
    seen: HashSet<Vec<u8>>,
    block: HashSet<Vec<u8>>,
    /// The previous line's triple (files are mostly sorted: most lines repeat it).
    last: Vec<u8>,
    key: Vec<u8>,
}

impl Firsts {
    /// Whether this line is the first of its triple (and note it so).
    fn first(&mut self, year: &[u8], reporter: &[u8], partner: &[u8]) -> bool {
        self.key.clear();
        for (i, cell) in [year, reporter, partner].into_iter().enumerate() {
            if i > 0 {
                // A byte no CSV text cell holds, so that "1,23" and "12,3" differ.
                self.key.push(0);
            }
            self.key.extend_from_slice(cell);
        }
        if self.key == self.last {
            return false;
        }
        std::mem::swap(&mut self.key, &mut self.last);
        if self.seen.contains(&self.last) || self.block.contains(&self.last) {
            return false;
        }
        self.block.insert(self.last.clone());
        true
    }

    /// The block was read to the end: its triples are seen.
    fn commit(&mut self) {
        self.seen.extend(self.block.drain());
    }

    /// The block will be read again: its triples are not seen yet.
    fn forget(&mut self) {
        self.block.clear();
        self.last.clear();
    }
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
    fields: (&Fields, Option<usize>),
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    firsts: &mut Firsts,
    out: &mut Vec<u8>,
) -> bool {
    let last = fields.0.iter().flatten().copied().max().unwrap_or(0);
    if memchr::memchr(b'"', b).is_none() {
        return plain_block(b, delimiter, fields, last, keeps, firsts, out);
    }
    quoted_block(b, delimiter, fields, last, keeps, firsts, out)
}

/// The cells of a line, by the slots of [`Fields`].
type Cells<'b> = [Option<&'b [u8]>; 5];

/// Whether a line with these cells is kept; `None` when its veto cell stops the pass.
fn verdict(
    fields: &Fields,
    cells: &Cells,
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    firsts: &mut Firsts,
) -> Option<bool> {
    if let Some(v) = cells[VETO]
        && keeps(VETO, v)
    {
        return None;
    }
    let (Some(r), Some(p)) = (cells[0], cells[1]) else {
        // A line too short to hold both cells: kept, for the plan to read or refuse.
        return Some(true);
    };
    // Both asked (no short cut): an unknown cell is noted on either side.
    let (a, b) = (keeps(0, r), keeps(1, p));
    if a || b || fields[YEAR].is_none() {
        return Some(a || b);
    }
    Some(match (cells[YEAR], cells[VALUE]) {
        // A value that is surely a number: the line stands for its triple.
        (Some(year), Some(value)) if value.iter().any(u8::is_ascii_digit) => {
            firsts.first(year, r, p)
        }
        _ => true,
    })
}

/// The number of fields of a line without quotes (a byte loop the compiler vectorises: a
/// Comtrade Plus line has 47 fields).
fn plain_fields(line: &[u8], delimiter: u8) -> usize {
    line.iter().filter(|&&c| c == delimiter).count() + 1
}

/// Note `cell` as field `f` in the slots of `cells` that look at it.
fn place<'b>(fields: &Fields, cells: &mut Cells<'b>, f: usize, cell: &'b [u8]) {
    for (slot, want) in fields.iter().enumerate() {
        if *want == Some(f) {
            cells[slot] = Some(cell);
        }
    }
}

/// [`block`] for a block with quotes: fields are followed one by one.
fn quoted_block(
    b: &[u8],
    delimiter: u8,
    (fields, width): (&Fields, Option<usize>),
    last: usize,
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    firsts: &mut Firsts,
    out: &mut Vec<u8>,
) -> bool {
    let mut pos = 0;
    while pos < b.len() {
        let start = pos;
        let mut cells: Cells = [None; 5];
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
            place(fields, &mut cells, f, cell);
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
        let kept = verdict(fields, &cells, keeps, firsts)
            .map(|k| k || width.is_some_and(|w| fields_in(&b[start..line_end], delimiter) != w));
        match kept {
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
    (fields, width): (&Fields, Option<usize>),
    last: usize,
    keeps: &mut impl FnMut(usize, &[u8]) -> bool,
    firsts: &mut Firsts,
    out: &mut Vec<u8>,
) -> bool {
    let mut start = 0;
    while start < b.len() {
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        let line = &b[start..end];
        let mut cells: Cells = [None; 5];
        let (mut f, mut from) = (0, 0);
        for (i, &c) in line.iter().enumerate() {
            if c == delimiter {
                place(fields, &mut cells, f, &line[from..i]);
                if f == last {
                    break;
                }
                f += 1;
                from = i + 1;
            }
        }
        if f < last
            || fields
                .iter()
                .zip(&cells)
                .any(|(want, cell)| want.is_some() && cell.is_none())
        {
            // The last field looked at ends the line (or the line is short).
            let mut cell = &line[from..];
            if let Some(c) = cell.strip_suffix(b"\r") {
                cell = c;
            }
            for (slot, want) in fields.iter().enumerate() {
                if *want == Some(f) && cells[slot].is_none() {
                    cells[slot] = Some(cell);
                }
            }
        }
        let kept = verdict(fields, &cells, keeps, firsts)
            .map(|k| k || width.is_some_and(|w| plain_fields(line, delimiter) != w));
        match kept {
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
        kept_lines("test", &data, b',', sides, None, None, None)
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
        let out = kept_lines(
            "test",
            &data,
            b',',
            sides(&keeps, [0, 1], &[]),
            None,
            None,
            None,
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
                None,
                None,
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
                    let fields: Fields = [Some(fields[0]), Some(fields[1]), None, None, None];
                    let mut firsts = Firsts::default();
                    let (b, f) = (text.as_bytes(), (&fields, None));
                    let ok = if quoted {
                        quoted_block(b, b',', f, last, &mut keeps, &mut firsts, &mut out)
                    } else {
                        plain_block(b, b',', f, last, &mut keeps, &mut firsts, &mut out)
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
        let out = kept_lines(
            "test",
            &data,
            b',',
            sides(&keeps, [0, 1], &known),
            None,
            None,
            None,
        )
        .unwrap()
        .unwrap();
        let expected = (0..300_000)
            .filter(|n| n / 1000 == 17 || (n + 7) % 300 == 17)
            .count();
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), expected + 1);
        // One call per side, before the pass; none during it.
        assert_eq!(*calls.lock().unwrap(), 2);
    }

    /// With [`FirstOfEach`], the first line of each (year, reporter, partner) is kept too, and
    /// every line whose value is not surely a number; on every core and across blocks, with or
    /// without quotes.
    #[test]
    fn the_first_line_of_each_triple_is_kept() {
        let keeps = each(|c| c == Some("4"));
        let run = |text: &str| {
            let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
            let first = Some(FirstOfEach { year: 0, value: 4 });
            kept_lines(
                "test",
                &data,
                b',',
                sides(&keeps, [1, 2], &[]),
                None,
                first,
                None,
            )
            .unwrap()
            .map(|b| String::from_utf8(b).unwrap())
        };
        let text = "t,i,j,k,v\n\
                    2020,5,6,1,1.5\n\
                    2020,5,6,2,2.5\n\
                    2020,5,4,1,1\n\
                    2020,6,5,1,7\n\
                    2021,5,6,1,3\n\
                    2020,5,6,3,\n\
                    2020,5,6,4,NA\n\
                    2020,56,,1,1\n\
                    2020,5,66,1,1\n\
                    2020,5,6,5,9\n";
        let expected = "t,i,j,k,v\n\
                        2020,5,6,1,1.5\n\
                        2020,5,4,1,1\n\
                        2020,6,5,1,7\n\
                        2021,5,6,1,3\n\
                        2020,5,6,3,\n\
                        2020,5,6,4,NA\n\
                        2020,56,,1,1\n\
                        2020,5,66,1,1\n";
        assert_eq!(run(text).as_deref(), Some(expected));
        let quoted = text.replace(",5,6,", ",\"5\",\"6\",");
        let expected_quoted = expected.replace(",5,6,", ",\"5\",\"6\",");
        assert_eq!(run(&quoted).as_deref(), Some(expected_quoted.as_str()));
        // Many blocks and workers: each triple at least once, at most once per worker.
        let mut big = String::from("t,i,j,k,v\n");
        for n in 0..400_000 {
            big.push_str(&format!("2020,{},{},{n},1\n", n % 7, n % 11));
        }
        let out = run(&big).unwrap();
        let mut triples = std::collections::HashMap::new();
        for line in out.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            *triples.entry((f[1], f[2])).or_insert(0) += 1;
        }
        let lines = out.lines().count() - 1;
        let with_4 = (0..400_000).filter(|n| n % 7 == 4 || n % 11 == 4).count();
        assert_eq!(triples.len(), 77);
        assert!(lines >= with_4 + 77 - 17, "{lines}");
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(lines <= with_4 + 60 * threads.max(2), "{lines}");
    }

    /// A line with more or fewer fields than the header is kept whatever its countries (the
    /// plan refuses it with its line, as when every row is read), quoted or not.
    #[test]
    fn a_line_with_another_number_of_fields_is_kept() {
        let keeps = each(|c| c == Some("4"));
        let run = |text: &str| {
            let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
            kept_lines(
                "test",
                &data,
                b',',
                sides(&keeps, [0, 1], &[]),
                None,
                None,
                Some(3),
            )
            .unwrap()
            .map(|b| String::from_utf8(b).unwrap())
        };
        let text = "r,p,v\n5,6,1\n5,6,1,9\n5,6\n4,6,2\n5,6,\"1,5\"\n5,6,\"1\",\"\"\n";
        assert_eq!(
            run(text).as_deref(),
            Some("r,p,v\n5,6,1,9\n5,6\n4,6,2\n5,6,\"1\",\"\"\n")
        );
        let plain = "r,p,v\n5,6,1\n5,6,1,9\r\n5,6\n4,6,2\n";
        assert_eq!(
            run(plain).as_deref(),
            Some("r,p,v\n5,6,1,9\r\n5,6\n4,6,2\n")
        );
    }
}
