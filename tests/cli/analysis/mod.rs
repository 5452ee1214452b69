//! The analysis commands, one module per command (summary, compare, top, composition, partners,
//! mirror, indicators) and one for what they share (golden tables, help, no NaN); the helpers
//! they use: JSON rows of a run, golden-file comparison, the legacy file's leaf products.

mod all_commands;
mod compare;
mod composition;
mod indicators;
mod mirror;
mod partners;
mod summary;
mod top;

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;

/// A row of `--output json`.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// Run an analysis command with `--output json --quiet` and parse the rows.
pub fn json_rows(args: &[&str]) -> Vec<Row> {
    let (stdout, _) = succeeds(tradestat().args(args).args(["--output", "json", "--quiet"]));
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    v.as_array()
        .expect("an array of rows")
        .iter()
        .map(|r| r.as_object().expect("a row object").clone())
        .collect()
}

pub fn num(row: &Row, key: &str) -> Option<f64> {
    row.get(key).and_then(serde_json::Value::as_f64)
}

pub fn text<'a>(row: &'a Row, key: &str) -> &'a str {
    row.get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Compare stdout of a command with a golden file in tests/golden/: `None` when they agree, else
/// every line that differs, so that a test comparing several files can report them all at once.
/// With UPDATE_GOLDEN=1 the file is (re)written instead; review the diff before committing it.
pub fn golden(name: &str, args: &[&str]) -> Option<String> {
    let (stdout, _) = succeeds(tradestat().args(args).arg("--quiet"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &stdout).expect("write golden file");
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => return Some(format!("missing golden file {} ({e})", path.display())),
    };
    (stdout != expected).then(|| {
        format!(
            "output differs from {} (tradestat {} --quiet):\n{}",
            path.display(),
            args.join(" "),
            line_diff(&expected, &stdout)
        )
    })
}

/// Every line that differs, by line number (a missing final newline shows as a last line).
fn line_diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split('\n').collect();
    let a: Vec<&str> = actual.split('\n').collect();
    let show = |line: Option<&&str>| line.map_or_else(|| "(no line)".into(), |l| format!("{l:?}"));
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            out.push_str(&format!(
                "  line {}:\n    golden: {}\n    output: {}\n",
                i + 1,
                show(x),
                show(y)
            ));
        }
    }
    out
}

/// Leaf codes of one flow of the legacy India-China file, summed independently.
pub fn legacy_leaves(real: Real, flow_code: &str) -> Vec<(String, f64)> {
    let mut rdr = csv::Reader::from_path(real.file("comtrade-legacy/h3_china_india.csv")).unwrap();
    let mut values: HashMap<String, f64> = HashMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if r.len() < 10 || &r[2] != flow_code || &r[5] == "TOTAL" {
            continue;
        }
        *values.entry(r[5].to_string()).or_default() += r[9].parse::<f64>().unwrap();
    }
    let codes: Vec<String> = values.keys().cloned().collect();
    let mut leaves: Vec<(String, f64)> = values
        .into_iter()
        .filter(|(c, _)| {
            !codes
                .iter()
                .any(|o| o.len() > c.len() && o.starts_with(c.as_str()))
        })
        .collect();
    leaves.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
    leaves
}
