//! The binary against two real OceanBase kernels (seekdb), each test in its own scenario set
//! up as root: the exact rule ids, sides, objects and exit codes a DBA would see.

use oms_preflight_testkit as common;

use std::path::PathBuf;

use common::{
    Endpoint, Pair, Scenario, finding, findings, first_message, fix_statements, live_pair, status,
};
use serde_json::Value;

/// A scenario set up and checked once, kept for what the test does next.
struct Checked {
    pair: Pair,
    scenario: Scenario,
    dir: tempfile::TempDir,
    plan: PathBuf,
    report: Value,
    code: i32,
}

/// Sets scenario `name` up as a healthy pair plus `on_a` and `on_b` (`{db}` and `{user}` stand
/// for the scenario's names), checks with `args`, and asserts the findings are exactly
/// `expected` (`{db}` in an object stands for the scenario's database). `None` without kernels.
fn expect_findings(
    name: &str,
    on_a: &[&str],
    on_b: &[&str],
    args: &[&str],
    expected: &[(&str, &str, &str)],
) -> Option<Checked> {
    let pair = live_pair()?;
    let scenario = Scenario::new(name);
    let (dir, plan) = pair.set_up(&scenario, &scenario.with(on_a), &scenario.with(on_b));
    let (report, code) = scenario.check(&plan, args);
    let expected: Vec<_> = expected
        .iter()
        .map(|(rule, side, object)| {
            finding(rule, side, &object.replace("{db}", &scenario.database))
        })
        .collect();
    assert_eq!(findings(&report), expected, "{name}");
    Some(Checked {
        pair,
        scenario,
        dir,
        plan,
        report,
        code,
    })
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_healthy_pair_passes_at_both_stages() {
    let Some(checked) = expect_findings("healthy", &[], &[], &["--stage", "forward"], &[]) else {
        return;
    };
    let (report, code) = (&checked.report, checked.code);
    assert_eq!(code, 0);
    assert_eq!(report["endpoints"]["a"]["ob_version"], "4.3.5.3");
    assert_eq!(report["endpoints"]["b"]["mode"], "MYSQL");
    assert_eq!(status(report, "schema.forward-complete"), "skipped");

    // Without [oms] the reverse stage cannot confirm the forward project: incomplete, not pass.
    let (report, code) = checked
        .scenario
        .check(&checked.plan, &["--stage", "reverse"]);
    assert_eq!((findings(&report), code), (vec![], 3));
    assert_eq!(status(&report, "schema.forward-complete"), "pass");
    assert_eq!(status(&report, "oms.forward-schema-done"), "inconclusive");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_target_missing_insert_fails_grants_target_write_until_the_fix_is_applied() {
    let Some(checked) = expect_findings(
        "no_insert",
        &[],
        &["REVOKE INSERT ON `{db}`.* FROM '{user}'"],
        &[],
        &[("grants.target-write", "b", "lt_no_insert")],
    ) else {
        return;
    };
    assert_eq!(checked.code, 1);
    let found = &checked.report["findings"][0];
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
    checked.pair.b.root(&fix);
    let (report, code) = checked.scenario.check(&checked.plan, &[]);
    assert_eq!((findings(&report), code), (vec![], 0));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_table_missing_on_b_fails_forward_completeness_at_the_reverse_stage() {
    let Some(checked) = expect_findings(
        "missing_table",
        &["CREATE TABLE `{db}`.refunds (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL)"],
        &[],
        &["--stage", "reverse"],
        &[("schema.forward-complete", "b", "lt_missing_table.refunds")],
    ) else {
        return;
    };
    assert_eq!(checked.code, 1);

    // Before the forward project exists, the table is the forward link's job to create.
    let (report, code) = checked
        .scenario
        .check(&checked.plan, &["--stage", "forward"]);
    assert_eq!((findings(&report), code), (vec![], 0));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_column_that_differs_on_b_is_named_down_to_the_column() {
    let Some(checked) = expect_findings(
        "column_drift",
        &[],
        &["ALTER TABLE `{db}`.orders MODIFY note VARCHAR(32)"],
        &["--stage", "reverse"],
        &[(
            "schema.forward-complete",
            "b",
            "lt_column_drift.orders.note",
        )],
    ) else {
        return;
    };
    assert_eq!(
        first_message(&checked.report),
        "column lt_column_drift.orders.note is varchar(64) on tenant a but varchar(32) on tenant b"
    );
    assert_eq!(checked.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_table_without_any_key_fails_on_both_tenants() {
    let keyless = ["CREATE TABLE `{db}`.audit_log (at DATETIME, event VARCHAR(32))"];
    let Some(checked) = expect_findings(
        "no_key",
        &keyless,
        &keyless,
        &[],
        &[
            ("schema.primary-key", "a", "lt_no_key.audit_log"),
            ("schema.primary-key", "b", "lt_no_key.audit_log"),
        ],
    ) else {
        return;
    };
    assert_eq!(checked.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn an_unreachable_tenant_fails_conn_and_leaves_its_rules_inconclusive() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("unreachable");
    pair.a.root(&scenario.healthy());
    let nowhere = Endpoint::nowhere();
    let closed = nowhere.port;
    let (_dir, plan) = pair.plan(&scenario).tenant_b(nowhere).write();

    let (report, code, elapsed) = scenario.timed_check(&plan, &["--timeout", "5"]);
    assert!(elapsed.as_secs() < 15, "bounded by the timeout");
    assert_eq!(
        findings(&report),
        vec![finding("conn.tenant", "b", "oms_unreachable")]
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
    // The cause is said once, worded for what failed: nothing listens, no login was tried.
    let cause = first_message(&report);
    assert!(
        cause.contains(&format!(
            "cannot connect to 127.0.0.1:{closed}: connection refused"
        )),
        "{cause}"
    );
    assert!(!cause.contains("Input/output error"), "{cause}");
    let reason = common::reason(&report, "grants.target-write");
    assert!(
        reason.starts_with("blocked by conn.tenant (tenant b)"),
        "the blocked rules point at the cause: {reason}"
    );
    // Plan-only rules still ran.
    assert_eq!(status(&report, "link.ddl-single"), "pass");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_wrong_password_is_a_conn_failure_that_never_shows_the_password() {
    let Some(checked) = expect_findings(
        "wrong_password",
        &[],
        &["ALTER USER '{user}' IDENTIFIED BY 'Another-pw-42'"],
        &[],
        &[("conn.tenant", "b", "oms_wrong_password")],
    ) else {
        return;
    };
    assert!(first_message(&checked.report).contains("Access denied"));
    assert_eq!(checked.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_bundle_replays_the_same_findings_offline_and_holds_no_password() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("replay");
    let (dir, plan) = pair.set_up(
        &scenario,
        &scenario.with(&["CREATE TABLE `{db}`.audit_log (at DATETIME)"]),
        &scenario.with(&["REVOKE INSERT, UPDATE ON `{db}`.* FROM '{user}'"]),
    );
    let bundle = dir.path().join("bundle.json");

    let (live, live_code) = scenario.check(&plan, &["--stage", "reverse"]);
    scenario.collect_bundle(&plan, &bundle);

    let (offline, offline_code) = scenario.replay(&bundle, &["--stage", "reverse"]);
    assert_eq!(offline_code, Some(live_code));
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

/// The time recorded bundles say OMS was read at, and the test OMS server's clock meanwhile.
const RECORDED_NOW: u64 = 1_795_000_000;

/// Re-records `fixtures/scenarios/*/bundle.json` from the live pair, with loopback endpoints
/// rewritten to 10.0.0.1/10.0.0.2:2881 and the time of collection zeroed. Run on purpose:
/// `scripts/test --test live -- --ignored record_fixture_bundles`.
#[test]
#[ignore = "writes fixtures; run explicitly to re-record them"]
fn record_fixture_bundles() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::named("app", "oms");
    let nowhere = Endpoint::nowhere();
    let keyless = "CREATE TABLE `{db}`.audit_log (at DATETIME, event VARCHAR(32))";
    let refunds = "CREATE TABLE `{db}`.refunds (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL)";
    let recordings = [
        recording(
            "healthy",
            "a healthy pair: nothing fires",
            scenario.healthy(),
            Some(scenario.healthy()),
        ),
        recording(
            "missing-target-insert",
            "the migration user on B lacks INSERT on the target database: grants.target-write on b",
            scenario.healthy(),
            Some(scenario.with(&["REVOKE INSERT ON `{db}`.* FROM '{user}'"])),
        ),
        recording(
            "table-missing-on-b",
            "A has app.refunds, B does not: schema.forward-complete on b at the reverse stage",
            scenario.with(&[refunds]),
            Some(scenario.healthy()),
        ),
        recording(
            "table-without-key",
            "app.audit_log has no key on either tenant: schema.primary-key on a and b",
            scenario.with(&[keyless]),
            Some(scenario.with(&[keyless])),
        ),
        recording(
            "missing-source-select",
            "the migration user on A has no SELECT (only write privileges): grants.source-read on a",
            scenario.with(&[
                "REVOKE SELECT ON *.* FROM '{user}'",
                "REVOKE SELECT ON `{db}`.* FROM '{user}'",
            ]),
            Some(scenario.healthy()),
        ),
        recording(
            "scope-invisible-on-b",
            "the migration user on B holds no privilege on app: B's tables cannot be listed, the schema rules are inconclusive, grants rules fail on b",
            scenario.healthy(),
            Some(scenario.with(&[
                "REVOKE SELECT ON *.* FROM '{user}'",
                "REVOKE ALL PRIVILEGES ON `{db}`.* FROM '{user}'",
            ])),
        ),
        recording(
            "tenant-b-unreachable",
            "nothing listens at tenant B's port: conn.tenant on b, B's rules inconclusive",
            scenario.healthy(),
            None,
        ),
        recording(
            "ddl-on-both-links",
            "the plan syncs DDL on both links and migrates the reverse link fully: link.ddl-single, link.reverse-incremental-only",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .edit_plan(ddl_on_both_links),
        recording(
            "oms-ready",
            "OMS has the forward project RUNNING with its schema FINISHED and incremental sync MONITORING: everything passes at the (auto-detected) reverse stage",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("base"),
        recording(
            "oms-schema-running",
            "the forward project's schema step is still RUNNING: oms.forward-schema-done and oms.forward-healthy fail at the reverse stage",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("schema-running"),
        recording(
            "oms-third-project",
            "another live OMS project writes app on tenant B: oms.conflicts",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("third-project"),
        recording(
            "tenant-settings-differ",
            "B's app database collates utf8mb4_bin, B runs time_zone +00:00 and a laxer sql_mode, and app.tickets uses AUTO_INCREMENT with increment 1 on both: tenant.charset, tenant.time-zone, tenant.sql-mode, tenant.auto-increment",
            scenario.with(&["CREATE TABLE `{db}`.tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))"]),
            Some(scenario.with(&[
                "ALTER DATABASE `{db}` DEFAULT COLLATE utf8mb4_bin",
                "CREATE TABLE `{db}`.tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))",
                "SET GLOBAL time_zone = '+00:00'",
                "SET GLOBAL sql_mode = 'NO_ZERO_IN_DATE'",
            ])),
        )
        .restore_b(vec![
            "SET GLOBAL time_zone = '+08:00'".into(),
            "SET GLOBAL sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_AUTO_CREATE_USER'".into(),
        ]),
        recording(
            "grants-missing-on-b",
            "the migration user on B has only ALL PRIVILEGES on app: grants.oceanbase-read, grants.global-select and grants.antiloop on b",
            scenario.healthy(),
            Some(scenario.with(&[
                "REVOKE SELECT ON *.* FROM '{user}'",
                "REVOKE CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* FROM '{user}'",
            ])),
        ),
        recording(
            "target-database-missing",
            "database app does not exist on B (the user's grants on it remain): schema.target-databases at the forward stage",
            scenario.healthy(),
            Some(scenario.with(&["DROP DATABASE `{db}`"])),
        ),
        recording(
            "target-not-empty",
            "app.orders on B already holds a row: schema.target-empty at the forward stage",
            scenario.healthy(),
            Some(scenario.with(&["INSERT INTO `{db}`.orders VALUES (1, 'left over', 9.90)"])),
        ),
        recording(
            "schema-hazards",
            "on both tenants: a table named `order items`, a leftover OMS_PK_INCRMT column, a trigger, a generated column and a view: schema.names, schema.hidden-column, schema.triggers, schema.unsupported",
            scenario.with(SCHEMA_HAZARDS),
            Some(scenario.with(SCHEMA_HAZARDS)),
        ),
        recording(
            "partitions-and-foreign-keys",
            "A's app.events has RANGE partitions p2025 and p2026, B's only p2025; A's app.order_lines has a foreign key ON DELETE CASCADE that B's lacks: schema.partitions (an error on b, the RANGE maintenance warning) and schema.foreign-keys (missing on b, cascading on a) at the reverse stage",
            scenario.with(&[EVENTS_A, ORDER_LINES_WITH_KEY]),
            Some(scenario.with(&[EVENTS_B, ORDER_LINES])),
        ),
        recording(
            "virtual-column-key",
            "app.skus is identified by a unique key on a VIRTUAL generated column on both tenants: schema.unsupported errors on a and b",
            scenario.with(&[SKUS]),
            Some(scenario.with(&[SKUS])),
        ),
        recording(
            "plan-hazards",
            "the plan leaves full migration out of the forward link, syncs CREATE_VIEW, writes tenant A's password inline and names a DRC user that does not exist: link.forward-migration, link.ddl-types, plan.inline-secret, grants.drc-user",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .edit_plan(plan_hazards),
        recording(
            "single-project-running",
            "one 容灾双活 project (OMS CE 4.2.2's body shapes) running its own reverse step: stage auto is running, everything passes, the two-projects rules are skipped",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("single-project")
        .edit_plan(common::single_project),
        recording(
            "single-project-unflagged",
            "one project with its reverse step but without the active-active flag: oms.active-active is an error",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("single-project-unflagged")
        .edit_plan(common::single_project),
        recording(
            "single-project-two-projects-plan",
            "a two-projects plan against an OMS that built one project with its own reverse step: oms.topology",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("single-project"),
        recording(
            "running-reverse-failed",
            "both projects exist; the reverse project FAILED at its incremental step with CONNECTOR-SIAL00000001, two hours behind: stage auto is running, oms.reverse-healthy (a failed direction's lag is not measured; its checkpoint is still inside its store's window)",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("reverse-failed"),
        recording(
            "single-project-reverse-failed",
            "the one 容灾双活 project FAILED at its reverse step with CONNECTOR-SIOO00014400, an hour and a half behind: stage auto is running, oms.reverse-healthy carries the code and its usual cause; oms.forward-healthy passes (the forward step still runs)",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("single-project-reverse-failed")
        .edit_plan(common::single_project),
        recording(
            "forward-lagging",
            "the forward project's incremental checkpoint is 15 minutes old: oms.lag at the reverse stage",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("forward-lagging"),
        recording(
            "ddl-third-project",
            "another live project syncs DDL into app on tenant B: oms.ddl-ring and oms.conflicts",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("ddl-third-project"),
        recording(
            "running-drift",
            "both projects run and a column was added to app.orders on B only: schema.drift names B",
            scenario.healthy(),
            Some(scenario.with(&["ALTER TABLE `{db}`.orders ADD COLUMN remark VARCHAR(64)"])),
        )
        .oms("running"),
        recording(
            "single-project-store-behind",
            "the single project's reverse step is an hour behind and its store keeps ten minutes: oms.store-window and oms.lag",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("store-behind")
        .edit_plan(common::single_project),
        recording(
            "single-project-verify-differs",
            "the single project's full verification found differing rows in app.orders: oms.full-verify (counts only)",
            scenario.healthy(),
            Some(scenario.healthy()),
        )
        .oms("verify-differs")
        .edit_plan(common::single_project),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios");
    for Recording {
        name,
        description,
        setup_a,
        setup_b,
        edit_plan,
        oms,
        restore_b,
    } in recordings
    {
        pair.a.root(&setup_a);
        let b = match &setup_b {
            Some(setup) => {
                pair.b.root(setup);
                pair.b.clone()
            }
            None => nowhere.clone(),
        };
        // OMS's clock is fixed so checkpoints and the time of collection are the same in every
        // recording (see below).
        let server = oms.map(|fixtures| {
            let mut vars = scenario.oms_vars(&pair.a, &b);
            vars.insert("NOW".into(), RECORDED_NOW.to_string());
            common::oms_server::start(
                common::oms_server::Behaviour::Fixtures(fixtures),
                &scenario.password,
                vars,
            )
        });
        let mut plan_file = pair.plan(&scenario).tenant_b(b.clone());
        if let Some(server) = &server {
            plan_file = plan_file.oms(&server.url);
        }
        let (dir, plan) = plan_file.edit(edit_plan).write();
        let bundle = dir.path().join("bundle.json");
        scenario.collect(&plan, &bundle, &["--timeout", "5"]);
        if !restore_b.is_empty() {
            pair.b.root(&restore_b);
        }
        let mut text = std::fs::read_to_string(&bundle).unwrap();
        for (endpoint, stable) in [(&pair.a, "10.0.0.1"), (&b, "10.0.0.2")] {
            text = text
                .replace(
                    &format!("{}:{}", endpoint.host, endpoint.port),
                    &format!("{stable}:2881"),
                )
                .replace(
                    &format!(
                        "host = \\\"{}\\\"\\nport = {}",
                        endpoint.host, endpoint.port
                    ),
                    &format!("host = \\\"{stable}\\\"\\nport = 2881"),
                );
        }
        text = text.replace(plan.to_str().unwrap(), "dr.toml");
        if let Some(server) = &server {
            text = text.replace(&server.url, "http://oms.example.internal:8089");
        }
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["collected_at"] = 0.into();
        if let Some(oms) = json.pointer_mut("/facts/oms").filter(|oms| oms.is_object()) {
            oms["collected_at"] = RECORDED_NOW.into();
        }
        // The newest log entry is the time of collection too: pinned, so re-recording does not
        // change every bundle (the kernels are young, their logs reach back to their start).
        for side in ["a", "b"] {
            if let Some(streams) = json
                .pointer_mut(&format!("/facts/{side}/log_streams/observed"))
                .and_then(|v| v.as_array_mut())
            {
                for stream in streams {
                    stream["end_scn"] = 1_796_158_685_000_000_000u64.into();
                }
            }
        }
        // The clocks, read against this machine's (the kernels and the test OMS run on it, so
        // they agree within milliseconds), are pinned to RECORDED_NOW likewise: a tenant's read
        // in 2 ms and 1 ms ahead, OMS's Date header to the second in 50 ms.
        let sent = RECORDED_NOW as i64 * 1_000_000;
        for (pointer, remote, round_trip, resolution) in [
            ("/facts/a/clock/observed", sent + 1_000, 2_000, 1),
            ("/facts/b/clock/observed", sent + 1_000, 2_000, 1),
            ("/facts/oms/clock/observed", sent, 50_000, 1_000_000),
        ] {
            if let Some(clock) = json.pointer_mut(pointer) {
                let (low, high) = (
                    clock["remote_us"].as_i64().unwrap() - clock["received_us"].as_i64().unwrap(),
                    clock["remote_us"].as_i64().unwrap() + clock["resolution_us"].as_i64().unwrap()
                        - clock["sent_us"].as_i64().unwrap(),
                );
                assert!(low < 2_000_000 && high > -2_000_000, "{pointer}: {clock}");
                *clock = serde_json::json!({
                    "remote_us": remote,
                    "sent_us": sent,
                    "received_us": sent + round_trip,
                    "resolution_us": resolution,
                });
            }
        }
        // The data sources name the live kernels too.
        if let Some(sources) = json
            .pointer_mut("/facts/oms/data_sources/observed")
            .and_then(|v| v.as_array_mut())
        {
            for source in sources {
                for (endpoint, stable) in [(&pair.a, "10.0.0.1"), (&b, "10.0.0.2")] {
                    if source["port"] == endpoint.port {
                        source["host"] = stable.into();
                        source["port"] = 2881.into();
                    }
                }
            }
        }
        let out = root.join(name);
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(
            out.join("bundle.json"),
            serde_json::to_string_pretty(&json).unwrap() + "\n",
        )
        .unwrap();
        std::fs::write(
            out.join("README.md"),
            format!("{description}\n\nRecorded by `record_fixture_bundles` in tests/live.rs.\n"),
        )
        .unwrap();
    }
}

/// Partitioned by date: A has this year's and next year's partition, B only this year's.
const EVENTS_A: &str = "CREATE TABLE `{db}`.events (id BIGINT NOT NULL, created DATE NOT NULL, PRIMARY KEY (id, created)) PARTITION BY RANGE COLUMNS(created) (PARTITION p2025 VALUES LESS THAN ('2026-01-01'), PARTITION p2026 VALUES LESS THAN ('2027-01-01'))";
const EVENTS_B: &str = "CREATE TABLE `{db}`.events (id BIGINT NOT NULL, created DATE NOT NULL, PRIMARY KEY (id, created)) PARTITION BY RANGE COLUMNS(created) (PARTITION p2025 VALUES LESS THAN ('2026-01-01'))";
const ORDER_LINES_WITH_KEY: &str = "CREATE TABLE `{db}`.order_lines (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL, CONSTRAINT fk_order_lines_order FOREIGN KEY (order_id) REFERENCES `{db}`.orders (id) ON DELETE CASCADE)";
/// What OMS's schema migration makes of it on B: the table without its foreign key.
const ORDER_LINES: &str =
    "CREATE TABLE `{db}`.order_lines (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL)";
/// No primary key: OMS identifies rows by the unique key on the VIRTUAL column.
const SKUS: &str = "CREATE TABLE `{db}`.skus (sku VARCHAR(20) NOT NULL, sku_upper VARCHAR(20) AS (UPPER(sku)) VIRTUAL NOT NULL, UNIQUE KEY uk_sku_upper (sku_upper))";

const SCHEMA_HAZARDS: &[&str] = &[
    "CREATE TABLE `{db}`.`order items` (id BIGINT PRIMARY KEY, qty INT)",
    "CREATE TABLE `{db}`.legacy (id BIGINT PRIMARY KEY, OMS_PK_INCRMT BIGINT)",
    "CREATE TABLE `{db}`.priced (id BIGINT PRIMARY KEY, net DECIMAL(10,2), gross DECIMAL(10,2) AS (net * 1.2) VIRTUAL)",
    "CREATE VIEW `{db}`.big_orders AS SELECT id, amount FROM `{db}`.orders WHERE amount > 100",
    // OceanBase wants the trigger's database selected (ERROR 1046 otherwise).
    "USE `{db}`",
    "CREATE TRIGGER orders_note BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = UPPER(NEW.note)",
];

fn ddl_on_both_links(plan: String) -> String {
    plan.replace(
        "migration = [\"incremental\"]",
        "migration = [\"full\", \"incremental\"]",
    )
    .replace(
        "ddl_sync = false",
        "ddl_sync = [\"CREATE_TABLE\", \"ADD_COLUMN\"]",
    )
}

/// A forward link without full migration, syncing an unsupported DDL type, an inline password
/// for tenant A, and a DRC user that does not exist.
fn plan_hazards(plan: String) -> String {
    // The recording's password (Scenario::named("app", ..)); bundles blank it out.
    plan.replacen(
        "password_env = \"OB_A_PASSWORD\"",
        "password = \"Pw-app-9qZ!marker\"",
        1,
    )
    .replace(
        "migration = [\"schema\", \"full\", \"incremental\"]",
        "migration = [\"schema\", \"incremental\"]",
    )
    .replace(
        "ddl_sync = true",
        "ddl_sync = [\"CREATE_TABLE\", \"CREATE_VIEW\"]",
    )
    .replacen("drc_user = \"oms\"", "drc_user = \"no_such_drc_user\"", 1)
}

/// One recorded scenario: what each tenant is set up with (`None`: B unreachable).
struct Recording {
    name: &'static str,
    description: &'static str,
    setup_a: Vec<String>,
    setup_b: Option<Vec<String>>,
    /// Changes the scenario's plan text (by default, nothing).
    edit_plan: fn(String) -> String,
    /// The test OMS server's fixture scenario, when the plan has `[oms]`.
    oms: Option<&'static str>,
    /// Run as root on B after collecting: puts back global variables the setup changed.
    restore_b: Vec<String>,
}

/// A recording with the scenario's own plan, no OMS and nothing to restore; the few that differ
/// say so with the methods below.
fn recording(
    name: &'static str,
    description: &'static str,
    setup_a: Vec<String>,
    setup_b: Option<Vec<String>>,
) -> Recording {
    Recording {
        name,
        description,
        setup_a,
        setup_b,
        edit_plan: |plan| plan,
        oms: None,
        restore_b: vec![],
    }
}

impl Recording {
    fn edit_plan(self, edit_plan: fn(String) -> String) -> Self {
        Recording { edit_plan, ..self }
    }

    fn oms(self, fixtures: &'static str) -> Self {
        Recording {
            oms: Some(fixtures),
            ..self
        }
    }

    fn restore_b(self, restore_b: Vec<String>) -> Self {
        Recording { restore_b, ..self }
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn tenant_charset_fires_on_a_database_collation_that_differs() {
    expect_findings(
        "charset",
        &[],
        &["ALTER DATABASE `{db}` DEFAULT COLLATE utf8mb4_bin"],
        &["--stage", "forward"],
        &[("tenant.charset", "pair", "{db}")],
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn tenant_auto_increment_fires_on_colliding_keys() {
    let table = "CREATE TABLE `{db}`.tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY)";
    expect_findings(
        "autoinc",
        &[table],
        &[table],
        &["--stage", "forward"],
        &[("tenant.auto-increment", "pair", "{db}.tickets")],
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn schema_target_databases_fires_when_b_lacks_the_database() {
    expect_findings(
        "target_db",
        &[],
        &["DROP DATABASE `{db}`"],
        &["--stage", "forward"],
        &[("schema.target-databases", "b", "{db}")],
    );
}

/// A table the plan names but the source lacks (here a misspelling) exists on neither tenant, so
/// no comparison can see it; OMS's precheck would refuse the project (RDB_TABLE_EXIST).
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn schema_scope_exists_fires_on_a_plan_table_the_source_lacks() {
    let Some(checked) = expect_findings("scope_names", &[], &[], &["--stage", "forward"], &[])
    else {
        return;
    };
    let db = &checked.scenario.database;
    let text = std::fs::read_to_string(&checked.plan).unwrap();
    let whole_database = format!("databases = [\"{db}\"]");
    assert!(text.contains(&whole_database), "{text}");
    let named = text.replace(
        &whole_database,
        &format!("tables = [\"{db}.orders\", \"{db}.ordres\"]"),
    );
    std::fs::write(&checked.plan, named).unwrap();
    let (report, code) = checked
        .scenario
        .check(&checked.plan, &["--stage", "forward"]);
    assert_eq!(
        findings(&report),
        vec![finding("schema.scope-exists", "a", &format!("{db}.ordres"))]
    );
    assert_eq!(code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn schema_target_empty_fires_on_rows_already_in_b() {
    expect_findings(
        "target_rows",
        &["INSERT INTO `{db}`.orders VALUES (7, 'on a', 1.00)"],
        &["INSERT INTO `{db}`.orders VALUES (1, 'left over', 9.90)"],
        &["--stage", "forward"],
        &[("schema.target-empty", "b", "{db}.orders")],
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn schema_names_hidden_columns_triggers_and_unsupported_objects_fire() {
    let hazards = [
        "CREATE TABLE `{db}`.`order items` (id BIGINT PRIMARY KEY)",
        "CREATE TABLE `{db}`.legacy (id BIGINT PRIMARY KEY, OMS_PK_INCRMT BIGINT)",
        "CREATE TABLE `{db}`.priced (id BIGINT PRIMARY KEY, net INT, gross INT AS (net * 2) VIRTUAL)",
        "CREATE VIEW `{db}`.v_orders AS SELECT id FROM `{db}`.orders",
        "USE `{db}`",
        "CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = UPPER(NEW.note)",
    ];
    expect_findings(
        "hazards",
        &hazards,
        &[],
        &["--stage", "forward"],
        &[
            // Errors first, then warnings; catalog order within each.
            ("schema.names", "a", "{db}.order items"),
            ("schema.hidden-column", "a", "{db}.legacy.OMS_PK_INCRMT"),
            ("schema.triggers", "a", "{db}.orders"),
            ("schema.unsupported", "a", "{db}.priced.gross"),
            ("schema.unsupported", "a", "{db}.v_orders"),
        ],
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn partitions_and_foreign_keys_fire_once_b_has_the_tables() {
    let on_a = [EVENTS_A, ORDER_LINES_WITH_KEY];
    let on_b = [EVENTS_B, ORDER_LINES];
    let cascading = (
        "schema.foreign-keys",
        "a",
        "{db}.order_lines.fk_order_lines_order",
    );
    let Some(checked) = expect_findings(
        "partitions",
        &on_a,
        &on_b,
        &["--stage", "reverse"],
        &[
            ("schema.partitions", "b", "{db}.events"),
            ("schema.partitions", "pair", "{db}.events"),
            cascading,
            (
                "schema.foreign-keys",
                "b",
                "{db}.order_lines.fk_order_lines_order",
            ),
        ],
    ) else {
        return;
    };
    let message = |rule: &str, side: &str| {
        checked.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["side"] == side)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(
        message("schema.partitions", "b")
            .contains("lacks partition p2026 ('2027-01-01') that tenant a has"),
        "{}",
        message("schema.partitions", "b")
    );
    assert!(message("schema.foreign-keys", "a").contains("ON DELETE CASCADE"));
    // Before the forward project, only the cascade is said: B's tables are not made yet.
    let (report, _) = checked
        .scenario
        .check(&checked.plan, &["--stage", "forward"]);
    let db = &checked.scenario.database;
    let said: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("schema."))
        .collect();
    assert_eq!(
        said,
        vec![finding(
            cascading.0,
            cascading.1,
            &cascading.2.replace("{db}", db)
        )]
    );
    assert_eq!(status(&report, "schema.partitions"), "skipped");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_virtual_generated_column_in_the_row_key_is_an_error() {
    let Some(checked) = expect_findings(
        "virtual_key",
        &[SKUS],
        &[SKUS],
        &["--stage", "forward"],
        &[
            ("schema.unsupported", "a", "{db}.skus.sku_upper"),
            ("schema.unsupported", "b", "{db}.skus.sku_upper"),
        ],
    ) else {
        return;
    };
    assert_eq!(checked.code, 1);
    let severities: Vec<&str> = checked.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "error"]);
}

/// seekdb has no tenants and no log archive: the two rules say so and skip, never pass or
/// stay inconclusive; a system database in the scope is refused from the plan alone.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn seekdb_skips_role_and_log_window_and_system_databases_are_refused() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("sysdb");
    pair.set_up_tenants(&scenario.healthy(), &scenario.healthy());
    let (_dir, plan) = pair.plan(&scenario).write();
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!((findings(&report), code), (vec![], 0));
    for rule in ["tenant.role", "tenant.log-window"] {
        assert_eq!(status(&report, rule), "skipped", "{rule}");
        assert!(common::reason(&report, rule).contains("seekdb"), "{rule}");
    }
    let (_dir, plan) = pair
        .plan(&scenario)
        .edit(|plan| {
            plan.replace(
                "databases = [\"lt_sysdb\"]",
                "databases = [\"lt_sysdb\", \"mysql\", \"test\"]",
            )
        })
        .write();
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    let said: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "link.system-databases")
        .collect();
    assert_eq!(
        said,
        vec![
            finding("link.system-databases", "plan", "mysql"),
            finding("link.system-databases", "plan", "test"),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn grants_drc_user_fires_when_the_declared_user_cannot_log_in() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("drc");
    pair.set_up_tenants(&scenario.healthy(), &scenario.healthy());
    let (_dir, plan) = pair
        .plan(&scenario)
        .edit(|plan| plan.replacen("drc_user = \"oms_drc\"", "drc_user = \"drc_nobody\"", 1))
        .write();
    let (report, _) = scenario.check(&plan, &[]);
    assert_eq!(
        findings(&report),
        vec![finding("grants.drc-user", "a", "drc_nobody")]
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn the_generated_fix_makes_the_grant_rules_pass() {
    let Some(Checked {
        pair,
        scenario,
        dir,
        plan,
        code,
        ..
    }) = expect_findings(
        "fixme",
        &[
            "REVOKE SELECT ON *.* FROM '{user}'",
            "REVOKE SELECT ON `{db}`.* FROM '{user}'",
        ],
        &[
            "REVOKE INSERT, DROP ON `{db}`.* FROM '{user}'",
            "REVOKE CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* FROM '{user}'",
        ],
        &[],
        &[
            ("grants.source-read", "a", "lt_fixme"),
            ("grants.oceanbase-read", "a", "oceanbase"),
            // A is the reverse link's target: writing needs SELECT too.
            ("grants.target-write", "a", "lt_fixme"),
            ("grants.target-write", "b", "lt_fixme"),
            ("grants.antiloop", "b", "test"),
            // The only warning comes after the errors.
            ("grants.global-select", "a", "oms_fixme"),
        ],
    )
    else {
        return;
    };
    assert_eq!(code, 1);

    let out = dir.path().join("fix");
    let written = scenario.fix(&plan, &out);
    assert_eq!(
        written.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    for (endpoint, file) in [(&pair.a, "tenant-a.sql"), (&pair.b, "tenant-b.sql")] {
        let statements = fix_statements(&std::fs::read_to_string(out.join(file)).unwrap());
        assert!(!statements.is_empty(), "{file} has statements");
        endpoint.root(&statements);
    }
    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!(
        (findings(&report), code),
        (vec![], 0),
        "after applying the fix scripts"
    );
}

/// `name` as a MySQL identifier.
fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Names with quotes, a backtick, spaces, CJK characters, the maximum length and a reserved
/// word: collected and reported under their exact names, and the generated GRANTs, executed as
/// root, quote them correctly.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn hostile_identifiers_are_reported_exactly_and_quoted_correctly_in_fixes() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("hostile");
    let long = "d".repeat(64);
    let names = ["we`ird 'db\" x", "订单 库", long.as_str(), "select"];
    let mut setup: Vec<String> = Vec::new();
    for name in names {
        // Not DROP DATABASE: OceanBase 4.3.5 answers ERROR 1064 to dropping a database whose
        // name holds a double quote, so a rerun on the same kernel reuses what is there.
        let db = ident(name);
        setup.push(format!("CREATE DATABASE IF NOT EXISTS {db}"));
        setup.push(format!(
            "CREATE TABLE IF NOT EXISTS {db}.`from` (`order` BIGINT PRIMARY KEY, `we``ird col` INT)"
        ));
    }
    let user = &scenario.user;
    let mut on_a = scenario.healthy();
    on_a.extend(setup.iter().cloned());
    on_a.extend(
        names
            .iter()
            .map(|name| format!("GRANT ALL PRIVILEGES ON {}.* TO '{user}'", ident(name))),
    );
    let mut on_b = scenario.healthy();
    on_b.extend(setup.iter().cloned());
    pair.set_up_tenants(&on_a, &on_b);

    let scope = names
        .iter()
        .map(|name| toml_string(name))
        .collect::<Vec<_>>()
        .join(", ");
    let (dir, plan) = pair
        .plan(&scenario)
        .edit(|plan| {
            plan.replace(
                &format!("databases = [\"{}\"]", scenario.database),
                &format!("databases = [{scope}]"),
            )
        })
        .write();
    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!(code, 1);
    let found = findings(&report);
    let objects = |rule: &str, side: &str| -> Vec<String> {
        let mut objects: Vec<String> = found
            .iter()
            .filter(|f| f.0 == rule && f.1 == side)
            .filter_map(|f| f.2.clone())
            .collect();
        objects.sort();
        objects
    };
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(
        objects("grants.target-write", "b"),
        expected,
        "each database, by its exact name"
    );
    // The names OMS cannot migrate are reported as such, on both tenants, by their exact names.
    let weird_db = "we`ird 'db\" x";
    let names_on_a = objects("schema.names", "a");
    for object in [
        weird_db.to_string(),
        "订单 库".to_string(),
        format!("{weird_db}.from.we`ird col"),
        format!("{long}.from.we`ird col"),
    ] {
        assert!(names_on_a.contains(&object), "{object} in {names_on_a:?}");
    }
    assert!(
        !names_on_a.iter().any(|o| o == "select" || o == &long),
        "reserved words and long ASCII names are fine"
    );

    // The generated fix, executed as root, makes the grant rules pass.
    let out = dir.path().join("fix");
    assert_eq!(scenario.fix(&plan, &out).status.code(), Some(0));
    let script = std::fs::read_to_string(out.join("tenant-b.sql")).unwrap();
    let statements = fix_statements(&script);
    assert!(
        statements
            .iter()
            .any(|s| s.contains("ON `we``ird 'db\" x`.* TO")),
        "{script}"
    );
    pair.b.root(&statements);
    let (report, _) = scenario.check(&plan, &[]);
    let grants: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("grants."))
        .collect();
    assert_eq!(grants, vec![], "after applying the fix script");
}

/// Rules that could not decide, with their reasons.
fn inconclusive(report: &Value) -> Vec<(String, String)> {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "inconclusive")
        .map(|o| {
            (
                o["rule"].as_str().unwrap().to_string(),
                o["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Users granted exactly what OMS documents (never root, never ALL) make a clean pair at the
/// forward stage, at the reverse stage against an OMS whose forward project is ready, and with
/// `--stage auto` and no OMS; the triggers are read from the dictionary all the same, and a
/// documented grant taken away still fails.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_pair_prepared_exactly_as_oms_documents_passes_at_every_stage() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("documented");
    let setup = scenario.documented();
    pair.set_up_tenants(&setup, &setup);
    let (dir, plan) = pair.plan(&scenario).write();

    for args in [&["--stage", "forward"][..], &["--stage", "auto"][..]] {
        let (report, code) = scenario.check(&plan, args);
        assert_eq!(
            (findings(&report), inconclusive(&report), code),
            (vec![], vec![], 0),
            "{args:?}"
        );
        assert_eq!(status(&report, "schema.triggers"), "pass");
        assert_eq!(status(&report, "schema.target-empty"), "pass");
    }

    let server = scenario.serve_oms(
        common::oms_server::Behaviour::Fixtures("base"),
        &pair.a,
        &pair.b,
    );
    let (_oms_dir, with_oms) = pair.plan(&scenario).oms(&server.url).write();
    let (report, code) = scenario.check(&with_oms, &["--stage", "reverse"]);
    assert_eq!(
        (findings(&report), inconclusive(&report), code),
        (vec![], vec![], 0),
        "reverse"
    );
    assert_eq!(status(&report, "schema.forward-complete"), "pass");

    // The users hold what the plan says and no ALL, and the triggers came from the dictionary.
    let bundle = dir.path().join("bundle.json");
    scenario.collect_bundle(&plan, &bundle);
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    for side in ["a", "b"] {
        let tenant = &bundle["facts"][side];
        let grants = tenant["grants"]["observed"]["grants"].as_array().unwrap();
        assert_eq!(grants.len(), 4, "{side}: {grants:?}");
        assert!(grants.iter().all(|grant| grant["all"] == false), "{side}");
        assert_eq!(
            tenant["trigger_catalog"]["source"], "inner_tables",
            "{side}"
        );
    }

    // A trigger the migration user has no TRIGGER privilege on is still seen.
    pair.b.root(&[
        format!("USE `{}`", scenario.database),
        "CREATE TRIGGER documented_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = UPPER(NEW.note)".into(),
    ]);
    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(
        findings(&report),
        vec![finding("schema.triggers", "b", "lt_documented.orders")]
    );

    // One documented grant less is a failure, not a pass.
    pair.b
        .root(&["REVOKE INDEX ON `lt_documented`.* FROM 'oms_documented'".to_string()]);
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert!(
        findings(&report).contains(&finding("grants.target-write", "b", "lt_documented")),
        "{:?}",
        findings(&report)
    );
    assert_eq!(code, 1);
}

/// OceanBase 4.x MySQL mode (and seekdb): privileges held through a default role are what
/// every OMS session has; a granted role that is not a default one is not active, and the
/// finding says why its privileges were not counted.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn privileges_of_default_roles_count_and_other_roles_are_named_as_not_counted() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("roles");
    let role = "r_roles_write";
    let mut setup: Vec<String> = scenario
        .documented()
        .into_iter()
        .filter(|statement| !statement.starts_with("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE"))
        .collect();
    setup.extend([
        format!("CREATE ROLE IF NOT EXISTS {role}"),
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW ON `{}`.* TO {role}",
            scenario.database
        ),
        format!("GRANT {role} TO '{}'", scenario.user),
        format!("SET DEFAULT ROLE {role} TO '{}'", scenario.user),
    ]);
    pair.set_up_tenants(&setup, &setup);
    let (_dir, plan) = pair.plan(&scenario).write();
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(
        (findings(&report), inconclusive(&report), code),
        (vec![], vec![], 0)
    );

    // Granted, but no longer a default role: OMS's sessions do not have its privileges.
    pair.b
        .root(&[format!("SET DEFAULT ROLE NONE TO '{}'", scenario.user)]);
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(
        findings(&report),
        vec![finding("grants.target-write", "b", "lt_roles")]
    );
    assert_eq!(code, 1);
    assert!(
        first_message(&report).contains(&format!(
            "role {role} is granted but not a default role: OMS's sessions do not activate it"
        )),
        "{}",
        first_message(&report)
    );
}

/// B's migration user holds no privilege on the target database, so information_schema does
/// not list its tables, and one of them holds a row: the probe goes through the tables the
/// inner tables name, and the user cannot read them, so emptiness is unknown, not passed.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn schema_target_empty_is_inconclusive_when_b_cannot_read_the_target_rows() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("unreadable_rows");
    let (_dir, plan) = pair.set_up(
        &scenario,
        &scenario.documented(),
        &scenario.with(&[
            "INSERT INTO `{db}`.orders VALUES (1, 'left over', 9.90)",
            "REVOKE SELECT ON *.* FROM '{user}'",
            "REVOKE ALL PRIVILEGES ON `{db}`.* FROM '{user}'",
            "GRANT SELECT ON `oceanbase`.* TO '{user}'",
        ]),
    );
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(status(&report, "schema.target-empty"), "inconclusive");
    let why = common::reason(&report, "schema.target-empty");
    assert!(
        why.contains("SELECT command denied") && why.contains("orders"),
        "{why}"
    );
    // The grants it lacks fail on their own.
    assert!(
        findings(&report).contains(&finding("grants.target-write", "b", "lt_unreadable_rows")),
        "{:?}",
        findings(&report)
    );
    assert_eq!(code, 1);
}

/// seekdb has no tenants, so a plan that names one cannot be confirmed: said, not passed.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_declared_tenant_name_that_cannot_be_read_is_said() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("named_tenant");
    pair.set_up_tenants(&scenario.documented(), &scenario.documented());
    let user_b = format!(
        "user = \"{}\"\npassword_env = \"OB_B_PASSWORD\"",
        scenario.user
    );
    let (_dir, plan) = pair
        .plan(&scenario)
        .edit(move |plan| plan.replacen(&user_b, &format!("{user_b}\ntenant = \"tenant_b\""), 1))
        .write();
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(
        findings(&report),
        vec![finding("conn.tenant", "b", "tenant_b")]
    );
    assert!(
        first_message(&report).contains("DBA_OB_TENANTS"),
        "{}",
        first_message(&report)
    );
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert_eq!(code, 0);
}
