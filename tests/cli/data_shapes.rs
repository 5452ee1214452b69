//! Shapes of real trade files that gave wrong figures without a word (issue 12, cases 1, 2, 4
//! and 9), each on a small fixture of that shape and checked against sums computed here with the
//! csv crate, never against tradestat's own output:
//!
//! - `gravity_domestic.csv`: a gravity panel with internal trade (exporter = importer rows);
//! - `directed_flows.csv`: an exporter -> importer file with HS6 codes, each flow stated once,
//!   and three domestic rows (the last three lines, added by hand);
//! - `custom_categories.csv`: a file whose products are its own categories 1..20;
//! - `cross_section.csv`: a file without a year column.
//!
//! `gravity_domestic.csv` and `cross_section.csv` are hand-made; the rest of
//! `directed_flows.csv` and `custom_categories.csv` came from this Python snippet:
//!
//! ```python
//! import random
//! random.seed(12)
//! prods = ["010121", "020110", "270900", "850300", "870323", "300490"]
//! pairs = [("KAZ","MEX"), ("MEX","KAZ"), ("KAZ","USA"), ("USA","KAZ"), ("MEX","USA"), ("USA","MEX")]
//! rows = [(x, m, y, p, random.randint(1, 900) * 1000)
//!         for y in (2019, 2020) for (x, m) in pairs for p in prods if random.random() < 0.8]
//! # written as exporter,importer,year,hs6,value to directed_flows.csv, then:
//! cats = [(x, m, 2020, c, random.randint(1, 900) * 1000)
//!         for (x, m) in [("KAZ","MEX"), ("MEX","KAZ")] for c in range(1, 21)]
//! # written as exporter,importer,year,category,value to custom_categories.csv
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

const GRAVITY: &str = "gravity_domestic.csv";
const GRAVITY_MAP: &str = "exporter=iso_o,importer=iso_d,year=year,value=flow";
const DIRECTED: &str = "directed_flows.csv";
const DIRECTED_MAP: &str = "exporter=exporter,importer=importer,year=year,product=hs6,value=value";
const CATEGORIES: &str = "custom_categories.csv";
const CATEGORIES_MAP: &str =
    "exporter=exporter,importer=importer,year=year,product=category,value=value";
const CROSS: &str = "cross_section.csv";

/// One row of an exporter -> importer file, read with the csv crate.
#[derive(Debug, Clone)]
struct Flow {
    exporter: String,
    importer: String,
    year: i64,
    product: String,
    value: f64,
}

/// The rows of a fixture, with the names of its exporter, importer, year, product (optional)
/// and value columns.
fn flows(name: &str, columns: [&str; 5]) -> Vec<Flow> {
    let path = fixture(name);
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let header = rdr.headers().unwrap().clone();
    let at = |c: &str| header.iter().position(|h| h == c);
    let [x, m, y, p, v] = columns.map(at);
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            Flow {
                exporter: r[x.unwrap()].to_string(),
                importer: r[m.unwrap()].to_string(),
                year: y.map_or(0, |y| r[y].parse().unwrap()),
                product: p.map_or_else(String::new, |p| r[p].to_string()),
                value: r[v.unwrap()].parse().unwrap(),
            }
        })
        .collect()
}

fn gravity() -> Vec<Flow> {
    flows(GRAVITY, ["iso_o", "iso_d", "year", "-", "flow"])
}

fn directed() -> Vec<Flow> {
    flows(DIRECTED, ["exporter", "importer", "year", "hs6", "value"])
}

fn sum(rows: &[Flow], keep: impl Fn(&Flow) -> bool) -> f64 {
    rows.iter().filter(|f| keep(f)).map(|f| f.value).sum()
}

/// Run `args` with `--output json`; (JSON, stderr).
fn json(args: &[&str]) -> (serde_json::Value, String) {
    let (stdout, stderr) = succeeds(tradestat().args(args).args(["--output", "json"]));
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    (v, stderr)
}

fn num(v: &serde_json::Value, key: &str) -> Option<f64> {
    v[key].as_f64()
}

fn text(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// The rows of a JSON table (an array), or of one table of `profile` (an object of arrays).
fn table<'a>(v: &'a serde_json::Value, name: Option<&str>) -> &'a Vec<serde_json::Value> {
    match name {
        Some(t) => v[t].as_array(),
        None => v.as_array(),
    }
    .unwrap_or_else(|| panic!("no table {name:?} in {v}"))
}

fn gravity_args<'a>(cmd: &'a str, extra: &[&'a str]) -> Vec<String> {
    let mut a = vec![
        cmd.to_string(),
        fixture(GRAVITY).to_string_lossy().into_owned(),
        "--map".into(),
        GRAVITY_MAP.into(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The note every international figure gives on the gravity panel: how many domestic rows it
/// left out, counted here.
/// The note on the domestic flows of `countries`: a question counts those of the countries it
/// asks about (the rows it reads), the world table every country's.
fn domestic_note(rows: &[Flow], countries: &[&str]) -> String {
    let n = rows
        .iter()
        .filter(|f| f.exporter == f.importer && countries.contains(&f.exporter.as_str()))
        .count();
    format!("left out {n} domestic flow row(s)")
}

// --- 1. Domestic flows ---

#[test]
fn inspect_counts_domestic_flows_and_warns() {
    let rows = gravity();
    let domestic: Vec<&Flow> = rows.iter().filter(|f| f.exporter == f.importer).collect();
    assert_eq!(domestic.len(), 6, "the fixture has 6 self-pairs");
    let items = inspect_items(&["--map", GRAVITY_MAP], &fixture(GRAVITY));
    let item = items
        .get("domestic flows")
        .unwrap_or_else(|| panic!("no 'domestic flows' item: {items:?}"));
    // 6 rows worth $24.4M (5.0 + 4.0 + 3.0 + 5.2 + 4.1 + 3.1 million).
    let total: f64 = domestic.iter().map(|f| f.value).sum();
    assert_close(total, 24_400_000.0, "domestic total computed here");
    assert!(item.starts_with("6 rows, total $24.4M"), "{item}");
    let (_, stderr) = succeeds(
        tradestat()
            .args(["inspect", "--map", GRAVITY_MAP])
            .arg(fixture(GRAVITY)),
    );
    assert!(
        stderr.contains("6 row(s) are domestic flows") && stderr.contains("--keep-domestic"),
        "{stderr}"
    );
}

#[test]
fn summary_and_world_leave_domestic_flows_out_and_say_so() {
    let rows = gravity();
    let note = domestic_note(&rows, &["DEU"]);
    let (summary, stderr) = json(&strs(&gravity_args("summary", &["-r", "DEU"])));
    assert!(stderr.contains(&note), "{stderr}");
    for year in [2019, 2020] {
        let r = table(&summary, None)
            .iter()
            .find(|r| text(r, "year") == year.to_string())
            .unwrap();
        let x = sum(&rows, |f| {
            f.year == year && f.exporter == "DEU" && f.importer != "DEU"
        });
        let m = sum(&rows, |f| {
            f.year == year && f.importer == "DEU" && f.exporter != "DEU"
        });
        assert_close(num(r, "exports").unwrap(), x, "DEU exports to the world");
        assert_close(num(r, "imports").unwrap(), m, "DEU imports from the world");
        assert_close(num(r, "turnover").unwrap(), x + m, "DEU turnover");
    }
    let (world, stderr) = json(&strs(&gravity_args("world", &[])));
    let note = domestic_note(&rows, &["DEU", "FRA", "ITA"]);
    assert!(stderr.contains(&note), "{stderr}");
    assert_eq!(table(&world, None).len(), 6, "3 countries x 2 years");
    for r in table(&world, None) {
        let (c, y) = (text(r, "country"), text(r, "year").parse::<i64>().unwrap());
        let x = sum(&rows, |f| f.year == y && f.exporter == c && f.importer != c);
        let m = sum(&rows, |f| f.year == y && f.importer == c && f.exporter != c);
        assert_close(
            num(r, "exports").unwrap(),
            x,
            &format!("world: {c} {y} exports"),
        );
        assert_close(
            num(r, "imports").unwrap(),
            m,
            &format!("world: {c} {y} imports"),
        );
    }
}

#[test]
fn a_country_is_not_its_own_partner() {
    let rows = gravity();
    let note = domestic_note(&rows, &["DEU"]);
    let (partners, stderr) = json(&strs(&gravity_args(
        "partners",
        &["-r", "DEU", "--years", "2020"],
    )));
    assert!(stderr.contains(&note), "{stderr}");
    let listed: Vec<String> = table(&partners, None)
        .iter()
        .map(|r| text(r, "partner"))
        .collect();
    assert_eq!(
        listed,
        ["FRA", "ITA"],
        "ranked by turnover, Germany not among them"
    );
    let fra = &table(&partners, None)[0];
    let x = sum(&rows, |f| {
        f.year == 2020 && f.exporter == "DEU" && f.importer == "FRA"
    });
    let m = sum(&rows, |f| {
        f.year == 2020 && f.exporter == "FRA" && f.importer == "DEU"
    });
    assert_close(num(fra, "exports").unwrap(), x, "exports to France");
    assert_close(num(fra, "imports").unwrap(), m, "imports from France");
    // Shares of the international turnover only.
    let total = sum(&rows, |f| {
        f.year == 2020 && (f.exporter == "DEU") != (f.importer == "DEU")
    });
    assert_close(
        num(fra, "share").unwrap(),
        (x + m) / total,
        "France's share",
    );

    let (top, _) = json(&strs(&gravity_args(
        "top",
        &["-r", "DEU", "--by", "partner", "--years", "2020"],
    )));
    assert!(
        table(&top, None).iter().all(|r| text(r, "code") != "DEU"),
        "{top}"
    );
    let (profile, stderr) = json(&strs(&gravity_args("profile", &["-r", "DEU"])));
    assert!(stderr.contains(&note), "{stderr}");
    let partners: Vec<String> = table(&profile, Some("top_partners"))
        .iter()
        .map(|r| text(r, "partner"))
        .collect();
    assert_eq!(partners, ["FRA", "ITA"]);
    let flows = table(&profile, Some("flows"));
    let x2020 = sum(&rows, |f| {
        f.year == 2020 && f.exporter == "DEU" && f.importer != "DEU"
    });
    assert_close(
        num(&flows[1], "exports").unwrap(),
        x2020,
        "profile: exports 2020",
    );
}

#[test]
fn keep_domestic_counts_them_for_both_sides() {
    let rows = gravity();
    let (summary, stderr) = json(&strs(&gravity_args(
        "summary",
        &["-r", "DEU", "--keep-domestic"],
    )));
    assert!(!stderr.contains("domestic flow row"), "{stderr}");
    for r in table(&summary, None) {
        let y: i64 = text(r, "year").parse().unwrap();
        let x = sum(&rows, |f| f.year == y && f.exporter == "DEU");
        let m = sum(&rows, |f| f.year == y && f.importer == "DEU");
        assert_close(num(r, "exports").unwrap(), x, "exports with internal trade");
        assert_close(num(r, "imports").unwrap(), m, "imports with internal trade");
    }
    let (world, _) = json(&strs(&gravity_args("world", &["--keep-domestic"])));
    for r in table(&world, None) {
        let (c, y) = (text(r, "country"), text(r, "year").parse::<i64>().unwrap());
        let x = sum(&rows, |f| f.year == y && f.exporter == c);
        assert_close(num(r, "exports").unwrap(), x, &format!("{c} {y} exports"));
    }
    let (partners, _) = json(&strs(&gravity_args(
        "partners",
        &["-r", "DEU", "--years", "2020", "--keep-domestic"],
    )));
    let first = &table(&partners, None)[0];
    assert_eq!(text(first, "partner"), "DEU", "{partners}");
    assert_close(num(first, "exports").unwrap(), 5_200_000.0, "DEU to itself");
}

#[test]
fn product_figures_and_reports_leave_domestic_flows_out() {
    let rows = directed();
    let file = fixture(DIRECTED);
    let file = file.to_str().unwrap();
    let base = ["--map", DIRECTED_MAP, "-r", "KAZ"];
    // Composition of Kazakhstan's exports in 2020: the domestic crude oil (270900) row is not
    // an export.
    let (comp, stderr) = json(
        &[
            &[
                "composition",
                file,
                "--flow",
                "exports",
                "--group",
                "chapter",
            ][..],
            &base,
            &["--years", "2020"],
        ]
        .concat(),
    );
    // Kazakhstan's two domestic rows (2019, 2020); Mexico's is not the question's.
    assert!(
        stderr.contains("left out 2 domestic flow row(s)"),
        "{stderr}"
    );
    let chapters: f64 = table(&comp, None)
        .iter()
        .filter_map(|r| num(r, "value"))
        .sum();
    let x = sum(&rows, |f| {
        f.year == 2020 && f.exporter == "KAZ" && f.importer != "KAZ"
    });
    assert_close(chapters, x, "exports over chapters");
    let oil = table(&comp, None)
        .iter()
        .find(|r| text(r, "group") == "27")
        .unwrap();
    let x27 = sum(&rows, |f| {
        f.year == 2020 && f.exporter == "KAZ" && f.importer != "KAZ" && f.product.starts_with("27")
    });
    assert_close(
        num(oil, "value").unwrap(),
        x27,
        "chapter 27 without the domestic row",
    );
    // Indicators: the reporter's exports to the world, x_i.
    let (ind, _) = json(&[&["indicators", file, "-p", "MEX"][..], &base].concat());
    let x_i = table(&ind, None)
        .iter()
        .find(|r| text(r, "indicator") == "x_i")
        .unwrap();
    assert_close(num(x_i, "value").unwrap(), x, "x_i");
    // The report says what it left out.
    let dir = tempfile::tempdir().unwrap();
    succeeds(
        tradestat()
            .args(["report", file, "-o"])
            .arg(dir.path())
            .args(base),
    );
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("left out 2 domestic flow row(s)"), "{md}");
}

/// BACI rows with self-pairs: the fast lane leaves them out (or keeps them) as the general
/// engine does, and both match the sums of the rows.
#[test]
fn the_baci_lane_applies_the_same_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("BACI_HS17_Y2021_V202401.csv");
    // 710 South Africa, 4 Afghanistan, 8 Albania; v in thousands of US dollars.
    let rows: [(i32, i32, &str, f64); 6] = [
        (710, 710, "010121", 100.0),
        (710, 4, "010121", 1.5),
        (710, 8, "010129", 3.25),
        (4, 710, "020110", 2.0),
        (4, 4, "020110", 50.0),
        (8, 710, "030110", 0.75),
    ];
    let mut text_rows = String::from("t,i,j,k,v,q\n");
    for (i, j, k, v) in rows {
        text_rows.push_str(&format!("2021,{i},{j},{k},{v},1.0\n"));
    }
    std::fs::write(&path, text_rows).unwrap();
    let p = path.to_str().unwrap();
    let sum_where = |keep: &dyn Fn(i32, i32) -> bool| -> f64 {
        rows.iter()
            .filter(|(i, j, _, _)| keep(*i, *j))
            .map(|r| r.3 * 1000.0)
            .sum()
    };
    for keep in [false, true] {
        let mut args = vec!["world", p, "-q"];
        if keep {
            args.push("--keep-domestic");
        }
        let (fast, _) = json(&args);
        args.extend(["--engine", "general"]);
        let (general, _) = json(&args);
        assert_eq!(fast, general, "both engines, keep = {keep}");
        for r in table(&fast, None) {
            let code = match text(r, "country").as_str() {
                "ZAF" => 710,
                "AFG" => 4,
                "ALB" => 8,
                c => panic!("unexpected {c}"),
            };
            let x = sum_where(&|i, j| i == code && (keep || j != code));
            let m = sum_where(&|i, j| j == code && (keep || i != code));
            assert_close(num(r, "exports").unwrap(), x, "exports");
            assert_close(num(r, "imports").unwrap(), m, "imports");
        }
        let mut args = vec!["profile", p, "-r", "ZAF", "-q"];
        if keep {
            args.push("--keep-domestic");
        }
        let (fast, _) = json(&args);
        args.extend(["--engine", "general"]);
        let (general, _) = json(&args);
        assert_eq!(fast, general, "profile: both engines, keep = {keep}");
        let flows = &table(&fast, Some("flows"))[0];
        assert_close(
            num(flows, "imports").unwrap(),
            sum_where(&|i, j| j == 710 && (keep || i != 710)),
            "ZAF imports",
        );
        let partners: Vec<String> = table(&fast, Some("top_partners"))
            .iter()
            .map(|r| text(r, "partner"))
            .collect();
        assert_eq!(partners.contains(&"ZAF".to_string()), keep, "{partners:?}");
    }
    let (_, stderr) = succeeds(tradestat().args(["world", p]));
    assert!(
        stderr.contains("left out 2 domestic flow row(s) worth $150K"),
        "{stderr}"
    );
}

// --- 2. Exporter -> importer files give both sides ---

#[test]
fn exporter_importer_files_give_imports_turnover_and_balance() {
    let rows = directed();
    let file = fixture(DIRECTED);
    let (summary, _) = json(&[
        "summary",
        file.to_str().unwrap(),
        "--map",
        DIRECTED_MAP,
        "-r",
        "KAZ",
    ]);
    assert_eq!(table(&summary, None).len(), 2);
    for r in table(&summary, None) {
        let y: i64 = text(r, "year").parse().unwrap();
        let x = sum(&rows, |f| {
            f.year == y && f.exporter == "KAZ" && f.importer != "KAZ"
        });
        let m = sum(&rows, |f| {
            f.year == y && f.importer == "KAZ" && f.exporter != "KAZ"
        });
        assert!(m > 0.0);
        assert_close(num(r, "exports").unwrap(), x, "exports");
        assert_close(
            num(r, "imports").unwrap(),
            m,
            "imports: rows where KAZ is the importer",
        );
        assert_close(
            num(r, "turnover").unwrap(),
            x + m,
            "turnover = exports + imports",
        );
        assert_close(num(r, "balance").unwrap(), x - m, "balance");
        assert_close(num(r, "coverage").unwrap(), x / m, "coverage");
    }
}

#[test]
fn exporter_importer_files_give_indicators_and_a_report() {
    let rows = directed();
    let file = fixture(DIRECTED);
    let file = file.to_str().unwrap();
    let args = ["--map", DIRECTED_MAP, "-r", "KAZ", "-p", "MEX"];
    let (ind, _) = json(&[&["indicators", file, "--years", "2020"][..], &args].concat());
    let get = |name: &str| {
        table(&ind, None)
            .iter()
            .find(|r| text(r, "indicator") == name)
            .and_then(|r| num(r, "value"))
    };
    let pair = |x: &str, m: &str| {
        sum(&rows, |f| {
            f.year == 2020 && f.exporter == x && f.importer == m
        })
    };
    assert_close(get("x_ij").unwrap(), pair("KAZ", "MEX"), "x_ij");
    assert_close(get("m_ij").unwrap(), pair("MEX", "KAZ"), "m_ij");
    // Grubel-Lloyd over HS6 products: sum(X + M - |X - M|) / sum(X + M).
    let mut by_product: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for f in rows.iter().filter(|f| f.year == 2020) {
        let e = by_product.entry(&f.product).or_default();
        if f.exporter == "KAZ" && f.importer == "MEX" {
            e.0 += f.value;
        } else if f.exporter == "MEX" && f.importer == "KAZ" {
            e.1 += f.value;
        }
    }
    let (num_gl, den_gl) = by_product.values().fold((0.0, 0.0), |(n, d), (x, m)| {
        (n + x + m - (x - m).abs(), d + x + m)
    });
    assert!(
        num_gl > 0.0,
        "the fixture has two-way trade in some product"
    );
    assert_close(
        get("grubel_lloyd_aggregate").unwrap(),
        num_gl / den_gl,
        "Grubel-Lloyd",
    );
    // Intensity needs the partner's imports: (x_ij / x_i) / (m_j / m_w).
    let x_i = sum(&rows, |f| {
        f.year == 2020 && f.exporter == "KAZ" && f.importer != "KAZ"
    });
    let m_j = sum(&rows, |f| {
        f.year == 2020 && f.importer == "MEX" && f.exporter != "MEX"
    });
    let m_w = sum(&rows, |f| f.year == 2020 && f.exporter != f.importer);
    assert_close(
        get("trade_intensity").unwrap(),
        (pair("KAZ", "MEX") / x_i) / (m_j / m_w),
        "trade intensity",
    );

    let dir = tempfile::tempdir().unwrap();
    let (_, stderr) = succeeds(
        tradestat()
            .args(["report", file, "-o"])
            .arg(dir.path())
            .args(args),
    );
    assert!(stderr.contains("wrote"), "{stderr}");
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("imports from Mexico"), "{md}");
    assert!(dir.path().join("charts/balance.svg").is_file());
}

#[test]
fn flows_stated_once_are_not_mirror_declarations_and_map_flow_reads_one_side() {
    let file = fixture(DIRECTED);
    let file = file.to_str().unwrap();
    // Each flow is stated once: there is no second declaration to compare.
    let err = fails(tradestat().args([
        "mirror",
        file,
        "--map",
        DIRECTED_MAP,
        "-r",
        "KAZ",
        "-p",
        "MEX",
    ]));
    assert!(err.contains("declared by both"), "{err}");
    // Read as the exporters' own declarations, the file says nothing of imports.
    let (summary, _) = json(&[
        "summary",
        file,
        "--map",
        DIRECTED_MAP,
        "-r",
        "KAZ",
        "--map-flow",
        "export",
    ]);
    for r in table(&summary, None) {
        assert!(r["imports"].is_null(), "{r}");
        assert!(r["turnover"].is_null(), "{r}");
    }
    // The canonical table says which rows are stated once for both sides.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flows.csv");
    succeeds(
        tradestat()
            .args(["convert", file, "--map", DIRECTED_MAP, "-q", "-o"])
            .arg(&out),
    );
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let header = rdr.headers().unwrap().clone();
    let rec = header.iter().position(|h| h == "reconciled").unwrap();
    let n = rdr
        .records()
        .map(|r| r.unwrap()[rec].to_string())
        .inspect(|v| assert_eq!(v, "true"))
        .count();
    assert_eq!(
        n as u64,
        count_records(&fixture(DIRECTED), b','),
        "every row kept"
    );
}

// --- 4. Codes that are not HS ---

#[test]
fn a_files_own_categories_are_not_read_as_hs() {
    let rows = flows(
        CATEGORIES,
        ["exporter", "importer", "year", "category", "value"],
    );
    let file = fixture(CATEGORIES);
    let file = file.to_str().unwrap();
    let args = ["--map", CATEGORIES_MAP, "-r", "KAZ", "-p", "MEX"];
    let (profile, _) = json(&[&["profile", file][..], &args].concat());
    let chapters = table(&profile, Some("chapters"));
    assert_eq!(chapters.len(), 20, "every category, 1 to 20: {profile}");
    let listed: f64 = chapters.iter().filter_map(|r| num(r, "exports")).sum();
    let x = sum(&rows, |f| f.exporter == "KAZ" && f.importer == "MEX");
    assert_close(listed, x, "the table keeps 100% of the exports");
    let listed: f64 = chapters.iter().filter_map(|r| num(r, "imports")).sum();
    let m = sum(&rows, |f| f.exporter == "MEX" && f.importer == "KAZ");
    assert_close(listed, m, "the table keeps 100% of the imports");
    assert!(
        chapters.iter().all(|r| text(r, "name").is_empty()),
        "no HS chapter name for a category: {profile}"
    );
    let (stdout, _) = succeeds(tradestat().args(["profile", file]).args(args));
    assert!(
        stdout.contains("Product categories: Kazakhstan - Mexico"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("HS chapters") && !stdout.contains("Cereals"),
        "{stdout}"
    );

    for group in ["section", "chapter", "category"] {
        let (comp, _) = json(&[&["composition", file, "--group", group][..], &args].concat());
        let groups = table(&comp, None);
        assert_eq!(groups.len(), 20, "--group {group}: categories as they are");
        let total: f64 = groups.iter().filter_map(|r| num(r, "value")).sum();
        assert_close(total, x + m, &format!("--group {group}: turnover"));
        assert!(
            groups.iter().all(|r| text(r, "label").is_empty()),
            "--group {group}: no HS name for a category: {comp}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    succeeds(
        tradestat()
            .args(["report", file, "-o"])
            .arg(dir.path())
            .args(args),
    );
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("Turnover by product category"), "{md}");
    assert!(
        !md.contains("HS section") && !md.contains("unknown"),
        "{md}"
    );
}

#[test]
fn inspect_sees_categories_not_mixed_hs_levels() {
    let file = fixture(CATEGORIES);
    let items = inspect_items(&["--map", CATEGORIES_MAP], &file);
    assert_eq!(items["product levels"], "custom: 40", "{items:?}");
    let (_, stderr) = succeeds(
        tradestat()
            .args(["inspect", "--map", CATEGORIES_MAP])
            .arg(&file),
    );
    assert!(!stderr.contains("double counts"), "{stderr}");
    // HS-like codes (zero-padded, 6 digits) keep their HS reading in the same layout.
    let (comp, _) = json(&[
        "composition",
        fixture(DIRECTED).to_str().unwrap(),
        "--map",
        DIRECTED_MAP,
        "-r",
        "KAZ",
        "--group",
        "chapter",
        "--years",
        "2020",
    ]);
    assert!(
        table(&comp, None)
            .iter()
            .any(|r| text(r, "label") == "Mineral fuels & oils"),
        "{comp}"
    );
}

#[test]
fn baci_file_names_give_the_hs_edition() {
    let dir = tempfile::tempdir().unwrap();
    for (name, edition) in [
        ("BACI_HS92_Y2020_V202301.csv", "H0"),
        ("BACI_HS17_Y2021_V202401.csv", "H5"),
        ("extract.csv", "HS"),
    ] {
        let path = dir.path().join(name);
        std::fs::copy(fixture("baci_small.csv"), &path).unwrap();
        let rows = count_records(&path, b',');
        let items = inspect_items(&[], &path);
        assert_eq!(
            items["classifications"],
            format!("{edition}: {rows}"),
            "{name}"
        );
    }
}

// --- 9. Files without a year column ---

#[test]
fn a_file_without_a_year_column_takes_year() {
    let file = fixture(CROSS);
    let file = file.to_str().unwrap();
    let map = "exporter=exporter,importer=importer,value=value";
    let err = fails(tradestat().args(["summary", file, "--map", map, "-r", "KAZ"]));
    assert!(
        err.contains("no year column") && err.contains("--year YEAR"),
        "{err}"
    );
    let err = fails(tradestat().args([
        "summary",
        file,
        "--map",
        "exporter=exporter,importer=importer,year=year,value=value",
        "-r",
        "KAZ",
    ]));
    assert!(
        err.contains("no column 'year'") && err.contains("--year YEAR"),
        "{err}"
    );

    let rows = flows(CROSS, ["exporter", "importer", "-", "-", "value"]);
    let (summary, _) = json(&["summary", file, "--map", map, "-r", "KAZ", "--year", "2019"]);
    let only = table(&summary, None);
    assert_eq!(only.len(), 1, "{summary}");
    assert_eq!(text(&only[0], "year"), "2019");
    let x = sum(&rows, |f| f.exporter == "KAZ");
    let m = sum(&rows, |f| f.importer == "KAZ");
    assert_close(num(&only[0], "exports").unwrap(), x, "exports");
    assert_close(num(&only[0], "imports").unwrap(), m, "imports");

    // Every row kept, each in 2019.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cross.csv");
    succeeds(
        tradestat()
            .args(["convert", file, "--map", map, "--year", "2019", "-q", "-o"])
            .arg(&out),
    );
    assert_eq!(count_records(&out, b','), rows.len() as u64);
    assert_close(
        sum_column(&out, b',', "value", 1.0),
        sum(&rows, |_| true),
        "values",
    );
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let y = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "year")
        .unwrap();
    assert!(rdr.records().all(|r| &r.unwrap()[y] == "2019"));

    // A file that has a year column keeps it: --year does not override it.
    let err = fails(tradestat().args([
        "summary",
        fixture(GRAVITY).to_str().unwrap(),
        "--map",
        GRAVITY_MAP,
        "--year",
        "2019",
        "-r",
        "DEU",
    ]));
    assert!(err.contains("has one ('year')"), "{err}");
}

#[test]
fn a_canonical_file_without_year_or_flow_takes_year_and_map_flow() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no_year.csv");
    std::fs::write(
        &path,
        "reporter,partner,product,value\nKAZ,MEX,TOTAL,171000\nKAZ,USA,TOTAL,2500000\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let err = fails(tradestat().args(["summary", p, "--format", "canonical"]));
    assert!(
        err.contains("missing column 'year'") && err.contains("--year YEAR"),
        "{err}"
    );
    let err = fails(tradestat().args(["summary", p, "--format", "canonical", "--year", "2018"]));
    assert!(
        err.contains("'flow'") && err.contains("--map-flow"),
        "{err}"
    );
    let (summary, _) = json(&[
        "summary",
        p,
        "--format",
        "canonical",
        "--year",
        "2018",
        "--map-flow",
        "export",
        "-r",
        "KAZ",
    ]);
    let only = &table(&summary, None)[0];
    assert_eq!(text(only, "year"), "2018");
    assert_close(
        num(only, "exports").unwrap(),
        sum_column(Path::new(p), b',', "value", 1.0),
        "exports",
    );
}

/// A Comtrade Plus file that carries a reporter's partner-World rows beside its partner rows
/// (as every real download of "all partners" does): partner rankings are over the partners,
/// never empty, and the World row is not one of them; the totals still come from the World
/// rows. Found by the benchmark's agreement check (issue 11): `partners -r CHN` failed with
/// "no partners with data" and `profile -r CHN` listed no top partners.
#[test]
fn partner_rankings_of_a_file_with_world_rows_rank_the_partners() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chn.csv");
    // CHN (156) exports to World (0), DEU (276) and USA (842): a TOTAL row and an HS6 row each.
    let rows = [
        (0, "TOTAL", 900.0),
        (0, "850300", 900.0),
        (276, "TOTAL", 300.0),
        (276, "850300", 300.0),
        (842, "TOTAL", 600.0),
        (842, "850300", 600.0),
    ];
    let mut s = String::from("refYear,reporterCode,partnerCode,flowCode,cmdCode,primaryValue\n");
    for (p, k, v) in rows {
        s.push_str(&format!("2021,156,{p},X,{k},{v}\n"));
    }
    std::fs::write(&path, s).unwrap();
    let f = path.to_str().unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let (out, _) = succeeds(tradestat().args(args).args([f, "--output", "json", "-q"]));
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    let partners = json(&["partners", "-r", "CHN"]);
    let got: Vec<(String, f64)> = partners
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partner"].as_str().unwrap().to_string(),
                r["exports"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("USA".to_string(), 600.0), ("DEU".to_string(), 300.0)]
    );
    let top = json(&["top", "-r", "CHN", "--by", "partner"]);
    let codes: Vec<&str> = top
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["USA", "DEU"]);
    let (out, _) = succeeds(tradestat().args(["profile", "-r", "CHN", f]));
    assert!(
        out.contains("United States") && out.contains("Germany"),
        "{out}"
    );
    // The exports themselves: the World row's 900, not 900 + 300 + 600.
    let summary = json(&["summary", "-r", "CHN"]);
    assert_eq!(summary[0]["exports"].as_f64(), Some(900.0), "{summary}");
}
