//! Every write checked (docs/exit-codes.md): an output the tool could not write —
//! stdout, a `--report` file, the job summary, a bundle, a fix script — is exit 4 naming it; a
//! file is replaced whole or not at all, so a full disk or a run killed half-way leaves the old
//! file, never a truncated one; a closed pipe stays quiet and keeps the run's exit code.
//! No kernels: bundles from `fixtures/`, and tenants nobody listens on for `collect`.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bundle(scenario: &str) -> String {
    root()
        .join(format!("fixtures/scenarios/{scenario}/bundle.json"))
        .display()
        .to_string()
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oms-preflight"));
    command
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("OB_A_PASSWORD", "x")
        .env("OB_B_PASSWORD", "x");
    command
}

/// The binary with stdout on `/dev/full`: (stderr, exit code).
fn to_full_disk(args: &[&str]) -> (String, i32) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = binary().args(args).stdout(full).output().unwrap();
    (
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().expect("exited"),
    )
}

/// A plan whose tenants nobody listens on (port 1 refuses at once) and no `[oms]`: `collect`
/// writes a bundle of unreachable tenants in a moment.
fn unreachable_plan(dir: &Path) -> PathBuf {
    let valid = std::fs::read_to_string(root().join("fixtures/plans/valid/dr.toml")).unwrap();
    let without_oms = &valid[valid.find("[tenants.a]").unwrap()..];
    let plan = without_oms
        .replace("10.0.0.1", "127.0.0.1")
        .replace("10.0.0.2", "127.0.0.1")
        .replace("port = 2881", "port = 1")
        .replace(
            "password_file = \"/run/secrets/ob_b_password\"",
            "password_env = \"OB_B_PASSWORD\"",
        );
    let path = dir.join("unreachable.toml");
    std::fs::write(&path, plan).unwrap();
    path
}

/// The binary under bash with regular files limited to `kib` KiB (`ulimit -f`): past it a
/// write fails with EFBIG when `survive` (SIGXFSZ ignored), and the process is killed by
/// SIGXFSZ in the middle of its write otherwise. (exit code or -1 when killed, stderr)
fn with_file_size_limit(kib: u32, survive: bool, args: &[&str]) -> (i32, String) {
    let trap = if survive { "trap '' XFSZ; " } else { "" };
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -c 0; ulimit -f {kib}; {trap}exec \"$OMS_PREFLIGHT\" \"$@\""
        ))
        .arg("oms-preflight")
        .args(args)
        .current_dir(root())
        .env("OMS_PREFLIGHT", env!("CARGO_BIN_EXE_oms-preflight"))
        .env("NO_COLOR", "1")
        .env("OB_A_PASSWORD", "x")
        .env("OB_B_PASSWORD", "x")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdout(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `check --format json > /dev/full` exited 0 with no report: a CI gate passed on nothing.
/// Every command that prints is exit 4 when stdout cannot be written, and says where.
#[test]
fn a_failed_write_to_stdout_is_exit_4_naming_it() {
    let healthy = bundle("healthy");
    for args in [
        vec!["check", "--snapshot", &healthy, "--format", "json"],
        vec!["check", "--snapshot", &healthy],
        vec!["lint", "fixtures/plans/valid/dr.toml"],
        vec!["rules", "--format", "json"],
        vec!["explain", "grants.target-write"],
        vec!["schema"],
        vec!["init"],
        vec!["completions", "bash"],
        vec!["--help"],
    ] {
        let (stderr, code) = to_full_disk(&args);
        assert_eq!(code, 4, "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write stdout") && stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
    let (stderr, _) = to_full_disk(&["schema"]);
    assert!(stderr.contains("stdout (/dev/full)"), "{stderr}");
}

/// A reader that stops reading (`| head -1`) is not a failure: nothing is said, and the exit
/// code is the run's own (1 here: the findings), so `set -o pipefail` still sees the verdict.
/// A closed stderr does not turn a note ("wrote …") into a crash either.
#[test]
fn a_closed_pipe_stays_quiet_and_keeps_the_verdict() {
    for format in ["human", "json", "sarif"] {
        let (reader, writer) = std::io::pipe().unwrap();
        // Closed before the run writes a byte: its first write meets a closed pipe.
        drop(reader);
        let output = binary()
            .args(["check", "--snapshot", &bundle("missing-target-insert")])
            .args(["--format", format])
            .stdout(writer)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{format}");
    }
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = binary()
        .args(["fix", "--snapshot", &bundle("missing-target-insert")])
        .arg("--out-dir")
        .arg(dir.path())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(listing(dir.path()), ["tenant-a.sql", "tenant-b.sql"]);
}

/// `--report FORMAT=PATH` and `$GITHUB_STEP_SUMMARY` that cannot be written are exit 4 naming
/// the path; every other output is still written.
#[test]
fn a_report_or_job_summary_that_cannot_be_written_is_exit_4_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("report.sarif");
    let missing = dir.path().join("no-such-dir/report.json");
    let output = binary()
        .args(["check", "--snapshot", &bundle("healthy")])
        .arg("--report")
        .arg(format!("json={}", missing.display()))
        .arg("--report")
        .arg(format!("sarif={}", written.display()))
        .arg("--report")
        .arg("junit=/dev/full")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write {}", missing.display())),
        "{stderr}"
    );
    assert!(stderr.contains("cannot write /dev/full"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("PASSED"));
    assert!(std::fs::read_to_string(&written).unwrap().contains("sarif"));
    assert_eq!(listing(dir.path()), ["report.sarif"]);

    // The job summary is appended to, by GitHub's contract, and the append is checked.
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "an earlier step's summary\n").unwrap();
    for (path, expected) in [(summary.to_str().unwrap(), 0), ("/dev/full", 4)] {
        let output = binary()
            .args(["check", "--snapshot", &bundle("healthy")])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(expected), "{path}: {stderr}");
        if expected == 4 {
            assert!(stderr.contains("cannot write /dev/full"), "{stderr}");
        }
    }
    let appended = std::fs::read_to_string(&summary).unwrap();
    assert!(
        appended.starts_with("an earlier step's summary\n## oms-preflight"),
        "{appended}"
    );
}

/// A report, a bundle and a fix script were written with a plain write: a full disk or a run
/// killed half-way left a truncated file that reads like a report. Each is now written to a
/// temporary file beside it and renamed into place: a failed write is exit 4 naming the path
/// and leaves the old file and nothing else; a killed run leaves the old file whole.
#[test]
fn reports_bundles_and_scripts_are_replaced_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let plan = unreachable_plan(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let report = out.join("report.json");
    let bundle_path = out.join("bundle.json");
    let script = out.join("tenant-a.sql");
    let healthy = bundle("healthy");
    let missing_insert = bundle("missing-target-insert");
    let report_arg = format!("json={}", report.display());
    let runs: [(&Path, u32, Vec<&str>); 3] = [
        // The JSON report is 6 KB, the bundle more: both are cut past 1 KiB.
        (
            &report,
            1,
            vec!["check", "--snapshot", &healthy, "--report", &report_arg],
        ),
        (
            &bundle_path,
            1,
            vec![
                "collect",
                plan.to_str().unwrap(),
                "--out",
                bundle_path.to_str().unwrap(),
                "--timeout",
                "2",
            ],
        ),
        // A fix script is a few hundred bytes: no byte of it may be written.
        (
            &script,
            0,
            vec![
                "fix",
                "--snapshot",
                &missing_insert,
                "--out-dir",
                out.to_str().unwrap(),
            ],
        ),
    ];
    for (target, kib, args) in runs {
        let old = format!("the previous {}\n", target.display());
        for survive in [true, false] {
            for entry in listing(&out) {
                std::fs::remove_file(out.join(entry)).unwrap();
            }
            std::fs::write(target, &old).unwrap();
            let (code, stderr) = with_file_size_limit(kib, survive, &args);
            if survive {
                assert_eq!(code, 4, "{args:?}: {stderr}");
                assert!(
                    stderr.contains(&format!("cannot write {}", target.display())),
                    "{args:?}: {stderr}"
                );
                assert!(stderr.contains("File too large"), "{stderr}");
                // The temporary file went with the failure.
                let left: Vec<String> = listing(&out)
                    .into_iter()
                    .filter(|name| name.ends_with(".tmp"))
                    .collect();
                assert!(left.is_empty(), "{args:?}: {left:?}");
            } else {
                // Killed by SIGXFSZ in the middle of writing.
                assert_eq!(code, -1, "{args:?}: {stderr}");
            }
            assert_eq!(
                std::fs::read_to_string(target).unwrap(),
                old,
                "{args:?}, survived: {survive}"
            );
        }
    }
}

/// `collect --out` and `fix --out-dir` that cannot be written are exit 4 (they were 2, a usage
/// error, and said nothing of the path's kind); `init --out` over an existing file stays a usage
/// error: it never overwrites.
#[test]
fn a_bundle_script_or_plan_that_cannot_be_written_is_exit_4_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let plan = unreachable_plan(dir.path());
    let nowhere = dir.path().join("no-such-dir/bundle.json");
    let output = binary()
        .args(["collect", plan.to_str().unwrap(), "--timeout", "2", "--out"])
        .arg(&nowhere)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write {}", nowhere.display())),
        "{stderr}"
    );

    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "").unwrap();
    let output = binary()
        .args(["fix", "--snapshot", &bundle("healthy"), "--out-dir"])
        .arg(a_file.join("fix"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("a-file/fix"), "{stderr}");

    let output = binary()
        .args(["init", "--out"])
        .arg(dir.path().join("no-such-dir/dr.toml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let output = binary()
        .args(["init", "--out"])
        .arg(&a_file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&a_file).unwrap(), "");
}
