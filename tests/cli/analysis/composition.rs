//! `composition`: parts add up to the summary total on the real legacy file.

use super::*;

#[test]
fn composition_parts_sum_to_the_summary_total() {
    let Some(real) = real_data() else { return };
    let file = real.file("comtrade-legacy/h3_china_india.csv");
    let file = file.to_str().unwrap();
    let summary = json_rows(&["summary", file]);
    let imports = num(&summary[0], "imports").unwrap();
    for group in ["section", "chapter", "heading"] {
        let rows = json_rows(&["composition", file, "--flow", "imports", "--group", group]);
        let sum: f64 = rows.iter().filter_map(|r| num(r, "value")).sum();
        let shares: f64 = rows.iter().filter_map(|r| num(r, "share")).sum();
        // The TOTAL row and the sum of leaves agree in this file to within rounding.
        assert!(
            (sum - imports).abs() / imports < 1e-3,
            "{group}: {sum} vs {imports}"
        );
        assert!(
            close(sum, legacy_leaves(real, "1").iter().map(|l| l.1).sum()),
            "{group}"
        );
        assert!(
            (shares - 1.0).abs() < 1e-9,
            "{group}: shares sum to {shares}"
        );
    }
}
