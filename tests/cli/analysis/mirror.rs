//! `mirror`: gaps between exporter's and importer's declarations, by hand on our fixture, and a
//! refusal when only one side is in the data.

use super::*;

#[test]
fn mirror_gaps_match_hand_computation() {
    let small = fixture("small_bilateral.csv");
    let rows = json_rows(&[
        "mirror",
        small.to_str().unwrap(),
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--years",
        "2020",
        "--cif-fob",
        "1.05",
    ]);
    let kaz_mex = rows
        .iter()
        .find(|r| text(r, "exporter") == "KAZ")
        .expect("KAZ -> MEX");
    assert_eq!(num(kaz_mex, "exporter_value"), Some(400.0));
    assert_eq!(num(kaz_mex, "importer_value"), Some(430.0));
    assert!(close(num(kaz_mex, "gap").unwrap(), 430.0 - 420.0));
    assert!(close(num(kaz_mex, "gap_pct").unwrap(), 10.0 / 420.0));
    let mex_kaz = rows.iter().find(|r| text(r, "exporter") == "MEX").unwrap();
    assert!(close(num(mex_kaz, "gap").unwrap(), 200.0 - 210.0));
    // Ranked by absolute gap, ties by year, exporter, importer.
    assert_eq!(text(&rows[0], "exporter"), "KAZ");
}

#[test]
fn mirror_without_both_sides_is_refused() {
    let Some(real) = real_data() else { return };
    let err = fails(
        tradestat()
            .args(["mirror", "-q"])
            .arg(real.file("comtrade-legacy/h3_china_india.csv")),
    );
    assert!(err.contains("both sides"), "{err}");
}
