//! `partners`: South Africa's partners in the real BACI extract, ranked as an independent sum
//! ranks them.

use super::*;

#[test]
fn partner_ranking_on_baci_matches_an_independent_sum() {
    let Some(real) = real_data() else { return };
    let mut rdr = csv::Reader::from_path(real.file("baci-extract/ExampleTradeData.csv")).unwrap();
    let mut by_j: HashMap<String, f64> = HashMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[1] == "710" {
            *by_j.entry(r[2].to_string()).or_default() +=
                r[4].trim().parse::<f64>().unwrap() * 1000.0;
        }
    }
    let mut expected: Vec<(String, f64)> = by_j.into_iter().collect();
    expected.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
    let rows = json_rows(&[
        "partners",
        real.file("baci-extract/ExampleTradeData.csv")
            .to_str()
            .unwrap(),
        "-r",
        "ZAF",
        "--by",
        "exports",
    ]);
    // 156 China, 699 India, 276 Germany lead South Africa's 2021 exports in this extract.
    let codes: Vec<&str> = rows.iter().take(3).map(|r| text(r, "partner")).collect();
    assert_eq!(codes, ["CHN", "IND", "DEU"]);
    assert_eq!(expected[0].0, "156");
    assert!(close(num(&rows[0], "exports").unwrap(), expected[0].1));
    let values: Vec<f64> = rows.iter().filter_map(|r| num(r, "exports")).collect();
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "ranking follows the values"
    );
}
