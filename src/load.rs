//! Loading inputs: globs, several files in one frame, the embedded seed dataset when none is
//! given, and values derived from turnover records.

use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::read::layout::{Layout, ReadOptions};
use crate::read::{self, Data, Encoding, FileInfo, Validation};
use crate::schema::{self, flow};

/// The embedded seed dataset (Kazakhstan-Mexico figures from the seed documents).
pub const SEED_CSV: &str = include_str!("../data/seed.csv");
/// How the seed dataset is named in messages and `inspect`.
pub const SEED_LABEL: &str = "embedded seed dataset (data/seed.csv)";

/// Everything loaded for one run: the canonical lazy frame and what was learnt on the way.
#[derive(Clone)]
pub struct Dataset {
    /// All inputs in one canonical frame, derived rows included; once [`Dataset::materialise`]d
    /// for the analyses, without the domestic flows they leave out.
    pub lf: LazyFrame,
    /// The domestic flows (a country's trade with itself) that [`Dataset::materialise`] took
    /// out of `lf`, for the note saying how much was left out; `None` before, or when
    /// `--keep-domestic` keeps them.
    pub domestic: Option<LazyFrame>,
    /// Each input's canonical frame, in the order of `files` (the all-text plans: the
    /// reference reading of each file, for `inspect`).
    pub parts: Vec<LazyFrame>,
    /// `lf` with the typed plans (see `read::layout::expr::typed_plan`), where some file has
    /// one: what [`Dataset::materialise`] parses first. Everything else reads `lf`, the all-text
    /// plans, whose answers and errors are the reference.
    pub(crate) fast: Option<LazyFrame>,
    pub files: Vec<FileInfo>,
    /// True when no input was given and the seed dataset was used.
    pub seed: bool,
    /// Code tables given among the inputs (BACI `country_codes`, `product_codes`), with what
    /// they were used for.
    pub code_tables: Vec<String>,
    /// The code tables themselves.
    pub(crate) tables: Vec<CodeTable>,
    /// The options the inputs were read with.
    pub options: LoadOptions,
    /// Every input path (code tables included, in the order given) with its bytes as on disk
    /// when it was read whole, so that a manifest hashes them without opening the file again.
    pub inputs: Vec<(PathBuf, read::Raw)>,
    /// The countries `lf` was narrowed to by [`Dataset::scoped`] (only their rows, on either
    /// side), or `None` for every row.
    pub scope: Option<Vec<String>>,
    /// With `--hs-edition`: the HS editions and groups the whole data holds, of which every
    /// reading of it (whole or scoped) makes the same harmonised groups.
    pub(crate) hs_present: Option<crate::analysis::products::Present>,
}

/// A BACI code table given as an input: not trade data, but names and codes for it.
#[derive(Clone)]
pub(crate) enum CodeTable {
    /// `code,description` (and any further columns, which are not used): product names.
    Products(Vec<(String, String)>),
    /// `country_code,...,iso_3digit_alpha` or `country_code,country_iso3`.
    Countries(Vec<(String, String)>),
}

/// Recognise and read a BACI code table from a file's bytes; `None` when the file is something
/// else. Code tables are small (well under a megabyte): a file too large to be read whole
/// ([`Data::File`]) is trade data, and is not opened here.
fn code_table(path: &std::path::Path, data: &Data) -> Result<Option<CodeTable>> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let Data::Bytes(bytes) = data else {
        return Ok(None);
    };
    if !is_csv {
        return Ok(None);
    }
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?
        .iter()
        .map(|h| crate::read::sniff::normalise(&String::from_utf8_lossy(h)))
        .collect();
    let pos = |n: &str| header.iter().position(|h| h == n);
    // A product table is `code,description`, possibly with more columns (a section, a level,
    // an edition); a column that trade data have means the file is trade data, not a table.
    let trade_column = header.iter().any(|h| TRADE_COLUMNS.contains(&h.as_str()));
    let (key, val, products) = match (pos("code"), pos("description"), pos("countrycode")) {
        (Some(k), Some(v), _) if !trade_column => (k, v, true),
        (_, _, Some(k)) => match pos("iso3digitalpha").or_else(|| pos("countryiso3")) {
            Some(v) => (k, v, false),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let mut pairs = Vec::new();
    for record in rdr.byte_records() {
        let r = record.map_err(|e| Error::Cell {
            path: path.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            column: "(row)".into(),
            message: e.to_string(),
        })?;
        // Codes and ISO3 are ASCII; BACI's older country tables are Latin-1 in the name columns,
        // which are not used.
        let text = |i: usize| String::from_utf8_lossy(&r[i]).trim().to_string();
        pairs.push((text(key), text(val)));
    }
    Ok(Some(if products {
        CodeTable::Products(pairs)
    } else {
        CodeTable::Countries(pairs)
    }))
}

/// Header names (normalised) that only trade data have: a `code,description,...` file with one of
/// them is not a product table.
const TRADE_COLUMNS: [&str; 12] = [
    "t", "i", "j", "k", "v", "year", "value", "exporter", "importer", "reporter", "partner", "flow",
];

/// The (code, ISO3) pairs of a country table that name a country (BACI writes "N/A" for codes
/// without an ISO3), with legacy ISO3 codes of older tables read as the current code (ROM as
/// ROU), as in trade data.
fn usable_codes(pairs: &[(String, String)]) -> impl Iterator<Item = (String, String)> + '_ {
    let table = crate::reference::countries();
    pairs
        .iter()
        .filter(|(c, i)| !c.is_empty() && !i.is_empty() && i != "N/A")
        .map(move |(c, i)| {
            let iso3 = match table.legacy(i) {
                Some(l) => l.iso3.clone(),
                None => i.clone(),
            };
            (c.clone(), iso3)
        })
}

/// Apply BACI code tables to a BACI frame: product names where missing, and country codes the
/// built-in table did not resolve.
fn apply_code_tables(mut lf: LazyFrame, tables: &[CodeTable]) -> LazyFrame {
    for t in tables {
        match t {
            CodeTable::Products(pairs) => {
                let (codes, names): (Vec<String>, Vec<String>) = pairs.iter().cloned().unzip();
                let name = col("product").replace_strict(
                    lit(Series::new(PlSmallStr::EMPTY, codes)),
                    lit(Series::new(PlSmallStr::EMPTY, names)),
                    Some(lit(NULL).cast(DataType::String)),
                    Some(DataType::String),
                );
                lf = lf.with_column(col("product_name").fill_null(name).alias("product_name"));
            }
            CodeTable::Countries(pairs) => {
                let (codes, iso): (Vec<String>, Vec<String>) = usable_codes(pairs).unzip();
                let fix = |c: &str| {
                    col(c).replace(
                        lit(Series::new(PlSmallStr::EMPTY, codes.clone())),
                        lit(Series::new(PlSmallStr::EMPTY, iso.clone())),
                    )
                };
                lf = lf.with_columns([fix("reporter"), fix("partner")]);
            }
        }
    }
    lf
}

/// Options for [`load`].
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub read: ReadOptions,
    pub encoding: Encoding,
    pub validation: Validation,
    /// Count domestic flows (reporter = partner) in the analyses instead of leaving them out
    /// (see [`crate::analysis::domestic`]).
    pub keep_domestic: bool,
    /// Parse every row even for a question about a few countries (`--every-row`: no
    /// [`Dataset::scoped`] reading; the same answers, for checking).
    pub every_row: bool,
    /// Harmonise six-digit HS codes to this edition (an index of
    /// [`crate::reference::HS_EDITIONS`]; see [`crate::analysis::products::harmonise`]).
    pub hs_edition: Option<usize>,
    /// How codes with several counterparts in that edition are harmonised.
    pub hs_split: crate::analysis::products::HsSplit,
    /// The user's product categories (`--categories`): every analysis groups by them.
    pub categories: Option<crate::analysis::user_categories::UserCategories>,
    /// Set by [`crate::analysis::products::harmonise_compared_years`]: why the codes were
    /// harmonised without `--hs-edition` (a note of every question on the data).
    pub hs_compared: Option<String>,
}

/// Expand the inputs: glob patterns become the files they match, in sorted order.
pub fn expand(inputs: &[String]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(input)
                .map_err(|e| Error::Request(format!("bad pattern '{input}': {e}")))?
                .filter_map(std::result::Result::ok)
                .collect();
            if matched.is_empty() {
                return Err(Error::NoMatch(input.clone()));
            }
            matched.sort();
            out.extend(matched);
        } else {
            out.push(PathBuf::from(input));
        }
    }
    Ok(out)
}

/// Load the inputs (or the seed dataset when there are none) into one canonical frame.
pub fn load(inputs: &[String], options: &LoadOptions) -> Result<Dataset> {
    // A unit multiplies every value: only a positive, finite one keeps them values.
    if let Some(u) = options.read.value_unit
        && !(u.is_finite() && u > 0.0)
    {
        return Err(Error::Request(format!(
            "--value-unit {u}: expected a positive number (1000 for thousands)"
        )));
    }
    let paths = expand(inputs)?;
    let mut frames = Frames::default();
    let mut files = Vec::new();
    let seed = paths.is_empty();
    if seed {
        let data = Data::Bytes(Arc::new(SEED_CSV.as_bytes().to_vec()));
        let (lf, info) = read::read_csv(
            SEED_LABEL,
            data,
            &ReadOptions::default(),
            Validation::Always,
        )?;
        files.push(frames.add(lf, info, |lf| lf));
    }
    let mut inputs: Vec<(PathBuf, read::Raw)> = Vec::new();
    let mut tables = Vec::new();
    let mut code_tables = Vec::new();
    // Each file is opened once here: read whole when small (then sniffed, checked, parsed and
    // hashed from memory), or left for the scan to stream.
    let mut data_paths = Vec::new();
    for path in &paths {
        let is_parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        if is_parquet {
            data_paths.push((path, None));
            inputs.push((path.clone(), None));
            continue;
        }
        let (data, raw) = read::decode(path, options.encoding)?;
        inputs.push((path.clone(), raw));
        match code_table(path, &data)? {
            Some(t) => {
                let what = match &t {
                    CodeTable::Products(p) => format!("{} product names", p.len()),
                    CodeTable::Countries(c) => format!("{} country codes", c.len()),
                };
                code_tables.push(format!("{}: BACI code table ({what})", path.display()));
                tables.push(t);
            }
            None => data_paths.push((path, Some(data))),
        }
    }
    if !paths.is_empty() && data_paths.is_empty() {
        return Err(Error::Request(
            "the inputs are code tables only; give a trade file too".into(),
        ));
    }
    for (path, opened) in data_paths {
        let (lf, info) = match opened {
            Some(data) => {
                let label = path.to_string_lossy().into_owned();
                read::read_csv(&label, data, &options.read, options.validation)?
            }
            None => read::read_path(path, &options.read, options.encoding, options.validation)?,
        };
        let names = info.layout == Layout::Baci && !tables.is_empty();
        files.push(frames.add(lf, info, |lf| {
            if names {
                apply_code_tables(lf, &tables)
            } else {
                lf
            }
        }));
    }
    let Frames { fast, text, typed } = frames;
    let parts = text.clone();
    // What the whole data decides once for every reading of it: whether its HS codes can be
    // harmonised, and the editions (and groups) it holds, of which the harmonised groups are
    // made; then whether the user's categories fit its product levels.
    let hs_present = match options.hs_edition {
        Some(to) => {
            use crate::analysis::products::{check_harmonisable, editions_present};
            let derived = derived(combine(text.clone())?, &files);
            check_harmonisable(&derived, to)?;
            Some(editions_present(&derived)?)
        }
        None => None,
    };
    let lf = harmonised(combine(text)?, &files, options, hs_present.as_ref());
    if let Some(cats) = &options.categories {
        crate::analysis::user_categories::check_levels(&lf, cats)?;
    }
    let lf = categorised(lf, options);
    // The user's categories replace the codes the typed plan would read: the text plan only.
    let fast = if typed && options.categories.is_none() {
        Some(harmonised(
            combine(fast)?,
            &files,
            options,
            hs_present.as_ref(),
        ))
    } else {
        None
    };
    Ok(Dataset {
        lf,
        fast,
        domestic: None,
        parts,
        files,
        seed,
        code_tables,
        tables,
        options: options.clone(),
        inputs,
        scope: None,
        hs_present,
    })
}

/// The inputs' frames as one (a union of frames of one schema).
fn combine(mut frames: Vec<LazyFrame>) -> Result<LazyFrame> {
    if frames.len() == 1 {
        return Ok(frames.pop().expect("one frame"));
    }
    concat(frames, UnionArgs::default()).map_err(Error::polars("cannot combine the inputs"))
}

/// Directions derived from turnover records: only our own and mapped files can hold them
/// (press-release figures).
fn derived(lf: LazyFrame, files: &[FileInfo]) -> LazyFrame {
    let derive = files
        .iter()
        .any(|f| matches!(f.layout, Layout::Canonical | Layout::Mapped));
    if derive { derive_directions(lf) } else { lf }
}

/// What every reading of the inputs gets after they are combined (the whole table, or the rows
/// of a question's countries: [`Dataset::scoped`]), before the user's categories: directions
/// derived, then HS codes harmonised (after the derived rows, which keep the codes of the rows
/// they come from) with the editions and groups of the whole data (`present`).
fn harmonised(
    lf: LazyFrame,
    files: &[FileInfo],
    options: &LoadOptions,
    present: Option<&crate::analysis::products::Present>,
) -> LazyFrame {
    let lf = derived(lf, files);
    match (options.hs_edition, present) {
        (Some(to), Some(present)) => {
            crate::analysis::products::harmonise(lf, to, present, options.hs_split)
        }
        _ => lf,
    }
}

/// The user's categories in place of the HS codes (after harmonising: prefixes are codes of any
/// edition).
fn categorised(lf: LazyFrame, options: &LoadOptions) -> LazyFrame {
    match &options.categories {
        Some(cats) => crate::analysis::user_categories::apply(lf, cats),
        None => lf,
    }
}

/// Each input's frame as read by its typed plan (`fast`) and by its all-text plan (`text`, the
/// same frame where the file has no typed plan); `typed`: some file has one.
#[derive(Default)]
struct Frames {
    fast: Vec<LazyFrame>,
    text: Vec<LazyFrame>,
    typed: bool,
}

impl Frames {
    /// Add one input's frame (`map` applied to both plans) and give its `FileInfo` back.
    fn add(
        &mut self,
        lf: LazyFrame,
        mut info: FileInfo,
        map: impl Fn(LazyFrame) -> LazyFrame,
    ) -> FileInfo {
        let text = info.text_plan.take().map(|t| map(t.0));
        self.typed |= text.is_some();
        let lf = map(lf);
        self.text.push(text.unwrap_or_else(|| lf.clone()));
        self.fast.push(lf);
        info
    }
}

/// Inputs up to [`materialise_bytes`] are parsed once into memory; the analysis then runs
/// several queries over the parsed table instead of re-reading and re-mapping the files for
/// each. At least this much, whatever the machine.
pub const MATERIALISE_BYTES: u64 = 512 * 1024 * 1024;

/// How many bytes of CSV input are parsed into memory: an eighth of the machine's memory, at
/// least [`MATERIALISE_BYTES`]. Measured on Comtrade Plus (47 columns, 160 bytes a row), the
/// peak is about 3.5 times the file; the lazy scans that larger inputs get instead re-read the
/// file for each query (a 1.6 GB file: 165 s and 5.1 GB for `world` in a debug build, against
/// 64 s and 5.7 GB parsed once), so memory is spent where the machine has it.
pub fn materialise_bytes() -> u64 {
    (physical_memory() / 8).max(MATERIALISE_BYTES)
}

/// The machine's memory in bytes (0 when it cannot be known).
#[cfg(unix)]
fn physical_memory() -> u64 {
    // SAFETY: sysconf only reads system configuration values.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages > 0 && page > 0 {
        (pages as u64).saturating_mul(page as u64)
    } else {
        0
    }
}

#[cfg(not(unix))]
fn physical_memory() -> u64 {
    0
}

impl Dataset {
    /// True when [`Dataset::scoped`] can narrow every input to some countries' rows before
    /// parsing them into the canonical table (see `read::ScopePlan`).
    pub fn can_scope(&self) -> bool {
        !self.seed
            && !self.options.every_row
            && self.domestic.is_none()
            && !self.files.is_empty()
            && self.files.iter().all(|f| f.scope.is_some())
    }

    /// The dataset narrowed to the rows whose reporter or partner is one of `countries`
    /// (canonical codes), filtered in each file's scan before its canonical columns are
    /// computed: what a question about those countries reads, at the cost of one pass over the
    /// file's text instead of the whole canonical table. Every rule of the analysis (usable
    /// rows, product levels, partner World rows, breakdowns) decides within groups of one
    /// reporter and one partner, so it keeps the same rows of the narrowed table as of the whole.
    /// Unchanged when an input cannot be narrowed ([`Dataset::can_scope`]).
    pub fn scoped(mut self, countries: &[String]) -> Result<Dataset> {
        if !self.can_scope() {
            return Ok(self);
        }
        let plans: Option<Vec<(LazyFrame, Option<LazyFrame>)>> = self
            .files
            .iter()
            .filter_map(|f| f.scope.as_ref())
            .map(|s| s.keeping(countries))
            .collect::<Result<_>>()?;
        // A file that cannot be narrowed after all (a canonical file with reconciled flows):
        // every row is read.
        let Some(plans) = plans else {
            return Ok(self);
        };
        let present = self.hs_present.as_ref();
        let typed = plans.iter().any(|(_, t)| t.is_some());
        self.fast = if typed && self.options.categories.is_none() {
            let frames = plans
                .iter()
                .map(|(text, t)| t.clone().unwrap_or_else(|| text.clone()))
                .collect();
            Some(harmonised(
                combine(frames)?,
                &self.files,
                &self.options,
                present,
            ))
        } else {
            None
        };
        let text = plans.into_iter().map(|(text, _)| text).collect();
        self.lf = categorised(
            harmonised(combine(text)?, &self.files, &self.options, present),
            &self.options,
        );
        self.scope = Some(countries.to_vec());
        Ok(self)
    }

    /// Make the dataset ready for the analyses (every analysis command goes through here, or
    /// through the BACI lane, which applies the same rule): the domestic flows are taken out of
    /// `lf` into `domestic` unless `--keep-domestic` keeps them (see
    /// [`crate::analysis::domestic`]), and the inputs are parsed once into memory when they are
    /// small enough (see [`materialise_bytes`]); larger inputs stay lazy scans. Parquet inputs
    /// always stay lazy: their size on disk says little about their size in memory (a BACI year
    /// is 100 MB of Parquet, gigabytes parsed), and scanning them again is cheap.
    pub fn materialise(mut self) -> Result<Dataset> {
        let split = !self.options.keep_domestic && self.domestic.is_none();
        if self.files.iter().any(|f| f.variant.starts_with("parquet")) {
            self.fast = None;
            if split {
                let all = self.lf.clone();
                self.lf = crate::analysis::international(all.clone());
                self.domestic = Some(all.filter(crate::analysis::domestic()));
            }
            return Ok(self);
        }
        let size: u64 = self.files.iter().map(FileInfo::size).sum();
        // A scoped dataset holds a few countries' rows: parsed once whatever the file's size.
        if size <= materialise_bytes() || self.scope.is_some() {
            // The typed plan first; if its scan refuses a cell (a number with spaces around
            // it, a blank cell), the all-text plan, whose answers and errors are the reference.
            // Collected by the default engine, scoped or whole: a scoped dataset is the first
            // pass's kept lines (a few MB), which the streaming engine read with twice the peak
            // (debug build, `summary -r 398 -p 484` on 10M canonical rows: 1.12 GB streaming,
            // 434 MB default, 42 s against 38 s; Comtrade Plus 386 against 363 MB), and the
            // whole table peaks lower with it too (`world`: 735 MB against 870 MB at 1M rows).
            let fast = self.fast.take().and_then(|f| f.collect().ok());
            let df = match fast {
                Some(df) => df,
                None => match self.lf.clone().collect() {
                    Ok(df) => df,
                    // The same plan again, for the error naming the line and the column.
                    Err(_) => self.collect(self.lf.clone(), "the canonical table")?,
                },
            };
            // Every value is finite, but their sum may not be: refuse what cannot be added
            // rather than print infinity.
            let total: f64 = crate::frame::floats(&df, "value")?
                .into_iter()
                .flatten()
                .map(f64::abs)
                .sum();
            if !total.is_finite() {
                return Err(Error::Request(
                    "the values add up to more than the largest number tradestat can hold \
                     (about 1.8e308): a value is far out of range"
                        .into(),
                ));
            }
            if split {
                // Parsed once, then split in memory. Most files have no domestic flows: then
                // the table is used as it is, not copied by a filter that keeps every row.
                let part = |keep: Expr| {
                    df.clone()
                        .lazy()
                        .filter(keep)
                        .collect()
                        .map_err(Error::polars("cannot set the domestic flows apart"))
                };
                let domestic = part(crate::analysis::domestic())?;
                self.lf = if domestic.height() == 0 {
                    df.lazy()
                } else {
                    part(crate::analysis::domestic().not())?.lazy()
                };
                self.domestic = Some(domestic.lazy());
            } else {
                self.lf = df.lazy();
            }
        } else {
            self.fast = None;
            if split {
                let all = self.lf.clone();
                self.lf = crate::analysis::international(all.clone());
                self.domestic = Some(all.filter(crate::analysis::domestic()));
            }
        }
        Ok(self)
    }

    /// Collect a query on this dataset; if the scan fails, find the line and column that made
    /// it fail with the line-by-line checks of files not yet validated.
    pub fn collect(&self, lf: LazyFrame, what: &str) -> Result<DataFrame> {
        match lf.collect() {
            Ok(df) => Ok(df),
            Err(e) => {
                for f in self.files.iter().filter(|f| !f.validated) {
                    read::run_checks(f)?;
                }
                Err(Error::Polars {
                    context: format!("cannot compute {what}"),
                    source: e,
                })
            }
        }
    }

    /// (BACI country code, ISO3) pairs of the country tables given among the inputs, as the
    /// readers apply them.
    pub(crate) fn country_table_pairs(&self) -> Vec<(String, String)> {
        self.tables
            .iter()
            .filter_map(|t| match t {
                CodeTable::Countries(p) => Some(usable_codes(p)),
                CodeTable::Products(_) => None,
            })
            .flatten()
            .collect()
    }

    /// (product code, name) pairs of the product tables given among the inputs.
    pub(crate) fn product_table_pairs(&self) -> Vec<(String, String)> {
        self.tables
            .iter()
            .filter_map(|t| match t {
                CodeTable::Products(p) => Some(p),
                CodeTable::Countries(_) => None,
            })
            .flatten()
            .cloned()
            .collect()
    }

    /// A description of the inputs for notes and footers.
    pub fn sources_label(&self) -> String {
        self.files
            .iter()
            .map(|f| f.path.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a turnover record and exactly one direction (exports or imports) are known for the
/// same year, month, reporter, partner, product and currency, add the other direction as
/// `turnover - known`, marked `derived`. A negative result (inconsistent figures) is not added.
pub fn derive_directions(lf: LazyFrame) -> LazyFrame {
    let keys = [
        "year", "month", "reporter", "partner", "product", "currency",
    ];
    let is = |f: &str| col("flow").eq(lit(f.to_string()));
    let n = |f: &str| is(f).cast(DataType::Int32).sum();
    let v = |f: &str| col("value").filter(is(f)).sum();
    let direct = is(flow::EXPORT).or(is(flow::IMPORT));
    let known = lf
        .clone()
        .filter(col("value").is_not_null().and(col("derived").not()))
        .group_by(keys.map(col))
        .agg([
            n(flow::TURNOVER).alias("nt"),
            n(flow::EXPORT).alias("nx"),
            n(flow::IMPORT).alias("nm"),
            v(flow::TURNOVER).alias("t"),
            v(flow::EXPORT).alias("x"),
            v(flow::IMPORT).alias("m"),
            col("product_name")
                .filter(is(flow::TURNOVER))
                .first()
                .alias("product_name"),
            col("product_level")
                .filter(is(flow::TURNOVER))
                .first()
                .alias("product_level"),
            col("classification")
                .filter(is(flow::TURNOVER))
                .first()
                .alias("classification"),
            col("source").filter(is(flow::TURNOVER)).first().alias("ts"),
            col("source").filter(direct).first().alias("ds"),
        ])
        .filter(
            col("nt").eq(lit(1)).and(
                (col("nx").eq(lit(1)).and(col("nm").eq(lit(0))))
                    .or(col("nx").eq(lit(0)).and(col("nm").eq(lit(1)))),
            ),
        );
    let has_x = col("nx").eq(lit(1));
    let value = when(has_x.clone())
        .then(col("t") - col("x"))
        .otherwise(col("t") - col("m"));
    let source = when(col("ts").eq(col("ds")))
        .then(col("ts"))
        .otherwise(concat_str([col("ts"), col("ds")], "; ", true));
    let derived = known
        .select(schema::finish(vec![
            ("year", Some(col("year"))),
            ("month", Some(col("month"))),
            ("reporter", Some(col("reporter"))),
            ("partner", Some(col("partner"))),
            (
                "flow",
                Some(
                    when(has_x)
                        .then(lit(flow::IMPORT))
                        .otherwise(lit(flow::EXPORT)),
                ),
            ),
            ("product", Some(col("product"))),
            ("product_name", Some(col("product_name"))),
            ("product_level", Some(col("product_level"))),
            ("classification", Some(col("classification"))),
            ("value", Some(value)),
            ("currency", Some(col("currency"))),
            ("reconciled", Some(lit(false))),
            ("derived", Some(lit(true))),
            ("source", Some(source)),
        ]))
        .filter(col("value").gt_eq(lit(0.0)));
    concat([lf, derived], UnionArgs::default()).expect("same schema on both sides")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The synthetic Comtrade Plus file of the integration tests (154 reporters, World,
    /// TOTAL and breakdown rows).
    fn generated() -> String {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/comtrade_plus_generated.csv.gz"
        )
        .to_string()
    }

    fn sorted(lf: LazyFrame) -> DataFrame {
        let names: Vec<String> = schema::COLUMNS.iter().map(|c| c.to_string()).collect();
        lf.sort(names, SortMultipleOptions::default().with_nulls_last(true))
            .collect()
            .unwrap()
    }

    #[test]
    fn a_scoped_table_is_the_whole_table_filtered_to_the_countries() {
        let ds = load(&[generated()], &LoadOptions::default()).unwrap();
        assert!(ds.can_scope());
        let whole = ds.clone().materialise().unwrap();
        for countries in [vec!["KAZ", "MEX"], vec!["CHN"], vec!["USA", "DEU", "JPN"]] {
            let countries: Vec<String> = countries.into_iter().map(String::from).collect();
            let scoped = ds
                .clone()
                .scoped(&countries)
                .unwrap()
                .materialise()
                .unwrap();
            assert_eq!(scoped.scope.as_deref(), Some(&countries[..]));
            let set = || lit(Series::new(PlSmallStr::EMPTY, countries.clone())).implode(true);
            let expected = sorted(
                whole.lf.clone().filter(
                    col("reporter")
                        .is_in(set(), false)
                        .or(col("partner").is_in(set(), false)),
                ),
            );
            let got = sorted(scoped.lf.clone());
            assert!(
                got.height() > 0 && got.height() < whole.lf.clone().collect().unwrap().height()
            );
            assert!(got.equals_missing(&expected), "{countries:?}");
        }
    }

    #[test]
    fn only_row_by_row_layouts_are_scoped() {
        let seed = load(&[], &LoadOptions::default()).unwrap();
        assert!(!seed.can_scope());
        // Unchanged when it cannot be narrowed.
        let same = seed.scoped(&["KAZ".to_string()]).unwrap();
        assert!(same.scope.is_none());
        // BACI files are, through the first pass (which keeps the first row of each pair).
        let baci = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/baci_small.csv");
        let ds = load(&[baci.to_string()], &LoadOptions::default()).unwrap();
        assert!(ds.can_scope());
        assert!(ds.scoped(&["KAZ".to_string()]).unwrap().scope.is_some());
        // Not with --every-row.
        let every = LoadOptions {
            every_row: true,
            ..LoadOptions::default()
        };
        let ds = load(&[baci.to_string()], &every).unwrap();
        assert!(!ds.can_scope());
    }
}
