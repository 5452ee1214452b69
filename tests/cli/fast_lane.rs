//! The BACI fast lane of `profile` and `world`, and BACI-layout Parquet: the fast lane must give
//! the general engine's figures. Both are run (`--engine general` forces the general engine) and
//! every number is compared, on the real BACI extract and on BACI rows generated here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::*;

const BACI: &str = "baci-extract/ExampleTradeData.csv";

fn json(args: &[&str]) -> serde_json::Value {
    let (stdout, _) = succeeds(tradestat().args(args).args(["--output", "json", "-q"]));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// Equal JSON, numbers within 1e-9 relative (sums in another order).
fn same(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
                "{at}: {x} != {y}"
            );
        }
        (Array(x), Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                same(x, y, &format!("{at}[{i}]"));
            }
        }
        (Object(x), Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{at}: keys"
            );
            for (k, v) in x {
                same(v, &y[k], &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// Run `args` on `inputs` with both engines; return the fast lane's JSON.
fn both_engines(inputs: &[&Path], args: &[&str]) -> serde_json::Value {
    let mut full: Vec<&str> = args.to_vec();
    full.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let fast = json(&full);
    full.extend(["--engine", "general"]);
    let general = json(&full);
    same(&fast, &general, &args.join(" "));
    fast
}

/// Sum of v * 1000 over the rows of the extract where `keep(i, j)`.
fn independent_sum(real: Real, keep: impl Fn(&str, &str) -> bool) -> f64 {
    let mut rdr = csv::Reader::from_path(real.file(BACI)).unwrap();
    let mut sum = 0.0;
    for r in rdr.records() {
        let r = r.unwrap();
        if keep(&r[1], &r[2]) {
            sum += r[4].trim().parse::<f64>().unwrap() * 1000.0;
        }
    }
    sum
}

#[test]
fn pair_profile_agrees_with_the_general_engine_and_the_file() {
    let Some(real) = real_data() else { return };
    let p = both_engines(
        &[&real.file(BACI)],
        &["profile", "-r", "ZAF", "-p", "AFG", "-n", "5"],
    );
    let flows = &p["flows"][0];
    assert_eq!(flows["year"], "2021");
    let x = independent_sum(real, |i, j| i == "710" && j == "4");
    let m = independent_sum(real, |i, j| i == "4" && j == "710");
    assert_close(flows["exports"].as_f64().unwrap(), x, "ZAF->AFG");
    assert_close(flows["imports"].as_f64().unwrap(), m, "AFG->ZAF");
    assert_close(flows["balance"].as_f64().unwrap(), x - m, "balance");
    let top = p["top_products"].as_array().unwrap();
    assert_eq!(top.len(), 5);
    assert_eq!(top[0]["product"], "190110");
    let values: Vec<f64> = top.iter().map(|r| r["value"].as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    // Chapter totals add up to the flows both ways.
    let ch = p["chapters"].as_array().unwrap();
    let sum = |k: &str| ch.iter().filter_map(|r| r[k].as_f64()).sum::<f64>();
    assert_close(sum("exports"), x, "chapters exports");
    assert_close(sum("imports"), m, "chapters imports");
    assert!(
        ch.iter()
            .any(|r| r["chapter"] == "08" && r["name"] == "Fruit & nuts")
    );
}

#[test]
fn reporter_profile_agrees_with_the_general_engine() {
    let Some(real) = real_data() else { return };
    for r in ["ZAF", "AFG"] {
        let p = both_engines(&[&real.file(BACI)], &["profile", "-r", r]);
        let top = p["top_partners"].as_array().unwrap();
        assert_eq!(top.len(), 10, "{r}");
        let hhi = p["concentration"][0]["hhi"].as_f64().unwrap();
        assert!(hhi > 0.0 && hhi <= 1.0, "{r}: {hhi}");
    }
    // KAZ is only an importer in the extract: exports unknown, not zero, and no
    // concentration of exports.
    let kaz = both_engines(&[&real.file(BACI)], &["profile", "-r", "KAZ"]);
    assert!(kaz["flows"][0]["exports"].is_null(), "{kaz}");
    assert!(kaz["concentration"][0]["hhi"].is_null(), "{kaz}");
    assert_eq!(kaz["concentration"][0]["products"], 0, "{kaz}");
    assert_close(
        kaz["flows"][0]["imports"].as_f64().unwrap(),
        independent_sum(real, |_, j| j == "398"),
        "KAZ imports",
    );
}

#[test]
fn world_table_agrees_with_the_general_engine_and_the_file() {
    let Some(real) = real_data() else { return };
    let w = both_engines(&[&real.file(BACI)], &["world"]);
    let rows = w.as_array().unwrap();
    assert_eq!(rows[0]["country"], "ZAF");
    assert_eq!(rows[0]["rank"], 1);
    assert_close(
        rows[0]["exports"].as_f64().unwrap(),
        independent_sum(real, |i, _| i == "710"),
        "ZAF exports",
    );
    let imports: f64 = rows.iter().filter_map(|r| r["imports"].as_f64()).sum();
    assert_close(
        imports,
        independent_sum(real, |_, _| true),
        "all imports = all rows",
    );
}

#[test]
fn several_years_and_code_tables() {
    let Some(real) = real_data() else { return };
    // The extract again as a second year, so a glob reads two files.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(real.file(BACI)).unwrap();
    std::fs::write(dir.path().join("baci_2021.csv"), &text).unwrap();
    std::fs::write(
        dir.path().join("baci_2022.csv"),
        text.replace("\n2021,", "\n2022,"),
    )
    .unwrap();
    let glob = dir.path().join("baci_*.csv");
    let codes = real.file("baci-codes/product_codes_HS92_V202401.csv");
    let p = both_engines(
        &[&glob, &codes],
        &["profile", "-r", "ZAF", "-p", "AFG", "--years", "2021,2022"],
    );
    let flows = p["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 2);
    assert_eq!(flows[1]["year"], "2022");
    assert_eq!(flows[0]["exports"], flows[1]["exports"]);
    let name = p["top_products"][0]["name"].as_str().unwrap_or("");
    assert!(name.starts_with("Food preparations"), "{p}");
    let w = both_engines(&[&glob], &["world", "--years", "2022", "-n", "3"]);
    assert_eq!(w.as_array().unwrap().len(), 3);
    assert_eq!(w[0]["year"], "2022");
}

#[test]
fn baci_layout_parquet_gives_the_same_figures() {
    let Some(real) = real_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("baci.parquet");
    let (_, stderr) = succeeds(
        tradestat()
            .args(["convert", "--keep-layout", "-o"])
            .arg(&pq)
            .arg(real.file(BACI)),
    );
    assert!(stderr.contains("wrote 71192 rows"), "{stderr}");
    // Without --keep-layout the canonical table is written, and the user told of the option.
    let canonical = dir.path().join("canonical.parquet");
    let (_, stderr) = succeeds(
        tradestat()
            .args(["convert", "-o"])
            .arg(&canonical)
            .arg(real.file(BACI)),
    );
    assert!(stderr.contains("with --keep-layout"), "{stderr}");
    let baci = real.file(BACI);
    for args in [
        vec!["profile", "-r", "ZAF", "-p", "AFG"],
        vec!["profile", "-r", "AFG"],
        vec!["world"],
    ] {
        let csv = {
            let mut a = args.clone();
            a.push(baci.to_str().unwrap());
            json(&a)
        };
        let parquet = both_engines(&[&pq], &args);
        same(&csv, &parquet, &format!("{args:?} csv vs parquet"));
    }
    // The general commands read it too, with the same totals as the CSV.
    let sum = |f: &Path| {
        let (out, _) = succeeds(
            tradestat()
                .args([
                    "summary", "-r", "ZAF", "-p", "world", "--output", "json", "-q",
                ])
                .arg(f),
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v[0]["exports"].as_f64().unwrap()
    };
    assert_close(sum(&pq), sum(&real.file(BACI)), "summary on Parquet");
    let items = inspect_items(&[], &pq);
    assert!(
        items.values().any(|v| v.contains("BACI layout")),
        "{items:?}"
    );
}

#[test]
fn requests_the_lane_cannot_answer_are_refused_or_sent_to_the_general_engine() {
    let Some(real) = real_data() else { return };
    let baci = real.file(BACI);
    let e = fails(
        tradestat()
            .args(["profile", "-r", "ZAF", "-p", "ZAF"])
            .arg(&baci),
    );
    assert!(e.contains("both ZAF"), "{e}");
    let e = fails(
        tradestat()
            .args(["profile", "-r", "ZAF", "-p", "world"])
            .arg(&baci),
    );
    assert!(e.contains("leave out --partner"), "{e}");
    let e = fails(
        tradestat()
            .args(["convert", "--keep-layout", "-o", "x.parquet"])
            .arg(fixture("small_bilateral.csv")),
    );
    assert!(e.contains("needs BACI inputs"), "{e}");
    // --products is not in the lane: the general engine answers it.
    let (out, _) = succeeds(
        tradestat()
            .args([
                "profile",
                "-r",
                "ZAF",
                "-p",
                "AFG",
                "--products",
                "19",
                "-q",
            ])
            .arg(&baci),
    );
    assert!(out.contains("190110") && !out.contains("621133"), "{out}");
}

/// A BACI file above the size validated line by line before the scan (64 MiB), with
/// `bad` as the `t,i,j` of line `at`; every other line is ZAF -> AFG, 1.5 thousand USD.
fn big_file(dir: &Path, bad: &str, at: usize) -> (PathBuf, usize) {
    use std::io::Write;
    let path = dir.join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"").unwrap();
    let rows = 1_900_000;
    for n in 2..rows + 2 {
        let tij = if n == at { bad } else { "2021,710,4" };
        writeln!(f, "{tij},{},1.5,\"        0.010\"", 100000 + n % 50).unwrap();
    }
    f.flush().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 64 * 1024 * 1024);
    (path, rows)
}

#[test]
fn big_file_errors_name_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = big_file(dir.path(), "2021,7x0,4", 1_234_567);
    let e = fails(tradestat().args(["world"]).arg(&path));
    assert!(
        e.contains("big.csv:1234567: column 'i': expected a whole number, found '7x0'"),
        "{e}"
    );
}

#[test]
fn big_file_the_typed_scan_cannot_read_goes_to_the_general_engine() {
    // "2021.0" is a year for the readers, not an integer for the typed scan.
    let dir = tempfile::tempdir().unwrap();
    let (path, rows) = big_file(dir.path(), "2021.0,710,4", 5);
    let (out, _) = succeeds(
        tradestat()
            .args(["world", "--output", "json", "-q"])
            .arg(&path),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let zaf = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["country"] == "ZAF")
        .expect("a ZAF row");
    assert_eq!(zaf["year"], "2021");
    assert_close(
        zaf["exports"].as_f64().unwrap(),
        rows as f64 * 1500.0,
        "exports",
    );
}

#[test]
fn no_spinner_when_stderr_is_not_a_terminal() {
    let Some(real) = real_data() else { return };
    let (_, stderr) = succeeds(tradestat().args(["world"]).arg(real.file(BACI)));
    assert!(
        stderr.lines().all(|l| l.starts_with("note: ")),
        "{stderr:?}"
    );
}

/// BACI codes of the generated rows: AFG, BRA, CHN, FRA (251), DEU, JPN, KAZ, MEX, "Other Asia,
/// nes" (490), IND (699), ZAF, USA (842).
const GENERATED_COUNTRIES: [u32; 12] = [4, 76, 156, 251, 276, 392, 398, 484, 490, 699, 710, 842];

/// Two years of generated BACI rows (2,000 a year, a fifth of them between KAZ and MEX), in
/// BACI's own layout, over the products of the committed product table excerpt.
fn generated_years(dir: &Path) -> (PathBuf, Vec<BaciRow>) {
    let products: Vec<String> = code_pairs(&excerpt("baci-codes/product_codes_HS92_V202401.csv"))
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let mut rng = Rng::new(0xBAC1);
    let mut all = Vec::new();
    for year in [2021, 2022] {
        let rows = generate_baci(
            &mut rng,
            year,
            2000,
            &GENERATED_COUNTRIES,
            &products,
            (398, 484),
            20,
        );
        write_baci(&dir.join(format!("BACI_HS92_Y{year}_V202401.csv")), &rows);
        all.extend(rows);
    }
    (dir.join("BACI_HS92_Y*_V202401.csv"), all)
}

/// Needs nothing beside the checkout: a few thousand BACI rows generated here give the same
/// figures with the fast lane and the general engine for `profile -r X -p Y`, `profile -r X`
/// and `world`, and those figures are the sums of the generated rows.
#[test]
fn generated_baci_rows_agree_with_the_general_engine_and_their_sums() {
    let dir = tempfile::tempdir().unwrap();
    let (glob, rows) = generated_years(dir.path());
    let table = excerpt("baci-codes/product_codes_HS92_V202401.csv");
    let names: HashMap<String, String> = code_pairs(&table).into_iter().collect();
    let iso: HashMap<String, String> = code_pairs(&excerpt("baci-codes/country_codes_V202401.csv"))
        .into_iter()
        .collect();
    // The generated code of an ISO3 code (the table has two codes for some, e.g. 276 and 280
    // for DEU: the one among the generated countries).
    let code_of = |iso3: &str| -> u32 {
        let codes: Vec<u32> = GENERATED_COUNTRIES
            .into_iter()
            .filter(|c| iso.get(&c.to_string()).is_some_and(|i| i == iso3))
            .collect();
        assert_eq!(codes.len(), 1, "{iso3}: codes {codes:?}");
        codes[0]
    };
    // US$ of the rows of `year` that `keep` selects.
    let sum = |year: i32, keep: &dyn Fn(&BaciRow) -> bool| -> f64 {
        rows.iter()
            .filter(|r| r.t == year && keep(r))
            .map(|r| r.usd as f64)
            .sum()
    };
    let (kaz, mex) = (code_of("KAZ"), code_of("MEX"));
    assert_eq!((kaz, mex), (398, 484));

    // The pair: flows per year, top products of the latest year named from the table.
    let p = both_engines(
        &[&glob, &table],
        &["profile", "-r", "KAZ", "-p", "MEX", "-n", "5"],
    );
    let flows = p["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 2, "{p}");
    for (f, year) in flows.iter().zip([2021, 2022]) {
        assert_eq!(f["year"], year.to_string());
        let x = sum(year, &|r| r.i == kaz && r.j == mex);
        let m = sum(year, &|r| r.i == mex && r.j == kaz);
        assert_close(f["exports"].as_f64().unwrap(), x, "KAZ->MEX");
        assert_close(f["imports"].as_f64().unwrap(), m, "MEX->KAZ");
        assert_close(f["balance"].as_f64().unwrap(), x - m, "balance");
    }
    let top = p["top_products"].as_array().unwrap();
    assert_eq!(top.len(), 5);
    let best = rows
        .iter()
        .filter(|r| r.t == 2022 && r.i == kaz && r.j == mex)
        .max_by_key(|r| r.usd)
        .unwrap();
    assert_eq!(top[0]["product"], best.k.as_str());
    assert_close(top[0]["value"].as_f64().unwrap(), best.usd as f64, "top");
    for r in top {
        let code = r["product"].as_str().unwrap();
        assert_eq!(r["name"], names[code].as_str(), "{code}");
    }
    let values: Vec<f64> = top.iter().map(|r| r["value"].as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    let ch = p["chapters"].as_array().unwrap();
    let chapters = |k: &str| ch.iter().filter_map(|r| r[k].as_f64()).sum::<f64>();
    assert_close(
        chapters("exports"),
        sum(2022, &|r| r.i == kaz && r.j == mex),
        "chapters exports",
    );
    assert_close(
        chapters("imports"),
        sum(2022, &|r| r.i == mex && r.j == kaz),
        "chapters imports",
    );

    // The reporter: flows per year with every partner, ten top partners.
    let rep = both_engines(&[&glob], &["profile", "-r", "KAZ"]);
    for (f, year) in rep["flows"].as_array().unwrap().iter().zip([2021, 2022]) {
        assert_eq!(f["year"], year.to_string());
        assert_close(
            f["exports"].as_f64().unwrap(),
            sum(year, &|r| r.i == kaz),
            "KAZ exports",
        );
        assert_close(
            f["imports"].as_f64().unwrap(),
            sum(year, &|r| r.j == kaz),
            "KAZ imports",
        );
    }
    assert_eq!(rep["top_partners"].as_array().unwrap().len(), 10, "{rep}");
    assert_eq!(rep["top_partners"][0]["partner"], "MEX", "{rep}");
    let hhi = rep["concentration"][0]["hhi"].as_f64().unwrap();
    assert!(hhi > 0.0 && hhi < 1.0, "{hhi}");

    // The world table: every country in both years, as the rows add up.
    let w = both_engines(&[&glob], &["world"]);
    let w = w.as_array().unwrap();
    assert_eq!(w.len(), 2 * GENERATED_COUNTRIES.len());
    for row in w {
        let year: i32 = row["year"].as_str().unwrap().parse().unwrap();
        let country = row["country"].as_str().unwrap();
        let c = code_of(country);
        let what = format!("{year} {country}");
        assert_close(
            row["exports"].as_f64().unwrap(),
            sum(year, &|r| r.i == c),
            &what,
        );
        assert_close(
            row["imports"].as_f64().unwrap(),
            sum(year, &|r| r.j == c),
            &what,
        );
    }
}
