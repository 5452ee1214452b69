//! Reading one input file: decoding (gzip, Latin-1), sniffing the header, picking the layout,
//! validating lines, and the lazy polars scan that yields canonical rows.

pub mod baci;
pub mod baci_rows;
pub mod blocks;
pub mod layout;
// Public (hidden) only for the fuzz target `fuzz/fuzz_targets/prefilter.rs`.
#[doc(hidden)]
pub mod prefilter;
pub mod sniff;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::validate;
use layout::{Context, Layout, ReadOptions};
use sniff::Sniffed;

/// Text encoding of input files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    /// ISO-8859-1 (also fine for the printable range of Windows-1252).
    Latin1,
}

/// When to run the line-by-line validation pass before the polars scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validation {
    /// Always (inspect, convert).
    Always,
    /// For files up to [`AUTO_VALIDATE_BYTES`]; larger files are checked by the scan itself and
    /// explained line by line only if it fails.
    #[default]
    Auto,
}

/// Size up to which [`Validation::Auto`] validates.
pub const AUTO_VALIDATE_BYTES: u64 = 64 * 1024 * 1024;

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Data {
    /// Read from disk by the scan.
    File(PathBuf),
    /// Decoded in memory (gzip, Latin-1, the embedded seed data).
    Bytes(Arc<Vec<u8>>),
}

/// What was learnt about one input file.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// The path as given (or a label for embedded data).
    pub path: String,
    pub layout: Layout,
    pub variant: String,
    /// How the rows name their source (`CEPII BACI: file.csv`); a canonical file's rows may
    /// carry their own.
    pub source: String,
    /// Rows counted by the validation pass, if it ran.
    pub rows: Option<u64>,
    /// Warnings about the file that do not stop it being used.
    pub warnings: Vec<String>,
    pub(crate) sniffed: Option<Sniffed>,
    pub(crate) checks: Vec<(String, layout::Check)>,
    pub(crate) data: Data,
    pub(crate) validated: bool,
    /// The all-text plan of a file whose frame is the typed plan (see
    /// `layout::expr::typed_plan`): what to read when the typed scan refuses a cell.
    pub(crate) text_plan: Option<TextPlan>,
    /// The file's plans before their canonical select, where a filter on the rows' countries
    /// may run before it (see [`ScopePlan`]).
    pub(crate) scope: Option<ScopePlan>,
}

/// A file's scans (blank lines dropped) and canonical select lists, text and typed, kept apart
/// so that a question about some countries can drop every other row *before* the select: the
/// canonical columns are then computed for the question's rows only, not for every row of the
/// file. Only for layouts whose canonical columns are computed row by row (no column depends
/// on other rows of the file) and whose rows are never reconciled flows, so that the rows a
/// question keeps answer it exactly as the whole file does: Comtrade Plus, legacy Comtrade and
/// Comext.
#[derive(Clone)]
pub(crate) struct ScopePlan {
    text: (LazyFrame, Vec<Expr>),
    typed: Option<(LazyFrame, Vec<Expr>)>,
    /// How to scan the file's kept lines again (see [`prefilter`]): `None` when the layout's
    /// countries are not each read from one column.
    rescan: Option<Rescan>,
    /// The rows can be narrowed only by the first pass, which checks that no row needs every
    /// other row (a canonical file's reconciled flows).
    only_by_first_pass: bool,
}

/// What [`ScopePlan::keeping`] needs to read only some lines of a delimited file through the
/// file's own plans: the file, its delimiter and scan schemas, the filter on blank lines, and
/// the fields holding the reporter and the partner (with the names the plans read them by).
#[derive(Clone)]
struct Rescan {
    label: String,
    data: Data,
    delimiter: u8,
    text_schema: Schema,
    typed_schema: Option<Schema>,
    keep: Expr,
    /// (field number, column name) of the reporter and of the partner.
    sides: [(usize, String); 2],
    /// (field number, column name) of a column whose cells must all read as `false` for the
    /// rows to be narrowed (a canonical file's `reconciled`).
    veto: Option<(usize, String)>,
    /// The first line of each (year, reporter, partner) is kept too (BACI's reconciled flows:
    /// see [`prefilter::FirstOfEach`]).
    first_of_each: Option<prefilter::FirstOfEach>,
    /// The header's number of fields: a line with another number is kept, for the plan to
    /// refuse with its line.
    width: usize,
}

impl std::fmt::Debug for ScopePlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScopePlan")
    }
}

impl ScopePlan {
    /// The file's text and typed plans keeping only the rows whose reporter or partner is one
    /// of `countries` (canonical codes). Where it can, a first pass over the file's bytes
    /// ([`prefilter`]) keeps only the lines whose reporter or partner cell reads as one of
    /// them, judged by the plans' own country expressions once per distinct cell; the plans
    /// then parse those lines alone, and their filter decides exactly, as on the whole file.
    /// `None` when the file's rows cannot be narrowed after all (see
    /// [`ScopePlan::only_by_first_pass`]).
    pub(crate) fn keeping(
        &self,
        countries: &[String],
    ) -> Result<Option<(LazyFrame, Option<LazyFrame>)>> {
        let set = || lit(Series::new(PlSmallStr::EMPTY, countries.to_vec())).implode(true);
        let pos = |name: &str| {
            crate::schema::COLUMNS
                .iter()
                .position(|c| *c == name)
                .expect("a canonical column")
        };
        let (r, p) = (pos("reporter"), pos("partner"));
        let keep = |exprs: &[Expr]| {
            exprs[r]
                .clone()
                .is_in(set(), false)
                .or(exprs[p].clone().is_in(set(), false))
        };
        let (text_scan, typed_scan) = match self.prefiltered(countries, &[r, p])? {
            Some(scans) => scans,
            None if self.only_by_first_pass => return Ok(None),
            None => (
                self.text.0.clone(),
                self.typed.as_ref().map(|(scan, _)| scan.clone()),
            ),
        };
        // The lines the first pass keeps for their (year, reporter, partner) are not the
        // question's rows, and must stay: the kept lines are read as they are (other countries'
        // rows among them add nothing a question reads but which exporters a year holds).
        let exact = self
            .rescan
            .as_ref()
            .is_none_or(|re| re.first_of_each.is_none());
        let narrowed = |scan: LazyFrame, exprs: &[Expr]| {
            let scan = if exact {
                scan.filter(keep(exprs))
            } else {
                scan
            };
            scan.select(exprs)
        };
        let text = narrowed(text_scan, &self.text.1);
        let typed = match (typed_scan, &self.typed) {
            (Some(scan), Some((_, exprs))) => Some(narrowed(scan, exprs)),
            _ => None,
        };
        Ok(Some((text, typed)))
    }

    /// The text and typed scans of the lines of the file that may hold a row of `countries`
    /// (canonical codes; `sides` are the positions of the reporter and partner among the
    /// canonical columns); `None` when the file cannot be narrowed this way.
    fn prefiltered(
        &self,
        countries: &[String],
        sides: &[usize; 2],
    ) -> Result<Option<(LazyFrame, Option<LazyFrame>)>> {
        let Some(re) = &self.rescan else {
            return Ok(None);
        };
        // One evaluation of the plan's expression over a column of cells: the verdicts (a
        // cell it cannot read is kept: the plan then refuses it with the line and column, as
        // on the whole file).
        let evaluate = |expr: &Expr, column: &str, cells: &[Option<&str>]| -> Option<Vec<bool>> {
            let df = DataFrame::new_infer_height(vec![Column::new(column.into(), cells)]).ok()?;
            let out = df.lazy().select([expr.clone().alias("k")]).collect().ok()?;
            let k = crate::frame::bools(&out, "k").ok()?;
            Some(k.into_iter().map(|v| v.unwrap_or(false)).collect())
        };
        // Cells judged together; if the batch fails (one cell the expression refuses), one by
        // one, so that only that cell is kept unjudged.
        let judged = |expr: Expr, column: String| {
            move |cells: &[Option<&str>]| -> Vec<bool> {
                evaluate(&expr, &column, cells).unwrap_or_else(|| {
                    cells
                        .iter()
                        .map(|c| {
                            evaluate(&expr, &column, &[*c])
                                .and_then(|v| v.first().copied())
                                .unwrap_or(true)
                        })
                        .collect()
                })
            }
        };
        let set = || lit(Series::new(PlSmallStr::EMPTY, countries.to_vec())).implode(true);
        let is_in = |canonical: usize| self.text.1[canonical].clone().is_in(set(), false);
        let reporter = judged(is_in(sides[0]), re.sides[0].1.clone());
        let partner = judged(is_in(sides[1]), re.sides[1].1.clone());
        // The veto: any cell that does not read as `false`.
        let veto = re.veto.as_ref().map(|(_, column)| {
            let at = crate::schema::COLUMNS
                .iter()
                .position(|c| *c == "reconciled")
                .expect("a canonical column");
            // Empty or unreadable counts as not `false`.
            judged(self.text.1[at].clone().fill_null(lit(true)), column.clone())
        });
        // The spellings of countries the table knows, judged before the pass.
        let known: Vec<String> = {
            let c = crate::reference::countries();
            let mut v = Vec::new();
            for (old, _) in [
                c.numeric_pairs(),
                c.iso3_pairs(),
                c.iso2_pairs(),
                c.name_pairs(),
            ] {
                for o in old {
                    v.push(o.to_uppercase());
                    v.push(o);
                }
            }
            v.sort();
            v.dedup();
            v
        };
        let Some(lines) = prefilter::kept_lines(
            &re.label,
            &re.data,
            re.delimiter,
            [
                prefilter::Side {
                    field: re.sides[0].0,
                    keeps: &reporter,
                    known: &known,
                },
                prefilter::Side {
                    field: re.sides[1].0,
                    keeps: &partner,
                    known: &known,
                },
            ],
            re.veto
                .as_ref()
                .zip(veto.as_ref())
                .map(|((field, _), v)| prefilter::Side {
                    field: *field,
                    keeps: v,
                    known: &[],
                }),
            re.first_of_each,
            Some(re.width),
        )?
        else {
            return Ok(None);
        };
        let data = Data::Bytes(Arc::new(lines));
        let text =
            scan(&re.label, &data, re.delimiter, re.text_schema.clone())?.filter(re.keep.clone());
        let typed = match &re.typed_schema {
            Some(schema) => {
                Some(scan(&re.label, &data, re.delimiter, schema.clone())?.filter(re.keep.clone()))
            }
            None => None,
        };
        Ok(Some((text, typed)))
    }
}

/// A file's all-text plan (a wrapper: `LazyFrame` has no `Debug`).
#[derive(Clone)]
pub(crate) struct TextPlan(pub(crate) LazyFrame);

impl std::fmt::Debug for TextPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TextPlan")
    }
}

impl FileInfo {
    /// The bytes of the input (decoded, for data held in memory); `u64::MAX` when the file
    /// cannot be measured, so that nothing sized by it is held in memory.
    pub fn size(&self) -> u64 {
        match &self.data {
            Data::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(u64::MAX),
            Data::Bytes(b) => b.len() as u64,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The most a `.gz` input may decompress to (it is decompressed in memory).
pub const GZIP_LIMIT_BYTES: u64 = 1 << 30;

/// A file's bytes as read from disk, when they were read whole: the manifest hashes them
/// instead of opening the file again.
pub type Raw = Option<Arc<Vec<u8>>>;

/// Open a file: a plain UTF-8 file up to [`AUTO_VALIDATE_BYTES`] is read whole, once, and
/// sniffed, checked and parsed from memory (one read instead of one per pass); a larger one is
/// left on disk for the scan to stream. `.gz` files are gunzipped and Latin-1 transcoded in
/// memory. Returns the data to parse and, when the file was read whole, its bytes as on disk.
pub fn decode(path: &Path, encoding: Encoding) -> Result<(Data, Raw)> {
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if !gz && encoding == Encoding::Utf8 {
        // Opened now, so the error names the file rather than a failed scan.
        let f = std::fs::File::open(path).map_err(io_err(path))?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        // Special files (pipes) report no size: read them whole too.
        let regular = f.metadata().map(|m| m.is_file()).unwrap_or(false);
        if regular && size > AUTO_VALIDATE_BYTES {
            return Ok((Data::File(path.to_path_buf()), None));
        }
        let mut bytes = Vec::with_capacity(size.min(AUTO_VALIDATE_BYTES) as usize);
        std::io::BufReader::new(f)
            .read_to_end(&mut bytes)
            .map_err(io_err(path))?;
        let bytes = Arc::new(bytes);
        return Ok((Data::Bytes(bytes.clone()), Some(bytes)));
    }
    let raw = Arc::new(std::fs::read(path).map_err(io_err(path))?);
    let mut bytes = if gz {
        // Decompressed in memory, up to a bound: a small file that inflates without end (a
        // "gzip bomb") fails as soon as it passes the bound, instead of taking all memory.
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .take(GZIP_LIMIT_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(io_err(path))?;
        if out.len() as u64 > GZIP_LIMIT_BYTES {
            return Err(Error::Request(format!(
                "{}: decompresses to more than {} GiB; tradestat reads .gz files in memory up to \
                 that size. Decompress it (gunzip) and give the CSV file, which is streamed",
                path.display(),
                GZIP_LIMIT_BYTES >> 30
            )));
        }
        out
    } else {
        raw.as_ref().clone()
    };
    if encoding == Encoding::Latin1 {
        bytes = bytes
            .iter()
            .map(|&b| b as char)
            .collect::<String>()
            .into_bytes();
    }
    Ok((Data::Bytes(Arc::new(bytes)), Some(raw)))
}

/// The longest header line read before the file is refused ([`Error::HeaderTooLong`]): 4 MiB
/// holds several hundred thousand column names, and a file without a line end in its first
/// megabytes (one huge line, or not a line-based file) is not read whole to find one.
pub const HEADER_LIMIT_BYTES: usize = 4 << 20;

/// The first bytes of a source, enough to sniff the header and see a data row: at least
/// 64 KiB, and on until the header line has ended and a data byte follows it (or the file
/// ends, or [`HEADER_LIMIT_BYTES`] are read). A fixed 64 KiB took a header longer than that
/// (a file of 50,000 columns) for a header without data rows.
fn head(path: &Path, data: &Data) -> Result<Vec<u8>> {
    match data {
        Data::Bytes(b) => read_head(path, b.as_slice()),
        Data::File(p) => read_head(path, std::fs::File::open(p).map_err(io_err(path))?),
    }
}

fn read_head(path: &Path, mut reader: impl Read) -> Result<Vec<u8>> {
    const STEP: u64 = 1 << 16;
    let mut buf = Vec::with_capacity(STEP as usize);
    // Each byte is looked at once, as it arrives: the header's line feed once found (the
    // first line that is not blank), then the first data byte after it. Without any line
    // feed, a carriage return followed by text is enough too: CR-only line endings, which
    // the sniffer names.
    let (mut line_start, mut header_end, mut cr, mut lf) = (0, None, false, false);
    let mut seen = 0;
    loop {
        let n = reader
            .by_ref()
            .take(STEP)
            .read_to_end(&mut buf)
            .map_err(io_err(path))?;
        for i in seen..buf.len() {
            let b = buf[i];
            if header_end.is_some() {
                if !b.is_ascii_whitespace() {
                    return Ok(buf);
                }
            } else if b == b'\n' {
                lf = true;
                if buf[line_start..i].iter().all(u8::is_ascii_whitespace) {
                    line_start = i + 1;
                } else {
                    header_end = Some(i);
                }
            } else if b == b'\r' {
                cr = true;
            } else if cr && !lf && !b.is_ascii_whitespace() {
                return Ok(buf);
            }
        }
        seen = buf.len();
        if n == 0 || buf.len() > HEADER_LIMIT_BYTES {
            return Ok(buf);
        }
    }
}

/// The file name of a path (the path itself when it has none, as the seed data's label).
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

fn source_label(layout: Layout, path: &str) -> String {
    let name = file_name(path);
    let dataset = match layout {
        Layout::ComtradePlus => "UN Comtrade Plus",
        Layout::ComtradeLegacy => "UN Comtrade (legacy)",
        Layout::Baci => "CEPII BACI",
        Layout::Comext => "Eurostat Comext",
        Layout::Canonical | Layout::Mapped => return name,
    };
    format!("{dataset}: {name}")
}

/// Validate a file line by line (the csv crate) against its layout's checks.
pub(crate) fn run_checks(info: &FileInfo) -> Result<validate::Report> {
    let path = Path::new(&info.path);
    let sniffed = info.sniffed.as_ref().expect("CSV inputs are sniffed");
    match &info.data {
        Data::File(p) => {
            let f = std::fs::File::open(p).map_err(io_err(path))?;
            validate::check(path, std::io::BufReader::new(f), sniffed, &info.checks)
        }
        Data::Bytes(b) => validate::check(path, b.as_slice(), sniffed, &info.checks),
    }
}

/// Refuse a header that names one of the columns a plan reads (`used`, normalised) twice: the
/// plans, the line checks and the BACI lane read the first, and the second (perhaps the one
/// with the data) would be ignored without a word. Only the columns read are checked, not any
/// repeated name: a column that is not read changes no figure, and repeated names are common
/// where nothing is read (several unnamed columns from trailing separators, a spreadsheet's
/// repeated notes columns); refusing those would refuse usable files.
fn refuse_duplicates(path: &Path, sniffed: &Sniffed, used: &[String]) -> Result<()> {
    for name in used {
        let mut at = sniffed
            .normalised
            .iter()
            .enumerate()
            .filter(|(_, n)| *n == name)
            .map(|(i, _)| i);
        if let (Some(a), Some(b)) = (at.next(), at.next()) {
            return Err(Error::DuplicateColumn {
                path: path.to_path_buf(),
                column: name.clone(),
                first: sniffed.header[a].trim().to_string(),
                first_at: a + 1,
                second: sniffed.header[b].trim().to_string(),
                second_at: b + 1,
            });
        }
    }
    Ok(())
}

/// Open one CSV source and return its canonical lazy frame.
pub fn read_csv(
    label: &str,
    data: Data,
    options: &ReadOptions,
    validation: Validation,
) -> Result<(LazyFrame, FileInfo)> {
    let path = Path::new(label);
    let bytes = head(path, &data)?;
    let sniffed = sniff::sniff_bytes(path, &bytes)?;
    let layout = match (options.format, &options.map) {
        (Some(l), _) => l,
        (None, Some(_)) => Layout::Mapped,
        (None, None) => Layout::detect(&sniffed).ok_or_else(|| Error::UnknownLayout {
            path: path.to_path_buf(),
            header: sniffed.header_text(),
        })?,
    };
    let source = source_label(layout, label);
    let ctx = Context {
        sniffed: &sniffed,
        file_name: file_name(label),
        source: source.clone(),
        options,
        layout,
        looked_up: Default::default(),
    };
    let ((exprs, checks), (typed_exprs, _), typed) = layout::plans(&ctx)?;
    refuse_duplicates(path, &sniffed, &ctx.used())?;
    let mut info = FileInfo {
        path: label.to_string(),
        layout,
        variant: layout.variant(&sniffed).to_string(),
        source,
        rows: None,
        warnings: Vec::new(),
        sniffed: Some(sniffed.clone()),
        checks,
        data: data.clone(),
        validated: false,
        text_plan: None,
        scope: None,
    };
    if validation == Validation::Always || info.size() <= AUTO_VALIDATE_BYTES {
        let report = run_checks(&info)?;
        info.rows = Some(report.rows);
        info.validated = true;
        for (column, n, first) in report.missing {
            info.warnings.push(format!(
                "{label}: {n} row(s) have no value in column '{column}' (first at line {first}); they are kept with an empty cell and left out of sums"
            ));
        }
    }
    // All read as text: the layout plan parses and checks each column it uses, so nothing is
    // guessed by type inference. The typed plan reads the columns the layout uses only as
    // numbers as numbers (`Float64`), stated, not inferred.
    let schema_of = |typed: &std::collections::BTreeSet<String>| -> Schema {
        column_names(&sniffed)
            .into_iter()
            .map(|name| {
                let t = if typed.contains(&name) {
                    DataType::Float64
                } else {
                    DataType::String
                };
                Field::new(name.into(), t)
            })
            .collect()
    };
    let lf = scan(
        label,
        &data,
        sniffed.delimiter,
        schema_of(&Default::default()),
    )?;
    // Blank lines (legacy Comtrade files end with three) are not records: a line with none of
    // the columns the plan reads is one. Testing only those columns (not `all()`) lets the scan
    // skip the rest of a wide file: Comtrade Plus has 47 columns and the plan reads 17.
    let used = ctx.used();
    let keep = if used.is_empty() {
        any_horizontal([all().as_expr().is_not_null()])
    } else {
        any_horizontal(
            used.iter()
                .map(|c| col(c.as_str()).is_not_null())
                .collect::<Vec<_>>(),
        )
    }
    .map_err(Error::polars(format!("{label}: cannot plan the scan")))?;
    // Canonical files too, but only through the first pass, which checks that none of their
    // rows is a reconciled flow (whose sides depend on every other row). BACI files, whose rows
    // are all reconciled flows, only through the first pass too, which keeps with a question's
    // lines the first line of each (year, exporter, importer): which exporters each year holds,
    // the only fact of other countries' rows a question reads (an importer's imports from a
    // country are known, zero when absent, when the data holds that country's exports).
    let row_by_row = matches!(
        layout,
        Layout::ComtradePlus
            | Layout::ComtradeLegacy
            | Layout::Comext
            | Layout::Canonical
            | Layout::Baci
    );
    let only_by_first_pass = matches!(layout, Layout::Canonical | Layout::Baci);
    // The fields of the reporter and the partner, for a first pass that keeps only a
    // question's lines (each is read from one column in these layouts).
    let rescan = |typed_schema: Option<Schema>| -> Option<Rescan> {
        let names = column_names(&sniffed);
        let side = |names_of: &[&str]| {
            let i = sniffed.find(names_of)?;
            Some((i, names.get(i)?.clone()))
        };
        let sides = match layout {
            Layout::ComtradePlus => [
                side(&["reportercode"]).or_else(|| side(&["reporteriso"]))?,
                side(&["partnercode"]).or_else(|| side(&["partneriso"]))?,
            ],
            Layout::ComtradeLegacy => [side(&["reportercode"])?, side(&["partnercode"])?],
            Layout::Comext => [
                side(&["declarantiso", "reporter"])?,
                side(&["partneriso", "partner"])?,
            ],
            Layout::Canonical => [side(&["reporter"])?, side(&["partner"])?],
            Layout::Baci => [side(&[baci::EXPORTER])?, side(&[baci::IMPORTER])?],
            _ => return None,
        };
        let veto = if layout == Layout::Canonical {
            side(&["reconciled"])
        } else {
            None
        };
        let first_of_each = if layout == Layout::Baci {
            Some(prefilter::FirstOfEach {
                year: side(&[baci::YEAR])?.0,
                value: side(&[baci::VALUE])?.0,
            })
        } else {
            None
        };
        Some(Rescan {
            label: label.to_string(),
            data: data.clone(),
            delimiter: sniffed.delimiter,
            text_schema: schema_of(&Default::default()),
            typed_schema,
            keep: keep.clone(),
            sides,
            veto,
            first_of_each,
            width: names.len(),
        })
    };
    if !typed.is_empty() {
        let fast = scan(label, &data, sniffed.delimiter, schema_of(&typed))?.filter(keep.clone());
        if row_by_row {
            info.scope = Some(ScopePlan {
                text: (lf.clone().filter(keep.clone()), exprs.clone()),
                typed: Some((fast.clone(), typed_exprs.clone())),
                rescan: rescan(Some(schema_of(&typed))),
                only_by_first_pass,
            });
        }
        let lf = lf.filter(keep);
        info.text_plan = Some(TextPlan(lf.select(exprs)));
        return Ok((fast.select(typed_exprs), info));
    }
    if row_by_row {
        info.scope = Some(ScopePlan {
            text: (lf.clone().filter(keep.clone()), exprs.clone()),
            typed: None,
            rescan: rescan(None),
            only_by_first_pass,
        });
    }
    let lf = lf.filter(keep);
    Ok((lf.select(exprs), info))
}

/// Open a path given on the command line.
pub fn read_path(
    path: &Path,
    options: &ReadOptions,
    encoding: Encoding,
    validation: Validation,
) -> Result<(LazyFrame, FileInfo)> {
    let label = path.to_string_lossy().into_owned();
    let is_parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if is_parquet {
        return read_parquet(path, &label, options);
    }
    let (data, _) = decode(path, encoding)?;
    read_csv(&label, data, options, validation)
}

/// The columns of BACI's layout, as `convert --keep-layout` writes them to Parquet (the same as
/// [`baci::COLUMNS`], kept here for its callers).
pub const BACI_COLUMNS: [&str; 6] = baci::COLUMNS;

/// How the fast lane (`crate::analysis::flows`) reads one BACI file.
pub(crate) enum BaciSource {
    /// A CSV file (or decoded text), read in blocks of lines with this schema (one type per
    /// column of the file).
    Csv {
        label: String,
        data: Data,
        schema: SchemaRef,
        separator: u8,
    },
    /// A Parquet file in BACI's layout, scanned lazily.
    Parquet(Box<LazyFrame>),
}

pub(crate) fn baci_source(info: &FileInfo) -> Result<BaciSource> {
    let label = &info.path;
    let sniffed = info.sniffed.as_ref().expect("BACI inputs are sniffed");
    Ok(match (&info.data, info.variant.as_str()) {
        (Data::File(p), PARQUET_BACI) => BaciSource::Parquet(Box::new(
            LazyFrame::scan_parquet(
                PlRefPath::new(p.to_string_lossy().as_ref()),
                ScanArgsParquet::default(),
            )
            .map_err(Error::polars(format!(
                "{label}: cannot scan the Parquet file"
            )))?
            .select([
                col(baci::YEAR),
                col(baci::EXPORTER),
                col(baci::IMPORTER),
                col(baci::PRODUCT),
                col(baci::VALUE),
                // Text, as a CSV file's `q` (see `baci_columns`).
                col(baci::QUANTITY).cast(DataType::String),
            ]),
        )),
        (data, _) => {
            let fields: Vec<Field> = column_names(sniffed)
                .into_iter()
                .map(|name| {
                    let dtype = match name.as_str() {
                        // k is a number in BACI (the leading zero dropped): parsed as one, it
                        // costs no string per row; the code is rebuilt on the few rows kept
                        // (`baci::product_code_of_number`).
                        baci::YEAR | baci::EXPORTER | baci::IMPORTER | baci::PRODUCT => {
                            DataType::Int32
                        }
                        baci::VALUE => DataType::Float64,
                        _ => DataType::String,
                    };
                    Field::new(name.into(), dtype)
                })
                .collect();
            BaciSource::Csv {
                label: label.clone(),
                data: data.clone(),
                schema: Arc::new(fields.into_iter().collect()),
                separator: sniffed.delimiter,
            }
        }
    })
}

/// The typed columns of a BACI frame: `year`, `i`, `j`, `k` (Int32), `v` (Float64, thousands of
/// US dollars), and with `q`, `q` (Float64, tonnes; "NA" and blanks empty). Blank lines, read
/// as rows without any value, are dropped.
pub(crate) fn baci_columns(lf: LazyFrame, q: bool) -> LazyFrame {
    let mut cols = vec![
        col(baci::YEAR).alias("year"),
        col(baci::EXPORTER),
        col(baci::IMPORTER),
        col(baci::PRODUCT).strict_cast(DataType::Int32),
        col(baci::VALUE),
    ];
    if q {
        // Quoted, space-padded, "NA" when missing: trimmed and parsed as the BACI layout plan
        // reads it.
        cols.push(baci::quantity(layout::txt(baci::QUANTITY)).alias(baci::QUANTITY));
    }
    lf.filter(
        col(baci::YEAR)
            .is_not_null()
            .or(col(baci::EXPORTER).is_not_null())
            .or(col(baci::IMPORTER).is_not_null())
            .or(col(baci::VALUE).is_not_null()),
    )
    .select(cols)
}

/// The whole typed frame of a BACI file with `q` (for `convert --keep-layout`), as one lazy scan.
pub(crate) fn baci_typed(info: &FileInfo) -> Result<LazyFrame> {
    let has_q = info
        .sniffed
        .as_ref()
        .is_some_and(|s| s.normalised.iter().any(|n| n == baci::QUANTITY));
    let lf = match baci_source(info)? {
        BaciSource::Parquet(lf) => *lf,
        BaciSource::Csv {
            label,
            data,
            schema,
            separator,
        } => scan(&label, &data, separator, schema.as_ref().clone())?,
    };
    Ok(baci_columns(lf, has_q))
}

/// The variant name of a Parquet file in BACI's layout.
const PARQUET_BACI: &str = "parquet (BACI layout)";

/// The scan's column names: the normalised header, a name seen before renamed `name#i`.
fn column_names(sniffed: &Sniffed) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    sniffed
        .normalised
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if seen.insert(n.clone()) {
                n.clone()
            } else {
                format!("{n}#{i}")
            }
        })
        .collect()
}

/// A lazy CSV scan with an explicit schema.
pub(crate) fn scan(label: &str, data: &Data, delimiter: u8, schema: Schema) -> Result<LazyFrame> {
    let reader = match data {
        Data::File(p) => LazyCsvReader::new(PlRefPath::new(p.to_string_lossy().as_ref())),
        Data::Bytes(b) => LazyCsvReader::new_with_sources(ScanSources::Buffers(Arc::from([
            polars_buffer::Buffer::from(b.as_ref().clone()),
        ]))),
    };
    reader
        .with_has_header(true)
        .with_separator(delimiter)
        .with_schema(Some(Arc::new(schema)))
        .with_missing_is_null(true)
        .finish()
        .map_err(Error::polars(format!("{label}: cannot scan the file")))
}

/// A Parquet file written by `tradestat convert`: the canonical columns, or BACI's layout
/// (`convert --keep-layout`).
/// A Parquet file's values must be what a CSV file's checks accept: finite and not negative
/// (NaN, infinity and negative values are refused with the first row that holds one). Only the
/// value column is read.
fn check_parquet_values(lf: &LazyFrame, column: &str, path: &Path) -> Result<()> {
    let v = col(column).cast(DataType::Float64);
    let bad = v
        .clone()
        .lt(lit(0.0))
        .or(v.clone().is_nan())
        .or(v.is_infinite());
    let Some((row, first)) = first_bad_parquet_row(lf, column, bad, DataType::Float64, path)?
    else {
        return Ok(());
    };
    let found = crate::frame::floats(&first, column)?[0]
        .map(|x| x.to_string())
        .unwrap_or_default();
    Err(parquet_cell(
        path,
        column,
        row,
        format!("expected a finite value of at least zero, found {found}"),
    ))
}

/// A Parquet file's years must be what a CSV file's checks accept ([`layout::YEARS`]): the
/// first row outside is refused with its row number.
fn check_parquet_years(lf: &LazyFrame, column: &str, path: &Path) -> Result<()> {
    let y = col(column).cast(DataType::Int64);
    let (lo, hi) = (*layout::YEARS.start(), *layout::YEARS.end());
    let bad = y
        .clone()
        .lt(lit(i64::from(lo)))
        .or(y.gt(lit(i64::from(hi))));
    let Some((row, first)) = first_bad_parquet_row(lf, column, bad, DataType::Int64, path)? else {
        return Ok(());
    };
    let found = crate::frame::ints(&first, column)?[0].unwrap_or(0);
    Err(parquet_cell(
        path,
        column,
        row,
        format!("expected a year from {lo} to {hi}, found '{found}'"),
    ))
}

/// The first row (counted from 1) of a Parquet file where `bad` holds, with `column` cast to
/// `dtype`: only that column is read.
fn first_bad_parquet_row(
    lf: &LazyFrame,
    column: &str,
    bad: Expr,
    dtype: DataType,
    path: &Path,
) -> Result<Option<(i64, DataFrame)>> {
    let first = lf
        .clone()
        .select([col(column)])
        .with_row_index("_row", Some(1))
        .filter(bad)
        .select([col("_row"), col(column).cast(dtype)])
        .limit(1)
        .collect()
        .map_err(Error::polars(format!(
            "{}: cannot read column '{column}'",
            path.display()
        )))?;
    if first.height() == 0 {
        return Ok(None);
    }
    let row = crate::frame::ints(&first, "_row")?[0].unwrap_or(0);
    Ok(Some((row, first)))
}

/// The error for a Parquet cell refused at `row`: `expected` says what, the row number where.
fn parquet_cell(path: &Path, column: &str, row: i64, expected: String) -> Error {
    Error::Cell {
        path: path.to_path_buf(),
        line: row as u64,
        column: column.into(),
        message: format!("{expected} (row {row} of the Parquet file)"),
    }
}

fn read_parquet(path: &Path, label: &str, options: &ReadOptions) -> Result<(LazyFrame, FileInfo)> {
    std::fs::File::open(path).map_err(io_err(path))?;
    let mut lf = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .map_err(Error::polars(format!(
        "{label}: cannot scan the Parquet file"
    )))?;
    let schema = lf.collect_schema().map_err(Error::polars(format!(
        "{label}: cannot read the Parquet schema"
    )))?;
    // A file without rows is refused as a CSV file with a header only is: every question would
    // meet an empty table (and ask to choose a reporter from an empty list). The count comes
    // from the file's metadata.
    let rows = lf
        .clone()
        .select([len()])
        .collect()
        .map_err(Error::polars(format!("{label}: cannot count the rows")))?;
    if crate::frame::ints(&rows, "len")?[0] == Some(0) {
        return Err(Error::NoRows {
            path: path.to_path_buf(),
        });
    }
    if baci::COLUMNS.iter().all(|c| schema.get(c).is_some()) {
        // The general engine reads it through the BACI plan, as text like a CSV file.
        let names: Vec<String> = baci::COLUMNS.iter().map(|c| c.to_string()).collect();
        let sniffed = Sniffed {
            delimiter: b',',
            header: names.clone(),
            normalised: names,
            bom: false,
        };
        let source = source_label(Layout::Baci, label);
        let ctx = Context {
            sniffed: &sniffed,
            file_name: file_name(label),
            source: source.clone(),
            options,
            layout: Layout::Baci,
            looked_up: Default::default(),
        };
        let (exprs, _) = layout::plan(&ctx)?;
        let text: Vec<Expr> = baci::COLUMNS
            .iter()
            .map(|c| col(*c).cast(DataType::String))
            .collect();
        let info = FileInfo {
            path: label.to_string(),
            layout: Layout::Baci,
            variant: PARQUET_BACI.into(),
            source,
            rows: None,
            warnings: Vec::new(),
            sniffed: Some(sniffed),
            checks: Vec::new(),
            data: Data::File(path.to_path_buf()),
            validated: true,
            text_plan: None,
            scope: None,
        };
        check_parquet_values(&lf, baci::VALUE, path)?;
        check_parquet_years(&lf, baci::YEAR, path)?;
        return Ok((lf.select(text).select(exprs), info));
    }
    for c in crate::schema::COLUMNS {
        if schema.get(c).is_none() {
            return Err(Error::MissingColumn {
                path: path.to_path_buf(),
                layout: "canonical parquet".into(),
                column: c.into(),
                header: schema
                    .iter_names()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            });
        }
    }
    let exprs: Vec<Expr> = crate::schema::COLUMNS
        .iter()
        .map(|c| col(*c).strict_cast(crate::schema::dtype(c)))
        .collect();
    check_parquet_values(&lf, "value", path)?;
    check_parquet_years(&lf, "year", path)?;
    let info = FileInfo {
        path: label.to_string(),
        layout: Layout::Canonical,
        variant: "parquet".into(),
        source: source_label(Layout::Canonical, label),
        rows: None,
        warnings: Vec::new(),
        sniffed: None,
        checks: Vec::new(),
        data: Data::File(path.to_path_buf()),
        validated: true,
        text_plan: None,
        scope: None,
    };
    Ok((lf.select(exprs), info))
}

/// What [`collect_every_plan`] collected.
#[doc(hidden)]
pub struct EveryPlan {
    /// The plan [`read_csv`] returns (the typed plan when the layout has one).
    pub typed: PolarsResult<DataFrame>,
    /// The all-text plan, when the returned plan is the typed one.
    pub text: Option<PolarsResult<DataFrame>>,
    /// The plans keeping the rows of some countries (`ScopePlan::keeping`, with its first pass
    /// over the bytes), for the layouts that have them: text, then typed.
    pub scoped: Vec<PolarsResult<DataFrame>>,
}

/// Read in-memory text as `load` reads a small file ([`read_csv`], validated) and collect every
/// plan it makes: the typed plan, the all-text plan and the plans keeping the rows of
/// `countries`. For the fuzz targets (`fuzz/`), which must reach the plans that `load` and
/// `Dataset::scoped` collect without files on disk; not part of the API.
#[doc(hidden)]
pub fn collect_every_plan(
    label: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
    countries: &[String],
) -> Result<EveryPlan> {
    let (lf, info) = read_csv(
        label,
        Data::Bytes(Arc::new(bytes)),
        options,
        Validation::Always,
    )?;
    let mut scoped = Vec::new();
    if let Some(scope) = &info.scope
        && let Some((text, typed)) = scope.keeping(countries)?
    {
        scoped.push(text.collect());
        if let Some(typed) = typed {
            scoped.push(typed.collect());
        }
    }
    Ok(EveryPlan {
        typed: lf.collect(),
        text: info.text_plan.map(|t| t.0.collect()),
        scoped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (LazyFrame, FileInfo) {
        let data = Data::Bytes(Arc::new(text.as_bytes().to_vec()));
        read_csv("t.csv", data, &ReadOptions::default(), Validation::Auto).unwrap()
    }

    fn sorted(lf: LazyFrame) -> PolarsResult<DataFrame> {
        lf.sort(["reporter", "partner"], SortMultipleOptions::default())
            .collect()
    }

    const HEADER: &str =
        "refYear,refMonth,reporterCode,partnerCode,flowCode,cmdCode,primaryValue,qty,netWgt\n";

    /// The columns a layout reads only as numbers are scanned as numbers, and the typed plan
    /// reads a file exactly as the text plan does.
    #[test]
    fn the_typed_plan_reads_what_the_text_plan_reads() {
        let (fast, info) = read(&format!(
            "{HEADER}2021,52,398,484,X,TOTAL,12.5,,1e3\n2021,52,484,398,M,010121,7,3,\n"
        ));
        let text = info.text_plan.expect("a typed plan").0;
        let (a, b) = (sorted(fast.clone()).unwrap(), sorted(text).unwrap());
        assert!(a.equals_missing(&b), "{a}\n{b}");
        // The numbers came from a Float64 scan: the plan's source columns say so.
        let schema = fast.clone().collect_schema().unwrap();
        assert_eq!(schema.get("value"), Some(&DataType::Float64));
        assert_eq!(a.height(), 2);
    }

    /// The first pass over a file's bytes runs for each layout whose rows can be narrowed
    /// (it gives up on nothing here) and keeps only the lines of the countries asked about;
    /// the plans read from those lines give the rows the whole file's plans give for them.
    #[test]
    fn the_first_pass_keeps_only_the_question_lines_on_each_layout() {
        let legacy = "Classification,Year,Period,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Partner Code,Partner,Commodity Code,Commodity,Trade Value (US$)\n\
            H4,2018,2018,6,1,2,Export,398,Kazakhstan,484,Mexico,261390,\"Molybdenum ores, other\",1000\n\
            H4,2018,2018,6,1,1,Import,484,Mexico,398,Kazakhstan,261390,\"Molybdenum ores, other\",900\n\
            H4,2018,2018,6,1,1,Import,276,Germany,250,France,870323,Cars,5\n";
        let plus = format!(
            "{HEADER}2021,52,398,484,X,TOTAL,12.5,,\n2021,52,276,\"250\",M,010121,7,3,\n2021,52,484,0,M,010121,7,3,\n"
        );
        let comext_new = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/comext_new.csv"
        ))
        .unwrap();
        let comext_old = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/comext_old.csv"
        ))
        .unwrap();
        let canonical = "year,reporter,partner,flow,product,value,reconciled\n\
            2018,KAZ,Mexico,export,261390,1000,false\n\
            2018,DEU,FRA,export,870323,5,false\n\
            2018,MEX,KAZ,import,261390,900,0\n";
        let countries = vec!["MEX".to_string()];
        for (text, layout, kept) in [
            (canonical.to_string(), Layout::Canonical, 2),
            (legacy.to_string(), Layout::ComtradeLegacy, 2),
            (plus, Layout::ComtradePlus, 2),
            (comext_new, Layout::Comext, 0),
            (comext_old, Layout::Comext, 0),
        ] {
            let (whole, info) = read(&text);
            assert_eq!(info.layout, layout);
            let scope = info.scope.as_ref().expect("a row-by-row layout");
            let (r, p) = (2, 3);
            assert_eq!(
                (crate::schema::COLUMNS[r], crate::schema::COLUMNS[p]),
                ("reporter", "partner")
            );
            let (scan, _) = scope
                .prefiltered(&countries, &[r, p])
                .unwrap()
                .expect("the first pass runs");
            let lines = scan.collect().unwrap().height();
            let all = whole.clone().collect().unwrap();
            let expected = all
                .clone()
                .lazy()
                .filter(
                    col("reporter")
                        .eq(lit("MEX"))
                        .or(col("partner").eq(lit("MEX"))),
                )
                .collect()
                .unwrap()
                .height();
            assert!(
                lines < all.height(),
                "{layout:?}: {lines} of {}",
                all.height()
            );
            assert_eq!(lines, expected, "{layout:?}");
            if kept > 0 {
                assert_eq!(lines, kept, "{layout:?}");
            }
            let (text_plan, typed_plan) = scope.keeping(&countries).unwrap().unwrap();
            let got = sorted(typed_plan.unwrap_or(text_plan)).unwrap();
            let want = sorted(
                whole.filter(
                    col("reporter")
                        .eq(lit("MEX"))
                        .or(col("partner").eq(lit("MEX"))),
                ),
            )
            .unwrap();
            assert!(got.equals_missing(&want), "{layout:?}\n{got}\n{want}");
        }
    }

    /// A canonical file holding a reconciled flow is not narrowed: whether a reconciled row's
    /// sides are known depends on every other row.
    #[test]
    fn a_canonical_file_with_reconciled_flows_is_read_whole() {
        let (_, info) = read(
            "year,reporter,partner,flow,product,value,reconciled\n\
             2018,KAZ,MEX,export,261390,1000,false\n\
             2018,DEU,FRA,export,870323,5,true\n",
        );
        let scope = info.scope.as_ref().expect("a canonical file");
        assert!(scope.keeping(&["MEX".to_string()]).unwrap().is_none());
        // Without the column, no row is reconciled.
        let (_, info) = read(
            "year,reporter,partner,flow,product,value\n2018,KAZ,MEX,export,261390,1000\n2018,DEU,FRA,export,870323,5\n",
        );
        let scope = info.scope.as_ref().expect("a canonical file");
        let (plan, _) = scope.keeping(&["MEX".to_string()]).unwrap().unwrap();
        assert_eq!(plan.collect().unwrap().height(), 1);
    }

    /// A number the typed scan refuses (spaces around it) fails the typed plan only: the text
    /// plan trims it, and a dataset falls back to that plan.
    #[test]
    fn a_padded_number_falls_back_to_the_text_plan() {
        let file = format!("{HEADER} 2021 ,52,398,484,X,TOTAL, 12.5 ,,\n");
        let (fast, info) = read(&file);
        assert!(fast.collect().is_err());
        let df = sorted(info.text_plan.expect("a typed plan").0).unwrap();
        assert_eq!(crate::frame::floats(&df, "value").unwrap(), [Some(12.5)]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("padded.csv");
        std::fs::write(&path, &file).unwrap();
        let ds = crate::load(
            &[path.to_string_lossy().into_owned()],
            &crate::LoadOptions::default(),
        )
        .unwrap()
        .materialise()
        .unwrap();
        let df = ds.lf.collect().unwrap();
        assert_eq!(crate::frame::floats(&df, "value").unwrap(), [Some(12.5)]);
        assert_eq!(crate::frame::ints(&df, "year").unwrap(), [Some(2021)]);
    }

    /// Issue 13: a Parquet file's years are checked as a CSV file's are.
    #[test]
    fn parquet_years_must_be_plausible() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [0, -1, 999_999_999] {
            let path = dir.path().join(format!("y{bad}.parquet"));
            let mut df = df!(
                "t" => [2021i32, bad],
                "i" => [4i32, 4],
                "j" => [8i32, 8],
                "k" => ["010121", "010121"],
                "v" => [1.5, 2.5],
                "q" => [Some(1.0f64), None],
            )
            .unwrap();
            crate::write::parquet(&path, &mut df).unwrap();
            let e = read_parquet(&path, "x", &ReadOptions::default())
                .err()
                .unwrap_or_else(|| panic!("year {bad}: accepted"));
            let text = e.to_string();
            assert!(text.contains(":2: column 't'"), "{text}");
            assert!(text.contains(&format!("found '{bad}'")), "{text}");
        }
    }

    #[test]
    fn parquet_values_must_be_finite_and_not_negative() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bad) in [("neg", -5.0), ("nan", f64::NAN), ("inf", f64::INFINITY)] {
            let path = dir.path().join(format!("{name}.parquet"));
            let mut df = df!(
                "t" => [2021i32, 2021],
                "i" => [4i32, 4],
                "j" => [8i32, 8],
                "k" => ["010121", "010121"],
                "v" => [1.5, bad],
                "q" => [Some(1.0f64), None],
            )
            .unwrap();
            crate::write::parquet(&path, &mut df).unwrap();
            let e = read_parquet(&path, "x", &ReadOptions::default())
                .err()
                .unwrap_or_else(|| panic!("{name}: accepted"));
            let text = e.to_string();
            assert!(text.contains(":2: column 'v'"), "{text}");
        }
    }
}
