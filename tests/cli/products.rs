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

/// The seed report's "What is traded": every category the seed documents name, in their words,
/// under the flow and year its source states, cited, with its HS codes and the sections of
/// those codes as the HS file gives them.
#[test]
fn the_seed_report_says_what_is_traded() {
    let tmp = tempfile::tempdir().unwrap();
    succeeds(tradestat().current_dir(tmp.path()).args(["report", "-q"]));
    let dir = tmp.path().join("report");
    // The categories of data/seed.csv, read here as plain CSV.
    let seed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/seed.csv")).unwrap();
    let named: Vec<(String, String, String, String)> = csv::Reader::from_reader(seed.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r[7].is_empty() && r[9].is_empty())
        .map(|r| (r[0].into(), r[2].into(), r[4].into(), r[6].into()))
        .collect();
    assert_eq!(named.len(), 17);
    // Chapter -> section, from the committed excerpt of the HS file (every chapter is in it).
    let hs = std::fs::read_to_string(excerpt("harmonized-system/harmonized-system.csv")).unwrap();
    let section: HashMap<String, String> = csv::Reader::from_reader(hs.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[4] == "2")
        .map(|r| (r[1].to_string(), r[0].to_string()))
        .collect();
    let table = std::fs::read_to_string(dir.join("tables/what-is-traded.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(table.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows.len(), named.len(), "{table}");
    for (row, (year, reporter, flow, name)) in rows.iter().zip(&named) {
        assert_eq!(&row[0], year);
        assert_eq!(&row[2], name);
        let stated = match (reporter.as_str(), flow.as_str()) {
            ("KAZ", "import") => "Kazakhstan's imports from Mexico",
            ("MEX", "export") => "Mexico's exports to Kazakhstan",
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(&row[1], stated);
        // Every code's section, as the HS file files its chapter, is listed.
        let codes: Vec<&str> = row[3].split(", ").collect();
        assert!(!codes.is_empty() && codes.iter().all(|c| c.len() == 2 || c.len() == 4));
        for c in codes {
            let roman = &section[&c[..2]];
            assert!(
                row[4]
                    .split("; ")
                    .any(|s| s.split(' ').next() == Some(roman)),
                "{name}: {c} is in section {roman}, table says {}",
                &row[4]
            );
        }
    }
    // The words are cited to the document they come from.
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let sentence = md
        .lines()
        .find(|l| l.contains("goods in Mexico's exports to Kazakhstan in 2018"))
        .expect("a sentence on 2018");
    assert!(sentence.contains("tractors") && sentence.contains("chemical products"));
    let note = sentence
        .split("chemical products.[^")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("a footnote after the list");
    let footnote = md
        .lines()
        .find(|l| l.starts_with(&format!("[^{note}]:")))
        .expect("the footnote");
    assert!(footnote.contains("000_f17b33383c21b252.txt"), "{footnote}");
    // Across the years: "molybdenum ores" (2014) and "molybdenum ore" (2018) are one category
    // under HS 2613, with both years and the source of each name; so are the medical goods.
    let across =
        std::fs::read_to_string(dir.join("tables/what-is-traded-across-years.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(across.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    let moly: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "2613").collect();
    assert_eq!(moly.len(), 1, "{across}");
    assert_eq!(&moly[0][0], "molybdenum ores / molybdenum ore");
    assert_eq!(&moly[0][2], "2014, 2018");
    assert_eq!(&moly[0][3], "molybdenum ores (2014), molybdenum ore (2018)");
    // Each name's source, as data/seed.csv gives it for the name.
    let source_of = |name: &str| {
        csv::Reader::from_reader(seed.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .find(|r| &r[6] == name)
            .map(|r| r[r.len() - 1].to_string())
            .unwrap()
    };
    for name in ["molybdenum ores", "molybdenum ore"] {
        assert!(moly[0][4].contains(&source_of(name)), "{name}: {across}");
    }
    assert!(
        rows.iter()
            .any(|r| &r[0] == "medical devices / medical equipment"),
        "{across}"
    );
    // Cars (8703) and "cars and other motor vehicles" (8702-8705) are not the same goods.
    assert!(!rows.iter().any(|r| r[0].contains("cars")), "{across}");
    assert!(
        md.contains("molybdenum ores / molybdenum ore (HS 2613"),
        "{md}"
    );
}

/// The end-use classes of BEC Rev.4's basic categories (UN Statistical Papers M/53/Rev.4):
/// what the test checks tradestat against, written from the publication.
const CAPITAL: [&str; 2] = ["41", "521"];
const INTERMEDIATE: [&str; 8] = ["111", "121", "21", "22", "31", "322", "42", "53"];
const CONSUMPTION: [&str; 6] = ["112", "122", "522", "61", "62", "63"];

fn end_use_of(bec: &str) -> &'static str {
    if CAPITAL.contains(&bec) {
        "capital"
    } else if INTERMEDIATE.contains(&bec) {
        "intermediate"
    } else if CONSUMPTION.contains(&bec) {
        "consumption"
    } else {
        "unassigned"
    }
}

/// A few codes whose BEC category the UNSD HS2017 table states (spot checks of its
/// SOURCE.txt and its lines): a capital good, a consumption good, motor spirit and cars
/// (no end use), and monetary gold (outside BEC), with no other file needed.
#[test]
fn end_use_groups_hs_codes() {
    let dir = tempfile::tempdir().unwrap();
    // 847130 laptops (41), 300490 medicaments (63), 271012 light oils (32), 870323 cars (51),
    // 710820 monetary gold (outside BEC), as HS2017 rows.
    let file = canonical(
        dir.path(),
        &[
            ("847130", "H5", 500.0),
            ("300490", "H5", 300.0),
            ("271012", "H5", 100.0),
            ("870323", "H5", 60.0),
            ("710820", "H5", 40.0),
        ],
    );
    let rows = json_rows(&[
        "composition",
        file.to_str().unwrap(),
        "--group",
        "end-use",
        "--flow",
        "exports",
    ]);
    let got: HashMap<&str, f64> = rows
        .iter()
        .map(|r| (text(r, "group"), r["value"].as_f64().unwrap()))
        .collect();
    let want = HashMap::from([
        ("capital", 500.0),
        ("consumption", 300.0),
        ("unassigned", 160.0),
        ("unknown", 40.0),
    ]);
    assert_eq!(got, want, "{rows:?}");
    let shares: f64 = rows.iter().map(|r| r["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-12);
}

/// Generated rows over every HS2017 subheading of the UNSD HS2017-to-BEC table: the end-use
/// totals equal those computed here from the table itself (a code in categories of several
/// end uses counted as `several`), and so do the BEC top-level totals.
#[test]
fn end_use_totals_match_the_unsd_table() {
    let Some(real) = real_data() else { return };
    let table = std::fs::read_to_string(real.file("hs-concordance/hs2017_to_bec.csv")).unwrap();
    let mut bec: HashMap<String, Vec<String>> = HashMap::new();
    for r in csv::Reader::from_reader(table.as_bytes()).records() {
        let r = r.unwrap();
        bec.entry(r[0].to_string())
            .or_default()
            .push(r[1].to_string());
    }
    let mut codes: Vec<&String> = bec.keys().collect();
    codes.sort();
    let mut rng = Rng::new(17);
    let mut picked: Vec<(&str, f64)> = Vec::new();
    for c in &codes {
        if rng.below(10) == 0 {
            picked.push((c.as_str(), (1 + rng.below(1_000_000)) as f64));
        }
    }
    assert!(picked.len() > 400);
    let one = |groups: Vec<String>| -> String {
        if groups.iter().all(|g| g == &groups[0]) {
            groups[0].clone()
        } else {
            "several".into()
        }
    };
    let mut use_want: HashMap<String, f64> = HashMap::new();
    let mut top_want: HashMap<String, f64> = HashMap::new();
    for (code, v) in &picked {
        let b = &bec[*code];
        let u = one(b.iter().map(|b| end_use_of(b).to_string()).collect());
        let t = one(b.iter().map(|b| b[..1].to_string()).collect());
        *use_want.entry(u).or_default() += v;
        *top_want.entry(t).or_default() += v;
    }
    let rows: Vec<(&str, &str, f64)> = picked.iter().map(|(c, v)| (*c, "H5", *v)).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = canonical(dir.path(), &rows);
    for (group, want) in [("end-use", &use_want), ("bec", &top_want)] {
        let out = json_rows(&["composition", file.to_str().unwrap(), "--group", group]);
        let got: HashMap<String, f64> = out
            .iter()
            .map(|r| (text(r, "group").to_string(), r["value"].as_f64().unwrap()))
            .collect();
        assert_eq!(got.len(), want.len(), "{group}: {got:?} {want:?}");
        for (k, v) in want {
            assert!(
                (got[k] - v).abs() < 1e-6 * v.max(1.0),
                "{group} {k}: {} {v}",
                got[k]
            );
        }
    }
}

/// Canonical rows of KAZ's exports to MEX: (year, code, classification, value).
fn panel(dir: &std::path::Path, rows: &[(i32, &str, &str, f64)]) -> std::path::PathBuf {
    let mut csv = String::from("year,reporter,partner,flow,product,classification,value\n");
    for (year, code, cls, v) in rows {
        csv.push_str(&format!("{year},KAZ,MEX,export,{code},{cls},{v}\n"));
    }
    let path = dir.join("panel.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// A panel of an HS2017 year and an HS2022 year, harmonised to HS2017: the HS2022 phones
/// (851713 smartphones, 851714 other; UNSD converts both to 851712) are one product again, the
/// totals do not move, and to HS2022 the split code keeps its edition and is named.
#[test]
fn hs_editions_are_harmonised() {
    let dir = tempfile::tempdir().unwrap();
    let file = panel(
        dir.path(),
        &[
            (2018, "851712", "H5", 100.0),
            (2018, "870323", "H5", 50.0),
            (2022, "851713", "H6", 70.0),
            (2022, "851714", "H6", 30.0),
            (2022, "870323", "H6", 20.0),
        ],
    );
    let f = file.to_str().unwrap();
    let top = json_rows(&["top", f, "--years", "2022", "--hs-edition", "HS2017"]);
    let got: Vec<(&str, f64)> = top
        .iter()
        .map(|r| (text(r, "code"), r["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(got, [("851712", 100.0), ("870323", 20.0)]);
    assert!(text(&top[0], "name").starts_with("Telephones for cellular networks"));
    let plain = json_rows(&["summary", f]);
    let harmonised = json_rows(&["summary", f, "--hs-edition", "H5"]);
    assert_eq!(plain, harmonised, "totals do not move");
    // To HS2022: 851712 has several counterparts (851713, 851714, ...). It becomes the group
    // of codes that maps exactly, and the 2022 rows of those codes join the same group: the two
    // years compare, the totals stay, and a note counts the codes and value of every rule.
    let mut groups = Vec::new();
    for year in ["2018", "2022"] {
        let (out, err) = succeeds(tradestat().args([
            "top",
            f,
            "-n",
            "0",
            "--years",
            year,
            "--hs-edition",
            "H6",
            "--output",
            "json",
        ]));
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&out).unwrap();
        let group = rows
            .iter()
            .find(|r| text(r, "code").contains("851713+851714"))
            .unwrap_or_else(|| panic!("{rows:?}"));
        assert_eq!(group["value"].as_f64(), Some(100.0), "{rows:?}");
        assert!(text(group, "name").starts_with("Group of"), "{group:?}");
        groups.push(text(group, "code").to_string());
        assert!(err.contains("HS conversion by rule:"), "{err}");
    }
    assert_eq!(groups[0], groups[1], "the same group in both years");
    let (_, err) = succeeds(tradestat().args(["summary", f, "--hs-edition", "H6"]));
    assert!(
        err.contains("grouped (1:n, n:n) 3 codes into 1 group ($200)"),
        "{err}"
    );
    assert_eq!(
        json_rows(&["summary", f]),
        json_rows(&["summary", f, "--hs-edition", "H6"]),
        "totals do not move"
    );
    // Split with equal weights on request: the 2018 value shared among the counterparts.
    let (out, err) = succeeds(tradestat().args([
        "top",
        f,
        "-n",
        "0",
        "--years",
        "2018",
        "--hs-edition",
        "H6",
        "--hs-split",
        "equal",
        "--output",
        "json",
    ]));
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&out).unwrap();
    assert!(rows.len() > 2, "{rows:?}");
    assert!(rows.iter().all(|r| text(r, "code").len() == 6), "{rows:?}");
    let sum: f64 = rows.iter().map(|r| r["value"].as_f64().unwrap()).sum();
    assert!((sum - 150.0).abs() < 1e-9, "{sum}");
    assert!(err.contains("split (1:n, n:n) 1 code ($100)"), "{err}");
    assert!(err.contains("equally"), "{err}");
    // Chapters and headings cannot be harmonised: refused, naming them.
    let mixed = panel(
        dir.path(),
        &[(2018, "8517", "H5", 1.0), (2018, "851712", "H5", 1.0)],
    );
    let err = fails(tradestat().args(["top", mixed.to_str().unwrap(), "--hs-edition", "H6"]));
    assert!(err.contains("8517") && err.contains("six digits"), "{err}");
    let err = fails(tradestat().args(["top", f, "--hs-edition", "HS2000"]));
    assert!(err.contains("HS2000"), "{err}");
}

/// Every HS2022 code of a generated file goes, with `--hs-edition H5`, to the code UNSD's
/// HS2022-HS2017 conversion table gives it: the values by code equal those summed here from
/// the table.
#[test]
fn harmonised_codes_follow_the_unsd_conversion_table() {
    let Some(real) = real_data() else { return };
    let table = std::fs::read_to_string(real.file("hs-concordance/hs2022_to_hs2017.csv")).unwrap();
    let mut conversion: Vec<(String, String)> = csv::Reader::from_reader(table.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[3] == "1")
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    conversion.sort();
    assert_eq!(conversion.len(), 5613);
    let mut rng = Rng::new(22);
    let mut rows = Vec::new();
    let mut want: HashMap<String, f64> = HashMap::new();
    for (from, to) in &conversion {
        if rng.below(8) == 0 {
            let v = (1 + rng.below(1_000_000)) as f64;
            rows.push((2022, from.as_str(), "H6", v));
            *want.entry(to.clone()).or_default() += v;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = panel(dir.path(), &rows);
    let out = json_rows(&[
        "top",
        file.to_str().unwrap(),
        "-n",
        "0",
        "--hs-edition",
        "H5",
    ]);
    let got: HashMap<String, f64> = out
        .iter()
        .map(|r| (text(r, "code").to_string(), r["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(got, want);
}

/// BACI rows carry no names: both engines name a `profile`'s top products in the edition the
/// file name states, so the same code reads differently in an HS92 and an HS17 file.
#[test]
fn both_engines_name_baci_products_in_the_file_edition() {
    let dir = tempfile::tempdir().unwrap();
    let name_in = |file: &str| -> String {
        let path = dir.path().join(file);
        std::fs::copy(fixture("baci_small.csv"), &path).unwrap();
        let mut names = Vec::new();
        for engine in [&[][..], &["--engine", "general"][..]] {
            let (out, _) = succeeds(
                tradestat()
                    .arg("profile")
                    .arg(&path)
                    .args(["-r", "4", "-p", "ZAF", "--output", "json", "-q"])
                    .args(engine),
            );
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let top = &v["top_products"][0];
            assert_eq!(top["product"], "870323", "{v}");
            names.push(top["name"].as_str().unwrap().to_string());
        }
        assert_eq!(names[0], names[1], "both engines");
        names.remove(0)
    };
    let hs92 = name_in("BACI_HS92_Y2021_V202401.csv");
    let hs17 = name_in("BACI_HS17_Y2021_V202401.csv");
    assert_ne!(hs92, hs17);
    assert!(hs17.contains("with only spark-ignition"), "{hs17}");
    let table: HashMap<String, String> =
        code_pairs(&excerpt("baci-codes/product_codes_HS92_V202401.csv"))
            .into_iter()
            .collect();
    if let Some(official) = table.get("870323") {
        assert_eq!(&hs92, official);
    }
}

/// Five pairs of `hs-concordance/SOURCE.txt`'s spot checks, through `top --hs-edition`: HS2022
/// 851713 and 851714 land in HS2017 851712, 300241 in 300220, 854911 (e-waste) in 854810,
/// 382211 in 300211 (its conversion target), and to HS1992 010121 in 010111. Where the real
/// table is there, each pair is checked against it too.
#[test]
fn five_pairs_of_the_concordance_land_where_unsd_says() {
    let pairs = [
        ("851713", "851712"),
        ("851714", "851712"),
        ("300241", "300220"),
        ("854911", "854810"),
        ("382211", "300211"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<(i32, &str, &str, f64)> = pairs
        .iter()
        .enumerate()
        .map(|(i, (from, _))| (2022, *from, "H6", 10.0 * (i + 1) as f64))
        .collect();
    let file = panel(dir.path(), &rows);
    let f = file.to_str().unwrap();
    let top = json_rows(&["top", f, "-n", "0", "--hs-edition", "2017"]);
    let got: HashMap<String, f64> = top
        .iter()
        .map(|r| (text(r, "code").to_string(), r["value"].as_f64().unwrap()))
        .collect();
    let mut want: HashMap<String, f64> = HashMap::new();
    for (i, (_, to)) in pairs.iter().enumerate() {
        *want.entry(to.to_string()).or_default() += 10.0 * (i + 1) as f64;
    }
    assert_eq!(got, want);
    let file = panel(dir.path(), &[(2022, "010121", "H6", 5.0)]);
    let top = json_rows(&["top", file.to_str().unwrap(), "--hs-edition", "HS92"]);
    assert_eq!(text(&top[0], "code"), "010111");

    let Some(real) = real_data() else { return };
    for (edition, list) in [("2017", &pairs[..]), ("1992", &[("010121", "010111")][..])] {
        let table = std::fs::read_to_string(
            real.file(&format!("hs-concordance/hs2022_to_hs{edition}.csv")),
        )
        .unwrap();
        let conversion: HashMap<String, String> = csv::Reader::from_reader(table.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .filter(|r| &r[3] == "1")
            .map(|r| (r[0].to_string(), r[1].to_string()))
            .collect();
        for (from, to) in list {
            assert_eq!(conversion[*from], *to, "HS2022 {from} to HS{edition}");
        }
    }
}

/// The BACI extract (HS92 codes) converted to HS2022 and back to HS1992 keeps its total to the
/// cent; both ways the codes with several counterparts are groups of them, and on the way back
/// the HS2022 groups become HS1992 groups: every row is HS1992 again.
#[test]
fn the_baci_extract_goes_to_hs2022_and_back_to_the_cent() {
    let Some(real) = real_data() else { return };
    let input = real.file("baci-extract/ExampleTradeData.csv");
    let before = sum_column(&input, b',', "v", 1000.0);
    let dir = tempfile::tempdir().unwrap();
    let h6 = dir.path().join("h6.csv");
    let back = dir.path().join("back.csv");
    let (_, forward) = succeeds(
        tradestat()
            .arg("convert")
            .arg(&input)
            .args(["--classification", "H0", "--hs-edition", "H6", "-o"])
            .arg(&h6),
    );
    assert!(forward.contains("HS conversion by rule:"), "{forward}");
    let (_, err) = succeeds(
        tradestat()
            .arg("convert")
            .arg(&h6)
            .args(["--hs-edition", "H0", "-o"])
            .arg(&back),
    );
    assert!(err.contains("unconverted 0 codes"), "{err}");
    let cents = |v: f64| (v * 100.0).round() as i64;
    for file in [&h6, &back] {
        assert_eq!(
            cents(sum_column(file, b',', "value", 1.0)),
            cents(before),
            "{}",
            file.display()
        );
    }
    // In HS2022 every row is H6: a six-digit code or a group of them (HS1992 codes with
    // several HS2022 counterparts, and the HS2022 codes of their groups), but the codes the
    // UNSD tables do not know, which keep HS1992 and are counted in a note.
    let text = std::fs::read_to_string(&h6).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (product, cls) = (at("product"), at("classification"));
    let mut groups = 0;
    let mut kept = std::collections::BTreeSet::new();
    for r in rdr.records().map(|r| r.unwrap()) {
        if &r[cls] == "H0" {
            kept.insert(r[product].to_string());
            continue;
        }
        assert_eq!(&r[cls], "H6", "{r:?}");
        let codes: Vec<&str> = r[product].split('+').collect();
        assert!(codes.iter().all(|c| c.len() == 6), "{r:?}");
        groups += usize::from(codes.len() > 1);
    }
    let unconverted = format!("unconverted {} code", kept.len());
    assert!(forward.contains(&unconverted), "{unconverted}: {forward}");
    assert!(kept.len() < 10, "{kept:?}");
    assert!(groups > 0);
    let text = std::fs::read_to_string(&back).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut groups = 0;
    for r in rdr.records().map(|r| r.unwrap()) {
        assert_eq!(&r[cls], "H0", "{r:?}");
        let codes: Vec<&str> = r[product].split('+').collect();
        assert!(codes.iter().all(|c| c.len() == 6), "{r:?}");
        groups += usize::from(codes.len() > 1);
    }
    assert!(groups > 0);
}

/// Years of different HS editions compared (`composition` over years, `compare`): harmonised
/// to the later edition by default, with a note; `--hs-edition` names another. HS2017 300211
/// (chapter 30) is HS2022 382211 (chapter 38), and 851712 the group of 851713, 851714, ...
#[test]
fn years_of_different_editions_compare_in_the_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = panel(
        dir.path(),
        &[
            (2018, "300211", "H5", 50.0),
            (2018, "851712", "H5", 100.0),
            (2022, "382211", "H6", 40.0),
            (2022, "851713", "H6", 70.0),
            (2022, "851714", "H6", 30.0),
        ],
    );
    let f = file.to_str().unwrap();
    let by_chapter = |extra: &[&str]| -> (Vec<(String, String, f64)>, String) {
        let (out, err) = succeeds(
            tradestat()
                .args(["composition", f, "--group", "chapter", "--output", "json"])
                .args(extra),
        );
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&out).unwrap();
        let mut got: Vec<(String, String, f64)> = rows
            .iter()
            .map(|r| {
                (
                    text(r, "year").to_string(),
                    text(r, "group").to_string(),
                    r["value"].as_f64().unwrap(),
                )
            })
            .collect();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (got, err)
    };
    let (got, err) = by_chapter(&[]);
    let want = |a: &str| {
        vec![
            ("2018".to_string(), a.to_string(), 50.0),
            ("2018".into(), "85".into(), 100.0),
            ("2022".into(), a.to_string(), 40.0),
            ("2022".into(), "85".into(), 100.0),
        ]
    };
    assert_eq!(got, want("38"), "{err}");
    assert!(
        err.contains(
            "different HS editions (H5 (HS2017), H6 (HS2022)): codes harmonised to the later, H6"
        ),
        "{err}"
    );
    assert!(
        err.contains("grouped (1:n, n:n) 3 codes into 1 group ($200)"),
        "{err}"
    );
    // --hs-edition overrides: in HS2017, 382211 is 300211 (chapter 30); no note on years.
    let (got, err) = by_chapter(&["--hs-edition", "2017"]);
    assert_eq!(got, want("30"), "{err}");
    assert!(!err.contains("different HS editions"), "{err}");
    // compare says so too, and its per-chapter rows are of the later edition.
    let (out, err) =
        succeeds(tradestat().args(["compare", f, "--years", "2018,2022", "--output", "csv"]));
    assert!(err.contains("codes harmonised to the later, H6"), "{err}");
    assert!(
        out.contains("\n38 Miscellaneous chemical products,50,40,"),
        "{out}"
    );
    // The compare chart and the report, too.
    let svg = dir.path().join("c.svg");
    let (_, err) = succeeds(
        tradestat()
            .args(["chart", "compare", f, "--years", "2018,2022", "-o"])
            .arg(&svg),
    );
    assert!(err.contains("codes harmonised to the later, H6"), "{err}");
    let report = dir.path().join("r");
    succeeds(tradestat().args(["report", f, "-q", "-o"]).arg(&report));
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    assert!(md.contains("codes harmonised to the later, H6"), "{md}");
    // One edition: nothing to harmonise, no note.
    let one = panel(
        dir.path(),
        &[(2018, "300211", "H5", 5.0), (2019, "300211", "H5", 6.0)],
    );
    let (_, err) =
        succeeds(tradestat().args(["compare", one.to_str().unwrap(), "--years", "2018,2019"]));
    assert!(
        !err.contains("HS editions") && !err.contains("harmonised"),
        "{err}"
    );
}

/// `--categories FILE`: the user's categories (name, HS code prefixes) group the products of
/// every analysis (composition, top, the chart, the report); codes in none are kept as
/// "uncategorised" and named in a counted warning; the totals do not move.
#[test]
fn user_categories_group_every_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let file = panel(
        dir.path(),
        &[
            (2018, "851712", "H5", 100.0),
            (2018, "851762", "H5", 10.0),
            (2018, "870323", "H5", 50.0),
            (2018, "870324", "H5", 5.0),
            (2018, "260700", "H5", 7.0),
        ],
    );
    let f = file.to_str().unwrap();
    let cats = dir.path().join("cats.csv");
    std::fs::write(
        &cats,
        "category,hs\nPhones,851712 851713\nCars & SUVs,8703\n",
    )
    .unwrap();
    let c = cats.to_str().unwrap();
    let (out, err) = succeeds(tradestat().args([
        "composition",
        f,
        "--group",
        "category",
        "--categories",
        c,
        "--output",
        "json",
    ]));
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&out).unwrap();
    let got: HashMap<String, (String, f64)> = rows
        .iter()
        .map(|r| {
            (
                text(r, "group").to_string(),
                (text(r, "label").to_string(), r["value"].as_f64().unwrap()),
            )
        })
        .collect();
    assert_eq!(got["phones"], ("Phones".to_string(), 100.0));
    assert_eq!(got["cars-suvs"], ("Cars & SUVs".to_string(), 55.0));
    assert_eq!(got["uncategorised"].1, 17.0);
    assert_eq!(
        got.values().map(|v| v.1).sum::<f64>(),
        172.0,
        "nothing dropped"
    );
    assert!(
        err.contains("warning: 2 product codes (2 rows, $17) in no category of")
            && err.contains("260700, 851762"),
        "{err}"
    );
    // top ranks the categories.
    let top = json_rows(&["top", f, "--categories", c]);
    let ranked: Vec<(&str, f64)> = top
        .iter()
        .map(|r| (text(r, "code"), r["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        ranked,
        [
            ("phones", 100.0),
            ("cars-suvs", 55.0),
            ("uncategorised", 17.0)
        ]
    );
    // The chart and the report group by them too.
    let svg = dir.path().join("c.svg");
    succeeds(
        tradestat()
            .args(["chart", "composition", f, "--categories", c, "-o"])
            .arg(&svg),
    );
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.contains("Phones") && svg.contains("Cars &amp; SUVs"),
        "a chart of categories"
    );
    let report = dir.path().join("r");
    succeeds(
        tradestat()
            .args(["report", f, "-q", "--categories", c, "-o"])
            .arg(&report),
    );
    let table = std::fs::read_to_string(report.join("tables/composition.csv")).unwrap();
    assert!(table.contains("phones,Phones,100"), "{table}");
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    assert!(
        md.contains("in no category of"),
        "the warning is in the report"
    );
}

/// Bad category files are refused, naming what is wrong: empty, overlapping prefixes, codes
/// that are no HS code; and data at several product levels (a chapter beside its codes would
/// be counted twice in a category).
#[test]
fn bad_category_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = panel(dir.path(), &[(2018, "851712", "H5", 1.0)]);
    let f = file.to_str().unwrap();
    let refused = |text: &str| {
        let cats = dir.path().join("bad.csv");
        std::fs::write(&cats, text).unwrap();
        fails(tradestat().args(["top", f, "--categories", cats.to_str().unwrap()]))
    };
    assert!(refused("").contains("no categories"));
    let err = refused("category,hs\nPhones,8517\nSmartphones,851713\n");
    assert!(
        err.contains("overlapping") && err.contains("8517 (Phones) and 851713 (Smartphones)"),
        "{err}"
    );
    let err = refused("category,hs\nPhones,851712 999998\n");
    assert!(
        err.contains("999998 (Phones)") && err.contains("not an HS"),
        "{err}"
    );
    let err = fails(tradestat().args(["top", f, "--categories", "/nonexistent/cats.csv"]));
    assert!(err.contains("/nonexistent/cats.csv"), "{err}");
    let mixed = panel(
        dir.path(),
        &[(2018, "85", "H5", 2.0), (2018, "851712", "H5", 1.0)],
    );
    let cats = dir.path().join("ok.csv");
    std::fs::write(&cats, "category,hs\nPhones,8517\n").unwrap();
    let err = fails(tradestat().args([
        "top",
        mixed.to_str().unwrap(),
        "--categories",
        cats.to_str().unwrap(),
    ]));
    assert!(err.contains("several levels (2, 6 digits)"), "{err}");
}

/// Headings are named in their HS 2022 wording in every edition (no embedded source names the
/// older editions' headings): `composition --group heading` says so where rows of an older
/// edition took that wording, and not for HS2022 rows or rows of an unstated edition.
#[test]
fn heading_names_of_older_editions_are_said_to_be_hs2022_wording() {
    let dir = tempfile::tempdir().unwrap();
    let note = "headings are named in their HS 2022 wording, also in the rows of H5 (HS2017)";
    let older = canonical(
        dir.path(),
        &[("851712", "H5", 100.0), ("870323", "H5", 50.0)],
    );
    let (_, stderr) = succeeds(
        tradestat()
            .args(["composition", "--group", "heading"])
            .arg(&older),
    );
    assert!(stderr.contains(note), "{stderr}");
    // Chapters keep their short labels, the same in every edition: no note.
    let (_, stderr) = succeeds(tradestat().args(["composition"]).arg(&older));
    assert!(!stderr.contains("HS 2022 wording"), "{stderr}");
    for cls in ["H6", "HS"] {
        let file = canonical(dir.path(), &[("851713", cls, 100.0)]);
        let (_, stderr) = succeeds(
            tradestat()
                .args(["composition", "--group", "heading"])
                .arg(&file),
        );
        assert!(!stderr.contains("HS 2022 wording"), "{cls}: {stderr}");
    }
}
