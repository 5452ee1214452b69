//! Eurostat Comext bulk files, old (19 columns) and current (18 columns): our own tiny fixtures.

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;

/// (fixture, variant, reporter column, value column).
const FILES: [(&str, &str, &str, &str); 2] = [
    (
        "comext_old.csv",
        "bulk (19 columns, to 2023)",
        "DECLARANT_ISO",
        "VALUE_IN_EUROS",
    ),
    (
        "comext_new.csv",
        "bulk (18 columns, full_v2)",
        "REPORTER",
        "VALUE_EUR",
    ),
];

/// The rows of a CSV file as column -> cell maps.
fn records(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// Eurostat ISO2 codes of the fixtures (Greece is EL) to ISO3.
fn iso3(iso2: &str) -> &'static str {
    match iso2 {
        "FR" => "FRA",
        "DE" => "DEU",
        "EL" => "GRC",
        "KZ" => "KAZ",
        "MX" => "MEX",
        other => panic!("unexpected country {other} in a fixture"),
    }
}

/// Canonical fields: (year, month, reporter, partner, flow, product, value).
type Row = (String, String, String, String, String, String, f64);

/// The canonical fields each source row must become, worked out here from the source
/// columns.
fn expected_rows(path: &Path, reporter: &str, value: &str) -> Vec<Row> {
    let partner = if reporter == "REPORTER" {
        "PARTNER"
    } else {
        "PARTNER_ISO"
    };
    records(path)
        .iter()
        .map(|r| {
            let period: u32 = r["PERIOD"].parse().unwrap();
            // YYYY52 is the annual total; YYYYMM a month.
            let month = match period % 100 {
                m @ 1..=12 => m.to_string(),
                52 => String::new(),
                m => panic!("unexpected period month {m}"),
            };
            let flow = match r["FLOW"].as_str() {
                "1" => "import",
                "2" => "export",
                f => panic!("unexpected flow {f}"),
            };
            (
                (period / 100).to_string(),
                month,
                iso3(&r[reporter]).to_string(),
                iso3(&r[partner]).to_string(),
                flow.to_string(),
                r["PRODUCT_NC"].clone(),
                r[value].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn inspect_names_the_layout_variant_countries_and_currency() {
    for (name, variant, _, value) in FILES {
        let file = fixture(name);
        let items = inspect_items(&[], &file);
        assert_eq!(items["layout"], format!("comext ({variant})"), "{name}");
        assert_eq!(count(&items["rows"]), count_records(&file, b','), "{name}");
        assert_eq!(items["years"], "2018, 2019", "{name}");
        let reporters = &items["reporters (3)"];
        for code in ["FRA", "DEU", "GRC"] {
            assert!(reporters.contains(code), "{name}: {reporters}");
        }
        assert!(!reporters.contains("EL"), "EL is Greece: {reporters}");
        let partners = &items["partners (2)"];
        assert!(
            partners.contains("KAZ") && partners.contains("MEX"),
            "{partners}"
        );
        assert_eq!(items["classifications"], "CN8: 6", "{name}");
        assert_eq!(items["product levels"], "8: 6", "{name}");
        assert_eq!(items["unresolved codes"], "none", "{name}");
        // The total in euros, as inspect rounds it (EUR 8,806,500 is €8.807M).
        let total = (sum_column(&file, b',', value, 1.0) / 1e3).round() / 1e3;
        assert_eq!(
            items["values"],
            format!("EUR: 6 rows, total €{total}M"),
            "{name}"
        );
    }
}

#[test]
fn convert_maps_periods_flows_countries_and_keeps_euros() {
    for (name, _, reporter, value) in FILES {
        let file = fixture(name);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        succeeds(
            tradestat()
                .args(["convert", "--quiet"])
                .arg(&file)
                .arg("-o")
                .arg(&out),
        );
        let rows = records(&out);
        let mut actual: Vec<_> = rows
            .iter()
            .map(|r| {
                assert_eq!(r["currency"], "EUR", "{name}: {r:?}");
                assert_eq!(r["classification"], "CN8", "{name}: {r:?}");
                assert_eq!(r["product_level"], "8", "{name}: {r:?}");
                assert_eq!(r["reconciled"], "false", "{name}: {r:?}");
                (
                    r["year"].clone(),
                    r["month"].clone(),
                    r["reporter"].clone(),
                    r["partner"].clone(),
                    r["flow"].clone(),
                    r["product"].clone(),
                    r["value"].parse::<f64>().unwrap(),
                )
            })
            .collect();
        let mut expected = expected_rows(&file, reporter, value);
        let key = |a: &Row, b: &Row| a.partial_cmp(b).unwrap();
        actual.sort_by(key);
        expected.sort_by(key);
        assert_eq!(actual, expected, "{name}");
        // Both periods are there: 201852 is annual (no month), 201903 is March 2019.
        assert!(actual.iter().any(|r| r.0 == "2018" && r.1.is_empty()));
        assert!(actual.iter().any(|r| r.0 == "2019" && r.1 == "3"));
        assert!(actual.iter().any(|r| r.2 == "GRC"));
        assert_close(
            sum_column(&out, b',', "value", 1.0),
            sum_column(&file, b',', value, 1.0),
            name,
        );
    }
}
