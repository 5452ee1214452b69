//! BACI's code tables as inputs, from the committed excerpts in `tests/data/baci-codes/` (real
//! CEPII V202401 lists): every BACI country code resolves to the table's ISO3 code, and `inspect`
//! names the tables it was given. Runs in a plain clone: the BACI rows are generated here.

use std::collections::HashMap;

use crate::common::*;

const COUNTRIES: &str = "baci-codes/country_codes_V202401.csv";
const PRODUCTS: &str = "baci-codes/product_codes_HS92_V202401.csv";

/// One BACI row per code of the country table: that code exports to the next code of the table
/// (the last to the first), product 010121, US$ 1,000 times the row's number (so each row has
/// its own value).
fn one_row_per_country(codes: &[(String, String)]) -> Vec<BaciRow> {
    (0..codes.len())
        .map(|n| BaciRow {
            t: 2021,
            i: codes[n].0.parse().expect("a numeric BACI code"),
            j: codes[(n + 1) % codes.len()].0.parse().unwrap(),
            k: "010121".into(),
            usd: 1000 * (n as u64 + 1),
            q: None,
        })
        .collect()
}

/// The canonical rows written by `convert`: value -> (reporter, partner, flow).
fn converted(out: &std::path::Path) -> HashMap<u64, (String, String, String)> {
    let mut rdr = csv::Reader::from_path(out).unwrap();
    let h = rdr.headers().unwrap().clone();
    let idx = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (rep, par, flow, val) = (idx("reporter"), idx("partner"), idx("flow"), idx("value"));
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let v: f64 = r[val].parse().unwrap();
            (
                v.round() as u64,
                (r[rep].to_string(), r[par].to_string(), r[flow].to_string()),
            )
        })
        .collect()
}

#[test]
fn every_baci_country_code_resolves_to_its_iso3_code() {
    let table = excerpt(COUNTRIES);
    let codes = code_pairs(&table);
    assert_eq!(codes.len(), 238);
    let iso: HashMap<&str, &str> = codes
        .iter()
        .map(|(c, i)| (c.as_str(), i.as_str()))
        .collect();
    // BACI's own codes where they differ from ISO 3166 numeric, and its areas.
    for (code, want) in [
        ("251", "FRA"),
        ("579", "NOR"),
        ("699", "IND"),
        ("757", "CHE"),
        ("842", "USA"),
        ("490", "S19"),
    ] {
        assert_eq!(iso[code], want, "{code} in {COUNTRIES}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("BACI_HS92_Y2021_V202401.csv");
    let rows = one_row_per_country(&codes);
    write_baci(&file, &rows);

    // Our built-in table alone, then with BACI's table among the inputs: the same canonical rows.
    let out = dir.path().join("out.csv");
    succeeds(
        tradestat()
            .args(["convert", "-q"])
            .arg(&file)
            .arg("-o")
            .arg(&out),
    );
    let with_table = dir.path().join("with_table.csv");
    succeeds(
        tradestat()
            .args(["convert", "-q"])
            .arg(&file)
            .arg(&table)
            .arg("-o")
            .arg(&with_table),
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&with_table).unwrap(),
        "the country table changes nothing our own table resolves"
    );
    let got = converted(&out);
    assert_eq!(got.len(), rows.len());
    let mut wrong = Vec::new();
    for r in &rows {
        let (i, j) = (r.i.to_string(), r.j.to_string());
        let want = (iso[i.as_str()].to_string(), iso[j.as_str()].to_string());
        let (reporter, partner, flow) = &got[&r.usd];
        assert_eq!(flow, "export", "{i} -> {j}");
        if (reporter, partner) != (&want.0, &want.1) {
            wrong.push(format!(
                "{i} -> {j}: got {reporter} -> {partner}, the table says {} -> {}",
                want.0, want.1
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let items = inspect_items(&[], &file);
    assert_eq!(items["unresolved codes"], "none");
}

#[test]
fn inspect_names_the_code_tables_among_the_inputs() {
    let countries = excerpt(COUNTRIES);
    let products = excerpt(PRODUCTS);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("BACI_HS92_Y2021_V202401.csv");
    write_baci(&file, &one_row_per_country(&code_pairs(&countries)));
    let (stdout, _) = succeeds(
        tradestat()
            .args(["inspect", "-q"])
            .arg(&file)
            .arg(&countries)
            .arg(&products),
    );
    for (table, what) in [
        (&countries, "238 country codes"),
        (&products, "201 product names"),
    ] {
        let line = format!("{}: BACI code table ({what})", table.display());
        assert!(stdout.contains(&line), "no '{line}' in:\n{stdout}");
    }
    // Code tables alone are not trade data.
    let err = fails(tradestat().args(["summary", "-q"]).arg(&countries));
    assert!(err.contains("code tables only"), "{err}");
}
