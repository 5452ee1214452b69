//! Notes on what the analysis kept without knowing (unresolved country codes).

use crate::common::*;

#[test]
fn unresolved_codes_are_counted_in_a_note() {
    // A question on the unknown code's rows is told about it.
    let (_, stderr) = succeeds(
        tradestat()
            .args(["summary", "-r", "999"])
            .arg(fixture("baci_unknown_country.csv")),
    );
    assert!(
        stderr.contains("not in the country table") && stderr.contains("reporter 999 (1 row)"),
        "{stderr}"
    );
    // South Africa - Afghanistan does not read the row of 999: no note about the unknown code
    // (the coverage note may still name 999 among the exporters the data holds).
    let (_, stderr) = succeeds(
        tradestat()
            .args(["summary", "-r", "ZAF"])
            .arg(fixture("baci_unknown_country.csv")),
    );
    assert!(!stderr.contains("not in the country table"), "{stderr}");
    assert!(!stderr.contains("reporter 999"), "{stderr}");
}
