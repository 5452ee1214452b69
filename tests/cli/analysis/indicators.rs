//! `indicators`: shares, HHI, trade intensity, complementarity, Grubel-Lloyd, RCA, marginal IIT
//! and unit values, against hand computations on our fixture and independent computations on the
//! real BACI extract and legacy Comtrade file.

use super::*;

// Hand-computed values for tests/fixtures/small_bilateral.csv (2020):
// KAZ exports to MEX 010121: 100, 020110: 300; KAZ imports from MEX 010121: 50, 030111: 150.
// MEX declares imports from KAZ 110 + 320 = 430 and exports to KAZ 40 + 160 = 200.
// BRA exports 020110: 500 to MEX. World exports = 100 + 300 + 40 + 160 + 500 = 1100.
#[test]
fn indicators_match_hand_computation() {
    let small = fixture("small_bilateral.csv");
    let rows = json_rows(&[
        "indicators",
        small.to_str().unwrap(),
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--years",
        "2020",
    ]);
    let v: HashMap<String, Option<f64>> = rows
        .iter()
        .map(|r| (text(r, "indicator").to_string(), num(r, "value")))
        .collect();
    let get = |k: &str| {
        v.get(k)
            .copied()
            .flatten()
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert_eq!(get("x_ij"), 400.0);
    assert_eq!(get("m_ij"), 200.0);
    assert_eq!(get("x_w"), 1100.0);
    assert_eq!(get("export_share"), 1.0);
    // HHI of KAZ's exports to MEX over products: 0.25^2 + 0.75^2.
    assert!(close(get("hhi_products_exports"), 0.625));
    assert!(close(get("hhi_products_exports_normalised"), 0.25));
    assert_eq!(get("products_exported"), 2.0);
    // Trade intensity (X_ij/X_i) / (M_j/M_w) = 1 / (430 / 630).
    assert!(close(get("trade_intensity"), 630.0 / 430.0));
    // Complementarity 100 (1 - (|110/430 - 0.25| + |320/430 - 0.75|) / 2).
    let tc =
        100.0 * (1.0 - ((110.0 / 430.0 - 0.25f64).abs() + (320.0 / 430.0 - 0.75f64).abs()) / 2.0);
    assert!(
        close(get("trade_complementarity"), tc),
        "{}",
        get("trade_complementarity")
    );
    // Grubel-Lloyd aggregate: (150 - 50) / (150 + 300 + 150).
    assert!(close(get("grubel_lloyd_aggregate"), 100.0 / 600.0));

    let detail = json_rows(&[
        "indicators",
        small.to_str().unwrap(),
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--years",
        "2020",
        "--detail",
        "products",
    ]);
    let p = |code: &str| detail.iter().find(|r| text(r, "product") == code).unwrap();
    assert!(close(
        num(p("010121"), "grubel_lloyd").unwrap(),
        1.0 - 50.0 / 150.0
    ));
    assert_eq!(num(p("020110"), "grubel_lloyd"), Some(0.0));
    // RCA of KAZ in 010121: (100 / 400) / (140 / 1100).
    assert!(close(
        num(p("010121"), "rca").unwrap(),
        0.25 / (140.0 / 1100.0)
    ));
    // 030111: KAZ exports nothing, RCA 0.
    assert_eq!(num(p("030111"), "rca"), Some(0.0));

    // Marginal IIT 2020 -> 2021: 010121 dX = 50, dM = 50 -> B = 1; 030111 dX = 0, dM = 0
    // (not listed); 020110 dX = 0, dM = 0. Aggregate over 010121 only: 1.
    let marginal = json_rows(&[
        "indicators",
        small.to_str().unwrap(),
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--years",
        "2020,2021",
        "--detail",
        "marginal",
    ]);
    let m = |code: &str| {
        marginal
            .iter()
            .find(|r| text(r, "product") == code)
            .unwrap()
    };
    assert_eq!(num(m("010121"), "b"), Some(1.0));
    assert_eq!(num(m("ALL"), "b"), Some(1.0));
    assert!(marginal.iter().all(|r| text(r, "product") != "020110"));
}

// --- indicators on the real BACI extract, against an independent computation ---

const BACI: &str = "baci-extract/ExampleTradeData.csv";
/// BACI numeric codes: 710 South Africa, 4 Afghanistan.
const ZAF: &str = "710";
const AFG: &str = "4";

/// Relative closeness, for ratios far below 1 as well.
fn rel_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// One BACI row: (exporter, importer, HS6 product, US$).
type Flow = (String, String, String, f64);

/// The BACI rows read with the csv crate. v is in thousands of US$; a 5-digit k lost its
/// leading zero.
fn baci_flows(real: Real) -> Vec<Flow> {
    let mut rdr = csv::Reader::from_path(real.file(BACI)).unwrap();
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["t", "i", "j", "k", "v", "q"]
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[0], "2021");
            let k = r[3].trim();
            assert!(k.len() == 5 || k.len() == 6, "k {k}");
            (
                r[1].trim().to_string(),
                r[2].trim().to_string(),
                format!("{k:0>6}"),
                r[4].trim().parse::<f64>().unwrap() * 1000.0,
            )
        })
        .collect()
}

/// Sum of the values of the flows that `keep` selects, by `key`.
fn sum_by(
    flows: &[Flow],
    keep: impl Fn(&Flow) -> bool,
    key: impl Fn(&Flow) -> String,
) -> HashMap<String, f64> {
    let mut out: HashMap<String, f64> = HashMap::new();
    for f in flows.iter().filter(|f| keep(f)) {
        *out.entry(key(f)).or_default() += f.3;
    }
    out
}

/// H = sum of squared shares over positive values, H* = (H - 1/N) / (1 - 1/N), and N.
fn hhi(values: &HashMap<String, f64>) -> (f64, f64, f64) {
    let v: Vec<f64> = values.values().copied().filter(|v| *v > 0.0).collect();
    let total: f64 = v.iter().sum();
    let h: f64 = v.iter().map(|x| (x / total).powi(2)).sum();
    let n = v.len() as f64;
    (h, (h - 1.0 / n) / (1.0 - 1.0 / n), n)
}

fn indicator_values(args: &[&str]) -> HashMap<String, Option<f64>> {
    json_rows(args)
        .iter()
        .map(|r| (text(r, "indicator").to_string(), num(r, "value")))
        .collect()
}

#[test]
fn baci_indicators_match_an_independent_computation() {
    let Some(real) = real_data() else { return };
    let flows = baci_flows(real);
    let total = |keep: &dyn Fn(&Flow) -> bool| -> f64 {
        flows.iter().filter(|f| keep(f)).map(|f| f.3).sum()
    };
    // BACI rows are at once the exporter's exports and the importer's imports.
    let x_ij = total(&|f| f.0 == ZAF && f.1 == AFG);
    let m_ij = total(&|f| f.0 == AFG && f.1 == ZAF);
    let x_i = total(&|f| f.0 == ZAF);
    let m_i = total(&|f| f.1 == ZAF);
    let x_w = total(&|_| true);
    let m_j = total(&|f| f.1 == AFG);
    let m_w = x_w;
    let products_to_afg = sum_by(&flows, |f| f.0 == ZAF && f.1 == AFG, |f| f.2.clone());
    let (hp, hp_star, n) = hhi(&products_to_afg);
    let zaf_partners = sum_by(&flows, |f| f.0 == ZAF, |f| f.1.clone());
    let (hq, hq_star, _) = hhi(&zaf_partners);
    // Complementarity: ZAF's exports to all partners and AFG's imports, by product.
    let xk = sum_by(&flows, |f| f.0 == ZAF, |f| f.2.clone());
    let mk = sum_by(&flows, |f| f.1 == AFG, |f| f.2.clone());
    let (xt, mt): (f64, f64) = (xk.values().sum(), mk.values().sum());
    let mut products: Vec<&String> = xk.keys().chain(mk.keys()).collect();
    products.sort();
    products.dedup();
    let gap: f64 = products
        .iter()
        .map(|k| {
            (mk.get(*k).copied().unwrap_or(0.0) / mt - xk.get(*k).copied().unwrap_or(0.0) / xt)
                .abs()
        })
        .sum();
    let tc = 100.0 * (1.0 - gap / 2.0);
    // Grubel-Lloyd aggregate over ZAF -> AFG (X) and AFG -> ZAF (M) by product.
    let mk_zaf = sum_by(&flows, |f| f.0 == AFG && f.1 == ZAF, |f| f.2.clone());
    let mut gl_products: Vec<&String> = products_to_afg.keys().chain(mk_zaf.keys()).collect();
    gl_products.sort();
    gl_products.dedup();
    let (mut overlap, mut both) = (0.0, 0.0);
    for k in gl_products {
        let x = products_to_afg.get(k).copied().unwrap_or(0.0);
        let m = mk_zaf.get(k).copied().unwrap_or(0.0);
        overlap += x + m - (x - m).abs();
        both += x + m;
    }

    let file = real.file(BACI);
    let v = indicator_values(&[
        "indicators",
        file.to_str().unwrap(),
        "-r",
        "ZAF",
        "-p",
        "AFG",
    ]);
    let get = |k: &str| {
        v.get(k)
            .copied()
            .flatten()
            .unwrap_or_else(|| panic!("{k} missing: {v:?}"))
    };
    for (name, expected) in [
        ("x_ij", x_ij),
        ("m_ij", m_ij),
        ("x_i", x_i),
        ("m_i", m_i),
        ("x_w", x_w),
        ("m_j", m_j),
        ("m_w", m_w),
        ("export_share", x_ij / x_i),
        ("import_share", m_ij / m_i),
        ("products_exported", n),
        ("hhi_products_exports", hp),
        ("hhi_products_exports_normalised", hp_star),
        ("hhi_partners_exports", hq),
        ("hhi_partners_exports_normalised", hq_star),
        ("trade_intensity", (x_ij / x_i) / (m_j / m_w)),
        ("trade_complementarity", tc),
        ("grubel_lloyd_aggregate", overlap / both),
    ] {
        assert!(expected > 0.0, "{name}: {expected}");
        assert!(
            rel_close(get(name), expected),
            "{name}: got {}, expected {expected}",
            get(name)
        );
    }
    // The extract holds ZAF's and AFG's exports only: AFG's imports all come from ZAF.
    assert_eq!(get("import_share"), 1.0);
    assert!(rel_close(get("m_j"), get("x_ij")));
    assert_eq!(products_to_afg.len(), 34);
}

#[test]
fn baci_rca_and_grubel_lloyd_by_product_match_an_independent_computation() {
    let Some(real) = real_data() else { return };
    let flows = baci_flows(real);
    let x_ik = sum_by(&flows, |f| f.0 == ZAF, |f| f.2.clone());
    let x_wk = sum_by(&flows, |_| true, |f| f.2.clone());
    let x_i: f64 = x_ik.values().sum();
    let x_w: f64 = x_wk.values().sum();
    let to_afg = sum_by(&flows, |f| f.0 == ZAF && f.1 == AFG, |f| f.2.clone());
    let from_afg = sum_by(&flows, |f| f.0 == AFG && f.1 == ZAF, |f| f.2.clone());

    let file = real.file(BACI);
    let rows = json_rows(&[
        "indicators",
        file.to_str().unwrap(),
        "-r",
        "ZAF",
        "-p",
        "AFG",
        "--detail",
        "products",
    ]);
    // Every product ZAF exports anywhere, or trades with AFG, has a row.
    let mut expected: Vec<&String> = x_ik.keys().chain(from_afg.keys()).collect();
    expected.sort();
    expected.dedup();
    let listed: Vec<&str> = rows.iter().map(|r| text(r, "product")).collect();
    assert_eq!(listed, expected, "products listed");
    for row in &rows {
        let k = text(row, "product");
        let x = to_afg.get(k).copied().unwrap_or(0.0);
        let m = from_afg.get(k).copied().unwrap_or(0.0);
        assert!(close(num(row, "exports").unwrap(), x), "{k} exports");
        assert!(close(num(row, "imports").unwrap(), m), "{k} imports");
        match num(row, "grubel_lloyd") {
            Some(gl) => assert!(close(gl, 1.0 - (x - m).abs() / (x + m)), "{k} GL {gl}"),
            None => assert_eq!(x + m, 0.0, "{k}: GL left empty"),
        }
        let rca = (x_ik.get(k).copied().unwrap_or(0.0) / x_i) / (x_wk[k] / x_w);
        let got = num(row, "rca").unwrap_or_else(|| panic!("{k}: no RCA"));
        assert!(
            rel_close(got, rca) || (rca == 0.0 && got == 0.0),
            "{k}: RCA {got}, expected {rca}"
        );
    }
    let p = |code: &str| {
        rows.iter()
            .find(|r| text(r, "product") == code)
            .unwrap_or_else(|| panic!("no row for {code}"))
    };
    // 190110 (infant food): ZAF's largest export to AFG, nothing back.
    assert_eq!(num(p("190110"), "grubel_lloyd"), Some(0.0));
    assert!(close(num(p("190110"), "exports").unwrap(), 38_147.0));
    // 621133 goes both ways: 0 < GL < 1.
    let gl = num(p("621133"), "grubel_lloyd").unwrap();
    assert!(gl > 0.0 && gl < 1.0, "{gl}");
    // 81310 in the file is HS 081310 (dried apricots), imported from AFG only.
    assert!(close(num(p("081310"), "imports").unwrap(), 31_866.0));
    assert_eq!(num(p("081310"), "grubel_lloyd"), Some(0.0));
    assert!(rows.iter().all(|r| text(r, "product").len() == 6));
}

/// `--detail unit-values` on the legacy India-China file: value / Supplementary Quantity per
/// leaf product with a quantity, the unit named by the Quantity Unit Code.
#[test]
fn legacy_unit_values_match_value_over_supplementary_quantity() {
    let Some(real) = real_data() else { return };
    // Unit abbreviations from the file's companion table (UN Comtrade codes).
    let mut units: HashMap<String, String> = HashMap::new();
    let mut rdr =
        csv::Reader::from_path(real.file("comtrade-legacy/measurement_data.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        units.insert(r[0].to_string(), r[1].to_string());
    }
    // (flow code, product) -> (value, quantity, unit code), and the codes per flow.
    type Declared = HashMap<(String, String), (f64, Option<f64>, String)>;
    let mut rows: Declared = HashMap::new();
    let mut rdr = csv::Reader::from_path(real.file("comtrade-legacy/h3_china_india.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if r.len() < 10 || &r[5] == "TOTAL" {
            continue;
        }
        let qty = Some(r[7].trim()).filter(|q| !q.is_empty());
        let old = rows.insert(
            (r[2].to_string(), r[5].to_string()),
            (
                r[9].parse().unwrap(),
                qty.map(|q| q.parse().unwrap()),
                r[6].to_string(),
            ),
        );
        assert!(old.is_none(), "one row per flow and product");
    }
    let is_leaf = |flow: &str, code: &str| {
        !rows
            .keys()
            .any(|(f, c)| f == flow && c.len() > code.len() && c.starts_with(code))
    };
    let mut expected: Vec<(String, String, f64, f64, String)> = rows
        .iter()
        .filter(|((f, c), (_, q, unit))| {
            q.is_some_and(|q| q > 0.0) && unit != "1" && unit != "-1" && is_leaf(f, c)
        })
        .map(|((f, c), (v, q, unit))| {
            let dir = if f == "2" { "x" } else { "m" };
            (dir.to_string(), c.clone(), *v, q.unwrap(), unit.clone())
        })
        .collect();
    expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert!(expected.len() > 1000);

    let out = json_rows(&[
        "indicators",
        real.file("comtrade-legacy/h3_china_india.csv")
            .to_str()
            .unwrap(),
        "-r",
        "IND",
        "-p",
        "CHN",
        "--detail",
        "unit-values",
    ]);
    let listed: Vec<(&str, &str)> = out
        .iter()
        .map(|r| (text(r, "dir"), text(r, "product")))
        .collect();
    let wanted: Vec<(&str, &str)> = expected
        .iter()
        .map(|e| (e.0.as_str(), e.1.as_str()))
        .collect();
    assert_eq!(listed, wanted);
    for (row, (dir, code, value, qty, unit)) in out.iter().zip(&expected) {
        let what = format!("{dir} {code}");
        assert_eq!(num(row, "value"), Some(*value), "{what}");
        assert_eq!(num(row, "quantity"), Some(*qty), "{what}");
        assert!(
            close(num(row, "unit_value").unwrap(), value / qty),
            "{what}"
        );
        if let Some(abbr) = units.get(unit) {
            assert_eq!(text(row, "quantity_unit"), abbr, "{what}");
        } else {
            assert!(!text(row, "quantity_unit").is_empty(), "{what}");
        }
    }
    // A few by hand: India's imports of 010690 (514 items for $453,360).
    let row = |dir: &str, code: &str| {
        out.iter()
            .find(|r| text(r, "dir") == dir && text(r, "product") == code)
            .unwrap_or_else(|| panic!("no {dir} {code}"))
    };
    assert_eq!(text(row("m", "010690"), "quantity_unit"), "u");
    assert!(close(
        num(row("m", "010690"), "unit_value").unwrap(),
        453_360.0 / 514.0
    ));
    assert_eq!(text(row("m", "030379"), "quantity_unit"), "kg");
    assert!(close(
        num(row("m", "030379"), "unit_value").unwrap(),
        22_145.0 / 23_000.0
    ));
}
