//! Shared helpers: paths to fixtures, committed excerpts and the real files beside the checkout
//! (with the gate that skips, or fails, when those are missing), the binary run without
//! inherited settings, CSV counting and summing, and BACI-layout rows generated in a tempdir.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// Third-party data shared beside the checkout.
pub const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real");
/// Our own small fixtures.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
/// Excerpts of real, openly licensed files, committed (see tests/data/README.md).
pub const EXCERPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// Set to `1` (as `.ci/run` does) to make the real-data tests fail, not skip, without the data.
pub const REQUIRE_REAL: &str = "TRADESTAT_REQUIRE_REAL";

/// Proof that `../shared/data/real` is there: only [`real_data`] hands one out, and only
/// [`Real::file`] turns a path under that folder into a path.
#[derive(Clone, Copy)]
pub struct Real(());

impl Real {
    /// A file under `../shared/data/real/`.
    pub fn file(self, rel: &str) -> PathBuf {
        Path::new(REAL).join(rel)
    }
}

/// How many tests returned early for want of the real files, reported once when the test
/// process exits.
static SKIPPED: AtomicUsize = AtomicUsize::new(0);
static REPORT_AT_EXIT: Once = Once::new();

unsafe extern "C" {
    /// The C library's `atexit`: runs after the test harness has printed its summary.
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

/// The one line of the run about skipped tests. Written to the process's stderr directly (the
/// harness captures `eprintln!` of passing tests, and this runs after the last test).
extern "C" fn report_skipped() {
    let n = SKIPPED.load(Ordering::SeqCst);
    let _ = writeln!(
        std::io::stderr(),
        "skipped {n} real-data tests: ../shared/data/real not found beside the checkout \
         (see README; set {REQUIRE_REAL}=1 to fail instead)"
    );
}

fn real_required() -> bool {
    std::env::var_os(REQUIRE_REAL).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The gate of every test that reads `../shared/data/real/`: `Some` when the folder is there.
/// Without it the test returns early (`let Some(real) = real_data() else { return };`) and is
/// counted in the one line printed at the end of the run; with `TRADESTAT_REQUIRE_REAL=1` it
/// fails instead.
pub fn real_data() -> Option<Real> {
    if Path::new(REAL).is_dir() {
        return Some(Real(()));
    }
    assert!(
        !real_required(),
        "{REAL} not found and {REQUIRE_REAL} is set: this test needs the real files beside \
         the checkout"
    );
    SKIPPED.fetch_add(1, Ordering::SeqCst);
    REPORT_AT_EXIT.call_once(|| {
        // SAFETY: `report_skipped` is a plain function that only reads an atomic and writes to
        // stderr; registering it has no other effect.
        let status = unsafe { atexit(report_skipped) };
        assert_eq!(status, 0, "atexit failed");
    });
    None
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// A committed excerpt of a real file, under `tests/data/`.
pub fn excerpt(rel: &str) -> PathBuf {
    Path::new(EXCERPTS).join(rel)
}

/// Variables the binary (clap's help layout and colours, polars) or a library it uses could
/// read; none of them may change what the tests see.
const INHERITED: [&str; 13] = [
    "COLUMNS",
    "LINES",
    "RUST_BACKTRACE",
    "TERM",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "LC_NUMERIC",
    "TZ",
];

/// The binary, with nothing inherited that could change its output.
pub fn tradestat() -> Command {
    scrubbed(Command::cargo_bin("tradestat").expect("the tradestat binary is built"))
}

/// The binary run by `sh` under `ulimit -v KB` (its address space bounded: an allocation past
/// it fails), with nothing inherited, as [`tradestat`]; arguments go after it.
#[cfg(unix)]
pub fn tradestat_within(kb: u64) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {kb} && exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("tradestat"));
    scrubbed(cmd)
}

fn scrubbed(mut cmd: Command) -> Command {
    for var in INHERITED {
        cmd.env_remove(var);
    }
    // polars reads its settings (threads, table formatting, streaming) from POLARS_*.
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("POLARS_") {
            cmd.env_remove(var);
        }
    }
    cmd
}

/// Run, check that nothing panicked, and return (success, stdout, stderr).
pub fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("tradestat runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "tradestat panicked:\n{stderr}"
    );
    (out.status.success(), stdout, stderr)
}

/// Run a command that must fail; returns its stderr.
pub fn fails(cmd: &mut Command) -> String {
    let (ok, stdout, stderr) = run(cmd);
    assert!(
        !ok,
        "expected failure, got success.\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.starts_with("error: "),
        "expected an error message, got:\n{stderr}"
    );
    stderr
}

/// Run a command that must succeed; returns (stdout, stderr).
pub fn succeeds(cmd: &mut Command) -> (String, String) {
    let (ok, stdout, stderr) = run(cmd);
    assert!(
        ok,
        "expected success.\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

/// `inspect --output json` of one input: item -> value.
pub fn inspect_items(args: &[&str], file: &Path) -> BTreeMap<String, String> {
    let (stdout, _) = succeeds(
        tradestat()
            .args(["inspect", "--quiet", "--output", "json"])
            .args(args)
            .arg(file),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("inspect --output json is not JSON ({e}):\n{stdout}"));
    let rows = json.as_array().expect("a JSON array of items");
    let mut items = BTreeMap::new();
    for r in rows {
        assert_eq!(r["file"].as_str(), Some(file.to_str().unwrap()), "{r}");
        let item = r["item"].as_str().expect("item is text").to_string();
        let value = r["value"].as_str().expect("value is text").to_string();
        items.insert(item, value);
    }
    items
}

/// A count as `inspect` prints it (`173,358`).
pub fn count(text: &str) -> u64 {
    text.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("'{text}' is not a count"))
}

fn reader(path: &Path, delimiter: u8) -> csv::Reader<std::fs::File> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Records of a CSV file, counted with the csv crate (blank lines are not records).
pub fn count_records(path: &Path, delimiter: u8) -> u64 {
    let mut n = 0;
    for r in reader(path, delimiter).byte_records() {
        let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if r.iter().any(|f| !f.is_empty()) {
            n += 1;
        }
    }
    n
}

/// Sum of a column (matched on its trimmed name) times `scale`, skipping empty cells.
pub fn sum_column(path: &Path, delimiter: u8, column: &str, scale: f64) -> f64 {
    let mut rdr = reader(path, delimiter);
    let header = rdr.headers().expect("a header").clone();
    let i = header
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}').trim() == column)
        .unwrap_or_else(|| panic!("{}: no column {column} in {header:?}", path.display()));
    let mut sum = 0.0;
    for r in rdr.records() {
        let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let cell = r.get(i).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        let v: f64 = cell
            .parse()
            .unwrap_or_else(|_| panic!("{}: '{cell}' in {column}", path.display()));
        sum += v * scale;
    }
    sum
}

pub fn assert_close(actual: f64, expected: f64, what: &str) {
    let tol = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected} (difference {})",
        actual - expected
    );
}

/// The (code, second column) pairs of a two-column code table such as BACI's
/// `country_codes`/`product_codes` (header skipped, codes as written).
pub fn code_pairs(path: &Path) -> Vec<(String, String)> {
    csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (r[0].to_string(), r[1].to_string())
        })
        .collect()
}

// --- BACI-layout rows generated in a tempdir ---

/// A small deterministic pseudo-random generator (SplitMix64): the same rows on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// One BACI row: year, exporter and importer (BACI numeric codes), HS6 product (six digits),
/// value in thousandths of the file's thousands of US$ (so: in US$), quantity in thousandths of
/// a tonne (`None`: `NA`).
#[derive(Debug, Clone)]
pub struct BaciRow {
    pub t: i32,
    pub i: u32,
    pub j: u32,
    pub k: String,
    pub usd: u64,
    pub q: Option<u64>,
}

/// `n` rows of `year` with distinct (i, j, k), i != j, drawn from `countries` and `products`;
/// a share `pair_share` of them (0..=100, in percent) between `pair.0` and `pair.1`, either way.
pub fn generate_baci(
    rng: &mut Rng,
    year: i32,
    n: usize,
    countries: &[u32],
    products: &[String],
    pair: (u32, u32),
    pair_share: u64,
) -> Vec<BaciRow> {
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(n);
    while rows.len() < n {
        let (i, j) = if rng.below(100) < pair_share {
            if rng.below(2) == 0 {
                pair
            } else {
                (pair.1, pair.0)
            }
        } else {
            (*rng.pick(countries), *rng.pick(countries))
        };
        let k = rng.pick(products).clone();
        if i == j || !seen.insert((i, j, k.clone())) {
            continue;
        }
        // From US$1 to US$50M, spread over several orders of magnitude.
        let digits = 1 + rng.below(8) as u32;
        let usd = 1 + rng.below(10u64.pow(digits)) * 5;
        let q = (rng.below(8) != 0).then(|| rng.below(100_000_000));
        rows.push(BaciRow {
            t: year,
            i,
            j,
            k,
            usd,
            q,
        });
    }
    rows
}

/// Write rows as CEPII writes BACI: a quoted header `t,i,j,k,v,q`, k as a number (a product of
/// chapters 01-09 loses its leading zero: 5 digits), v in thousands of US$ with 3 decimals,
/// q quoted and left-padded with spaces to 13 characters, `NA` when unknown.
pub fn write_baci(path: &Path, rows: &[BaciRow]) {
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    );
    writeln!(f, "\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"").unwrap();
    for r in rows {
        let k: u32 = r.k.parse().expect("a numeric HS6 code");
        let q = match r.q {
            Some(q) => format!("{}.{:03}", q / 1000, q % 1000),
            None => "NA".to_string(),
        };
        writeln!(
            f,
            "{},{},{},{k},{}.{:03},\"{q:>13}\"",
            r.t,
            r.i,
            r.j,
            r.usd / 1000,
            r.usd % 1000
        )
        .unwrap();
    }
    f.flush().unwrap();
}
