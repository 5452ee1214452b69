//! `top`: products ranked on the real legacy file against an independent ranking, and the
//! `--products` filter.

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
