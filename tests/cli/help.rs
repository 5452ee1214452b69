//! `--help` of `inspect`, `convert`, `profile` and `world` ends with examples.

use predicates::prelude::*;

use crate::common::*;

/// The help text ends with an `Examples:` section of indented command lines.
fn ends_with_examples(subcommand: &str) {
    tradestat()
        .args([subcommand, "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    let (stdout, _) = succeeds(tradestat().args([subcommand, "--help"]));
    let tail = stdout.rsplit("Examples:\n").next().unwrap();
    let lines: Vec<&str> = tail.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "{stdout}");
    assert!(
        lines[0].starts_with(&format!("  tradestat {subcommand}")),
        "{stdout}"
    );
    assert!(
        lines.iter().all(|l| l.starts_with("  ")),
        "Examples must be the last section:\n{stdout}"
    );
}

#[test]
fn inspect_help_ends_with_examples() {
    ends_with_examples("inspect");
}

#[test]
fn convert_help_ends_with_examples() {
    ends_with_examples("convert");
}

#[test]
fn profile_and_world_help_end_with_examples() {
    ends_with_examples("profile");
    ends_with_examples("world");
}
