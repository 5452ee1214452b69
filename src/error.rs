//! The library's error type: every failure says which file, line and column, and what was expected.

use std::path::PathBuf;

use polars::prelude::PolarsError;

/// Everything that can go wrong while loading or analysing trade data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the file")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An output file could not be written.
    #[error("{path}: cannot write the file")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file has no bytes at all, or only blank lines.
    #[error("{path}: the file is empty (expected a header line and data rows)")]
    Empty { path: PathBuf },
    /// A header but no data rows: nothing to analyse.
    #[error("{path}: the file has a header but no data rows")]
    HeaderOnly { path: PathBuf },
    /// A Parquet file with its columns but no rows: nothing to analyse (as a CSV file with a
    /// header only).
    #[error("{path}: the Parquet file has no rows (its columns, but no data)")]
    NoRows { path: PathBuf },
    /// Lines end with a carriage return alone (classic Mac OS): read as one long line, the
    /// file would look like a header without data.
    #[error(
        "{path}: lines end with a carriage return only (old Mac OS line endings); tradestat reads lines ending in LF or CRLF. Convert the file first, e.g. tr '\\r' '\\n' < FILE > FILE-lf.csv"
    )]
    CrLineEndings { path: PathBuf },
    /// The header matches no layout that tradestat knows.
    #[error(
        "{path}: unknown layout; header is [{header}].\n  Expected the header of a tradestat canonical CSV, UN Comtrade (Plus or legacy), CEPII BACI (t,i,j,k,v,q) or Eurostat Comext file.\n  Name the layout with --format, or map the columns with --map exporter=COL,importer=COL,year=COL,value=COL"
    )]
    UnknownLayout { path: PathBuf, header: String },
    /// A file named by a deck spec (not on the command line) matches no layout. Unlike
    /// [`Error::UnknownLayout`] it shows nothing of the file: a spec may name any readable
    /// file (`/etc/shadow`), and its first line is none of the spec's business.
    #[error(
        "{path}: not trade data: its header matches none of the layouts tradestat reads (a tradestat canonical CSV, UN Comtrade Plus or legacy, CEPII BACI t,i,j,k,v,q, Eurostat Comext). Its text is not shown, as the file was named by a spec; check the spec's inputs"
    )]
    NotTradeData { path: PathBuf },
    /// A column that the layout needs is not in the header.
    #[error(
        "{path}: missing required column '{column}' for layout {layout} (header is [{header}])"
    )]
    MissingColumn {
        path: PathBuf,
        layout: String,
        column: String,
        header: String,
    },
    /// A column that the layout needs is not in the header, and an option can fill it with one
    /// value for every row (`--year` for a cross-section).
    #[error(
        "{path}: missing column '{column}' for layout {layout} (header is [{header}]); for a file without one, give {option} to fill it"
    )]
    MissingColumnOption {
        path: PathBuf,
        layout: String,
        column: String,
        header: String,
        option: String,
    },
    /// The header names a column the layout reads twice (after normalisation: `primaryValue`
    /// and `primary_value` are one name): reading one would silently ignore the other.
    #[error(
        "{path}:1: the header has column '{column}' twice: '{first}' (column {first_at}) and '{second}' (column {second_at}); tradestat reads that column and cannot tell which one holds the data. Remove or rename one of them"
    )]
    DuplicateColumn {
        path: PathBuf,
        column: String,
        first: String,
        first_at: usize,
        second: String,
        second_at: usize,
    },
    /// A row has more or fewer fields than the header.
    #[error("{path}:{line}: expected {expected} fields as in the header, found {found}")]
    Ragged {
        path: PathBuf,
        line: u64,
        expected: usize,
        found: usize,
    },
    /// A cell does not hold what its column needs.
    #[error("{path}:{line}: column '{column}': {message}")]
    Cell {
        path: PathBuf,
        line: u64,
        column: String,
        message: String,
    },
    /// The file is not UTF-8 text.
    #[error(
        "{path}:{line}: the text is not UTF-8 (byte 0x{byte:02X}); if the file is Latin-1 or Windows-1252, pass --encoding latin1"
    )]
    Encoding { path: PathBuf, line: u64, byte: u8 },
    /// The file is UTF-16 (a byte-order mark FF FE or FE FF, or a NUL byte beside each
    /// character): read as Latin-1 it would be garbage, so only converting it helps.
    #[error(
        "{path}: the text is UTF-16 (as Excel's \"Unicode text\" saves it); tradestat reads UTF-8 (and Latin-1 with --encoding). Convert the file first, e.g. iconv -f UTF-16 -t UTF-8 in.csv > out.csv"
    )]
    Utf16 { path: PathBuf },
    /// A line with NUL bytes in a file that starts as UTF-8 (or Latin-1): a part pasted or
    /// appended in UTF-16 (a NUL beside each character), or damage. Neither is text tradestat
    /// can read, and `--encoding latin1` would read the NULs as characters.
    #[error(
        "{path}:{line}: the line holds UTF-16 text (a NUL byte beside each character) in a file that begins in another encoding; tradestat reads a file in one encoding, UTF-8 (or Latin-1 with --encoding). Convert the UTF-16 part to UTF-8 (e.g. iconv -f UTF-16LE -t UTF-8 on those lines), or export the whole file again as UTF-8 CSV"
    )]
    Utf16Part { path: PathBuf, line: u64 },
    /// NUL bytes that are not UTF-16 text: no text file holds them.
    #[error(
        "{path}:{line}: the line holds {count} NUL byte(s) (byte 0x00), which no text file has: the file is damaged or not text. Remove them (e.g. tr -d '\\000' < in.csv > out.csv) after checking what they replaced, or export the file again"
    )]
    NulBytes {
        path: PathBuf,
        line: u64,
        count: usize,
    },
    /// The first line does not end within the limit: either a header of hundreds of thousands
    /// of columns or not a line-based file at all; read whole, it could exhaust memory.
    #[error(
        "{path}:1: the header line is longer than {limit} bytes (expected a header of column names, then one line per record); tradestat reads headers up to that length"
    )]
    HeaderTooLong { path: PathBuf, limit: usize },
    /// The `--map` option could not be understood or does not fit the file.
    #[error("--map: {0}")]
    Mapping(String),
    /// No file matched an input pattern.
    #[error("no input file matches '{0}'")]
    NoMatch(String),
    /// The request cannot be answered from the data (absent country, year, ...).
    #[error("{0}")]
    Request(String),
    /// A chart could not be drawn or encoded (not a problem of the data).
    #[error("cannot draw the chart: {0}")]
    Chart(String),
    /// A workbook or slide deck could not be assembled (not a problem of the data).
    #[error("cannot build the {what}: {why}")]
    Document { what: &'static str, why: String },
    /// The UN Comtrade API could not be reached, or kept failing (after retries).
    #[error("{0}")]
    Network(String),
    /// The API refused the subscription key (HTTP 401/403).
    #[error("{0}")]
    ApiKey(String),
    /// A request quota is used up (the API's, or tradestat's daily cap).
    #[error("{0}")]
    Quota(String),
    /// The API answered with an error message, or with something that is not its envelope.
    #[error("{0}")]
    Api(String),
    /// A polars operation failed; `context` says which file or step.
    #[error("{context}")]
    Polars {
        context: String,
        #[source]
        source: PolarsError,
    },
}

impl Error {
    /// Wrap a polars error with the file or step it happened in.
    pub fn polars(context: impl Into<String>) -> impl FnOnce(PolarsError) -> Error {
        let context = context.into();
        move |source| Error::Polars { context, source }
    }

    /// This error without any text of the input file (its header, a cell): for files named by
    /// a deck spec rather than given on the command line, since a spec may name any readable
    /// file and the error would print what it holds. The file, line and column number and what
    /// was expected stay.
    pub fn without_file_text(self) -> Error {
        const HIDDEN: &str = "not shown: the file was named by a spec";
        match self {
            Error::UnknownLayout { path, .. } => Error::NotTradeData { path },
            Error::MissingColumn {
                path,
                layout,
                column,
                ..
            } => Error::MissingColumn {
                path,
                layout,
                column,
                header: HIDDEN.into(),
            },
            Error::MissingColumnOption {
                path,
                layout,
                column,
                option,
                ..
            } => Error::MissingColumnOption {
                path,
                layout,
                column,
                header: HIDDEN.into(),
                option,
            },
            Error::DuplicateColumn {
                path,
                column,
                first_at,
                second_at,
                ..
            } => Error::DuplicateColumn {
                path,
                first: column.clone(),
                second: column.clone(),
                column,
                first_at,
                second_at,
            },
            // The line checks quote the cell ("expected a number, found 'x'", "negative value
            // 'x'; ..."): what comes before the first quote says what was expected.
            Error::Cell {
                path,
                line,
                column,
                message,
            } => {
                let message = match message.find('\'') {
                    Some(i) => {
                        let head = message[..i].trim_end();
                        let head = head.strip_suffix("found").unwrap_or(head);
                        let head = head.trim_end().trim_end_matches(',');
                        format!("{head} (the cell is {HIDDEN})")
                    }
                    None => message,
                };
                Error::Cell {
                    path,
                    line,
                    column,
                    message,
                }
            }
            // `--map` errors end with the file's header in brackets.
            Error::Mapping(m) => match (m.find("[").filter(|_| m.contains("header")), m.rfind(']'))
            {
                (Some(a), Some(b)) if a < b => {
                    Error::Mapping(format!("{}{HIDDEN}{}", &m[..=a], &m[b..]))
                }
                _ => Error::Mapping(m),
            },
            other => other,
        }
    }

    /// The process exit code for this error, following sysexits(3) where one fits.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io { .. } | Error::NoMatch(_) => 66,
            Error::Write { .. } => 73,
            Error::Mapping(_) | Error::Request(_) => 64,
            Error::Polars { .. } | Error::Document { .. } => 70,
            // sysexits: service unavailable, temporary failure, permission denied.
            Error::Network(_) | Error::Api(_) => 69,
            Error::Quota(_) => 75,
            Error::ApiKey(_) => 77,
            _ => 65,
        }
    }
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
