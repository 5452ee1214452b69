//! `composition`: parts add up to the summary total on the real legacy file, and HS sections
//! and chapters agree with the HS nomenclature (a committed excerpt).

use super::*;

#[test]
fn composition_parts_sum_to_the_summary_total() {
    let Some(real) = real_data() else { return };
    let file = real.file("comtrade-legacy/h3_china_india.csv");
    let file = file.to_str().unwrap();
    let summary = json_rows(&["summary", file]);
    let imports = num(&summary[0], "imports").unwrap();
    for group in ["section", "chapter", "heading"] {
        let rows = json_rows(&["composition", file, "--flow", "imports", "--group", group]);
        let sum: f64 = rows.iter().filter_map(|r| num(r, "value")).sum();
        let shares: f64 = rows.iter().filter_map(|r| num(r, "share")).sum();
        // The TOTAL row and the sum of leaves agree in this file to within rounding.
        assert!(
            (sum - imports).abs() / imports < 1e-3,
            "{group}: {sum} vs {imports}"
        );
        assert!(
            close(sum, legacy_leaves(real, "1").iter().map(|l| l.1).sum()),
            "{group}"
        );
        assert!(
            (shares - 1.0).abs() < 1e-9,
            "{group}: shares sum to {shares}"
        );
    }
}

/// The HS nomenclature (committed excerpt of the HS 2022 table): section, code, level.
fn hs_lines() -> Vec<(String, String, String)> {
    let path = excerpt("harmonized-system/harmonized-system.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["section", "hscode", "description", "parent", "level"]
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[4].to_string())
        })
        .collect()
}

/// `composition --output json` rows: group -> value (rows without a value left out).
fn groups(args: &[&str]) -> HashMap<String, f64> {
    json_rows(args)
        .iter()
        .filter_map(|r| num(r, "value").map(|v| (text(r, "group").to_string(), v)))
        .collect()
}

fn assert_same_totals(got: &HashMap<String, f64>, want: &HashMap<String, f64>, what: &str) {
    let mut keys: Vec<&String> = got.keys().chain(want.keys()).collect();
    keys.sort();
    keys.dedup();
    let wrong: Vec<String> = keys
        .into_iter()
        .filter(|k| match (got.get(*k), want.get(*k)) {
            (Some(a), Some(b)) => !close(*a, *b),
            _ => true,
        })
        .map(|k| format!("{k}: got {:?}, expected {:?}", got.get(k), want.get(k)))
        .collect();
    assert!(wrong.is_empty(), "{what}:\n{}", wrong.join("\n"));
}

/// Every HS chapter (the 96 in a section; 99 has none) as one product of a canonical file:
/// `--group section` puts each where the HS nomenclature does.
#[test]
fn every_hs_chapter_is_in_its_hs_section() {
    let chapters: Vec<(String, String)> = hs_lines()
        .into_iter()
        .filter(|(section, _, level)| level == "2" && section != "TOTAL")
        .map(|(section, code, _)| (section, code))
        .collect();
    assert_eq!(chapters.len(), 96);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chapters.csv");
    let mut csv = String::from("year,reporter,partner,flow,product,value\n");
    let mut want: HashMap<String, f64> = HashMap::new();
    for (n, (section, code)) in chapters.iter().enumerate() {
        let value = 1000.0 * (n as f64 + 1.0);
        csv.push_str(&format!("2022,KAZ,MEX,export,{code},{value}\n"));
        *want.entry(section.clone()).or_default() += value;
    }
    std::fs::write(&file, csv).unwrap();
    assert_eq!(want.len(), 21, "HS sections");
    let got = groups(&[
        "composition",
        file.to_str().unwrap(),
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--flow",
        "exports",
        "--group",
        "section",
    ]);
    assert_same_totals(&got, &want, "sections");
}

/// BACI rows of six-digit subheadings (generated, codes from the HS excerpt): section and
/// chapter totals as the HS nomenclature groups them.
#[test]
fn baci_subheadings_add_up_by_hs_section_and_chapter() {
    let subheadings: Vec<(String, String)> = hs_lines()
        .into_iter()
        .filter(|(section, _, level)| level == "6" && section != "TOTAL")
        .map(|(section, code, _)| (section, code))
        .collect();
    assert!(subheadings.len() > 100);
    let section_of: HashMap<&str, &str> = subheadings
        .iter()
        .map(|(s, c)| (c.as_str(), s.as_str()))
        .collect();
    let codes: Vec<String> = subheadings.iter().map(|(_, c)| c.clone()).collect();
    let mut rng = Rng::new(2022);
    let countries = [710, 398, 484, 156, 842];
    let rows = generate_baci(&mut rng, 2022, 800, &countries, &codes, (710, 398), 10);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("BACI_HS22_Y2022_V202401.csv");
    write_baci(&file, &rows);
    let (mut sections, mut chapters) = (HashMap::new(), HashMap::new());
    for r in rows.iter().filter(|r| r.i == 710) {
        *sections
            .entry(section_of[r.k.as_str()].to_string())
            .or_insert(0.0) += r.usd as f64;
        *chapters.entry(r.k[..2].to_string()).or_insert(0.0) += r.usd as f64;
    }
    assert!(sections.len() > 15, "{sections:?}");
    for (group, want) in [("section", &sections), ("chapter", &chapters)] {
        let got = groups(&[
            "composition",
            file.to_str().unwrap(),
            "-r",
            "ZAF",
            "--flow",
            "exports",
            "--group",
            group,
        ]);
        assert_same_totals(&got, want, group);
    }
}
