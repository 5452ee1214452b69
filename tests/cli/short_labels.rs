//! Short labels of products (issue 14): charts (on slides too) and the report's narrative name
//! a product by the short label of its name ("Telephones for cellular networks"), the narrative
//! with its HS code beside it; tables, CSV, JSON and table slides keep the full name.

use std::path::{Path, PathBuf};

use crate::analysis::{json_rows, text};
use crate::common::*;

/// HS2017 subheadings of KAZ's exports to MEX in 2021, largest first: names from the embedded
/// table (the file gives none).
fn hs2017_exports(dir: &Path) -> PathBuf {
    let mut csv = String::from("year,reporter,partner,flow,product,classification,value\n");
    for (code, v) in [("851712", 900.0), ("870323", 500.0), ("220421", 100.0)] {
        csv.push_str(&format!("2021,KAZ,MEX,export,{code},H5,{v}\n"));
    }
    let path = dir.join("exports.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// The texts of an SVG file joined by spaces (a label wrapped on two lines reads as one).
fn svg_words(path: &Path) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

const PHONES: &str = "Telephones for cellular networks or for other wireless networks";

#[test]
fn tables_keep_the_full_name_and_charts_show_the_short_label() {
    let tmp = tempfile::tempdir().unwrap();
    let file = hs2017_exports(tmp.path());
    let rows = json_rows(&["top", file.to_str().unwrap()]);
    let name = |code: &str| {
        rows.iter()
            .find(|r| text(r, "code") == code)
            .map(|r| text(r, "name").to_string())
            .unwrap()
    };
    assert_eq!(name("851712"), PHONES);
    assert!(name("870323").starts_with("Vehicles: with only spark-ignition"));

    let svg = tmp.path().join("top.svg");
    succeeds(
        tradestat()
            .args(["chart", "top", "-q"])
            .arg(&file)
            .arg("-o")
            .arg(&svg),
    );
    let words = svg_words(&svg);
    // The rules' label, the curated one, and a label cut after a whole word.
    assert!(
        words.contains("851712 Telephones for cellular networks"),
        "{words}"
    );
    assert!(!words.contains(PHONES), "{words}");
    assert!(
        words.contains("870323 Cars, spark-ignition, 1500-3000 cc"),
        "{words}"
    );
    assert!(
        words.contains("220421 Wine: still, in containers holding 2 litres…"),
        "{words}"
    );
}

#[test]
fn the_narrative_names_the_short_label_with_the_hs_code() {
    let tmp = tempfile::tempdir().unwrap();
    let file = hs2017_exports(tmp.path());
    let dir = tmp.path().join("report");
    succeeds(
        tradestat()
            .args(["report", "-q"])
            .arg(&file)
            .arg("-o")
            .arg(&dir),
    );
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains(
            "The largest export product in 2021 was telephones for cellular networks (HS 851712)"
        ),
        "{md}"
    );
    // The table of the report keeps the full name.
    let table = std::fs::read_to_string(dir.join("tables/top-exports.csv")).unwrap();
    assert!(table.contains(PHONES), "{table}");
    // The slides: the chart (its SVG twin) shows the short label, the table slide the full
    // name, the speaker notes the narrative's sentence.
    let parts = unzip(&dir.join("report.pptx"));
    let of = |prefix: &str| {
        parts
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (media, slides, notes) = (
        of("ppt/media/"),
        of("ppt/slides/slide"),
        of("ppt/notesSlides/"),
    );
    assert!(
        media.contains("851712 Telephones for cellular networks"),
        "no short label in the slides' charts"
    );
    assert!(slides.contains(PHONES), "no full name in the table slides");
    assert!(
        notes.contains("telephones for cellular networks (HS 851712)"),
        "{notes}"
    );
}

/// Every part of a zip (a deck), by name.
fn unzip(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let mut b = Vec::new();
        e.read_to_end(&mut b).unwrap();
        out.insert(e.name().to_string(), b);
    }
    out
}

/// The real files of issue 14's check: the BACI extract (ZAF exports, HS92) and the legacy
/// Comtrade file (India-China, HS2007) label their largest HS6 products by name in the chart
/// and the narrative, in full in the tables.
#[test]
fn real_files_label_hs6_products_in_tables_charts_and_narrative() {
    let Some(real) = real_data() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "baci-extract/ExampleTradeData.csv",
            "ZAF",
            "710812 Gold, non-monetary, unwrought",
            "The largest export product in 2021 was gold, non-monetary, unwrought (HS 710812)",
            "Metals: gold, non-monetary, unwrought (but not powder)",
        ),
        (
            "comtrade-legacy/h3_china_india.csv",
            "IND",
            "260111 Iron ores and concentrates: non-agglomerated",
            "The largest import product in 2010 was telephones for cellular networks (HS 851712)",
            PHONES,
        ),
    ];
    for (i, (rel, reporter, chart_label, sentence, full)) in cases.into_iter().enumerate() {
        let file = real.file(rel);
        let svg = tmp.path().join(format!("top{i}.svg"));
        succeeds(
            tradestat()
                .args(["chart", "top", "-q", "-r", reporter])
                .arg(&file)
                .arg("-o")
                .arg(&svg),
        );
        let words = svg_words(&svg);
        assert!(words.contains(chart_label), "{rel}: {words}");
        let dir = tmp.path().join(format!("report{i}"));
        succeeds(
            tradestat()
                .args(["report", "-q", "-r", reporter])
                .arg(&file)
                .arg("-o")
                .arg(&dir),
        );
        let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
        assert!(md.contains(sentence), "{rel}: {md}");
        let tables = std::fs::read_to_string(dir.join("tables/top-exports.csv")).unwrap()
            + &std::fs::read_to_string(dir.join("tables/top-imports.csv")).unwrap_or_default();
        assert!(tables.contains(full), "{rel}: {tables}");
    }
}
