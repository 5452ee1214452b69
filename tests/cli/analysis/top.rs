//! `top`: products ranked on the real legacy file against an independent ranking, the
//! `--products` filter, and product names from BACI's product table (a committed excerpt).

use super::*;

#[test]
fn top_products_on_a_real_file_match_an_independent_ranking() {
    let Some(real) = real_data() else { return };
    let expected = legacy_leaves(real, "1");
    let total: f64 = expected.iter().map(|l| l.1).sum();
    let rows = json_rows(&[
        "top",
        real.file("comtrade-legacy/h3_china_india.csv")
            .to_str()
            .unwrap(),
        "--flow",
        "imports",
        "-n",
        "10",
    ]);
    assert_eq!(rows.len(), 10);
    let mut cumulative = 0.0;
    for (row, (code, value)) in rows.iter().zip(&expected) {
        assert_eq!(text(row, "code"), code);
        assert!(close(num(row, "value").unwrap(), *value));
        assert!(close(num(row, "share").unwrap(), value / total));
        cumulative += value / total;
        assert!(close(num(row, "cumulative_share").unwrap(), cumulative));
    }
}

#[test]
fn products_filter_keeps_only_the_given_prefixes() {
    let Some(real) = real_data() else { return };
    let file = real.file("comtrade-legacy/h3_china_india.csv");
    let file = file.to_str().unwrap();
    let leaves = legacy_leaves(real, "1");
    for (option, prefixes) in [("85", vec!["85"]), ("85,8471", vec!["85", "8471"])] {
        let expected: Vec<&(String, f64)> = leaves
            .iter()
            .filter(|(c, _)| prefixes.iter().any(|p| c.starts_with(p)))
            .collect();
        assert!(expected.len() > 10);
        let rows = json_rows(&[
            "top",
            file,
            "--flow",
            "imports",
            "--products",
            option,
            "-n",
            "0",
        ]);
        assert_eq!(rows.len(), expected.len(), "--products {option}");
        for r in &rows {
            let code = text(r, "code");
            assert!(
                prefixes.iter().any(|p| code.starts_with(p)),
                "--products {option}: {code}"
            );
        }
        let total: f64 = rows.iter().filter_map(|r| num(r, "value")).sum();
        let want: f64 = expected.iter().map(|l| l.1).sum();
        assert!(close(total, want), "--products {option}: {total} vs {want}");
        assert!(close(num(&rows[0], "share").unwrap(), expected[0].1 / want));
    }
    // The summary of one chapter sums its top-level code, not the file's TOTAL.
    let mut chapter: HashMap<String, f64> = HashMap::new();
    let mut rdr = csv::Reader::from_path(real.file("comtrade-legacy/h3_china_india.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if r.len() >= 10 && &r[5] == "85" {
            chapter.insert(r[2].to_string(), r[9].parse().unwrap());
        }
    }
    let rows = json_rows(&["summary", file, "--products", "85"]);
    assert_eq!(num(&rows[0], "imports"), Some(chapter["1"]));
    assert_eq!(num(&rows[0], "exports"), Some(chapter["2"]));
}

/// BACI rows carry no product names: BACI's product table among the inputs (the committed
/// excerpt of CEPII's HS92 list) names the products `top` ranks, those of chapters 01-09 too
/// (written with 5 digits in the BACI file).
#[test]
fn product_names_come_from_the_baci_product_table() {
    let table = excerpt("baci-codes/product_codes_HS92_V202401.csv");
    let names: HashMap<String, String> = code_pairs(&table).into_iter().collect();
    let mut codes: Vec<String> = names.keys().cloned().collect();
    codes.sort();
    // 40 products: the 14 of chapters 01-09 and the next 26.
    assert_eq!(codes.iter().filter(|c| c.starts_with('0')).count(), 14);
    let products = &codes[..40];
    // 60 rows between ZAF (710) and KAZ (398), both ways.
    let mut rng = Rng::new(2021);
    let rows = generate_baci(&mut rng, 2021, 60, &[710, 398], products, (710, 398), 100);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("BACI_HS92_Y2021_V202401.csv");
    write_baci(&file, &rows);
    // ZAF's exports to KAZ by product, ranked by value, ties by code.
    let mut expected: Vec<(String, u64)> = rows
        .iter()
        .filter(|r| r.i == 710)
        .map(|r| (r.k.clone(), r.usd))
        .collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    assert!(expected.iter().any(|(k, _)| k.starts_with('0')));

    let out = json_rows(&[
        "top",
        file.to_str().unwrap(),
        table.to_str().unwrap(),
        "-r",
        "ZAF",
        "-p",
        "KAZ",
        "--flow",
        "exports",
        "-n",
        "0",
    ]);
    let listed: Vec<&str> = out.iter().map(|r| text(r, "code")).collect();
    let wanted: Vec<&str> = expected.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(listed, wanted, "products ranked");
    for (row, (code, usd)) in out.iter().zip(&expected) {
        assert_eq!(text(row, "name"), names[code], "{code}");
        assert!(close(num(row, "value").unwrap(), *usd as f64), "{code}");
    }
    // Without the table, tradestat's own table names them in the file's edition (HS92, from
    // the same CEPII list).
    let bare = json_rows(&[
        "top",
        file.to_str().unwrap(),
        "-r",
        "ZAF",
        "-p",
        "KAZ",
        "-n",
        "0",
    ]);
    assert_eq!(bare.len(), out.len());
    for r in &bare {
        assert_eq!(text(r, "name"), names[text(r, "code")], "{r:?}");
    }
}
