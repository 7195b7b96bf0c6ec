//! The binary on recorded bundles (no network): output formats, selection, --fail-on and the
//! exit codes (docs/exit-codes.md).

use assert_cmd::Command;
use oms_preflight::rules::{Input, registry};

fn run(args: &[&str]) -> (String, String, i32) {
    let output = Command::cargo_bin("oms-preflight")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        // English reports whatever the machine's locale.
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
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

/// `--select grants --ignore grants` evaluated nothing and printed PASSED, exit 0. A selection
/// that leaves no rule — ignored away, or of rules `lint` does not run — is a usage error.
#[test]
fn a_selection_of_no_rule_is_a_usage_error() {
    let bundle = snapshot("healthy");
    let plan = "fixtures/plans/valid/dr.toml";
    for (args, expected) in [
        (
            vec![
                "check",
                "--snapshot",
                &bundle,
                "--select",
                "grants",
                "--ignore",
                "grants",
            ],
            "--select grants --ignore grants leaves no rule to run",
        ),
        (
            vec![
                "check",
                "--snapshot",
                &bundle,
                "--select",
                "grants.antiloop",
                "--ignore",
                "grants",
                "--format",
                "json",
            ],
            "--select grants.antiloop --ignore grants leaves no rule to run",
        ),
        (
            vec!["lint", plan, "--select", "grants"],
            "--select grants leaves no rule to run",
        ),
    ] {
        let (stdout, stderr, code) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let (_, stderr, _) = run(&["lint", plan, "--select", "grants"]);
    assert!(
        stderr.contains("lint runs only the rules that read the plan alone"),
        "{stderr}"
    );
    // Ignoring part of a selection still runs the rest.
    let (_, _, code) = run(&[
        "lint",
        plan,
        "--select",
        "link",
        "--ignore",
        "link.ddl-single",
    ]);
    assert_eq!(code, 0);
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

/// `fix` on a recorded scenario: its stderr and exit code, and the directory of the scripts.
fn fix(scenario: &str) -> (String, i32, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let (_, stderr, code) = run(&[
        "fix",
        "--snapshot",
        &snapshot(scenario),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    (stderr, code, dir)
}

#[test]
fn fix_writes_one_reviewable_script_per_tenant() {
    let (stderr, code, dir) = fix("grants-missing-on-b");
    let out = dir.path().join("fix");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("tenant-b.sql (4 statements)"), "{stderr}");
    insta::assert_snapshot!(std::fs::read_to_string(out.join("tenant-b.sql")).unwrap());
    let a = std::fs::read_to_string(out.join("tenant-a.sql")).unwrap();
    assert!(a.ends_with("-- nothing to fix on tenant a\n"), "{a}");
}

/// In Chinese the script's comments are Chinese and its SQL is the same statements.
#[test]
fn fix_in_chinese_writes_the_same_sql_with_chinese_comments() {
    let (_, _, en) = fix("grants-missing-on-b");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let (_, stderr, code) = run(&[
        "fix",
        "--snapshot",
        &snapshot("grants-missing-on-b"),
        "--out-dir",
        out.to_str().unwrap(),
        "--lang",
        "zh-CN",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let zh = std::fs::read_to_string(out.join("tenant-b.sql")).unwrap();
    let en = std::fs::read_to_string(en.path().join("fix/tenant-b.sql")).unwrap();
    let sql = |script: &str| -> Vec<String> {
        script
            .lines()
            .filter(|line| !line.starts_with("--") && !line.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(sql(&zh), sql(&en));
    assert!(zh.contains("修复脚本") && zh.contains("缺少"), "{zh}");
}

/// `fix` and `check` agree: a tenant that could not be read leaves the run incomplete (exit 3),
/// and the scripts say what was not checked instead of "nothing to fix".
#[test]
fn fix_with_a_tenant_unreachable_is_incomplete_and_says_which() {
    let (stderr, code, dir) = fix("tenant-b-unreachable");
    let out = dir.path().join("fix");
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("tenant b could not be read"), "{stderr}");
    let b = std::fs::read_to_string(out.join("tenant-b.sql")).unwrap();
    assert!(b.contains("-- not checked, so not fixed here"), "{b}");
    assert!(b.contains("blocked by conn.tenant (tenant b)"), "{b}");
    assert!(
        b.ends_with("-- nothing to fix on tenant b among what could be checked\n"),
        "{b}"
    );
}

/// A tenant that let the user log in but gave neither its version, its mode nor its tables
/// could not be read either: `fix` names what was missing and why, and exits 3 (it named only
/// a failed login before).
#[test]
fn fix_with_a_tenant_logged_in_but_unread_is_incomplete_and_says_what() {
    let mut bundle = healthy_bundle();
    let cut =
        serde_json::json!({"unavailable": {"reason": "no answer from 10.0.0.1:2881 within 1s"}});
    for fact in ["server", "mode", "tables"] {
        bundle["facts"]["a"][fact] = cut.clone();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    let (_, stderr, code) = run(&[
        "fix",
        "--snapshot",
        path.to_str().unwrap(),
        "--out-dir",
        dir.path().join("fix").to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(
            "incomplete: tenant a could not be read: server version, mode, tables unavailable: no answer from 10.0.0.1:2881 within 1s"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("tenant b could not be read"), "{stderr}");
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

/// The recorded `healthy` bundle as JSON, to derive plans and bundles from.
fn healthy_bundle() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/scenarios/healthy/bundle.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The plan of the `healthy` bundle with its tenants written on one line, 70,000 spaces between
/// them, and tenant b's password inline: `plan.inline-secret` labels it past column 65,535.
fn plan_on_one_long_line() -> String {
    let bundle = healthy_bundle();
    let text = bundle["plan"]["text"].as_str().unwrap();
    let (_, links) = text.split_once("[forward]").unwrap();
    let a = r#"a = { host = "10.0.0.1", port = 2881, user = "oms", password_env = "OB_A_PASSWORD", drc_user = "oms", drc_password_env = "OB_A_PASSWORD" }"#;
    let b = r#"b = { host = "10.0.0.2", port = 2881, user = "oms", password = "Long-Line-Secret", drc_user = "oms", drc_password_env = "OB_B_PASSWORD" }"#;
    format!(
        "tenants = {{ {a},{}{b} }}\n\n[forward]{links}",
        " ".repeat(70_000)
    )
}

/// A finding labelled past column 65,535 made the human report panic inside miette (exit 4)
/// while JSON exited normally: the exit code depended on the format. Every format now exits
/// alike, and the human report shows the line cut around the label, at its real column.
#[test]
fn a_label_past_column_65535_renders_and_every_format_exits_alike() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("long.toml");
    let text = plan_on_one_long_line();
    std::fs::write(&plan, &text).unwrap();
    let column = text.find("Long-Line-Secret").unwrap() + 1;
    assert!(column > 65_535);
    let plan = plan.to_str().unwrap();
    let bundle = snapshot("healthy");
    for format in [
        "human", "json", "sarif", "junit", "github", "gitlab", "markdown",
    ] {
        let (stdout, stderr, code) = run(&[
            "check",
            plan,
            "--snapshot",
            &bundle,
            "--format",
            format,
            "--fail-on",
            "warning",
        ]);
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(!stdout.contains("Long-Line-Secret"), "{format}");
        if format == "human" {
            assert!(
                stdout.contains(&format!("long.toml:1:{column}]")),
                "{stdout}"
            );
            assert!(stdout.contains("password = \"<redacted>\""), "{stdout}");
            let widest = stdout
                .lines()
                .filter(|line| line.contains('│'))
                .map(|line| line.chars().count())
                .max();
            assert!(widest < Some(120), "{stdout}");
        }
    }
}

/// The binary under bash with its address space capped at 1 GiB, so a run that reads without
/// bound fails fast instead of taking the machine's memory.
fn run_capped(script: &str, env: &[(&str, &str)]) -> (String, i32) {
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 1048576; {script}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("OMS_PREFLIGHT", env!("CARGO_BIN_EXE_oms-preflight"))
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

/// `/dev/zero` as the plan, the waivers, the bundle or a password file was read until memory
/// ran out. Each kind of input is read up to a cap, and past it the run is a usage error
/// naming the file and the cap.
#[cfg(target_os = "linux")]
#[test]
fn endless_inputs_stop_at_their_cap() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("zero-password.toml");
    let valid = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/plans/valid/dr.toml"
    ))
    .unwrap();
    std::fs::write(
        &plan,
        valid.replace("/run/secrets/ob_b_password", "/dev/zero"),
    )
    .unwrap();
    // Both kinds of CA file: `[oms] ca` and a tenant's `tls`.
    let zero_ca = dir.path().join("zero-ca.toml");
    std::fs::write(
        &zero_ca,
        valid
            .replace(
                "password_file = \"/run/secrets/ob_b_password\"",
                "password_env = \"OB_A_PASSWORD\"",
            )
            .replace(
                "version = \"4.2.5\"",
                "version = \"4.2.5\"\nca = \"/dev/zero\"",
            )
            .replace(
                "tenant = \"tenant_a\"",
                "tenant = \"tenant_a\"\ntls = { ca = \"/dev/zero\" }",
            ),
    )
    .unwrap();
    // Sparse: 513 MiB on paper, nothing on disk.
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(513 << 20)
        .unwrap();
    let env = [("OB_A_PASSWORD", "x"), ("OMS_PASSWORD", "x")];
    for (script, expected) in [
        (
            "\"$OMS_PREFLIGHT\" lint /dev/zero".to_string(),
            "cannot read plan /dev/zero: larger than 4 MiB, the most read of a plan".to_string(),
        ),
        (
            "\"$OMS_PREFLIGHT\" check /dev/zero --format json".to_string(),
            "cannot read plan /dev/zero: larger than 4 MiB".to_string(),
        ),
        (
            "\"$OMS_PREFLIGHT\" lint fixtures/plans/valid/dr.toml --waivers /dev/zero".to_string(),
            "cannot read waivers /dev/zero: larger than 4 MiB, the most read of a waivers file"
                .to_string(),
        ),
        (
            "\"$OMS_PREFLIGHT\" check --snapshot /dev/zero".to_string(),
            "cannot read bundle /dev/zero: not a bundle: it starts with byte 0x00, not `{`"
                .to_string(),
        ),
        (
            format!("\"$OMS_PREFLIGHT\" check --snapshot {}", huge.display()),
            "larger than 512 MiB, the most read of a bundle".to_string(),
        ),
        (
            format!("\"$OMS_PREFLIGHT\" check {}", plan.display()),
            "cannot read password file `/dev/zero`: larger than 64 KiB, the most read of a password file".to_string(),
        ),
        (
            format!("\"$OMS_PREFLIGHT\" check {} --format json", zero_ca.display()),
            "cannot read CA file `/dev/zero` ([oms] ca): larger than 1 MiB, the most read of a CA file".to_string(),
        ),
        (
            format!("\"$OMS_PREFLIGHT\" collect {} --out /dev/null", zero_ca.display()),
            "cannot read CA file `/dev/zero` ([tenants.a] tls): larger than 1 MiB".to_string(),
        ),
    ] {
        let started = std::time::Instant::now();
        let (stderr, code) = run_capped(&script, &env);
        assert_eq!(code, 2, "{script}: {stderr}");
        assert!(stderr.contains(&expected), "{script}: {stderr}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{script}"
        );
    }
}

/// A named pipe nobody writes to, as a password file or a CA file, held the run forever before
/// its first connection. The files a plan names are read side by side within one `--timeout`:
/// past it the run is a plan error naming each file. A pipe that is written in time
/// (`password_file = "/dev/stdin"`, process substitution) is read like a file, once however many
/// entries name it.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_nobody_writes_to_is_a_plan_error_within_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let valid = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/plans/valid/dr.toml"
    ))
    .unwrap();
    // Tenants nobody listens on and no [oms]: a run that gets past its files ends at once.
    let unreachable = valid[valid.find("[tenants.a]").unwrap()..]
        .replace("10.0.0.1", "127.0.0.1")
        .replace("10.0.0.2", "127.0.0.1")
        .replace("port = 2881", "port = 1");
    let plan = dir.path().join("fifo.toml");
    std::fs::write(
        &plan,
        unreachable
            .replace("/run/secrets/ob_b_password", fifo.to_str().unwrap())
            .replace(
                "tenant = \"tenant_a\"",
                &format!(
                    "tenant = \"tenant_a\"\ntls = {{ ca = \"{}\" }}",
                    fifo.display()
                ),
            ),
    )
    .unwrap();
    let env = [("OB_A_PASSWORD", "x")];
    let bundle = format!("--out {}", dir.path().join("b.json").display());
    for (command, out) in [("check", ""), ("collect", bundle.as_str())] {
        // `timeout`: a run that hangs (as before) fails the test instead of holding it.
        let script = format!(
            "timeout 30 \"$OMS_PREFLIGHT\" {command} {} --timeout 1 {out}",
            plan.display()
        );
        let started = std::time::Instant::now();
        let (stderr, code) = run_capped(&script, &env);
        let elapsed = started.elapsed();
        assert_eq!(code, 2, "{command}: {stderr}");
        for entry in ["password file", "CA file"] {
            assert!(
                stderr.contains(&format!("cannot read {entry} `{}`", fifo.display())),
                "{command}: {stderr}"
            );
        }
        assert!(
            stderr.contains("it did not end within 1s (--timeout)"),
            "{command}: {stderr}"
        );
        // One --timeout for every file together, plus the process's own start.
        assert!(
            elapsed < std::time::Duration::from_millis(2500),
            "{command}: {elapsed:?}"
        );
    }
    // Written in time: the password from stdin, the CA from process substitution. The run goes
    // on to its (refused) tenants: not a plan error.
    let piped = dir.path().join("piped.toml");
    std::fs::write(
        &piped,
        unreachable.replace("/run/secrets/ob_b_password", "/dev/stdin"),
    )
    .unwrap();
    let (stderr, code) = run_capped(
        &format!(
            "echo Pw-From-Stdin | \"$OMS_PREFLIGHT\" check {} --timeout 1 --format json >/dev/null",
            piped.display()
        ),
        &env,
    );
    assert_eq!(code, 1, "{stderr}");
}

/// Reading with a cap reads streams too: a plan given by process substitution (a pipe) loads.
#[cfg(target_os = "linux")]
#[test]
fn a_plan_by_process_substitution_reads_like_a_file() {
    let (stderr, code) = run_capped(
        "\"$OMS_PREFLIGHT\" lint <(cat fixtures/plans/valid/dr.toml) --format json >/dev/null",
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let (stderr, code) = run_capped(
        "\"$OMS_PREFLIGHT\" check <(cat fixtures/plans/valid/dr.toml) \
         --snapshot fixtures/scenarios/healthy/bundle.json --format json >/dev/null",
        &[],
    );
    assert_ne!(code, 2, "{stderr}");
}

/// A NUL, an escape sequence or another control character in a database name is shown as a
/// visible escape in every report and script, never written raw (JSON escapes it itself, and
/// stays lossless); a fix statement naming such a database is left commented out.
#[test]
fn control_characters_in_names_are_escaped_in_every_report_and_script() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = healthy_bundle();
    let text = bundle["plan"]["text"].as_str().unwrap().replace(
        "databases = [\"app\"]",
        r#"databases = ["app", "we\u0000ird\u001b[2J\u0007"]"#,
    );
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, text).unwrap();
    let plan = plan.to_str().unwrap();
    let raw_control = |text: &str| text.chars().any(|c| c.is_control() && c != '\n');
    let healthy = snapshot("healthy");
    for format in [
        "human", "sarif", "junit", "github", "gitlab", "markdown", "json",
    ] {
        let (stdout, stderr, code) =
            run(&["check", plan, "--snapshot", &healthy, "--format", format]);
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(!raw_control(&stdout), "{format}:\n{stdout}");
        if format == "json" {
            let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            assert!(
                report["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["object"] == "we\u{0}ird\u{1b}[2J\u{7}"),
                "JSON keeps the name exactly"
            );
        } else {
            // In SARIF and GitLab's JSON, the escape's backslash is itself escaped.
            let shown = match format {
                "sarif" | "gitlab" => r"we\\u{0}ird\\u{1b}[2J\\u{7}",
                _ => r"we\u{0}ird\u{1b}[2J\u{7}",
            };
            assert!(stdout.contains(shown), "{format}:\n{stdout}");
        }
    }
    let out = dir.path().join("fix");
    let (_, stderr, _) = run(&[
        "fix",
        plan,
        "--snapshot",
        &healthy,
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    let script = std::fs::read_to_string(out.join("tenant-b.sql")).unwrap();
    assert!(!raw_control(&script), "{script}");
    assert!(
        script.contains("-- not written: a name in it holds a control character, shown escaped:\n--   CREATE DATABASE `we\\u{0}ird\\u{1b}[2J\\u{7}`;"),
        "{script}"
    );
    assert!(!raw_control(&stderr), "{stderr}");
}

#[test]
fn a_snapshot_judges_waiver_expiry_on_the_day_it_was_collected() {
    let waivers = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/scenarios/waived/waivers.toml"
    );
    let bundle = std::fs::read_to_string(snapshot("waived")).unwrap();
    let status_of_sql_mode = |collected_at: u64| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.json");
        let dated = bundle.replacen(
            "\"collected_at\": 0",
            &format!("\"collected_at\": {collected_at}"),
            1,
        );
        assert_ne!(dated, bundle, "the fixture states its collection time");
        std::fs::write(&path, dated).unwrap();
        let (stdout, _, _) = run(&[
            "check",
            "--snapshot",
            path.to_str().unwrap(),
            "--waivers",
            waivers,
            "--format",
            "json",
        ]);
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let sql_mode = report["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["rule"] == "tenant.sql-mode")
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string();
        let expiry_noted = report["findings"].as_array().unwrap().iter().any(|f| {
            f["rule"] == "plan.waivers" && f["message"].as_str().unwrap().contains("expired")
        });
        (sql_mode, expiry_noted)
    };
    // The sql_mode waiver expires on 2020-01-01: collected in June 2019 it still held.
    let june_2019 = 1_559_347_200;
    assert_eq!(status_of_sql_mode(june_2019), ("waived".to_string(), false));
    // Collected in November 2026 it had expired, whatever the day the bundle is replayed.
    let november_2026 = 1_795_000_000;
    let (sql_mode, expiry_noted) = status_of_sql_mode(november_2026);
    assert_ne!(sql_mode, "waived");
    assert!(expiry_noted);
}

/// The plan a bundle was collected for, as its text.
fn bundled_plan(scenario: &str) -> String {
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(snapshot(scenario)).unwrap()).unwrap();
    bundle["plan"]["text"].as_str().unwrap().to_string()
}

fn outcome_of(report: &serde_json::Value, rule: &str) -> (String, String) {
    let outcome = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule"] == rule)
        .unwrap_or_else(|| panic!("no outcome for {rule}"));
    (
        outcome["status"].as_str().unwrap().to_string(),
        outcome["reason"].as_str().unwrap_or_default().to_string(),
    )
}

/// `check PLAN --snapshot BUNDLE` with a plan wider than the bundle: the database the bundle
/// never read is nobody's pass.
#[test]
fn a_plan_naming_a_database_the_bundle_never_read_is_inconclusive_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("wider.toml");
    let text = bundled_plan("healthy").replace(
        "databases = [\"app\"]",
        "databases = [\"app\", \"never_read\"]",
    );
    assert!(text.contains("never_read"), "the healthy plan lists app");
    std::fs::write(&plan, text).unwrap();
    let (stdout, _, code) = run(&[
        "check",
        plan.to_str().unwrap(),
        "--snapshot",
        &snapshot("healthy"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for rule in ["schema.primary-key", "schema.target-empty"] {
        let (status, reason) = outcome_of(&report, rule);
        assert_eq!(status, "inconclusive", "{rule}");
        assert!(reason.contains("never read never_read"), "{rule}: {reason}");
    }
    // (The grants and target-database rules fail on it: the bundle lists what the user sees.)
    assert_ne!(code, 0);
    // The bundle's own plan still replays clean.
    assert_eq!(run(&["check", "--snapshot", &snapshot("healthy")]).2, 0);
}

/// A single-project plan over a bundle collected with a two-projects plan: which projects
/// were looked for differs, so the OMS projects are unavailable, not judged by the wrong model.
#[test]
fn a_plan_of_another_topology_than_the_bundle_leaves_the_oms_projects_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("single.toml");
    let two_projects = bundled_plan("running-drift");
    let reverse = two_projects.find("[reverse]").expect("a [reverse] section");
    let single = format!(
        "topology = \"single-project\"\n{}",
        two_projects[..reverse]
            .replace("ddl_sync = true", "ddl_sync = true\nddl_side = \"source\"")
    );
    std::fs::write(&plan, single).unwrap();
    let (stdout, _, code) = run(&[
        "check",
        plan.to_str().unwrap(),
        "--snapshot",
        &snapshot("running-drift"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let (status, reason) = outcome_of(&report, "oms.topology");
    assert_eq!(status, "inconclusive", "{reason}");
    assert!(
        reason.contains("collected for a two-projects plan, this plan is single-project"),
        "{reason}"
    );
    assert_ne!(code, 0);
}

/// `grants PLAN`: every statement each migration user needs, from the plan alone (no network,
/// no password in the environment); the same SQL in every language; a bad plan is exit 2.
#[test]
fn grants_prints_every_statement_the_plan_needs_from_the_plan_alone() {
    let plan = "fixtures/plans/valid/dr.toml";
    let (stdout, stderr, code) = run(&["grants", plan]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
    let (a, _, _) = run(&["grants", plan, "--tenant", "a"]);
    let (b, _, _) = run(&["grants", plan, "--tenant", "b"]);
    assert_eq!(stdout, format!("{a}\n{b}"));
    assert_eq!(run(&["grants", plan]).0, stdout, "deterministic");
    let statements = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.starts_with("--") && !line.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (zh, _, code) = run(&["grants", plan, "--lang", "zh-CN"]);
    assert_eq!(code, 0);
    assert_eq!(statements(&zh), statements(&stdout));
    assert!(zh.contains("迁移用户 'oms_a'@'%'"), "{zh}");
    let (_, stderr, code) = run(&["grants", "fixtures/plans/invalid/typos.toml"]);
    assert_eq!(code, 2, "{stderr}");
}
