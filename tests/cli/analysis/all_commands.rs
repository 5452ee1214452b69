//! What every analysis command shares: golden tables of the seed data and our fixture in every
//! output format, no NaN or infinity in any output, and help ending with examples.

use super::*;

/// Every golden file is compared before the test fails, and the failure lists every file and
/// line that differs.
#[test]
fn golden_tables() {
    let mut mismatches: Vec<String> = Vec::new();
    for (name, args) in [
        ("summary_seed.txt", vec!["summary"]),
        (
            "profile_seed.txt",
            vec!["profile", "-r", "KAZ", "-p", "MEX"],
        ),
        (
            "profile_seed.json",
            vec!["profile", "-r", "KAZ", "-p", "MEX", "--output", "json"],
        ),
        (
            "profile_seed.csv",
            vec!["profile", "-r", "KAZ", "--output", "csv"],
        ),
        ("world_seed.txt", vec!["world"]),
        ("world_seed.json", vec!["world", "--output", "json"]),
        ("summary_seed.csv", vec!["summary", "--output", "csv"]),
        ("summary_seed.json", vec!["summary", "--output", "json"]),
        ("summary_seed.md", vec!["summary", "--output", "markdown"]),
        ("compare_seed.txt", vec!["compare", "--years", "2014,2018"]),
        (
            "compare_seed.csv",
            vec!["compare", "--years", "2014,2018", "--output", "csv"],
        ),
        (
            "compare_seed.json",
            vec!["compare", "--years", "2014,2018", "--output", "json"],
        ),
        (
            "composition_seed.txt",
            vec!["composition", "--group", "category"],
        ),
        (
            "composition_seed.csv",
            vec!["composition", "--group", "category", "--output", "csv"],
        ),
        (
            "composition_seed.json",
            vec!["composition", "--group", "category", "--output", "json"],
        ),
    ] {
        mismatches.extend(golden(name, &args));
    }
    let small = fixture("small_bilateral.csv");
    let small = small.to_str().unwrap();
    for (name, args) in [
        (
            "top_small.txt",
            vec!["top", small, "-r", "KAZ", "-p", "MEX", "--years", "2020"],
        ),
        (
            "top_small.json",
            vec![
                "top", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "json",
            ],
        ),
        (
            "top_small.csv",
            vec![
                "top", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "csv",
            ],
        ),
        (
            "partners_small.txt",
            vec!["partners", small, "-r", "MEX", "--years", "2020"],
        ),
        (
            "partners_small.csv",
            vec![
                "partners", small, "-r", "MEX", "--years", "2020", "--output", "csv",
            ],
        ),
        (
            "partners_small.json",
            vec![
                "partners", small, "-r", "MEX", "--years", "2020", "--output", "json",
            ],
        ),
        (
            "mirror_small.txt",
            vec!["mirror", small, "-r", "KAZ", "-p", "MEX", "--years", "2020"],
        ),
        (
            "mirror_small.json",
            vec![
                "mirror", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "json",
            ],
        ),
        (
            "mirror_small.csv",
            vec![
                "mirror", small, "-r", "KAZ", "-p", "MEX", "--years", "2020", "--output", "csv",
            ],
        ),
        (
            "indicators_small.txt",
            vec![
                "indicators",
                small,
                "-r",
                "KAZ",
                "-p",
                "MEX",
                "--years",
                "2020",
            ],
        ),
        (
            "indicators_small.csv",
            vec![
                "indicators",
                small,
                "-r",
                "KAZ",
                "-p",
                "MEX",
                "--years",
                "2020",
                "--output",
                "csv",
            ],
        ),
        (
            "indicators_small.json",
            vec![
                "indicators",
                small,
                "-r",
                "KAZ",
                "-p",
                "MEX",
                "--years",
                "2020",
                "--output",
                "json",
            ],
        ),
    ] {
        mismatches.extend(golden(name, &args));
    }
    assert!(
        mismatches.is_empty(),
        "{} golden file(s) differ (UPDATE_GOLDEN=1 rewrites them; review the diff):\n\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn no_nan_or_infinity_in_any_output() {
    let small = fixture("small_bilateral.csv");
    for format in ["table", "csv", "json", "markdown"] {
        for args in [
            vec![
                "indicators",
                small.to_str().unwrap(),
                "-r",
                "BRA",
                "-p",
                "MEX",
                "--years",
                "2020",
            ],
            vec!["summary", small.to_str().unwrap(), "-r", "BRA"],
        ] {
            let (stdout, _) = succeeds(tradestat().args(&args).args(["--output", format, "-q"]));
            let lower = stdout.to_lowercase();
            assert!(
                !lower.contains("nan") && !lower.contains("inf"),
                "{format}: {stdout}"
            );
        }
    }
}

#[test]
fn analysis_help_ends_with_examples() {
    for sub in [
        "summary",
        "compare",
        "top",
        "composition",
        "partners",
        "mirror",
        "indicators",
    ] {
        let (stdout, _) = succeeds(tradestat().args([sub, "--help"]));
        assert!(stdout.contains("Examples:"), "{sub}");
    }
}
