//! Products people can read: HS names in the edition of each file, the categories the seed
//! documents name, end-use (BEC) groups and HS editions harmonised.

use std::collections::HashMap;

use crate::analysis::{json_rows, text};
use crate::common::*;

/// Canonical rows: one code in several editions, each row a product of KAZ's exports to MEX.
fn canonical(dir: &std::path::Path, rows: &[(&str, &str, f64)]) -> std::path::PathBuf {
    let mut csv = String::from("year,reporter,partner,flow,product,classification,value\n");
    for (code, cls, v) in rows {
        csv.push_str(&format!("2021,KAZ,MEX,export,{code},{cls},{v}\n"));
    }
    let path = dir.join("products.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// A product without a name in the data takes the name of its code in the edition of its row:
/// the HS92 name from CEPII's HS92 list (the committed excerpt), the HS2017 name from the
/// HS17 list where the real files are there; `HS` (edition unknown) the newest edition's.
#[test]
fn names_follow_the_edition_of_each_file() {
    let hs92: HashMap<String, String> =
        code_pairs(&excerpt("baci-codes/product_codes_HS92_V202401.csv"))
            .into_iter()
            .collect();
    // Two codes of the excerpt, as HS92 rows, and one with an unstated edition.
    let mut codes: Vec<&String> = hs92.keys().collect();
    codes.sort();
    let (a, b) = (codes[3].as_str(), codes[100].as_str());
    let dir = tempfile::tempdir().unwrap();
    let file = canonical(
        dir.path(),
        &[(a, "H0", 300.0), (b, "H0", 200.0), ("851713", "HS", 100.0)],
    );
    let rows = json_rows(&["top", file.to_str().unwrap(), "-n", "0"]);
    let name = |code: &str| {
        rows.iter()
            .find(|r| text(r, "code") == code)
            .map(|r| text(r, "name").to_string())
            .unwrap()
    };
    assert_eq!(name(a), hs92[a]);
    assert_eq!(name(b), hs92[b]);
    // Smartphones exist from HS2022 on: the newest edition names them.
    assert!(name("851713").contains("smartphones"), "{rows:?}");

    let Some(real) = real_data() else { return };
    let hs17: HashMap<String, String> =
        code_pairs(&real.file("baci-codes/product_codes_HS17_V202401.csv"))
            .into_iter()
            .collect();
    let hs92_full: HashMap<String, String> =
        code_pairs(&real.file("baci-codes/product_codes_HS92_V202401.csv"))
            .into_iter()
            .collect();
    // 870323 is worded differently in the two lists; the same code in two files of two editions.
    assert_ne!(hs17["870323"], hs92_full["870323"]);
    for (cls, want) in [("H0", &hs92_full["870323"]), ("H5", &hs17["870323"])] {
        let file = canonical(dir.path(), &[("870323", cls, 10.0)]);
        let rows = json_rows(&["top", file.to_str().unwrap()]);
        assert_eq!(text(&rows[0], "name"), want.as_str(), "{cls}");
    }
    // A heading is named as a heading (not by one of its subheadings), from the HS file.
    let hs = std::fs::read_to_string(real.file("harmonized-system/harmonized-system.csv")).unwrap();
    let heading = csv::Reader::from_reader(hs.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[1] == "8703")
        .unwrap()[2]
        .to_string();
    let file = canonical(dir.path(), &[("870323", "H5", 10.0), ("870324", "H5", 5.0)]);
    let rows = json_rows(&["composition", file.to_str().unwrap(), "--group", "heading"]);
    assert_eq!(text(&rows[0], "label"), heading);
}
