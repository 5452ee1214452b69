//! Annual and monthly rows of the same flow together (Comext): months are not added to their
//! annual row.

use crate::common::*;

// Comext files hold the annual row (PERIOD 201852) and the months (201801, 201802) of the
// same flow: summing all three would count 2018 twice.
#[test]
fn months_are_not_added_to_their_annual_row() {
    let (stdout, stderr) = succeeds(
        tradestat()
            .args(["summary", "-r", "FRA", "--output", "json"])
            .arg(fixture("comext_annual_and_months.csv")),
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["year"], "2018");
    assert_eq!(rows[0]["exports"], 1200.0);
    // 2019 has only March: the growth compares unequal periods and the note says so.
    assert_eq!(rows[1]["exports"], 300.0);
    assert!(stderr.contains("2019 has 1 month(s) of data"), "{stderr}");
}
