//! The binary against two real OceanBase kernels (seekdb), each test in its own scenario set
//! up as root: the exact rule ids, sides, objects and exit codes a DBA would see.

mod common;

use std::net::TcpListener;

use common::{Endpoint, Scenario, finding, findings, live_pair, status};

fn write_plan(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_healthy_pair_passes_at_both_stages() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("healthy");
    pair.a.root(&scenario.healthy());
    pair.b.root(&scenario.healthy());
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));

    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(findings(&report), vec![]);
    assert_eq!(code, 0);
    assert_eq!(report["endpoints"]["a"]["ob_version"], "4.3.5.3");
    assert_eq!(report["endpoints"]["b"]["mode"], "MYSQL");
    assert_eq!(status(&report, "schema.forward-complete"), "skipped");

    let (report, code) = scenario.check(&plan, &["--stage", "reverse"]);
    assert_eq!((findings(&report), code), (vec![], 0));
    assert_eq!(status(&report, "schema.forward-complete"), "pass");
}

#[test]
fn a_target_missing_insert_fails_grants_target_write_until_the_fix_is_applied() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("no_insert");
    pair.a.root(&scenario.healthy());
    pair.b
        .root(&scenario.with(&["REVOKE INSERT ON `{db}`.* FROM '{user}'"]));
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));

    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!(
        findings(&report),
        vec![finding("grants.target-write", "b", "lt_no_insert")]
    );
    assert_eq!(code, 1);
    let found = &report["findings"][0];
    assert_eq!(
        found["message"],
        "oms_no_insert lacks INSERT on `lt_no_insert`.*"
    );
    let fix: Vec<String> = serde_json::from_value(found["fix"].clone()).unwrap();
    assert_eq!(
        fix,
        vec!["GRANT INSERT ON `lt_no_insert`.* TO 'oms_no_insert'@'%';"]
    );

    // The fix, applied by hand as an administrator, resolves it.
    pair.b.root(&fix);
    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!((findings(&report), code), (vec![], 0));
}

#[test]
fn a_table_missing_on_b_fails_forward_completeness_at_the_reverse_stage() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("missing_table");
    pair.a.root(
        &scenario.with(&[
            "CREATE TABLE `{db}`.refunds (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL)",
        ]),
    );
    pair.b.root(&scenario.healthy());
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));

    let (report, code) = scenario.check(&plan, &["--stage", "reverse"]);
    assert_eq!(
        findings(&report),
        vec![finding(
            "schema.forward-complete",
            "b",
            "lt_missing_table.refunds"
        )]
    );
    assert_eq!(code, 1);

    // Before the forward project exists, the table is the forward link's job to create.
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!((findings(&report), code), (vec![], 0));
}

#[test]
fn a_column_that_differs_on_b_is_named_down_to_the_column() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("column_drift");
    pair.a.root(&scenario.healthy());
    pair.b
        .root(&scenario.with(&["ALTER TABLE `{db}`.orders MODIFY note VARCHAR(32)"]));
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));

    let (report, code) = scenario.check(&plan, &["--stage", "reverse"]);
    assert_eq!(
        findings(&report),
        vec![finding(
            "schema.forward-complete",
            "b",
            "lt_column_drift.orders.note"
        )]
    );
    assert_eq!(
        report["findings"][0]["message"],
        "column lt_column_drift.orders.note is varchar(64) on tenant a but varchar(32) on tenant b"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_table_without_any_key_fails_on_both_tenants() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("no_key");
    let keyless = ["CREATE TABLE `{db}`.audit_log (at DATETIME, event VARCHAR(32))"];
    pair.a.root(&scenario.with(&keyless));
    pair.b.root(&scenario.with(&keyless));
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));

    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!(
        findings(&report),
        vec![
            finding("schema.primary-key", "a", "lt_no_key.audit_log"),
            finding("schema.primary-key", "b", "lt_no_key.audit_log"),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn an_unreachable_tenant_fails_conn_and_leaves_its_rules_inconclusive() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("unreachable");
    pair.a.root(&scenario.healthy());
    // A port nothing listens on.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = Endpoint {
        host: "127.0.0.1".into(),
        port: closed,
    };
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &nowhere));

    let started = std::time::Instant::now();
    let (report, code) = scenario.check(&plan, &["--timeout", "5"]);
    assert!(started.elapsed().as_secs() < 15, "bounded by the timeout");
    assert_eq!(
        findings(&report),
        vec![(
            String::from("conn.tenant"),
            "b".into(),
            Some("oms_unreachable".into())
        )]
    );
    assert_eq!(code, 1);
    for rule in [
        "tenant.mode",
        "tenant.version-pair",
        "grants.source-read",
        "grants.target-write",
        "schema.primary-key",
    ] {
        assert_eq!(status(&report, rule), "inconclusive", "{rule}");
    }
    let reason = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule"] == "grants.target-write")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains(&format!("127.0.0.1:{closed}")),
        "the reason names the endpoint: {reason}"
    );
    // Plan-only rules still ran.
    assert_eq!(status(&report, "link.ddl-single"), "pass");
}

#[test]
fn a_wrong_password_is_a_conn_failure_that_never_shows_the_password() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("wrong_password");
    pair.a.root(&scenario.healthy());
    pair.b
        .root(&scenario.with(&["ALTER USER '{user}' IDENTIFIED BY 'Another-pw-42'"]));
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));

    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!(
        findings(&report),
        vec![finding("conn.tenant", "b", "oms_wrong_password")]
    );
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Access denied")
    );
    assert_eq!(code, 1);
}

#[test]
fn a_bundle_replays_the_same_findings_offline_and_holds_no_password() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("replay");
    pair.a
        .root(&scenario.with(&["CREATE TABLE `{db}`.audit_log (at DATETIME)"]));
    pair.b
        .root(&scenario.with(&["REVOKE INSERT, UPDATE ON `{db}`.* FROM '{user}'"]));
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &scenario.plan(&pair.a, &pair.b));
    let bundle = dir.path().join("bundle.json");

    let (live, live_code) = scenario.check(&plan, &["--stage", "reverse"]);
    let collected = scenario.run(&[
        "collect",
        plan.to_str().unwrap(),
        "--out",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(collected.status.code(), Some(0));
    let text = std::fs::read_to_string(&bundle).unwrap();
    assert!(
        !text.contains(&scenario.password),
        "the bundle holds the password"
    );

    let replayed = scenario.run(&[
        "check",
        "--snapshot",
        bundle.to_str().unwrap(),
        "--stage",
        "reverse",
        "--format",
        "json",
    ]);
    let offline: serde_json::Value = serde_json::from_slice(&replayed.stdout).unwrap();
    assert_eq!(replayed.status.code(), Some(live_code));
    assert_eq!(offline["findings"], live["findings"]);
    assert_eq!(offline["outcomes"], live["outcomes"]);
    assert_eq!(
        findings(&offline),
        vec![
            finding("grants.target-write", "b", "lt_replay"),
            finding("schema.primary-key", "a", "lt_replay.audit_log"),
            finding("schema.forward-complete", "b", "lt_replay.audit_log"),
        ]
    );
}
