//! Every report format from one run, each validated: the JSON report against our own schema,
//! SARIF against the SARIF 2.1.0 schema, JUnit with a strict reader, GitLab Code Quality against
//! its schema, GitHub workflow commands by their grammar; waived findings stay visible as
//! waived in each; the exit code never depends on the format.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema(path: &str) -> jsonschema::Validator {
    // The SARIF 2.1.0 schema's `run.language` pattern has a stray `]` that strict regex engines
    // reject, failing the schema itself; SARIF 2.1.0 Errata 01 corrects it to this. We never
    // emit `language`, so the correction changes nothing about what is validated.
    let text = std::fs::read_to_string(root().join(path)).unwrap().replace(
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is invalid:\n{}",
        errors.join("\n")
    );
}

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "junit", "github", "gitlab", "markdown",
];

/// Runs check on `scenario` writing every format to `dir`; returns the exit code.
fn check_all(scenario: &str, dir: &Path, extra: &[&str], summary: Option<&Path>) -> i32 {
    let bundle = root()
        .join("fixtures/scenarios")
        .join(scenario)
        .join("bundle.json");
    let mut args: Vec<String> = vec![
        "check".into(),
        "--snapshot".into(),
        bundle.display().to_string(),
        "--format".into(),
        "json".into(),
    ];
    for format in FORMATS {
        args.push("--report".into());
        args.push(format!("{format}={}", dir.join(format).display()));
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    let mut command = Command::cargo_bin("oms-preflight").unwrap();
    command
        .args(&args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    match summary {
        Some(path) => command.env("GITHUB_STEP_SUMMARY", path),
        None => command.env_remove("GITHUB_STEP_SUMMARY"),
    };
    let output = command.output().unwrap();
    let stdout: Value = serde_json::from_slice(&output.stdout).unwrap();
    let code = output.status.code().unwrap();
    assert_eq!(stdout["exit_code"], code);
    code
}

fn read(dir: &Path, format: &str) -> String {
    std::fs::read_to_string(dir.join(format)).unwrap()
}

#[test]
fn one_run_writes_all_seven_reports_each_valid_and_showing_the_waiver() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("step-summary.md");
    let waivers = root().join("fixtures/scenarios/waived/waivers.toml");
    let code = check_all(
        "waived",
        dir.path(),
        &["--waivers", waivers.to_str().unwrap()],
        Some(&summary),
    );
    assert_eq!(code, 0);

    // JSON: our schema; the waived finding carries its waiver.
    let json: Value = serde_json::from_str(&read(dir.path(), "json")).unwrap();
    assert_valid(
        &schema("schemas/report.schema.json"),
        &json,
        "the JSON report",
    );
    let waived: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["waiver"].is_null())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["rule"], "tenant.time-zone");
    let fingerprint = waived[0]["fingerprint"].as_str().unwrap().to_string();

    // SARIF: the 2.1.0 schema; every result has a physical location; the waiver is a suppression.
    let sarif: Value = serde_json::from_str(&read(dir.path(), "sarif")).unwrap();
    assert_valid(
        &schema("tests/schemas/sarif-2.1.0.json"),
        &sarif,
        "the SARIF report",
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "dr.toml");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["partialFingerprints"]["omsPreflight/v1"],
        fingerprint
    );
    assert!(
        suppressed[0]["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("dba-team@example.com")
    );

    // JUnit: a strict reader; unique class name + name; the waiver is a skipped case.
    let junit = junit_parser::from_reader(std::io::Cursor::new(read(dir.path(), "junit")))
        .expect("well-formed JUnit");
    let mut keys = BTreeSet::new();
    let mut waived_cases = 0;
    for suite in &junit.suites {
        for case in &suite.cases {
            assert!(
                keys.insert((case.classname.clone(), case.name.clone())),
                "duplicate case {:?}",
                case.name
            );
            if case.classname.as_deref() == Some("tenant.time-zone") {
                assert!(
                    case.status.is_skipped(),
                    "the waived finding is a skipped case"
                );
                waived_cases += 1;
            }
        }
    }
    assert_eq!(waived_cases, 1);
    assert_eq!(keys.len(), junit.tests as usize);

    // GitLab Code Quality: its schema; the waiver is an info issue saying so.
    let gitlab: Value = serde_json::from_str(&read(dir.path(), "gitlab")).unwrap();
    assert_valid(
        &schema("tests/schemas/gitlab-codequality.schema.json"),
        &gitlab,
        "the Code Quality report",
    );
    let issue = gitlab
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["check_name"] == "tenant.time-zone")
        .unwrap();
    assert_eq!(issue["severity"], "info");
    assert!(
        issue["description"]
            .as_str()
            .unwrap()
            .contains("waived until 2999-12-31")
    );

    // GitHub: workflow-command grammar; the waiver is a notice; the job summary is written.
    let github = read(dir.path(), "github");
    for line in github.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file=")
                || line.starts_with("oms-preflight: "),
            "{line}"
        );
        assert!(!line.contains('\r'));
    }
    assert!(github.lines().any(|l| l.starts_with("::notice")
        && l.contains("(waived)")
        && l.contains("title=tenant.time-zone")));
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("### Waived")
    );

    // Markdown and human: the waiver is visible.
    assert!(read(dir.path(), "markdown").contains("| `tenant.time-zone` | pair | time_zone |"));
    assert!(read(dir.path(), "human").contains("(waived) [pair] time_zone"));
}

#[test]
fn every_scenario_gives_valid_json_and_sarif_and_one_exit_code_in_all_formats() {
    let report_schema = schema("schemas/report.schema.json");
    let sarif_schema = schema("tests/schemas/sarif-2.1.0.json");
    let gitlab_schema = schema("tests/schemas/gitlab-codequality.schema.json");
    let scenarios: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for scenario in scenarios {
        let name = scenario.file_name().unwrap().to_str().unwrap().to_string();
        let dir = tempfile::tempdir().unwrap();
        let code = check_all(&name, dir.path(), &["--stage", "reverse"], None);
        assert_valid(
            &report_schema,
            &serde_json::from_str(&read(dir.path(), "json")).unwrap(),
            &name,
        );
        assert_valid(
            &sarif_schema,
            &serde_json::from_str(&read(dir.path(), "sarif")).unwrap(),
            &name,
        );
        assert_valid(
            &gitlab_schema,
            &serde_json::from_str(&read(dir.path(), "gitlab")).unwrap(),
            &name,
        );
        junit_parser::from_reader(std::io::Cursor::new(read(dir.path(), "junit")))
            .expect("well-formed JUnit");
        for format in FORMATS {
            let output = Command::cargo_bin("oms-preflight")
                .unwrap()
                .args([
                    "check",
                    "--snapshot",
                    scenario.join("bundle.json").to_str().unwrap(),
                    "--stage",
                    "reverse",
                    "--format",
                    format,
                ])
                .env("NO_COLOR", "1")
                .env_remove("GITHUB_ACTIONS")
                .env_remove("GITHUB_STEP_SUMMARY")
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(code), "{name} as {format}");
        }
    }
}

#[test]
fn the_schema_command_prints_the_shipped_schema() {
    let output = Command::cargo_bin("oms-preflight")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        std::fs::read_to_string(root().join("schemas/report.schema.json")).unwrap()
    );
}

#[test]
fn in_github_actions_the_human_report_carries_annotations_unless_turned_off() {
    let bundle = root().join("fixtures/scenarios/missing-target-insert/bundle.json");
    let run = |extra: &[&str]| {
        let output = Command::cargo_bin("oms-preflight")
            .unwrap()
            .args(["check", "--snapshot", bundle.to_str().unwrap()])
            .args(extra)
            .env("GITHUB_ACTIONS", "true")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            String::from_utf8(output.stdout).unwrap(),
            output.status.code(),
        )
    };
    let (stdout, code) = run(&[]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("grants.target-write"));
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::error file=dr.toml,line=")
                && l.contains("title=grants.target-write"))
    );
    let (stdout, _) = run(&["--no-annotations"]);
    assert!(!stdout.contains("::error"));
}

#[test]
fn a_bad_report_target_is_a_usage_error() {
    let bundle = root().join("fixtures/scenarios/healthy/bundle.json");
    for target in ["pdf=out.pdf", "sarif", "sarif="] {
        let output = Command::cargo_bin("oms-preflight")
            .unwrap()
            .args([
                "check",
                "--snapshot",
                bundle.to_str().unwrap(),
                "--report",
                target,
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{target}");
    }
}

/// JSON said `"stage": "forward"` beside `stage_undecided` while the human report said
/// undecided: one run, two answers. An undecided stage is `null` in JSON (and valid against the
/// schema, which requires the reason exactly then), `undecided` in the human and Markdown
/// reports and the fix scripts' header, and no format names a stage the run did not settle on.
/// Every decided stage validates too (the schema lacked `running`).
#[test]
fn an_undecided_stage_reads_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(check_all("oms-refused", dir.path(), &[], None), 1);
    let json: Value = serde_json::from_str(&read(dir.path(), "json")).unwrap();
    let validator = schema("schemas/report.schema.json");
    assert_valid(&validator, &json, "the undecided JSON report");
    assert_eq!(json["stage"], Value::Null);
    assert!(
        json["stage_undecided"]
            .as_str()
            .unwrap()
            .starts_with("OMS could not say whether the forward project")
    );
    let human = read(dir.path(), "human");
    assert!(human.contains("· stage undecided ·"), "{human}");
    assert!(
        human.contains("  stage undecided: OMS could not say"),
        "{human}"
    );
    let markdown = read(dir.path(), "markdown");
    assert!(markdown.contains("stage **undecided**"), "{markdown}");
    assert!(markdown.contains("The stage could not be decided: OMS could not say"));
    for format in FORMATS {
        let text = read(dir.path(), format);
        for stage in ["forward", "reverse", "running"] {
            for named in [
                format!("\"stage\": \"{stage}\""),
                format!("stage {stage} ·"),
                format!("stage **{stage}**"),
            ] {
                assert!(!text.contains(&named), "{format} says {named}");
            }
        }
    }
    for format in ["sarif", "junit", "github"] {
        assert!(
            read(dir.path(), format).contains("the stage could not be decided: OMS could not say"),
            "{format}"
        );
    }
    let out = dir.path().join("fix");
    let fixed = Command::cargo_bin("oms-preflight")
        .unwrap()
        .args(["fix", "--snapshot"])
        .arg(root().join("fixtures/scenarios/oms-refused/bundle.json"))
        .arg("--out-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(fixed.status.code(), Some(3));
    let script = std::fs::read_to_string(out.join("tenant-a.sql")).unwrap();
    assert!(
        script.contains("-- plan dr.toml, stage undecided\n"),
        "{script}"
    );

    // A decided stage is named, and the reason is absent: the schema requires both ways.
    for (scenario, stage) in [
        ("healthy", "forward"),
        ("oms-ready", "reverse"),
        ("single-project-running", "running"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        check_all(scenario, dir.path(), &[], None);
        let json: Value = serde_json::from_str(&read(dir.path(), "json")).unwrap();
        assert_valid(&validator, &json, scenario);
        assert_eq!(json["stage"], stage, "{scenario}");
        let mut contradicting = json.clone();
        contradicting["stage_undecided"] = "why".into();
        assert!(!validator.is_valid(&contradicting), "{scenario}");
    }
}
