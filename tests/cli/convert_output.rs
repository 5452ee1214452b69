//! `convert` output files: required, with a known extension, into an existing directory, and
//! nothing but the named file left behind.

use crate::common::*;

#[test]
fn without_output_file() {
    let err = fails(
        tradestat()
            .args(["convert", "--quiet"])
            .arg(fixture("baci_small.csv")),
    );
    assert!(err.contains("-o"), "{err}");
}

#[test]
fn unknown_output_extension() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.xlsx");
    let err = fails(
        tradestat()
            .args(["convert", "--quiet"])
            .arg(fixture("baci_small.csv"))
            .arg("-o")
            .arg(&out),
    );
    assert!(err.contains("'xlsx'"), "{err}");
    assert!(err.contains(".csv") && err.contains(".parquet"), "{err}");
    assert!(!out.exists());
}

#[test]
fn output_directory_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let out = missing.join("out.csv");
    let err = fails(
        tradestat()
            .args(["convert", "--quiet"])
            .arg(fixture("baci_small.csv"))
            .arg("-o")
            .arg(&out),
    );
    assert!(err.contains("out.csv"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(!missing.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left behind"
    );
}

#[test]
fn writes_only_the_named_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small.csv");
    let (_, stderr) = succeeds(
        tradestat()
            .arg("convert")
            .arg(fixture("baci_small.csv"))
            .arg("-o")
            .arg(&out),
    );
    assert!(stderr.contains("wrote 4 rows"), "{stderr}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["small.csv"], "no temporary file left");
    // 10121 lost its leading zero in the source; the product code gets it back.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(",010121,"), "{text}");
}
