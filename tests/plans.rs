//! Plans: every invalid plan in fixtures/plans/invalid is rejected with exit 2 and the rendered
//! diagnostics are snapshotted; every valid plan loads.

use assert_cmd::Command;

fn lint(path: &std::path::Path) -> std::process::Output {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::cargo_bin("oms-preflight")
        .unwrap()
        .current_dir(root)
        .args(["lint", path.strip_prefix(root).unwrap().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn invalid_plans_are_rejected_with_every_problem_labelled() {
    insta::glob!("../fixtures/plans/invalid", "*.toml", |path| {
        let output = lint(path);
        assert_eq!(output.status.code(), Some(2), "{}", path.display());
        assert!(output.stdout.is_empty(), "diagnostics go to stderr");
        insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr));
    });
}

#[test]
fn valid_plans_load() {
    insta::glob!("../fixtures/plans/valid", "*.toml", |path| {
        let output = lint(path);
        assert_ne!(
            output.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
}

#[test]
fn a_missing_plan_file_is_a_usage_error() {
    let output = Command::cargo_bin("oms-preflight")
        .unwrap()
        .args(["check", "does-not-exist.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot read plan does-not-exist.toml")
    );
}

#[test]
fn unknown_rule_ids_and_areas_are_usage_errors() {
    let output = Command::cargo_bin("oms-preflight")
        .unwrap()
        .args([
            "lint",
            "fixtures/plans/valid/dr.toml",
            "--select",
            "grants.target-wrte",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`grants.target-wrte` is not a rule id or an area"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `grants.target-write`?"),
        "{stderr}"
    );
}

/// A label past column 65,535: miette pads underlines with a 16-bit width, and panicked
/// there (exit 4). The diagnostic shows the line cut around the label, at its real column.
#[test]
fn a_label_past_column_65535_renders_on_the_line_cut_around_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let valid = std::fs::read_to_string(root.join("fixtures/plans/valid/dr.toml")).unwrap();
    let wide = valid.replacen(
        "databases = [",
        &format!("databases = [{}\"app.orders\", ", " ".repeat(70_000)),
        1,
    );
    assert_ne!(wide, valid);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.toml");
    std::fs::write(&path, &wide).unwrap();
    let output = Command::cargo_bin("oms-preflight")
        .unwrap()
        .current_dir(dir.path())
        .args(["lint", "wide.toml"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.lines().all(|line| line.chars().count() <= 120),
        "{stderr}"
    );
    insta::assert_snapshot!(stderr);
}
