//! Passwords never leave memory: every command and every report format, run against the live
//! kernels and the test OMS server with the passwords set to a unique marker, and stdout,
//! stderr, every report file, every fix script and every bundle searched for it.

mod common;

use common::oms_server::Behaviour;
use common::{Scenario, live_pair};

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "junit", "github", "gitlab", "markdown",
];

#[test]
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
