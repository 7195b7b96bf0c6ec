//! Passwords never leave memory: every command and every report format, run against the live
//! kernels and the test OMS server with the passwords set to a unique marker, and stdout,
//! stderr, every report file, every fix script and every bundle searched for it. Without
//! kernels: passwords written every way a plan can, through every command that reads a plan;
//! and servers that repeat the passwords they were sent.

use oms_preflight_testkit as common;

use common::mysql_server::{self, Mode};
use common::oms_server::{self, Behaviour};
use common::{Endpoint, Scenario, live_pair};

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "junit", "github", "gitlab", "markdown",
];

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn no_command_or_format_ever_shows_a_password() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("secrets");
    // Findings with fix lines, so reports and scripts have content worth searching.
    pair.set_up_tenants(
        &scenario.with(&["REVOKE SELECT ON *.* FROM '{user}'"]),
        &scenario.with(&["REVOKE INSERT ON `{db}`.* FROM '{user}'"]),
    );
    let server = scenario.serve_oms(Behaviour::Fixtures("base"), &pair.a, &pair.b);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let by_env = scenario.plan_with_oms(&pair.a, &pair.b, &server.url);
    // The same plan with tenant A's password written inline.
    let inline = by_env.replacen(
        "password_env = \"OB_A_PASSWORD\"",
        &format!("password = \"{}\"", scenario.password),
        1,
    );
    assert_ne!(inline, by_env);
    // And one with a problem, so the plan is quoted in an error.
    let broken = inline.replacen("[forward]", "[forward]\nbogus_key = 1", 1);
    for (name, text) in [
        ("env.toml", &by_env),
        ("inline.toml", &inline),
        ("broken.toml", &broken),
    ] {
        std::fs::write(path(name), text).unwrap();
    }

    let mut runs: Vec<Vec<String>> = Vec::new();
    for plan in ["env.toml", "inline.toml"] {
        let mut check = vec!["check".to_string(), path(plan)];
        for format in FORMATS {
            check.extend([
                "--report".to_string(),
                format!("{format}={}", path(&format!("{plan}.{format}"))),
            ]);
        }
        runs.push(check);
        for format in FORMATS {
            runs.push(vec![
                "check".into(),
                path(plan),
                "--format".into(),
                format.to_string(),
            ]);
        }
        runs.push(vec!["lint".into(), path(plan)]);
        runs.push(vec![
            "collect".into(),
            path(plan),
            "--out".into(),
            path(&format!("{plan}.bundle.json")),
        ]);
        runs.push(vec![
            "fix".into(),
            path(plan),
            "--out-dir".into(),
            path(&format!("{plan}.fix")),
        ]);
    }
    for format in FORMATS {
        runs.push(vec![
            "check".into(),
            "--snapshot".into(),
            path("inline.toml.bundle.json"),
            "--format".into(),
            format.to_string(),
        ]);
    }
    runs.push(vec![
        "fix".into(),
        "--snapshot".into(),
        path("inline.toml.bundle.json"),
        "--out-dir".into(),
        path("snapshot.fix"),
    ]);
    runs.push(vec!["check".into(), path("broken.toml")]);
    runs.push(vec!["lint".into(), path("broken.toml")]);
    runs.push(vec!["rules".into()]);
    runs.push(vec!["explain".into(), "plan.inline-secret".into()]);

    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // `run` asserts the password is on neither stdout nor stderr.
        let output = scenario.run(&args);
        assert_ne!(output.status.code(), Some(4), "{args:?} crashed");
    }
    assert_eq!(
        scenario.run(&["check", &path("broken.toml")]).status.code(),
        Some(2)
    );

    // Every file any of these runs wrote.
    let mut files = Vec::new();
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let entry = entry.unwrap().path();
            if entry.is_dir() {
                pending.push(entry);
            } else if !entry.ends_with("inline.toml") && !entry.ends_with("broken.toml") {
                files.push(entry);
            }
        }
    }
    assert!(
        files.len() >= 2 * FORMATS.len() + 2 + 4,
        "reports, bundles and fix scripts were written: {files:?}"
    );
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.contains(&scenario.password),
            "{} holds the password",
            file.display()
        );
    }
    eprintln!(
        "secrets: {} runs, {} files searched, 0 hits",
        runs.len(),
        files.len()
    );
}

/// The passwords the fixtures below write, in every way a plan can.
const WRITTEN: &[&str] = &[
    "Secret-In-Inline-Table",
    "Secret-Under-Escaped-Key",
    "Secret-In-Multi-Line-String",
    "Secret-In-Comment",
    "Secret-After-The-Error",
    "Secret-In-Url",
    "inline-and-env",
    "Secret-In-Query",
    "Secret-In-Host",
    "Secret-Typed-As-Env",
    "Secret-Typed-As-File",
    "Secret Typed As Drc Env",
    "Secret-Typed-As-Drc-File",
];

fn run_offline(args: &[&str]) -> (String, String, i32) {
    let output = assert_cmd::Command::cargo_bin("oms-preflight")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("OB_A_PASSWORD", "x")
        .env("OB_B_PASSWORD", "x")
        .env("OMS_PASSWORD", "x")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().expect("exited"),
    )
}

fn assert_no_password(what: &str, text: &str) {
    for secret in WRITTEN {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

/// No kernel needed: every invalid plan of `fixtures/plans/invalid` (passwords in an inline
/// table, under an escaped key, in a multi-line string, in a comment, in a url, typed where a
/// variable name or a path belongs, in a host, in a url's query, beside a syntax error) through
/// `lint`, `check` and `fix` never shows a password, and is exit 2.
#[test]
fn no_invalid_plan_shows_a_password_however_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = 0;
    for entry in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/plans/invalid"
    ))
    .unwrap()
    {
        let plan = entry.unwrap().path();
        let plan = plan.to_str().unwrap();
        let out = dir.path().join("fix");
        for args in [
            vec!["lint", plan],
            vec!["lint", plan, "--format", "json"],
            vec!["check", plan],
            vec!["check", plan, "--format", "sarif"],
            vec!["fix", plan, "--out-dir", out.to_str().unwrap()],
        ] {
            let (stdout, stderr, code) = run_offline(&args);
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert_no_password(&format!("{args:?}"), &format!("{stdout}{stderr}"));
            runs += 1;
        }
    }
    assert!(runs >= 45, "{runs}");
}

/// A valid plan with its passwords in an inline table, under an escaped key in a multi-line
/// string, and in a commented-out line: its bundle stores none of them, the bundle's replay in
/// every format shows none, and the plan text it carries is still a valid plan.
#[test]
fn a_bundle_and_its_replay_hold_no_password_however_the_plan_wrote_it() {
    use oms_preflight::collect::bundle::Bundle;
    use oms_preflight::plan::Plan;

    let healthy = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/scenarios/healthy/bundle.json"
    ));
    let recorded = Bundle::read(healthy).unwrap();
    let (_, links) = recorded.plan.text.split_once("[forward]").unwrap();
    let text = format!(
        r#"# password = "Secret-In-Comment"
[tenants]
a = {{ host = "10.0.0.1", port = 2881, user = "oms", password = "Secret-In-Inline-Table", drc_user = "oms", drc_password_env = "OB_A_PASSWORD" }}

[tenants.b]
host = "10.0.0.2"
port = 2881
user = "oms"
"pass\u0077ord" = """
Secret-In-Multi-Line-String"""
drc_user = "oms"
drc_password_env = "OB_B_PASSWORD"

[forward]{links}"#
    );
    let plan = Plan::parse("odd.toml", &text).unwrap();
    assert_eq!(
        plan.b
            .password
            .resolve(&oms_preflight::plan::input::NamedFiles::start(
                [],
                std::time::Duration::from_secs(10)
            ))
            .unwrap()
            .expose(),
        "Secret-In-Multi-Line-String",
        "the password itself is kept, in memory"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    Bundle::new(&plan, recorded.facts).write(&path).unwrap();
    let stored = std::fs::read_to_string(&path).unwrap();
    assert_no_password("the bundle", &stored);
    let replayed = Bundle::read(&path).unwrap().plan().unwrap();
    assert_eq!(replayed.source, plan.source);

    let path = path.to_str().unwrap();
    for format in FORMATS {
        let (stdout, stderr, code) =
            run_offline(&["check", "--snapshot", path, "--format", format]);
        assert_eq!(code, 0, "{format}: {stderr}");
        assert_no_password(format, &format!("{stdout}{stderr}"));
        if *format == "human" {
            assert!(stdout.contains("password = \"<redacted>\""), "{stdout}");
        }
    }
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let entry = entry.unwrap().path();
            if entry.is_dir() {
                pending.push(entry);
            } else {
                files.push(entry);
            }
        }
    }
    files
}

/// Servers that repeat the passwords they were sent: OMS answering `success: false` with its
/// password and the `Authorization` header that carried it in the message and the request id,
/// tenant A's server refusing the login (ERR 1045) and tenant B's every statement with both
/// the tenant's and the DRC user's password in the error text. No kernel needed. None of the
/// five passwords, nor the header, reaches stdout or stderr of any command, any report format
/// (printed or written with `--report`), the bundle, its replay in every format, or the fix
/// scripts; where a server repeated one, the reports and the bundle read `<redacted>`.
#[test]
fn a_password_a_server_repeats_reaches_no_output() {
    let scenario = Scenario::new("echo");
    const A: &str = "Echo-A-7Kq!pw";
    const B: &str = "Echo-B-3Vz#pw";
    const OMS: &str = "Echo-Oms-5Rx%pw";
    const DRC_A: &str = "Echo-DrcA-8Ln^pw";
    const DRC_B: &str = "Echo-DrcB-2Wm&pw";
    let env = [
        ("OB_A_PASSWORD", A),
        ("OB_B_PASSWORD", B),
        ("OMS_PASSWORD", OMS),
        ("OB_A_DRC_PASSWORD", DRC_A),
        ("OB_B_DRC_PASSWORD", DRC_B),
    ];
    let header = oms_server::base64(format!("{}:{OMS}", oms_server::USER).as_bytes());
    let forms = [A, B, OMS, DRC_A, DRC_B, header.as_str()];

    let a = Endpoint::loopback(mysql_server::start(
        Mode::DenyLogin,
        vec![A.into(), DRC_A.into()],
    ));
    let b = Endpoint::loopback(mysql_server::start(
        Mode::RefuseStatements,
        vec![B.into(), DRC_B.into()],
    ));
    let server = oms_server::start(
        Behaviour::EchoCredentials {
            action: "DescribeProject",
        },
        OMS,
        scenario.oms_vars(&a, &b),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let path = |name: &str| out.join(name).display().to_string();
    let plan = dir.path().join("plan.toml");
    let text = scenario
        .plan_with_oms(&a, &b, &server.url)
        .replace(
            "drc_password_env = \"OB_A_PASSWORD\"",
            "drc_password_env = \"OB_A_DRC_PASSWORD\"",
        )
        .replace(
            "drc_password_env = \"OB_B_PASSWORD\"",
            "drc_password_env = \"OB_B_DRC_PASSWORD\"",
        );
    assert!(text.contains("OB_A_DRC_PASSWORD") && text.contains("OB_B_DRC_PASSWORD"));
    std::fs::write(&plan, text).unwrap();
    let plan = plan.to_str().unwrap();

    let mut runs: Vec<Vec<String>> = Vec::new();
    let mut check = vec!["check".to_string(), plan.to_string()];
    for format in FORMATS {
        check.extend(["--report".into(), format!("{format}={}", path(format))]);
        runs.push(vec![
            "check".into(),
            plan.into(),
            "--format".into(),
            format.to_string(),
        ]);
    }
    runs.push(check);
    runs.push(vec![
        "collect".into(),
        plan.into(),
        "--out".into(),
        path("bundle.json"),
    ]);
    runs.push(vec![
        "fix".into(),
        plan.into(),
        "--out-dir".into(),
        path("fix"),
    ]);
    for format in FORMATS {
        runs.push(vec![
            "check".into(),
            "--snapshot".into(),
            path("bundle.json"),
            "--format".into(),
            format.to_string(),
        ]);
    }
    runs.push(vec![
        "fix".into(),
        "--snapshot".into(),
        path("bundle.json"),
        "--out-dir".into(),
        path("snapshot-fix"),
    ]);

    // Where a password shows, even cut across lines by a report's wrapping (searched with
    // spaces, line breaks and box-drawing characters taken out): the lines holding one, by
    // number only, so a failure never prints a password, nor part of one.
    let shown = |text: &str| -> Option<String> {
        let squeezed: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !('\u{2500}'..='\u{257f}').contains(c))
            .collect();
        if !forms.iter().any(|form| squeezed.contains(form)) {
            return None;
        }
        let lines: Vec<String> = text
            .lines()
            .enumerate()
            .filter(|(_, line)| forms.iter().any(|form| line.contains(form)))
            .map(|(number, _)| (number + 1).to_string())
            .collect();
        Some(match lines.is_empty() {
            true => "a password cut across lines".into(),
            false => format!("on lines {}", lines.join(", ")),
        })
    };
    let mut printed = String::new();
    for args in &runs {
        let output = assert_cmd::Command::cargo_bin("oms-preflight")
            .unwrap()
            .args(args)
            .envs(env)
            .args(["--timeout", "5"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let code = output.status.code();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        if let Some(lines) = shown(&format!("{stdout}{stderr}")) {
            panic!("{args:?} printed a password, {lines}");
        }
        assert!(
            matches!(code, Some(0 | 1 | 3)),
            "{args:?} exited {code:?}: {}",
            shown(&stderr).map_or(stderr.to_string(), |_| "(withheld)".into())
        );
        printed.push_str(&stdout);
    }

    let files = files_under(&out);
    assert!(
        files.len() >= FORMATS.len() + 1 + 4,
        "reports, the bundle and fix scripts were written: {files:?}"
    );
    for file in &files {
        if let Some(lines) = shown(&std::fs::read_to_string(file).unwrap()) {
            panic!("{} holds a password, {lines}", file.display());
        }
    }
    // The servers did repeat them, and what they said is there, blanked: in the JSON report
    // (OMS's message and tenant A's refused login), and in the bundle (tenant B's refusals).
    let json = std::fs::read_to_string(path("json")).unwrap();
    assert!(
        json.contains("wrong password <redacted> (Authorization: Basic <redacted>)"),
        "{json}"
    );
    assert!(json.contains("the password was <redacted>"), "{json}");
    let bundle = std::fs::read_to_string(path("bundle.json")).unwrap();
    assert!(
        bundle.contains("command denied to a user whose password is <redacted> / <redacted>"),
        "{bundle}"
    );
    assert!(printed.contains("<redacted>"));
    eprintln!(
        "echoed passwords: {} runs, {} files searched, 0 hits",
        runs.len(),
        files.len()
    );
}
