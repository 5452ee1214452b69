//! Several inputs in one run, listed one by one or as a glob pattern (real comtradr files).

use std::path::{Path, PathBuf};

use crate::common::*;

const DIR: &str = "comtrade-plus-comtradr";
const FILES: [&str; 2] = [
    "vignette_data_1__example_1.csv",
    "vignette_data_2__example_2.csv",
];

fn files(real: Real) -> Vec<PathBuf> {
    FILES
        .iter()
        .map(|f| real.file(&format!("{DIR}/{f}")))
        .collect()
}

/// A quoted glob pattern matching both files (and no other vignette file).
fn pattern(real: Real) -> String {
    real.file(&format!("{DIR}/vignette_data_[12]__*.csv"))
        .to_str()
        .unwrap()
        .to_string()
}

/// `inspect --output json`: (file, item, value) rows.
fn inspect_rows(inputs: &[String]) -> Vec<(String, String, String)> {
    let (stdout, _) = succeeds(
        tradestat()
            .args(["inspect", "--quiet", "--output", "json"])
            .args(inputs),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let t = |k: &str| r[k].as_str().unwrap().to_string();
            (t("file"), t("item"), t("value"))
        })
        .collect()
}

fn convert(inputs: &[String], out: &Path) {
    succeeds(
        tradestat()
            .args(["convert", "--quiet"])
            .args(inputs)
            .arg("-o")
            .arg(out),
    );
}

#[test]
fn inspect_reports_each_file_and_rows_add_up() {
    let Some(real) = real_data() else { return };
    let paths = files(real);
    let listed: Vec<String> = paths
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let rows = inspect_rows(&listed);
    let mut total = 0;
    for path in &paths {
        let file = path.to_str().unwrap();
        let n = rows
            .iter()
            .find(|(f, item, _)| f == file && item == "rows")
            .unwrap_or_else(|| panic!("no rows item for {file}: {rows:?}"));
        assert_eq!(count(&n.2), count_records(path, b','), "{file}");
        total += count(&n.2);
    }
    assert_eq!(
        total,
        paths.iter().map(|p| count_records(p, b',')).sum::<u64>()
    );
    // Each file keeps its own reporter.
    let reporters = |file: &Path| {
        rows.iter()
            .find(|(f, item, _)| f == file.to_str().unwrap() && item.starts_with("reporters"))
            .unwrap()
            .2
            .clone()
    };
    assert!(reporters(&paths[0]).starts_with("USA"));
    assert!(reporters(&paths[1]).starts_with("CHN"));
    // The glob gives the same report, file by file.
    assert_eq!(inspect_rows(&[pattern(real)]), rows);
}

#[test]
fn convert_keeps_every_row_of_every_file() {
    let Some(real) = real_data() else { return };
    let paths = files(real);
    let listed: Vec<String> = paths
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("both.csv");
    convert(&listed, &out);
    let expected_rows: u64 = paths.iter().map(|p| count_records(p, b',')).sum();
    assert_eq!(count_records(&out, b','), expected_rows);
    let expected_value: f64 = paths
        .iter()
        .map(|p| sum_column(p, b',', "primary_value", 1.0))
        .sum();
    assert_close(
        sum_column(&out, b',', "value", 1.0),
        expected_value,
        "value",
    );
    // Each file's rows keep their own source.
    let text = std::fs::read_to_string(&out).unwrap();
    for f in FILES {
        assert!(text.contains(f), "no row from {f}");
    }
    let globbed = dir.path().join("glob.csv");
    convert(&[pattern(real)], &globbed);
    assert_eq!(
        std::fs::read_to_string(&globbed).unwrap(),
        text,
        "the glob converts to the same table"
    );
}
