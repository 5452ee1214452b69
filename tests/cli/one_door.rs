//! One library, one door: a report or deck loads its inputs once, stderr carries only
//! tradestat's notes, the narrative and the tables print the same figures, and both engines
//! give the same answers and the same refusals.

use std::path::Path;

use crate::common::*;

/// How many times `tradestat ARGS` opens `file`, counted with strace (`None` without strace).
fn opens_of(args: &[&str], file: &Path, dir: &Path) -> Option<usize> {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing in CI (.ci/run installs it)"
        );
        std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: strace not found; the open-count checks did not run\n",
        )
        .ok();
        return None;
    }
    let log = dir.join("strace.log");
    let bin = assert_cmd::cargo::cargo_bin("tradestat");
    let out = std::process::Command::new("strace")
        .args(["-f", "-e", "trace=open,openat", "-o"])
        .arg(&log)
        .arg(&bin)
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("strace runs");
    assert!(
        out.status.success(),
        "tradestat {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&log).expect("strace log");
    Some(
        text.lines()
            .filter(|l| l.contains(&name) && !l.contains("ENOENT"))
            .count(),
    )
}

#[test]
fn report_opens_its_input_at_most_twice() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("small_bilateral.csv");
    let out = dir.path().join("r");
    let args = [
        "report",
        input.to_str().unwrap(),
        "-r",
        "KAZ",
        "-o",
        out.to_str().unwrap(),
        "-q",
    ];
    if let Some(n) = opens_of(&args, &input, dir.path()) {
        assert!(n <= 2, "the report opened its input {n} times");
        assert!(
            n >= 1,
            "the strace log does not show the input opened at all"
        );
    }
    assert!(out.join("index.html").is_file());
}

#[test]
fn report_on_the_baci_extract_opens_it_at_most_twice() {
    let Some(real) = real_data() else { return };
    let input = real.file("baci-extract/ExampleTradeData.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("zaf");
    let args = [
        "report",
        input.to_str().unwrap(),
        "-r",
        "ZAF",
        "-o",
        out.to_str().unwrap(),
        "-q",
    ];
    if let Some(n) = opens_of(&args, &input, dir.path()) {
        assert!(n <= 2, "the report opened the BACI extract {n} times");
    }
    // Charts were drawn in-process, PNG and SVG of each.
    let charts: Vec<_> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let pngs = charts.iter().filter(|c| c.ends_with(".png")).count();
    let svgs = charts.iter().filter(|c| c.ends_with(".svg")).count();
    assert!(pngs >= 3, "{charts:?}");
    assert_eq!(pngs, svgs, "{charts:?}");
}

#[test]
fn render_opens_its_input_at_most_twice() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("flows.csv");
    std::fs::copy(fixture("small_bilateral.csv"), &input).unwrap();
    let spec = dir.path().join("deck.toml");
    std::fs::write(
        &spec,
        "inputs = [\"flows.csv\"]\n\n[defaults]\nreporter = \"KAZ\"\n\n[[chart]]\nname = \"trend\"\nkind = \"trend\"\n\n\
         [[chart]]\nname = \"flows\"\nkind = \"flows\"\nformats = [\"svg\"]\n\n\
         [[table]]\nname = \"summary\"\nkind = \"summary\"\n\n\
         [[table]]\nname = \"top\"\nkind = \"top\"\n",
    )
    .unwrap();
    let out = dir.path().join("deck");
    let args = [
        "render",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ];
    if let Some(n) = opens_of(&args, &input, dir.path()) {
        assert!(n <= 2, "render opened its input {n} times");
    }
    for f in [
        "trend.png",
        "trend.svg",
        "flows.svg",
        "summary.csv",
        "top.md",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
}

/// Nothing on stderr but tradestat's own notes (no polars diagnostics), on the embedded data.
#[test]
fn stderr_carries_only_tradestat_notes() {
    for args in [
        vec!["summary"],
        vec!["inspect"],
        vec!["compare", "--years", "2014,2018"],
        vec![],
    ] {
        let (_, stderr) = succeeds(tradestat().args(&args));
        for line in stderr.lines() {
            assert!(
                line.starts_with("note: "),
                "tradestat {args:?}: a line on stderr that is not a note: {line}"
            );
        }
    }
}

/// The narrative and the tables print the same figure for the same number.
#[test]
fn narrative_and_tables_agree_on_the_seed_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    succeeds(tradestat().args(["report", "-q", "-o", out.to_str().unwrap()]));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // Turnover $121.4M (2014) -> $23M (2018) is -81.054...%: -81.1% to one decimal.
    assert!(md.contains("(-81.1%)"), "narrative:\n{md}");
    assert!(!md.contains("-81.0%"), "narrative:\n{md}");
    let (table, _) = succeeds(tradestat().args(["compare", "--years", "2014,2018"]));
    assert!(table.contains("-81.1%"), "{table}");
}

/// Generated BACI rows: exporters 1..=E to importers, products, one year.
fn baci_rows(path: &Path) {
    let mut s = String::from("\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"\n");
    let mut x: u64 = 42;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // 398 Kazakhstan, 484 Mexico, 710 South Africa, 4 Afghanistan.
    for &i in &[398, 484, 710] {
        for &j in &[398, 484, 710, 4] {
            if i == j {
                continue;
            }
            for p in 0..40 {
                let k = 10101 + (next() % 97) as u32 * 100 + p;
                let v = (next() % 1_000_000) as f64 / 1000.0;
                s.push_str(&format!(
                    "\"2021\",\"{i}\",\"{j}\",\"{k}\",\"{v:.3}\",\"{:>13}\"\n",
                    if p % 7 == 0 {
                        "NA".to_string()
                    } else {
                        format!("{:.3}", v / 3.0)
                    }
                ));
            }
        }
    }
    std::fs::write(path, s).unwrap();
}

/// Both engines refuse the same questions with the same words.
#[test]
fn both_engines_refuse_an_absent_country_alike() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("baci.csv");
    baci_rows(&f);
    for args in [
        vec!["profile", "-r", "FRA"],
        vec!["profile", "-r", "KAZ", "-p", "FRA"],
    ] {
        let fast = fails(tradestat().args(&args).arg(&f));
        let general = fails(
            tradestat()
                .args(&args)
                .arg(&f)
                .args(["--engine", "general"]),
        );
        assert_eq!(fast, general, "tradestat {args:?}");
        assert!(fast.contains("FRA"), "{fast}");
        assert!(fast.contains("is not in the data"), "{fast}");
    }
}
