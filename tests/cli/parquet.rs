//! Parquet written by `convert` reads back with every row (on the real legacy Comtrade file).

use crate::common::*;

#[test]
fn convert_to_parquet_and_inspect_it_back() {
    let Some(real) = real_data() else { return };
    let src = real.file("comtrade-legacy/h3_china_india.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    succeeds(
        tradestat()
            .args(["convert", "--quiet"])
            .arg(&src)
            .arg("-o")
            .arg(&out),
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PAR1"), "not a Parquet file");
    let items = inspect_items(&[], &out);
    assert_eq!(items["layout"], "canonical (parquet)");
    assert_eq!(count(&items["rows"]), count_records(&src, b','));
}
