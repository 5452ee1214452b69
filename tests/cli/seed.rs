//! `tradestat inspect` with no input shows the embedded seed rows with their citations.

use crate::common::*;

#[test]
fn inspect_without_input_shows_seed_rows_with_citations() {
    let (stdout, _) = succeeds(tradestat().args(["inspect", "--quiet"]));
    assert!(stdout.contains("embedded seed dataset"), "{stdout}");
    let line_with = |needle: &str| -> &str {
        stdout
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}:\n{stdout}"))
    };
    // 2014 turnover and exports, cited to the Tengrinews seed document.
    let turnover = line_with("$121.4M");
    assert!(turnover.contains("turnover"), "{turnover}");
    assert!(turnover.contains("001_df4cecdcb924529d.txt"), "{turnover}");
    let exports = line_with("$171K");
    assert!(exports.contains("export"), "{exports}");
    assert!(exports.contains("001_df4cecdcb924529d.txt"), "{exports}");
    // Imports = turnover - exports, marked as derived.
    let imports = line_with("$121.229M");
    assert!(imports.contains("import"), "{imports}");
    assert!(imports.contains("derived"), "{imports}");
    // 2018 turnover from the other seed document.
    let y2018 = line_with("$23M");
    assert!(y2018.contains("2018"), "{y2018}");
    assert!(y2018.contains("000_f17b33383c21b252.txt"), "{y2018}");
}
