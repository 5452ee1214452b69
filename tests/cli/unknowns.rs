//! Unknown is not zero, changes on a negative base, one-sided files, partial coverage and the
//! chart messages that go with them (issue 12, cases 3, 5, 6, 7 and part of 10).
//!
//! Every fixture is written into a tempdir by the test from rows listed here: a one-sided
//! panel (exports only, totals only), a file of totals both ways, a deficit that deepens over
//! 21 years, and a BACI-layout extract restricted to two exporters (South Africa and
//! Afghanistan) and all their partners. Each figure is checked against a sum over those rows
//! computed here, never against tradestat's own output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::*;

/// `tradestat ARGS --output json -q` as JSON.
fn json(args: &[&str]) -> serde_json::Value {
    let (stdout, _) = succeeds(tradestat().args(args).args(["--output", "json", "-q"]));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// The stderr of a successful run, its notes one per line without the `note: ` prefix.
fn notes(args: &[&str]) -> Vec<String> {
    let (_, stderr) = succeeds(tradestat().args(args));
    stderr
        .lines()
        .map(|l| l.strip_prefix("note: ").unwrap_or(l).to_string())
        .collect()
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The texts of an SVG, in document order.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg)
        .unwrap_or_else(|e| panic!("{}: not valid SVG: {e}", path.display()));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// All the text of an SVG as one string (wrapped lines joined by spaces).
fn svg_words(path: &Path) -> String {
    svg_texts(path).join(" ")
}

/// Canonical CSV rows `year,reporter,partner,flow,product,value` written to `dir/name`.
fn canonical(dir: &Path, name: &str, rows: &[(i32, &str, &str, &str, &str, f64)]) -> PathBuf {
    let mut s = String::from("year,reporter,partner,flow,product,value\n");
    for (y, r, p, f, k, v) in rows {
        s.push_str(&format!("{y},{r},{p},{f},{k},{v}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, s).unwrap();
    path
}

type Row = (
    i32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
);

/// South Africa's exports to three partners, 2019-2021, as totals: no import rows at all.
const ONE_SIDED: [Row; 9] = [
    (2019, "ZAF", "BWA", "export", "TOTAL", 1000.0),
    (2019, "ZAF", "NAM", "export", "TOTAL", 600.0),
    (2019, "ZAF", "MOZ", "export", "TOTAL", 400.0),
    (2020, "ZAF", "BWA", "export", "TOTAL", 1100.0),
    (2020, "ZAF", "NAM", "export", "TOTAL", 500.0),
    (2020, "ZAF", "MOZ", "export", "TOTAL", 450.0),
    (2021, "ZAF", "BWA", "export", "TOTAL", 1200.0),
    (2021, "ZAF", "NAM", "export", "TOTAL", 700.0),
    (2021, "ZAF", "MOZ", "export", "TOTAL", 300.0),
];

/// Sum of the values of `rows` that `keep` keeps.
fn sum(rows: &[Row], keep: impl Fn(&Row) -> bool) -> f64 {
    rows.iter().filter(|r| keep(r)).map(|r| r.5).sum()
}

// --- Case 3: unknown printed as zero ---

#[test]
fn partners_of_a_one_sided_file_leave_imports_turnover_and_balance_empty() {
    let dir = tempfile::tempdir().unwrap();
    let f = canonical(dir.path(), "exports.csv", &ONE_SIDED);
    let f = f.to_str().unwrap();
    let rows = json(&["partners", f, "-r", "ZAF"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let total = sum(&ONE_SIDED, |r| r.0 == 2021);
    let mut last = f64::INFINITY;
    for (i, r) in rows.iter().enumerate() {
        let p = r["partner"].as_str().unwrap();
        let x = sum(&ONE_SIDED, |row| row.0 == 2021 && row.2 == p);
        assert_close(num(&r["exports"]), x, &format!("exports to {p}"));
        for c in ["imports", "turnover", "balance"] {
            assert!(r[c].is_null(), "{c} of {p} must be unknown, not zero: {r}");
        }
        // Ranked by what is known for every partner, and the share is of that.
        assert_close(num(&r["share"]), x / total, &format!("share of {p}"));
        assert_eq!(r["rank"], i as u64 + 1);
        assert!(x <= last, "not ranked by exports: {rows:?}");
        last = x;
    }
    // The table's title and notes say what the ranking is by, and why.
    let (stdout, stderr) = succeeds(tradestat().args(["partners", f, "-r", "ZAF"]));
    assert!(
        stdout.starts_with("Partners of South Africa by Exports, 2021"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "turnover is unknown for 3 of 3 partners (a side of their trade is not in the \
             data): partners are ranked by exports instead"
        ),
        "{stderr}"
    );
    assert!(!stdout.contains("$0"), "{stdout}");
    // The summary says the same of the same cells.
    for r in json(&["summary", f, "-r", "ZAF"]).as_array().unwrap() {
        assert!(r["imports"].is_null() && r["turnover"].is_null(), "{r}");
    }
}

#[test]
fn profile_partners_and_concentration_of_a_one_sided_file_of_totals() {
    let dir = tempfile::tempdir().unwrap();
    let f = canonical(dir.path(), "exports.csv", &ONE_SIDED);
    let f = f.to_str().unwrap();
    let p = json(&["profile", f, "-r", "ZAF"]);
    let top = p["top_partners"].as_array().unwrap();
    assert_eq!(top[0]["partner"], "BWA");
    assert_close(
        num(&top[0]["exports"]),
        sum(&ONE_SIDED, |r| r.0 == 2021 && r.2 == "BWA"),
        "exports to Botswana",
    );
    for r in top {
        assert!(r["imports"].is_null() && r["turnover"].is_null(), "{r}");
    }
    // Case 6: an HHI over one "product" (TOTAL) would be 1; without product detail it is
    // not computed, and the note says why.
    let c = &p["concentration"][0];
    assert!(c["hhi"].is_null() && c["products"].is_null(), "{c}");
    let n = notes(&["profile", f, "-r", "ZAF"]);
    assert!(
        n.iter()
            .any(|l| l.starts_with("export concentration (HHI) needs product detail")),
        "{n:?}"
    );
    let (stdout, _) = succeeds(tradestat().args(["profile", f, "-r", "ZAF", "-q"]));
    assert!(
        stdout.contains("Top partners by exports: South Africa in 2021"),
        "{stdout}"
    );
}

/// Totals both ways for South Africa with Botswana and Namibia, and Botswana's own
/// declarations: no product detail.
const TOTALS: [Row; 7] = [
    (2021, "ZAF", "BWA", "export", "TOTAL", 1200.0),
    (2021, "ZAF", "BWA", "import", "TOTAL", 500.0),
    (2021, "ZAF", "NAM", "export", "TOTAL", 700.0),
    (2021, "ZAF", "NAM", "import", "TOTAL", 900.0),
    (2021, "BWA", "ZAF", "export", "TOTAL", 480.0),
    (2021, "BWA", "ZAF", "import", "TOTAL", 1150.0),
    (2021, "BWA", "NAM", "import", "TOTAL", 300.0),
];

#[test]
fn indicators_without_products_are_computed_from_totals() {
    let dir = tempfile::tempdir().unwrap();
    let f = canonical(dir.path(), "totals.csv", &TOTALS);
    let f = f.to_str().unwrap();
    let args = ["indicators", f, "-r", "ZAF", "-p", "BWA"];
    let got: BTreeMap<String, serde_json::Value> = json(&args)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["indicator"].as_str().unwrap().to_string(),
                r["value"].clone(),
            )
        })
        .collect();
    let is = |r: &Row, rep: &str, flow: &str| r.1 == rep && r.3 == flow;
    let x_ij = sum(&TOTALS, |r| is(r, "ZAF", "export") && r.2 == "BWA");
    let m_ij = sum(&TOTALS, |r| is(r, "ZAF", "import") && r.2 == "BWA");
    let x_i = sum(&TOTALS, |r| is(r, "ZAF", "export"));
    let m_i = sum(&TOTALS, |r| is(r, "ZAF", "import"));
    let x_w = sum(&TOTALS, |r| r.3 == "export");
    let m_w = sum(&TOTALS, |r| r.3 == "import");
    let m_j = sum(&TOTALS, |r| is(r, "BWA", "import"));
    let gl = (x_ij + m_ij - (x_ij - m_ij).abs()) / (x_ij + m_ij);
    for (name, want) in [
        ("x_ij", x_ij),
        ("m_ij", m_ij),
        ("x_i", x_i),
        ("m_i", m_i),
        ("x_w", x_w),
        ("m_w", m_w),
        ("m_j", m_j),
        ("export_share", x_ij / x_i),
        ("import_share", m_ij / m_i),
        ("trade_intensity", (x_ij / x_i) / (m_j / m_w)),
        ("grubel_lloyd_aggregate", gl),
    ] {
        assert_close(num(&got[name]), want, name);
    }
    // Product-level indicators need products: empty, not 0, and the notes say why.
    for name in [
        "products_exported",
        "hhi_products_exports",
        "hhi_products_exports_normalised",
        "trade_complementarity",
    ] {
        assert!(got[name].is_null(), "{name}: {}", got[name]);
    }
    let n = notes(&args);
    assert!(
        n.iter().any(|l| l.starts_with(
            "not computed: products_exported, hhi_products_exports, \
             hhi_products_exports_normalised, trade_complementarity need product detail"
        )),
        "{n:?}"
    );
    assert!(
        n.iter()
            .any(|l| l.starts_with("grubel_lloyd_aggregate is computed from total exports")),
        "{n:?}"
    );
    // One side only: imports and what needs them are empty, exports are not.
    let g = canonical(dir.path(), "exports.csv", &ONE_SIDED);
    let one: BTreeMap<String, serde_json::Value> =
        json(&["indicators", g.to_str().unwrap(), "-r", "ZAF", "-p", "BWA"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["indicator"].as_str().unwrap().to_string(),
                    r["value"].clone(),
                )
            })
            .collect();
    assert_close(
        num(&one["x_ij"]),
        sum(&ONE_SIDED, |r| r.0 == 2021 && r.2 == "BWA"),
        "x_ij",
    );
    for name in ["m_ij", "import_share", "grubel_lloyd_aggregate"] {
        assert!(one[name].is_null(), "{name}: {}", one[name]);
    }
}

#[test]
fn composition_of_one_side_is_titled_by_that_side() {
    let dir = tempfile::tempdir().unwrap();
    let rows: [Row; 4] = [
        (2021, "ZAF", "BWA", "export", "270900", 500.0),
        (2021, "ZAF", "BWA", "export", "710812", 300.0),
        (2021, "ZAF", "NAM", "export", "270112", 200.0),
        (2021, "ZAF", "NAM", "export", "100190", 100.0),
    ];
    let f = canonical(dir.path(), "products.csv", &rows);
    let f = f.to_str().unwrap();
    let (stdout, stderr) = succeeds(tradestat().args(["composition", f, "-r", "ZAF"]));
    assert!(
        stdout.starts_with("Composition of Exports: South Africa - World"),
        "{stdout}"
    );
    assert!(!stdout.contains("Turnover"), "{stdout}");
    assert!(
        stderr.contains(
            "South Africa's imports from the world are not in the data, so the turnover is \
             not known: exports only are shown"
        ),
        "{stderr}"
    );
    // Chapter totals: the rows summed by their first two digits.
    let mut chapters: BTreeMap<String, f64> = BTreeMap::new();
    for r in &rows {
        *chapters.entry(r.4[..2].to_string()).or_default() += r.5;
    }
    for r in json(&["composition", f, "-r", "ZAF"]).as_array().unwrap() {
        let g = r["group"].as_str().unwrap();
        assert_close(num(&r["value"]), chapters[g], &format!("chapter {g}"));
    }
    // The chart says the same.
    let svg = dir.path().join("c.svg");
    succeeds(
        tradestat()
            .args(["chart", "composition", f, "-r", "ZAF", "-q", "-o"])
            .arg(&svg),
    );
    let texts = svg_texts(&svg);
    assert_eq!(texts[0], "What South Africa exports to the world, 2021");
    assert!(texts[1].starts_with("Exports by HS chapter"), "{texts:?}");
    assert!(!svg_words(&svg).contains("Turnover by"), "{texts:?}");
}

// --- Case 5: a change on a negative base ---

/// Kazakhstan-Mexico, 2001-2021: exports grow by $1M a year, imports faster: the deficit
/// deepens from -$125.8M to -$248M.
fn deficit_rows() -> Vec<(i32, &'static str, f64)> {
    let mut rows = Vec::new();
    for y in 2001..=2021 {
        let k = f64::from(y - 2001);
        let x = 100e6 + k * 1e6;
        let m = x + 125.8e6 + (248.0e6 - 125.8e6) * k / 20.0;
        rows.push((y, "export", x.round()));
        rows.push((y, "import", m.round()));
    }
    rows
}

fn deficit_file(dir: &Path) -> PathBuf {
    let rows: Vec<(i32, &str, &str, &str, &str, f64)> = deficit_rows()
        .into_iter()
        .map(|(y, f, v)| (y, "KAZ", "MEX", f, "TOTAL", v))
        .collect();
    canonical(dir, "deficit.csv", &rows)
}

/// The balance of a year of [`deficit_rows`], summed here.
fn balance(year: i32) -> f64 {
    deficit_rows()
        .iter()
        .filter(|r| r.0 == year)
        .map(|r| if r.1 == "export" { r.2 } else { -r.2 })
        .sum()
}

#[test]
fn a_deficit_that_deepens_shows_a_negative_change() {
    let dir = tempfile::tempdir().unwrap();
    let f = deficit_file(dir.path());
    let f = f.to_str().unwrap();
    let (a, b) = (balance(2001), balance(2021));
    assert!(
        a < 0.0 && b < a,
        "the fixture's deficit deepens: {a} -> {b}"
    );
    // The rule: (last - first) / |first|; negative when the figure went down.
    let want = (b - a) / a.abs();
    assert!(want < 0.0);
    let rows = json(&["compare", f, "--years", "2001,2021"]);
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["measure"] == "balance")
        .unwrap()
        .clone();
    assert_close(num(&row["2001"]), a, "balance 2001");
    assert_close(num(&row["2021"]), b, "balance 2021");
    assert_close(num(&row["change_pct"]), want, "balance change_pct");
    let pct = format!("{:.1}%", want * 100.0);
    assert_eq!(pct, "-97.1%");
    // The report's key figures and its method notes say the same.
    let out = dir.path().join("r");
    succeeds(tradestat().args(["report", f, "-q", "-o"]).arg(&out));
    let key = std::fs::read_to_string(out.join("tables/key-figures.csv")).unwrap();
    let line = key.lines().find(|l| l.starts_with("balance,")).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    assert_close(cells[3].parse().unwrap(), want, "key figures change_pct");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("change % = (last - first) / \\|first\\|"),
        "{md}"
    );
    let key_row = md.lines().find(|l| l.starts_with("| balance ")).unwrap();
    assert!(key_row.ends_with(&format!(" {pct} |")), "{key_row}");
    // The compare chart computes its changes by the same rule (on positive bases here).
    let svg = dir.path().join("compare.svg");
    succeeds(
        tradestat()
            .args(["chart", "compare", f, "--years", "2001,2021", "-q", "-o"])
            .arg(&svg),
    );
    let flow = |y: i32, f: &str| {
        deficit_rows()
            .iter()
            .filter(|r| r.0 == y && r.1 == f)
            .map(|r| r.2)
            .sum::<f64>()
    };
    let (m01, m21) = (flow(2001, "import"), flow(2021, "import"));
    let imports = format!("{:+.1}%", (m21 - m01) / m01.abs() * 100.0);
    assert!(svg_texts(&svg).contains(&imports), "{:?}", svg_texts(&svg));
}

// --- Case 6: a report on one direction of trade ---

#[test]
fn report_works_with_exports_only_and_names_no_total_as_a_product() {
    let dir = tempfile::tempdir().unwrap();
    let f = canonical(dir.path(), "exports.csv", &ONE_SIDED);
    let out = dir.path().join("r");
    succeeds(
        tradestat()
            .arg("report")
            .arg(&f)
            .args(["-r", "ZAF", "-q", "-o"])
            .arg(&out),
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let (x19, x21) = (
        sum(&ONE_SIDED, |r| r.0 == 2019),
        sum(&ONE_SIDED, |r| r.0 == 2021),
    );
    let pct = format!("{:+.1}%", (x21 - x19) / x19 * 100.0);
    assert!(
        md.contains(&format!(
            "South Africa's exports to the world rose from ${:.1} thousand in 2019 to ${:.1} \
             thousand in 2021 ({pct})",
            x19 / 1e3,
            x21 / 1e3
        )),
        "{md}"
    );
    assert!(
        md.contains(
            "South Africa's imports from the world are not in the data, so its turnover and \
             trade balance with the world are not known."
        ),
        "{md}"
    );
    assert!(!md.contains("product TOTAL"), "{md}");
    assert!(md.contains("no top products"), "{md}");
    assert!(md.contains("no balance chart"), "{md}");
    assert!(md.contains("Botswana was South Africa's largest export market in 2021"));
    // Exports are in the key figures; imports, turnover and balance are not made up.
    let key = std::fs::read_to_string(out.join("tables/key-figures.csv")).unwrap();
    assert!(key.contains("exports,"), "{key}");
    assert!(
        !key.contains("imports,") && !key.contains("turnover,"),
        "{key}"
    );
    // Totals both ways: still no product named TOTAL.
    let g = deficit_file(dir.path());
    let out = dir.path().join("d");
    succeeds(
        tradestat()
            .arg("report")
            .arg(&g)
            .args(["-q", "-o"])
            .arg(&out),
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("product TOTAL"), "{md}");
}

// --- Case 7: partial coverage said out loud ---

/// BACI codes: South Africa, Afghanistan (the two exporters), and their partners.
const ZAF: u32 = 710;
const AFG: u32 = 4;

/// A BACI-layout extract restricted to two exporters and all their partners: in 2021 South
/// Africa and Afghanistan export; in 2020 only South Africa does.
fn extract() -> Vec<BaciRow> {
    let mut rows = Vec::new();
    let mut add = |t: i32, i: u32, j: u32, k: &str, usd: u64| {
        rows.push(BaciRow {
            t,
            i,
            j,
            k: k.to_string(),
            usd,
            q: Some(1000),
        })
    };
    for (n, j) in [AFG, 72, 516, 508, 156, 276].into_iter().enumerate() {
        for (m, k) in ["270900", "710812", "870323"].into_iter().enumerate() {
            add(
                2021,
                ZAF,
                j,
                k,
                1_000_000 * (n as u64 + 1) + 1000 * m as u64,
            );
        }
    }
    for (n, j) in [ZAF, 356, 586].into_iter().enumerate() {
        for (m, k) in ["080610", "130190"].into_iter().enumerate() {
            add(2021, AFG, j, k, 20_000 * (n as u64 + 1) + 500 * m as u64);
        }
    }
    for (n, j) in [72, 516, 156].into_iter().enumerate() {
        add(2020, ZAF, j, "270900", 900_000 * (n as u64 + 1));
    }
    rows
}

/// The extract written as CEPII writes BACI.
fn extract_file(dir: &Path) -> PathBuf {
    let path = dir.join("BACI_extract.csv");
    write_baci(&path, &extract());
    path
}

/// South Africa's partners in the extract (either direction), as BACI codes.
fn partners_of(rows: &[BaciRow], c: u32) -> BTreeSet<u32> {
    rows.iter()
        .filter_map(|r| {
            if r.i == c {
                Some(r.j)
            } else if r.j == c {
                Some(r.i)
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn imports_from_an_extract_of_two_exporters_say_what_they_cover() {
    let dir = tempfile::tempdir().unwrap();
    let f = extract_file(dir.path());
    let f = f.to_str().unwrap();
    let rows = extract();
    let exporters: BTreeSet<u32> = rows.iter().map(|r| r.i).collect();
    assert_eq!(exporters, BTreeSet::from([AFG, ZAF]));
    let partners = partners_of(&rows, ZAF);
    let known: BTreeSet<u32> = partners.intersection(&exporters).copied().collect();
    let expected = format!(
        "South Africa's imports come from {} of its {} partners in the data (Afghanistan), as \
         the data holds the exports of 2 countries (Afghanistan, South Africa); imports from \
         the other {}, and the turnover and balance that include them, are not in these figures",
        known.len(),
        partners.len(),
        partners.len() - known.len()
    );
    assert_eq!((known.len(), partners.len()), (1, 6));
    // The figures stay those of the file...
    let s = json(&["summary", f, "-r", "ZAF"]);
    let y2021 = s
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["year"] == "2021")
        .unwrap()
        .clone();
    let m: u64 = rows
        .iter()
        .filter(|r| r.t == 2021 && r.j == ZAF)
        .map(|r| r.usd)
        .sum();
    assert_close(num(&y2021["imports"]), m as f64, "imports 2021");
    // ...and every command says what they cover, in numbers.
    let fewer = "the data holds the exports of 1 country in 2020, 2 in 2021: South Africa's \
                 imports compare different sets of exporters from year to year";
    for args in [
        vec!["summary", f, "-r", "ZAF"],
        vec!["partners", f, "-r", "ZAF"],
        vec!["profile", f, "-r", "ZAF"],
        vec!["profile", f, "-r", "ZAF", "--engine", "general"],
    ] {
        let n = notes(&args);
        assert!(n.contains(&expected), "{args:?}: {n:?}");
        assert!(n.iter().any(|l| l == fewer), "{args:?}: {n:?}");
    }
    // A partner missing in some years: partners of 2021 that have no rows in 2020.
    let in_year = |t: i32| {
        partners_of(
            &rows
                .iter()
                .filter(|r| r.t == t)
                .cloned()
                .collect::<Vec<_>>(),
            ZAF,
        )
    };
    let missing = in_year(2021).difference(&in_year(2020)).count();
    let n = notes(&["summary", f, "-r", "ZAF"]);
    assert!(
        n.iter().any(|l| l.starts_with(&format!(
            "{missing} of South Africa's {} partners in the data are missing in some years",
            partners.len()
        ))),
        "{n:?}"
    );
    // A partner whose exports are not in the data: its imports are unknown, not zero.
    let pair = json(&["profile", f, "-r", "ZAF", "-p", "BWA"]);
    assert!(pair["flows"][0]["imports"].is_null(), "{pair}");
    let n = notes(&["profile", f, "-r", "ZAF", "-p", "BWA"]);
    assert!(
        n.contains(
            &"South Africa's imports from Botswana are not in the data: the data holds the \
              exports of 2 countries (Afghanistan, South Africa), not Botswana's"
                .to_string()
        ),
        "{n:?}"
    );
    // The world table: every country's imports come from the two exporters.
    let countries: BTreeSet<u32> = rows.iter().flat_map(|r| [r.i, r.j]).collect();
    let n = notes(&["world", f]);
    assert!(
        n.iter().any(|l| l.starts_with(&format!(
            "the data holds the exports of 2 of the {} countries it names (Afghanistan, South \
             Africa)",
            countries.len()
        ))),
        "{n:?}"
    );
}

#[test]
fn report_and_charts_on_the_extract_say_what_imports_cover() {
    let dir = tempfile::tempdir().unwrap();
    let f = extract_file(dir.path());
    let out = dir.path().join("r");
    succeeds(
        tradestat()
            .arg("report")
            .arg(&f)
            .args(["-r", "ZAF", "--years", "2021", "-q", "-o"])
            .arg(&out),
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let rows: Vec<BaciRow> = extract().into_iter().filter(|r| r.t == 2021).collect();
    let partners = partners_of(&rows, ZAF);
    let sentence = format!(
        "South Africa's imports come from 1 of its {} partners in the data (Afghanistan), as \
         the data holds the exports of 2 countries (Afghanistan, South Africa)",
        partners.len()
    );
    // In the narrative and in the notes.
    assert_eq!(md.matches(&sentence).count(), 2, "{md}");
    assert!(md.contains(&format!("- Coverage: {sentence}")), "{md}");
    // Turnover is known for one partner only: the ranking is by exports, and says so.
    assert!(md.contains("largest export market in 2021"), "{md}");
    let svg = dir.path().join("top.svg");
    succeeds(
        tradestat()
            .args(["chart", "top"])
            .arg(&f)
            .args([
                "-r", "ZAF", "--by", "partner", "--flow", "turnover", "-q", "-o",
            ])
            .arg(&svg),
    );
    let words = svg_words(&svg);
    assert!(words.contains("top 6 partners for exports"), "{words}");
    assert!(
        words.contains(&format!(
            "South Africa's imports: from 1 of its {} partners only (the data holds the \
             exports of 2 countries (Afghanistan, South Africa))",
            partners.len()
        )),
        "{words}"
    );
}

// --- Case 10 (part): chart messages ---

#[test]
fn a_21_year_flows_chart_writes_every_balance_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let f = deficit_file(dir.path());
    let svg = dir.path().join("flows.svg");
    succeeds(
        tradestat()
            .args(["chart", "flows"])
            .arg(&f)
            .args(["-q", "-o"])
            .arg(&svg),
    );
    let texts = svg_texts(&svg);
    assert!(!texts.iter().any(|t| t.contains('…')), "{texts:?}");
    for y in 2001..=2021 {
        // -$125.8M, -$131.91M ... as the tables write millions: up to three decimals.
        let m = format!("{:.3}", -balance(y) / 1e6);
        let m = m.trim_end_matches('0').trim_end_matches('.');
        let label = format!("-${m}M");
        assert!(texts.contains(&label), "{y}: no {label} in {texts:?}");
    }
}

#[test]
fn trend_and_flows_charts_of_one_side_name_only_what_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let f = canonical(dir.path(), "exports.csv", &ONE_SIDED);
    for kind in ["trend", "flows"] {
        let svg = dir.path().join(format!("{kind}.svg"));
        succeeds(
            tradestat()
                .args(["chart", kind])
                .arg(&f)
                .args(["-r", "ZAF", "-q", "-o"])
                .arg(&svg),
        );
        let texts = svg_texts(&svg);
        assert!(
            texts[1].starts_with("South Africa's exports to the world"),
            "{kind}: {texts:?}"
        );
        assert!(!texts[1].contains("imports"), "{kind}: {texts:?}");
        // No legend entry for a flow that is not drawn.
        assert!(!texts.iter().any(|t| t == "Imports"), "{kind}: {texts:?}");
        assert!(
            svg_words(&svg).contains(
                "Imports are not in the data, so the turnover and balance are not known."
            ),
            "{kind}: {texts:?}"
        );
    }
}

#[test]
fn a_one_year_trend_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let f = canonical(dir.path(), "totals.csv", &TOTALS);
    let out = dir.path().join("t.png");
    let run = tradestat()
        .args(["chart", "trend"])
        .arg(&f)
        .args(["-r", "ZAF", "-p", "BWA", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(64));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains(
            "the trend chart needs two years or more; South Africa - Botswana has data for \
             2021 only (the flows chart draws one year)"
        ),
        "{err}"
    );
    assert!(!out.exists());
}
