//! The binary on recorded bundles (no network): output formats, selection, --fail-on and the
//! exit codes of SPEC §4.

use assert_cmd::Command;
use oms_preflight::rules::{Input, registry};

fn run(args: &[&str]) -> (String, String, i32) {
    let output = Command::cargo_bin("oms-preflight")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().expect("exited"),
    )
}

fn snapshot(scenario: &str) -> String {
    format!("fixtures/scenarios/{scenario}/bundle.json")
}

#[test]
fn the_exit_code_does_not_depend_on_the_format() {
    // Without [oms], the reverse stage cannot confirm the forward project: incomplete (3).
    for (scenario, stage, expected) in [
        ("healthy", "forward", 0),
        ("healthy", "reverse", 3),
        ("missing-target-insert", "forward", 1),
        ("table-missing-on-b", "reverse", 1),
    ] {
        for format in ["human", "json"] {
            let bundle = snapshot(scenario);
            let args = [
                "check",
                "--snapshot",
                &bundle,
                "--stage",
                stage,
                "--format",
                format,
            ];
            assert_eq!(run(&args).2, expected, "{scenario} at {stage} as {format}");
        }
    }
}

#[test]
fn human_output_has_no_escape_codes_off_a_terminal() {
    let (stdout, stderr, code) = run(&["check", "--snapshot", &snapshot("missing-target-insert")]);
    assert_eq!(code, 1);
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    assert!(stdout.contains("grants.target-write"));
    assert!(stdout.contains("fix: GRANT INSERT ON `app`.* TO 'oms'@'%';"));
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn ignore_and_select_take_ids_and_areas() {
    let bundle = snapshot("missing-target-insert");
    assert_eq!(
        run(&["check", "--snapshot", &bundle, "--ignore", "grants"]).2,
        0
    );
    assert_eq!(
        run(&[
            "check",
            "--snapshot",
            &bundle,
            "--ignore",
            "grants.target-write"
        ])
        .2,
        0
    );
    let (stdout, _, code) = run(&[
        "check",
        "--snapshot",
        &bundle,
        "--select",
        "schema",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let schema_rules = registry::ALL
        .iter()
        .filter(|rule| rule.area() == "schema")
        .count();
    assert_eq!(report["summary"]["rules"], schema_rules);
}

#[test]
fn inconclusive_alone_exits_3_and_fail_on_never_ignores_findings() {
    // Without conn.tenant's own failure, tenant B's rules are only inconclusive.
    let (_, _, code) = run(&[
        "check",
        "--snapshot",
        &snapshot("tenant-b-unreachable"),
        "--ignore",
        "conn",
    ]);
    assert_eq!(code, 3);
    let (_, _, code) = run(&["check", "--snapshot", &snapshot("tenant-b-unreachable")]);
    assert_eq!(code, 1);
    let (_, _, code) = run(&[
        "check",
        "--snapshot",
        &snapshot("missing-target-insert"),
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn fail_on_warning_fails_on_a_minor_version_difference() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/scenarios/healthy/bundle.json"
    ))
    .unwrap();
    let bundle = dir.path().join("bundle.json");
    // Tenant B one minor version behind: a warning, not an error.
    let edited = text.replacen(
        "\"ob_version\": \"4.3.5.3\"",
        "\"ob_version\": \"4.2.5.1\"",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&bundle, edited).unwrap();
    let bundle = bundle.to_str().unwrap();
    assert_eq!(run(&["check", "--snapshot", bundle]).2, 0);
    assert_eq!(
        run(&["check", "--snapshot", bundle, "--fail-on", "warning"]).2,
        1
    );
}

#[test]
fn unreadable_and_foreign_bundles_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.json");
    std::fs::write(&newer, r#"{"format_version": 99}"#).unwrap();
    let (_, stderr, code) = run(&["check", "--snapshot", newer.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("has format version 99"), "{stderr}");

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "not json").unwrap();
    let (_, stderr, code) = run(&["check", "--snapshot", garbage.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read bundle"), "{stderr}");

    assert_eq!(run(&["check", "--snapshot", "no-such-bundle.json"]).2, 2);
    assert_eq!(run(&["check"]).2, 2);
    assert_eq!(
        run(&[
            "check",
            "--format",
            "pdf",
            "--snapshot",
            &snapshot("healthy")
        ])
        .2,
        2
    );
    assert_eq!(
        run(&[
            "check",
            "--timeout",
            "0",
            "--snapshot",
            &snapshot("healthy")
        ])
        .2,
        2
    );
}

#[test]
fn lint_reads_the_plan_only() {
    let (stdout, _, code) = run(&["lint", "fixtures/plans/valid/dr.toml", "--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules: Vec<&str> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["rule"].as_str().unwrap())
        .collect();
    let plan_rules: Vec<&str> = registry::ALL
        .iter()
        .filter(|rule| rule.input == Input::Plan)
        .map(|rule| rule.id)
        .collect();
    assert_eq!(rules, plan_rules);
    assert!(rules.contains(&"link.ddl-single") && rules.contains(&"plan.inline-secret"));
    assert_eq!(report["endpoints"]["a"], serde_json::Value::Null);
}

#[test]
fn help_is_exit_0() {
    assert_eq!(run(&["--help"]).2, 0);
    assert_eq!(run(&["check", "--help"]).2, 0);
}

#[test]
fn rules_lists_the_catalog_and_explain_prints_a_page() {
    let (stdout, _, code) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let catalog: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.first(), Some(&"conn.tenant"));
    assert!(ids.contains(&"oms.forward-schema-done"));
    assert!(
        catalog[0]["docs"]
            .as_str()
            .unwrap()
            .contains("## How to fix")
    );

    let (stdout, _, code) = run(&["rules"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("grants.target-write"));

    let (stdout, _, code) = run(&["explain", "schema.primary-key"]);
    assert_eq!(code, 0);
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/schema.primary-key.md"
    ))
    .unwrap();
    assert_eq!(stdout, page);

    let (_, stderr, code) = run(&["explain", "schema.primary-kee"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `schema.primary-key`?"),
        "{stderr}"
    );
}

#[test]
fn fix_writes_one_reviewable_script_per_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let (_, stderr, code) = run(&[
        "fix",
        "--snapshot",
        &snapshot("grants-missing-on-b"),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("tenant-b.sql (4 statements)"), "{stderr}");
    insta::assert_snapshot!(std::fs::read_to_string(out.join("tenant-b.sql")).unwrap());
    let a = std::fs::read_to_string(out.join("tenant-a.sql")).unwrap();
    assert!(a.ends_with("-- nothing to fix on tenant a\n"), "{a}");
}

#[test]
fn waivers_accept_findings_in_the_report_and_bad_waivers_are_usage_errors() {
    let waived = snapshot("waived");
    let waivers = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/scenarios/waived/waivers.toml"
    );
    let (stdout, _, code) = run(&[
        "check",
        "--snapshot",
        &waived,
        "--waivers",
        waivers,
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let time_zone = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "tenant.time-zone")
        .unwrap();
    assert_eq!(time_zone["waiver"]["owner"], "dba-team@example.com");
    let outcome = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule"] == "tenant.time-zone")
        .unwrap();
    assert_eq!(outcome["status"], "waived");
    assert_eq!(code, 0, "only warnings remain");
    assert_eq!(
        run(&[
            "check",
            "--snapshot",
            &waived,
            "--waivers",
            waivers,
            "--fail-on",
            "warning"
        ])
        .2,
        1,
        "expired and unmatched waivers warn"
    );

    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in [
        (
            "[[waiver]]\nrule = \"tenant.time-zon\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n",
            "did you mean `tenant.time-zone`?",
        ),
        (
            "[[waiver]]\nrule = \"conn.tenant\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n",
            "conn.tenant cannot be waived",
        ),
        (
            "[[waiver]]\nrule = \"tenant.time-zone\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n",
            "this waiver has no `reason`",
        ),
    ] {
        let path = dir.path().join("w.toml");
        std::fs::write(&path, text).unwrap();
        let (_, stderr, code) = run(&[
            "check",
            "--snapshot",
            &waived,
            "--waivers",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}
