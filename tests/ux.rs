//! What a person meets first: the language of the reports, progress on a terminal (and only
//! there), completions, man pages, `init`, `explain AREA`, the hints, and a manual that points
//! at nothing outside the repository.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use oms_preflight::check;
use oms_preflight::cli::{self, Shell};
use oms_preflight::collect::bundle::Bundle;
use oms_preflight::i18n::Lang;
use oms_preflight::plan::date::Date;
use oms_preflight::report;
use oms_preflight::rules::{Stage, engine, registry};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with `args` in `env` (the locale variables cleared unless given).
fn run_env(args: &[&str], env: &[(&str, &str)]) -> (String, String, i32) {
    let mut command = Command::cargo_bin("oms-preflight").unwrap();
    command
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().expect("exited"),
    )
}

fn run(args: &[&str]) -> (String, String, i32) {
    run_env(args, &[])
}

fn bundle(scenario: &str) -> String {
    format!("fixtures/scenarios/{scenario}/bundle.json")
}

#[test]
fn the_language_defaults_from_the_locale_and_never_changes_ids_json_or_exit_codes() {
    let bundle = bundle("missing-target-insert");
    let check = ["check", "--snapshot", bundle.as_str()];
    let (en, _, en_code) = run(&check);
    let (zh, _, zh_code) = run_env(&check, &[("LANG", "zh_CN.UTF-8")]);
    assert!(en.contains("FAILED: 1 error, 0 warnings"), "{en}");
    assert!(zh.contains("未通过：1 个错误"), "{zh}");
    assert!(zh.contains("grants.target-write"), "ids stay: {zh}");
    assert_eq!(en_code, zh_code);
    // LC_ALL wins over LANG, and --lang over both.
    let (c, _, _) = run_env(&check, &[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]);
    assert!(c.contains("FAILED"), "{c}");
    let (flag, _, _) = run_env(
        &[&check[..], &["--lang", "en"]].concat(),
        &[("LANG", "zh_CN.UTF-8")],
    );
    assert!(flag.contains("FAILED"), "{flag}");
    let (flag, _, _) = run(&[&check[..], &["--lang", "zh-CN"]].concat());
    assert!(flag.contains("未通过"), "{flag}");
    for format in ["json", "sarif", "junit", "gitlab", "github"] {
        let args = [&check[..], &["--format", format]].concat();
        let (en, _, en_code) = run_env(&args, &[("LANG", "en_US.UTF-8")]);
        let (zh, _, zh_code) = run_env(&args, &[("LANG", "zh_CN.UTF-8")]);
        assert_eq!(en_code, zh_code, "{format}");
        assert!(
            oms_preflight::i18n::has_chinese(&zh) && en != zh,
            "{format}: the message follows the language"
        );
        match format {
            "json" | "sarif" | "gitlab" => same_but_prose(
                &serde_json::from_str(&en).unwrap(),
                &serde_json::from_str(&zh).unwrap(),
                format,
            ),
            // JUnit: the suites and cases (rule ids, sides and objects) stay.
            "junit" => assert_eq!(attributes(&en, "name="), attributes(&zh, "name=")),
            // GitHub: the level, file, line and title of every annotation stay.
            _ => assert_eq!(
                en.lines().map(|l| l.split("::").nth(1)).collect::<Vec<_>>(),
                zh.lines().map(|l| l.split("::").nth(1)).collect::<Vec<_>>()
            ),
        }
    }
}

/// The JSON report in Chinese: every key, id, status, fingerprint and the exit code as in
/// English, and what the finding says in Chinese.
#[test]
fn the_json_report_in_chinese_keeps_its_keys_and_says_the_finding_in_chinese() {
    let bundle = bundle("missing-target-insert");
    let check = ["check", "--snapshot", bundle.as_str(), "--format", "json"];
    let (en, _, en_code) = run(&check);
    let (zh, _, zh_code) = run(&[&check[..], &["--lang", "zh-CN"]].concat());
    assert_eq!(en_code, zh_code);
    let (en, zh): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&en).unwrap(),
        serde_json::from_str(&zh).unwrap(),
    );
    same_but_prose(&en, &zh, "json");
    let finding = &zh["findings"][0];
    assert_eq!(finding["rule"], "grants.target-write");
    assert_eq!(finding["fingerprint"], en["findings"][0]["fingerprint"]);
    let message = finding["message"].as_str().unwrap();
    assert!(message.starts_with("oms 缺少 "), "{message}");
    assert!(
        oms_preflight::i18n::has_chinese(finding["help"].as_str().unwrap()),
        "{finding}"
    );
    assert_eq!(finding["fix"], en["findings"][0]["fix"], "SQL stays SQL");
}

/// `en` and `zh` have the same keys and the same values, except the prose people read.
fn same_but_prose(en: &serde_json::Value, zh: &serde_json::Value, at: &str) {
    use serde_json::Value;
    const PROSE: &[&str] = &[
        "message",
        "help",
        "reason",
        "stage_undecided",
        "text",
        "markdown",
        "description",
    ];
    match (en, zh) {
        (Value::Object(en), Value::Object(zh)) => {
            assert_eq!(
                en.keys().collect::<Vec<_>>(),
                zh.keys().collect::<Vec<_>>(),
                "{at}"
            );
            for (key, value) in en {
                if !(PROSE.contains(&key.as_str()) && value.is_string()) {
                    same_but_prose(value, &zh[key], &format!("{at}.{key}"));
                }
            }
        }
        (Value::Array(en), Value::Array(zh)) => {
            assert_eq!(en.len(), zh.len(), "{at}");
            for (index, (en, zh)) in en.iter().zip(zh).enumerate() {
                same_but_prose(en, zh, &format!("{at}[{index}]"));
            }
        }
        (en, zh) => assert_eq!(en, zh, "{at}"),
    }
}

/// The values of every `attribute` in an XML text, in order.
fn attributes<'t>(xml: &'t str, attribute: &str) -> Vec<&'t str> {
    xml.split(attribute)
        .skip(1)
        .filter_map(|rest| rest.strip_prefix('"')?.split('"').next())
        .collect()
}

fn scenario_report(scenario: &str, stage: Stage) -> report::Report {
    let bundle = Bundle::read(&root().join(bundle(scenario))).unwrap();
    let plan = bundle.plan().unwrap();
    let rules = engine::select(&[], &[], None).unwrap();
    let options = check::Options {
        stage: Some(stage),
        today: Date {
            year: 2026,
            month: 11,
            day: 24,
        },
        ..check::Options::default()
    };
    check::run(&plan, Some(&bundle.facts), &rules, &options)
}

#[test]
fn the_chinese_report_of_a_scenario() {
    let report = scenario_report("grants-missing-on-b", Stage::Forward);
    insta::assert_snapshot!(
        "grants-missing-on-b-human-zh",
        report::human::render_in(&report, false, Lang::ZhCn)
    );
    insta::assert_snapshot!(
        "grants-missing-on-b-markdown-zh",
        report::markdown::render_in(&report, Lang::ZhCn)
    );
    let report = scenario_report("tenant-b-unreachable", Stage::Reverse);
    insta::assert_snapshot!(
        "tenant-b-unreachable-reverse-human-zh",
        report::human::render_in(&report, false, Lang::ZhCn)
    );
    // What the tenant, link and plan rules say about a finding, in Chinese.
    for scenario in [
        "tenant-settings-differ",
        "plan-hazards",
        "ddl-on-both-links",
    ] {
        let report = scenario_report(scenario, Stage::Forward);
        insta::assert_snapshot!(
            format!("{scenario}-markdown-zh"),
            report::markdown::render_in(&report, Lang::ZhCn)
        );
    }
}

/// What OMS shows, in Chinese: the pair's links at the head, a failed reverse step with the
/// advice for its error code, a lagging link whose checkpoint left its store's window.
#[test]
fn the_chinese_report_of_oms_findings() {
    let report = scenario_report("running-reverse-failed", Stage::Running);
    insta::assert_snapshot!(
        "running-reverse-failed-running-human-zh",
        report::human::render_in(&report, false, Lang::ZhCn)
    );
    let report = scenario_report("single-project-store-behind", Stage::Running);
    insta::assert_snapshot!(
        "single-project-store-behind-running-markdown-zh",
        report::markdown::render_in(&report, Lang::ZhCn)
    );
}

#[test]
fn the_human_report_puts_errors_first_and_counts_warning_only_rules_apart() {
    let report = scenario_report("tenant-settings-differ", Stage::Forward);
    let text = report::human::render(&report, false);
    // Every finding here is a warning: no rule failed with an error.
    assert!(
        text.contains("0 failed, 4 with warnings only"),
        "{}",
        text.lines().last().unwrap()
    );
    assert!(text.contains("0 errors, 5 warnings") || text.contains("warnings;"));
    let report = scenario_report("plan-hazards", Stage::Forward);
    let text = report::human::render(&report, false);
    let first_warning = text.find("  ⚠").unwrap_or(usize::MAX);
    let last_error = text.rfind("  ×").unwrap_or(0);
    assert!(
        last_error < first_warning,
        "errors before warnings:\n{text}"
    );
}

#[test]
fn explain_takes_an_area_and_suggests_one() {
    let (stdout, _, code) = run(&["explain", "grants"]);
    assert_eq!(code, 0);
    for rule in registry::ALL.iter().filter(|rule| rule.area() == "grants") {
        assert!(stdout.contains(rule.id), "{}: {stdout}", rule.id);
    }
    assert!(!stdout.contains("schema.primary-key"));
    let (zh, _, _) = run(&["explain", "grants", "--lang", "zh-CN"]);
    assert!(zh.contains("迁移用户权限"), "{zh}");
    let (_, stderr, code) = run(&["explain", "grant"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("grants"), "{stderr}");
    let (zh, _, code) = run(&["explain", "grants.target-write", "--lang", "zh-CN"]);
    assert_eq!(code, 0);
    assert!(zh.contains("## 如何修复"), "{zh}");
}

#[test]
fn a_bundle_given_as_a_plan_hints_at_snapshot() {
    let bundle = bundle("healthy");
    for command in ["check", "lint", "collect"] {
        let mut args = vec![command, bundle.as_str()];
        if command == "collect" {
            args.extend(["--out", "/nonexistent/b.json"]);
        }
        let (_, stderr, code) = run(&args);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(
            stderr.contains("is a bundle written by `collect`, not a plan")
                && stderr.contains(&format!("check --snapshot {bundle}")),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn plan_errors_point_at_the_plan_reference() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("dr.toml");
    std::fs::write(&plan, "[tenants.a]\nhost = \"h\"\n").unwrap();
    let (_, stderr, code) = run(&["lint", plan.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("docs/plan.md"), "{stderr}");
    assert!(root().join("docs/plan.md").exists());
}

#[test]
fn completions_for_every_shell() {
    for (shell, name) in [
        (Shell::Bash, "bash"),
        (Shell::Zsh, "zsh"),
        (Shell::Fish, "fish"),
        (Shell::Powershell, "powershell"),
    ] {
        let (stdout, stderr, code) = run(&["completions", name]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert_eq!(stdout.as_bytes(), cli::completions(shell), "{name}");
        for word in [
            "oms-preflight",
            "explain",
            "--snapshot",
            "zh-CN",
            "two-projects",
        ] {
            assert!(stdout.contains(word), "{name} completions lack {word}");
        }
        // The script parses in its shell when that shell is here.
        let check = match name {
            "bash" => Some(("bash", vec!["-n"])),
            "zsh" => Some(("zsh", vec!["-n"])),
            "fish" => Some(("fish", vec!["--no-execute"])),
            _ => None,
        };
        if let Some((program, flags)) = check {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("completion");
            std::fs::write(&file, &stdout).unwrap();
            match std::process::Command::new(program)
                .args(flags)
                .arg(&file)
                .output()
            {
                Ok(output) => assert!(
                    output.status.success(),
                    "{name}: {}",
                    String::from_utf8_lossy(&output.stderr)
                ),
                Err(_) => eprintln!("{program} is not installed: syntax not checked"),
            }
        }
    }
    let (_, _, code) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
}

/// docs/man/*.1 are the pages the clap definitions generate. Regenerate with
/// `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test ux`.
#[test]
fn the_man_pages_are_fresh() {
    let dir = root().join("docs/man");
    let pages = cli::man_pages();
    let names: Vec<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
    for expected in [
        "oms-preflight.1",
        "oms-preflight-check.1",
        "oms-preflight-init.1",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    if std::env::var_os("OMS_PREFLIGHT_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, page) in &pages {
            std::fs::write(dir.join(name), page).unwrap();
        }
    }
    for (name, page) in &pages {
        let found = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            found == *page,
            "docs/man/{name} is stale: run `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test ux`"
        );
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            names.contains(&name.as_str()),
            "docs/man/{name} belongs to no command"
        );
    }
}

/// The template with its blanks filled the way a user would: each tenant at an address of its
/// own (one address for both is conn.same-tenant).
fn filled(template: &str) -> String {
    let mut hosts = (1..).map(|n| format!("host = \"10.0.0.{n}\""));
    template
        .lines()
        .map(|line| {
            let line = if line.contains("host = \"\"") {
                line.replacen("host = \"\"", &hosts.next().unwrap(), 1)
            } else {
                line.to_string()
            };
            let line = line.replacen("user = \"\"", "user = \"oms\"", 1).replacen(
                "url = \"\"",
                "url = \"http://oms.example.internal:8089\"",
                1,
            );
            line + "\n"
        })
        .collect()
}

#[test]
fn init_writes_a_plan_lint_accepts_once_filled_for_both_topologies() {
    let dir = tempfile::tempdir().unwrap();
    for topology in ["two-projects", "single-project"] {
        let out = dir.path().join(format!("{topology}.toml"));
        let out = out.to_str().unwrap();
        let (_, stderr, code) = run(&["init", "--topology", topology, "--out", out]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("fill in"), "{stderr}");
        let written = std::fs::read_to_string(out).unwrap();
        let (stdout, _, _) = run(&["init", "--topology", topology]);
        assert_eq!(stdout, written, "stdout and --out write the same plan");
        assert!(written.contains(&format!("topology = \"{topology}\"")));
        // As written, the blanks are what lint names.
        let (_, stderr, code) = run(&["lint", out]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("host"), "{stderr}");
        // Filled in, lint passes it clean.
        let filled_path = dir.path().join(format!("{topology}-filled.toml"));
        std::fs::write(&filled_path, filled(&written)).unwrap();
        let (stdout, stderr, code) = run(&[
            "lint",
            filled_path.to_str().unwrap(),
            "--fail-on",
            "warning",
        ]);
        assert_eq!(code, 0, "{topology}:\n{stdout}{stderr}");
        // Never over an existing file.
        let (_, stderr, code) = run(&["init", "--topology", topology, "--out", out]);
        assert_eq!(code, 2, "{stderr}");
    }
    let (_, _, code) = run(&["init", "--topology", "three-projects"]);
    assert_eq!(code, 2);
}

#[test]
fn quiet_leaves_stderr_to_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let bundle = bundle("missing-target-insert");
    let args = [
        "fix",
        "--snapshot",
        &bundle,
        "--out-dir",
        out.to_str().unwrap(),
    ];
    let (_, stderr, code) = run(&args);
    assert_eq!(code, 0);
    assert!(stderr.contains("wrote"), "{stderr}");
    let (_, stderr, code) = run(&[&args[..], &["--quiet"]].concat());
    assert_eq!(code, 0);
    assert!(stderr.is_empty(), "{stderr}");
}

/// A plan whose tenants and OMS refuse connections at once (port 9 on loopback).
fn unreachable_plan(dir: &Path) -> PathBuf {
    let template = oms_preflight::init::template(oms_preflight::plan::Topology::TwoProjects);
    let text = filled(template)
        .replace("\"10.0.0.1\"", "\"127.0.0.1\"")
        .replace("port = 2881", "port = 9")
        .replace("http://oms.example.internal:8089", "http://127.0.0.1:9");
    let path = dir.join("unreachable.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `command` (a shell command line) under a pseudo-terminal with `script`, returning what
/// the terminal showed; `None` where `script` is not installed.
fn under_pty(command: &str) -> Option<String> {
    let output = std::process::Command::new("script")
        .args(["-q", "-e", "-c", command, "/dev/null"])
        .env("OMS_PASSWORD", "x")
        .env("OB_A_PASSWORD", "x")
        .env("OB_B_PASSWORD", "x")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn progress_shows_on_a_terminal_only_on_stderr_and_never_with_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let plan = unreachable_plan(dir.path());
    let binary = assert_cmd::cargo::cargo_bin("oms-preflight");
    let stdout_file = dir.path().join("stdout.json");
    let line = |extra: &str| {
        format!(
            "{} check {} --timeout 1 --format json {extra} > {}",
            binary.display(),
            plan.display(),
            stdout_file.display()
        )
    };
    let Some(terminal) = under_pty(&line("")) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "`script` (util-linux) is needed to test progress"
        );
        eprintln!("`script` is not installed: progress not tested under a terminal");
        return;
    };
    for shown in ["tenant a", "tenant b", "OMS", "not collected in"] {
        assert!(terminal.contains(shown), "{shown} not shown:\n{terminal}");
    }
    // stdout, redirected, holds the report only.
    let report = std::fs::read_to_string(&stdout_file).unwrap();
    let _: serde_json::Value = serde_json::from_str(&report).expect("stdout is the JSON report");
    assert!(!report.contains("not collected in"));
    // --quiet: nothing on the terminal.
    let quiet = under_pty(&line("--quiet")).unwrap();
    assert!(!quiet.contains("not collected in"), "{quiet}");
    // stderr not a terminal: no progress either.
    let (_, stderr, code) = run_env(
        &["check", plan.to_str().unwrap(), "--timeout", "1"],
        &[
            ("OMS_PASSWORD", "x"),
            ("OB_A_PASSWORD", "x"),
            ("OB_B_PASSWORD", "x"),
        ],
    );
    assert_eq!(code, 1, "the tenants are unreachable: conn.tenant fails");
    assert!(!stderr.contains("not collected in"), "{stderr}");
    assert!(!stderr.contains("logging in"), "{stderr}");
}

/// The files of the product: what git tracks or would (not what it ignores: the build output,
/// the kernels, the dist tools); without git, the tree less those.
fn product_files() -> Vec<PathBuf> {
    let listed = std::process::Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .current_dir(root())
        .output();
    if let Ok(output) = listed
        && output.status.success()
    {
        return String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| root().join(line))
            .filter(|path| path.is_file())
            .collect();
    }
    let mut files = Vec::new();
    let mut dirs = vec![root().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if [
                ".git",
                "target",
                ".seekdb",
                "corpus",
                "artifacts",
                "dist",
                ".dist-tools",
            ]
            .contains(&name.as_str())
            {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn no_file_of_the_product_points_outside_the_repository() {
    // Spelled apart so this file does not match itself.
    let notes = ["..", "/shared"].concat();
    let section = ["SPEC", " §"].concat();
    let research = ["research", "/"].concat();
    let mut hits = Vec::new();
    for path in product_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let relative = path.strip_prefix(root()).unwrap().display().to_string();
        let user_facing = relative.ends_with(".md") || relative.starts_with("rules/");
        for (line_number, line) in text.lines().enumerate() {
            if line.contains(&notes)
                || line.contains(&section)
                || (user_facing && line.contains(&research))
            {
                hits.push(format!("{relative}:{}: {line}", line_number + 1));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "the product must be self-contained; these point at working notes:\n{}",
        hits.join("\n")
    );
}

/// What the schema rules and link.exact-mirror say about a finding, in Chinese, at the stage
/// each scenario is about.
#[test]
fn the_chinese_report_of_schema_and_mirror_findings() {
    for (scenario, stage) in [
        ("schema-hazards", Stage::Forward),
        ("partitions-and-foreign-keys", Stage::Reverse),
        ("running-drift", Stage::Running),
        ("oms-row-filter", Stage::Forward),
    ] {
        let report = scenario_report(scenario, stage);
        insta::assert_snapshot!(
            format!("{scenario}-{}-markdown-zh", stage.as_str()),
            report::markdown::render_in(&report, Lang::ZhCn)
        );
    }
}

/// `--lang zh-CN` reaches every format people read, the machine ones included: the catalog's
/// summary and docs, and the labels SARIF and JUnit put around the findings. Keys, ids, levels
/// and SQL stay.
#[test]
fn the_catalog_sarif_and_junit_speak_chinese_when_asked() {
    let (json, _, code) = run(&["rules", "--format", "json", "--lang", "zh-CN"]);
    assert_eq!(code, 0);
    let catalog: serde_json::Value = serde_json::from_str(&json).unwrap();
    for rule in catalog.as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(id.is_ascii(), "{id}");
        for key in ["summary", "docs"] {
            let text = rule[key].as_str().unwrap();
            assert!(oms_preflight::i18n::has_chinese(text), "{id} {key}: {text}");
        }
    }
    // A reverse-stage replay without [oms]: a finding with its fix, and inconclusive rules.
    let bundle = "fixtures/scenarios/missing-target-insert/bundle.json";
    let replay = |format: &str| {
        run(&[
            "check",
            "--snapshot",
            bundle,
            "--stage",
            "reverse",
            "--format",
            format,
            "--lang",
            "zh-CN",
        ])
        .0
    };
    let sarif = replay("sarif");
    assert!(!sarif.contains("is inconclusive"), "{sarif}");
    assert!(sarif.contains("无法判定："), "{sarif}");
    let junit = replay("junit");
    for english in ["inconclusive: ", "help: ", "fix: ", "error: "] {
        assert!(!junit.contains(english), "{english} in {junit}");
    }
    for chinese in ["无法判定：", "建议：", "修复：", "错误："] {
        assert!(junit.contains(chinese), "{chinese} not in {junit}");
    }
}
