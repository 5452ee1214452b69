//! `tradestat fetch`: Comtrade Plus records from the UN Comtrade API into a CSV or Parquet file,
//! through the cache; the progress bar is drawn here, the work is the library's.

use std::cell::Cell;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tradestat::fetch::{self, Options, Politeness, QueryText};
use tradestat::{Error, Result};

use super::Global;

/// Download Comtrade Plus records from the UN Comtrade API into a file (-o FILE.csv or
/// FILE.parquet) that every other command reads.
#[derive(Debug, Args, Clone, Default)]
#[command(
    after_help = "The key comes from the environment variable COMTRADE_API_KEY or from
comtrade_api_key = \"...\" in ~/.config/tradestat/config.toml ($XDG_CONFIG_HOME), never from the
command line; it is sent in a request header and written nowhere. Without a key, the public
preview answers (500 rows a request). Large queries are cut into parts below the row cap (by
year, reporter, partner, flow, product) and stitched back; a part that comes back at the cap
is split again, never used. Parts are cached in ~/.cache/tradestat/comtrade ($XDG_CACHE_HOME,
--cache-dir) with their download time: a repeated fetch makes no request, an interrupted one
resumes, --refresh downloads again and names the parts whose data were revised.
The .csv output holds the API's records (the columns of a Comtrade Plus download) and a
downloadedAt column; reports name the download date. The API URL can be changed with --api-url
or TRADESTAT_COMTRADE_URL.

Examples:
  tradestat fetch -r KAZ -p MEX --years 2014-2018 --dry-run
  tradestat fetch -r KAZ -p MEX --years 2014-2018 -o kaz_mex.csv
  tradestat report kaz_mex.csv -o kaz-mex/
  tradestat fetch -r Kazakhstan -p all --years 2018 --level 2 --flows exports -o kaz2018.parquet
  tradestat fetch -r KAZ,UZB -p MEX --years 2020-2022 --products 27,2709 --monthly -o m.csv
  tradestat fetch --bulk -r all --years 2018 --dry-run
  tradestat fetch --bulk -r KAZ,MEX --years 2016-2018 -o bulk/
  tradestat summary 'bulk/*.txt.gz' -r KAZ -p MEX"
)]
pub struct FetchArgs {
    /// Reporter(s): Comtrade codes, ISO codes or names, comma-separated
    #[arg(
        short = 'r',
        long = "reporter",
        value_name = "COUNTRY",
        value_delimiter = ',',
        required = true
    )]
    pub reporters: Vec<String>,
    /// Partner(s), comma-separated; `world` (the default: the reporter's totals) or `all`
    #[arg(
        short = 'p',
        long = "partner",
        value_name = "COUNTRY",
        value_delimiter = ','
    )]
    pub partners: Vec<String>,
    /// Years: 2014,2018 or 2010-2020
    #[arg(short = 'y', long, value_name = "YEARS", required = true)]
    pub years: String,
    /// Flows: exports, imports, re-exports, re-imports (default exports,imports)
    #[arg(long, value_name = "FLOWS", value_delimiter = ',')]
    pub flows: Vec<String>,
    /// HS codes (2, 4 or 6 digits) or TOTAL, comma-separated; default TOTAL
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub products: Vec<String>,
    /// Every product at one HS level: 2 (chapters), 4 or 6
    #[arg(long, value_name = "2|4|6")]
    pub level: Option<u8>,
    /// Monthly data instead of annual
    #[arg(long)]
    pub monthly: bool,
    /// Print the requests a fetch would make, and how many, without making any (with --bulk:
    /// the listing, fetched or cached, and the downloads it would make)
    #[arg(long)]
    pub dry_run: bool,
    /// The data API's bulk files (every partner, flow and product of each reporter and period;
    /// a subscription key with bulk access): -o DIR/ for one .txt.gz per file, or -o FILE.csv
    /// (or .parquet) stitched; -r all for every reporter
    #[arg(long)]
    pub bulk: bool,
    #[command(flatten)]
    pub connection: Connection,
}

/// How to reach the API and the cache: shared by `fetch`, `report --fetch` and `render`.
#[derive(Debug, Args, Clone, Default)]
pub struct Connection {
    /// Download every part again (the cache is revalidated) and name the parts that changed
    #[arg(long)]
    pub refresh: bool,
    /// Use the public preview (no key, 500 rows a request) even when a key is set
    #[arg(long)]
    pub preview: bool,
    /// The API's base URL (default https://comtradeapi.un.org, or TRADESTAT_COMTRADE_URL)
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// The cache directory (default $XDG_CACHE_HOME/tradestat/comtrade or
    /// ~/.cache/tradestat/comtrade)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Requests per second, at most
    #[arg(long, value_name = "N", default_value = "1")]
    pub max_per_second: f64,
    /// Requests per UTC day, at most, counted across runs (the free tier allows 500)
    #[arg(long, value_name = "N", default_value = "500")]
    pub max_per_day: u64,
    /// Rows one request may return, instead of the endpoint's cap (for tests)
    #[arg(long, value_name = "N", hide = true)]
    pub row_cap: Option<u64>,
    /// First back-off delay in milliseconds (for tests)
    #[arg(long, value_name = "MS", hide = true)]
    pub backoff_ms: Option<u64>,
    /// Connect and read timeout in seconds (for tests)
    #[arg(long, value_name = "S", hide = true)]
    pub timeout: Option<u64>,
}

impl FetchArgs {
    /// The query in tradestat's words.
    pub fn query(&self, g: &Global) -> QueryText {
        QueryText {
            reporters: self.reporters.clone(),
            partners: self.partners.clone(),
            years: self.years.clone(),
            flows: self.flows.clone(),
            products: self.products.clone(),
            level: self.level,
            classification: g.classification.clone(),
            monthly: self.monthly,
        }
    }
}

impl Connection {
    /// How to fetch: URL, key, cache and the politeness rules.
    pub fn options(&self) -> Result<Options> {
        if !(self.max_per_second > 0.0 && self.max_per_second.is_finite()) {
            return Err(Error::Request(
                "--max-per-second must be a positive number".into(),
            ));
        }
        let base_url = self
            .api_url
            .clone()
            .or_else(|| std::env::var(fetch::URL_VAR).ok().filter(|v| !v.is_empty()))
            .unwrap_or_else(|| fetch::DEFAULT_URL.to_string());
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(Error::Request(format!(
                "--api-url {base_url}: expected an http:// or https:// URL"
            )));
        }
        let cache_dir = match &self.cache_dir {
            Some(d) => d.clone(),
            None => fetch::cache::default_dir().ok_or_else(|| {
                Error::Request(
                    "no cache directory: HOME and XDG_CACHE_HOME are not set; give --cache-dir DIR"
                        .into(),
                )
            })?,
        };
        let mut politeness = Politeness {
            min_interval: Duration::from_secs_f64(1.0 / self.max_per_second),
            max_per_day: self.max_per_day,
            ..Politeness::default()
        };
        if let Some(ms) = self.backoff_ms {
            politeness.backoff = Duration::from_millis(ms);
        }
        if let Some(s) = self.timeout {
            politeness.timeout = Duration::from_secs(s.max(1));
        }
        Ok(Options {
            base_url,
            key: fetch::api_key()?,
            preview: self.preview,
            cache_dir,
            refresh: self.refresh,
            cap: self.row_cap,
            politeness,
        })
    }
}

/// The progress bar: parts done, rows, time spent waiting. Shown only on a terminal.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
    rows: Cell<usize>,
    waited: Cell<Duration>,
}

impl Bar {
    fn new(show: bool) -> Bar {
        let bar = show.then(|| {
            let b = indicatif::ProgressBar::new(0);
            if let Ok(s) = indicatif::ProgressStyle::with_template(
                "{spinner} fetching [{bar:30}] {pos}/{len} parts, {msg} ({elapsed})",
            ) {
                b.set_style(s.progress_chars("=> "));
            }
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Bar {
            bar,
            rows: Cell::new(0),
            waited: Cell::new(Duration::ZERO),
        }
    }

    fn message(&self, extra: &str) {
        if let Some(b) = &self.bar {
            b.set_message(format!(
                "{} rows, waited {:.0} s{extra}",
                self.rows.get(),
                self.waited.get().as_secs_f64()
            ));
        }
    }
}

impl fetch::Progress for Bar {
    fn planned(&self, parts: usize) {
        if let Some(b) = &self.bar {
            b.set_length(parts as u64);
        }
        self.message("");
    }
    fn part_done(&self, rows: usize, _cached: bool) {
        self.rows.set(self.rows.get() + rows);
        if let Some(b) = &self.bar {
            b.inc(1);
        }
        self.message("");
    }
    fn split(&self, _part: &str) {
        self.message(", a part at the row cap split");
    }
    fn waiting(&self, wait: Duration, why: &str) {
        self.waited.set(self.waited.get() + wait);
        self.message(&format!(", waiting {:.1} s: {why}", wait.as_secs_f64()));
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

pub fn run(args: FetchArgs, g: &Global) -> Result<()> {
    if args.bulk {
        return run_bulk(args, g);
    }
    let query = args.query(g).resolve()?;
    let options = args.connection.options()?;
    if args.dry_run {
        let planned = fetch::plan(&query, &options)?;
        let cached = planned.iter().filter(|p| p.cached).count();
        let mut text = String::new();
        for p in &planned {
            text.push_str(&format!(
                "GET {}{}\n",
                p.url,
                if p.cached { "  (cached)" } else { "" }
            ));
        }
        text.push_str(&format!(
            "{} request(s) to make, {} already cached, to the {}; a part that comes back at the cap of {} rows is split further\n",
            planned.len() - cached,
            cached,
            options.endpoint().name(),
            options.cap()
        ));
        return super::Global {
            out: None,
            ..g.clone()
        }
        .emit(&text);
    }
    let out = g.out.clone().ok_or_else(|| {
        Error::Request(
            "fetch needs -o FILE.csv or -o FILE.parquet (or --dry-run to see the requests)".into(),
        )
    })?;
    let notes = fetch_into(&query, &options, args.connection.refresh, g, &out)?;
    g.note(&notes);
    Ok(())
}

/// Fetch `query` into `out` (CSV or Parquet) with a progress bar on a terminal; the notes to
/// print: what was fetched and how, the download dates, revisions.
pub fn fetch_into(
    query: &fetch::Part,
    options: &Options,
    refresh: bool,
    g: &Global,
    out: &std::path::Path,
) -> Result<Vec<String>> {
    fetch::check_output(out)?;
    let fetched = {
        use std::io::IsTerminal;
        let bar = Bar::new(!g.quiet && std::io::stderr().is_terminal());
        fetch::fetch(query, options, &bar)?
    };
    fetch::write_output(&fetched, out)?;
    let notes = fetched.notes(options.endpoint().name(), refresh, out);
    Ok(notes)
}

/// Records fetched into a temporary folder, removed when this is dropped (and on Ctrl-C).
pub struct TempFetch {
    pub path: PathBuf,
    _guard: tradestat::cleanup::Guard,
    _dir: tempfile::TempDir,
}

/// Fetch into `comtrade.csv` in a new temporary folder, for `report --fetch` and a deck's
/// `[data]` section; the notes are printed here.
pub fn fetch_to_temp(query: &QueryText, connection: &Connection, g: &Global) -> Result<TempFetch> {
    let part = query.resolve()?;
    let options = connection.options()?;
    let dir = tempfile::Builder::new()
        .prefix("tradestat-fetch.")
        .tempdir()
        .map_err(|source| Error::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let guard = tradestat::cleanup::register(dir.path().to_path_buf());
    let path = dir.path().join("comtrade.csv");
    let notes = fetch_into(&part, &options, connection.refresh, g, &path)?;
    // The temporary file's path means nothing to the reader: the other notes do.
    g.note(&notes[..notes.len() - 1]);
    Ok(TempFetch {
        path,
        _guard: guard,
        _dir: dir,
    })
}

/// `fetch --bulk`: list the bulk files, then download them into a folder or one table.
fn run_bulk(args: FetchArgs, g: &Global) -> Result<()> {
    use tradestat::fetch::bulk;
    let query = bulk::BulkQuery::resolve(&args.query(g))?;
    let options = args.connection.options()?;
    if args.dry_run {
        let (listing, planned) = bulk::plan(&query, &options)?;
        let text = bulk::dry_run_text(&query, &listing, &planned, &options.base_url);
        return super::Global {
            out: None,
            ..g.clone()
        }
        .emit(&text);
    }
    let out = g.out.clone().ok_or_else(|| {
        Error::Request(
            "fetch --bulk needs -o DIR/ (one file per listed file) or -o FILE.csv (stitched), \
             or --dry-run to see the listing"
                .into(),
        )
    })?;
    bulk::check_output(&out)?;
    let fetched = {
        use std::io::IsTerminal;
        let bar = Bar::new(!g.quiet && std::io::stderr().is_terminal());
        bulk::fetch(&query, &options, &bar)?
    };
    bulk::write_output(&fetched, &out)?;
    let notes = fetched.notes(args.connection.refresh, &out);
    g.note(&notes);
    Ok(())
}
