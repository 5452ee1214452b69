//! `compare --years A,B`: the seed's turnover change from 2014 to 2018.

use super::*;

#[test]
fn seed_compare_turnover_change() {
    let rows = json_rows(&["compare", "--years", "2014,2018"]);
    let turnover = rows
        .iter()
        .find(|r| text(r, "measure") == "turnover")
        .expect("a turnover row");
    assert_eq!(num(turnover, "2014"), Some(121_400_000.0));
    assert_eq!(num(turnover, "2018"), Some(23_000_000.0));
    let pct = num(turnover, "change_pct").unwrap();
    assert!(close(pct, (23.0 - 121.4) / 121.4), "{pct}");
    let (stdout, _) = succeeds(tradestat().args(["compare", "--years", "2014,2018", "-q"]));
    assert!(stdout.contains("-81.1%"), "{stdout}");
}
