//! The binary against two real OceanBase kernels (seekdb), each test in its own scenario set
//! up as root: the exact rule ids, sides, objects and exit codes a DBA would see.

mod common;

use std::net::TcpListener;

use common::{Endpoint, Scenario, finding, findings, live_pair, status, write_plan};

#[test]
fn a_healthy_pair_passes_at_both_stages() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("healthy");
    let (_dir, plan) = pair.set_up(&scenario, &scenario.healthy(), &scenario.healthy());

    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(findings(&report), vec![]);
    assert_eq!(code, 0);
    assert_eq!(report["endpoints"]["a"]["ob_version"], "4.3.5.3");
    assert_eq!(report["endpoints"]["b"]["mode"], "MYSQL");
    assert_eq!(status(&report, "schema.forward-complete"), "skipped");

    // Without [oms] the reverse stage cannot confirm the forward project: incomplete, not pass.
    let (report, code) = scenario.check(&plan, &["--stage", "reverse"]);
    assert_eq!((findings(&report), code), (vec![], 3));
    assert_eq!(status(&report, "schema.forward-complete"), "pass");
    assert_eq!(status(&report, "oms.forward-schema-done"), "inconclusive");
}

#[test]
fn a_target_missing_insert_fails_grants_target_write_until_the_fix_is_applied() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("no_insert");
    let (_dir, plan) = pair.set_up(
        &scenario,
        &scenario.healthy(),
        &scenario.with(&["REVOKE INSERT ON `{db}`.* FROM '{user}'"]),
    );

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
    let (_dir, plan) = pair.set_up(
        &scenario,
        &scenario.healthy(),
        &scenario.with(&["ALTER TABLE `{db}`.orders MODIFY note VARCHAR(32)"]),
    );

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
    let (_dir, plan) = pair.set_up(
        &scenario,
        &scenario.with(&keyless),
        &scenario.with(&keyless),
    );

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
    let reason = common::reason(&report, "grants.target-write");
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
    let (_dir, plan) = pair.set_up(
        &scenario,
        &scenario.healthy(),
        &scenario.with(&["ALTER USER '{user}' IDENTIFIED BY 'Another-pw-42'"]),
    );

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
    let (dir, plan) = pair.set_up(
        &scenario,
        &scenario.with(&["CREATE TABLE `{db}`.audit_log (at DATETIME)"]),
        &scenario.with(&["REVOKE INSERT, UPDATE ON `{db}`.* FROM '{user}'"]),
    );
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

/// Re-records `fixtures/scenarios/*/bundle.json` from the live pair, with loopback endpoints
/// rewritten to 10.0.0.1/10.0.0.2:2881 and the time of collection zeroed. Run on purpose:
/// `scripts/test --test live -- --ignored record_fixture_bundles`.
#[test]
#[ignore = "writes fixtures; run explicitly to re-record them"]
fn record_fixture_bundles() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::named("app", "oms");
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = Endpoint {
        host: "127.0.0.1".into(),
        port: closed,
    };
    let keyless = "CREATE TABLE `{db}`.audit_log (at DATETIME, event VARCHAR(32))";
    let refunds = "CREATE TABLE `{db}`.refunds (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL)";
    let recordings = [
        Recording {
            name: "healthy",
            description: "a healthy pair: nothing fires",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.healthy()),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "missing-target-insert",
            description: "the migration user on B lacks INSERT on the target database: grants.target-write on b",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.with(&["REVOKE INSERT ON `{db}`.* FROM '{user}'"])),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "table-missing-on-b",
            description: "A has app.refunds, B does not: schema.forward-complete on b at the reverse stage",
            setup_a: scenario.with(&[refunds]),
            setup_b: Some(scenario.healthy()),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "table-without-key",
            description: "app.audit_log has no key on either tenant: schema.primary-key on a and b",
            setup_a: scenario.with(&[keyless]),
            setup_b: Some(scenario.with(&[keyless])),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "missing-source-select",
            description: "the migration user on A has no SELECT (only write privileges): grants.source-read on a",
            setup_a: scenario.with(&[
                "REVOKE SELECT ON *.* FROM '{user}'",
                "REVOKE SELECT ON `{db}`.* FROM '{user}'",
            ]),
            setup_b: Some(scenario.healthy()),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "scope-invisible-on-b",
            description: "the migration user on B holds no privilege on app: B's tables cannot be listed, the schema rules are inconclusive, grants rules fail on b",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.with(&[
                "REVOKE SELECT ON *.* FROM '{user}'",
                "REVOKE ALL PRIVILEGES ON `{db}`.* FROM '{user}'",
            ])),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "tenant-b-unreachable",
            description: "nothing listens at tenant B's port: conn.tenant on b, B's rules inconclusive",
            setup_a: scenario.healthy(),
            setup_b: None,
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "ddl-on-both-links",
            description: "the plan syncs DDL on both links and migrates the reverse link fully: link.ddl-single, link.reverse-incremental-only",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.healthy()),
            edit_plan: Some(ddl_on_both_links),
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "oms-ready",
            description: "OMS has the forward project RUNNING with its schema FINISHED and incremental sync MONITORING: everything passes at the (auto-detected) reverse stage",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.healthy()),
            edit_plan: None,
            oms: Some("base"),
            restore_b: vec![],
        },
        Recording {
            name: "oms-schema-running",
            description: "the forward project's schema step is still RUNNING: oms.forward-schema-done and oms.forward-healthy fail at the reverse stage",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.healthy()),
            edit_plan: None,
            oms: Some("schema-running"),
            restore_b: vec![],
        },
        Recording {
            name: "oms-third-project",
            description: "another live OMS project writes app on tenant B: oms.conflicts",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.healthy()),
            edit_plan: None,
            oms: Some("third-project"),
            restore_b: vec![],
        },
        Recording {
            name: "tenant-settings-differ",
            description: "B's app database collates utf8mb4_bin, B runs time_zone +00:00 and a laxer sql_mode, and app.tickets uses AUTO_INCREMENT with increment 1 on both: tenant.charset, tenant.time-zone, tenant.sql-mode, tenant.auto-increment",
            setup_a: scenario.with(&["CREATE TABLE `{db}`.tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))"]),
            setup_b: Some(scenario.with(&[
                "ALTER DATABASE `{db}` DEFAULT COLLATE utf8mb4_bin",
                "CREATE TABLE `{db}`.tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))",
                "SET GLOBAL time_zone = '+00:00'",
                "SET GLOBAL sql_mode = 'NO_ZERO_IN_DATE'",
            ])),
            edit_plan: None,
            oms: None,
            restore_b: vec![
                "SET GLOBAL time_zone = '+08:00'".into(),
                "SET GLOBAL sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_AUTO_CREATE_USER'".into(),
            ],
        },
        Recording {
            name: "grants-missing-on-b",
            description: "the migration user on B has only ALL PRIVILEGES on app: grants.oceanbase-read, grants.global-select and grants.antiloop on b",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.with(&[
                "REVOKE SELECT ON *.* FROM '{user}'",
                "REVOKE CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* FROM '{user}'",
            ])),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "target-database-missing",
            description: "database app does not exist on B (the user's grants on it remain): schema.target-databases at the forward stage",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.with(&["DROP DATABASE `{db}`"])),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "target-not-empty",
            description: "app.orders on B already holds a row: schema.target-empty at the forward stage",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.with(&["INSERT INTO `{db}`.orders VALUES (1, 'left over', 9.90)"])),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "schema-hazards",
            description: "on both tenants: a table named `order items`, a leftover OMS_PK_INCRMT column, a trigger, a generated column and a view: schema.names, schema.hidden-column, schema.triggers, schema.unsupported",
            setup_a: scenario.with(SCHEMA_HAZARDS),
            setup_b: Some(scenario.with(SCHEMA_HAZARDS)),
            edit_plan: None,
            oms: None,
            restore_b: vec![],
        },
        Recording {
            name: "plan-hazards",
            description: "the plan leaves full migration out of the forward link, syncs CREATE_VIEW, writes tenant A's password inline and names a DRC user that does not exist: link.forward-migration, link.ddl-types, plan.inline-secret, grants.drc-user",
            setup_a: scenario.healthy(),
            setup_b: Some(scenario.healthy()),
            edit_plan: Some(plan_hazards),
            oms: None,
            restore_b: vec![],
        },
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
        let server = oms.map(|fixtures| {
            common::oms_server::start(
                common::oms_server::Behaviour::Fixtures(fixtures),
                &scenario.password,
                scenario.oms_vars(&pair.a, &b),
            )
        });
        let mut plan_text = match &server {
            Some(server) => scenario.plan_with_oms(&pair.a, &b, &server.url),
            None => scenario.plan(&pair.a, &b),
        };
        if let Some(edit) = edit_plan {
            plan_text = edit(plan_text);
        }
        let dir = tempfile::tempdir().unwrap();
        let plan = write_plan(&dir, &plan_text);
        let bundle = dir.path().join("bundle.json");
        scenario.run(&[
            "collect",
            plan.to_str().unwrap(),
            "--out",
            bundle.to_str().unwrap(),
            "--timeout",
            "5",
        ]);
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
    /// Changes the scenario's plan text, if given.
    edit_plan: Option<fn(String) -> String>,
    /// The test OMS server's fixture scenario, when the plan has `[oms]`.
    oms: Option<&'static str>,
    /// Run as root on B after collecting: puts back global variables the setup changed.
    restore_b: Vec<String>,
}

/// One rule's situation set up as root on the live pair: the findings are exactly `expected`
/// (`{db}` stands for the scenario's database).
fn expect_findings(
    name: &str,
    on_a: &[&str],
    on_b: &[&str],
    stage: &str,
    expected: &[(&str, &str, &str)],
) {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new(name);
    let (_dir, plan) = pair.set_up(&scenario, &scenario.with(on_a), &scenario.with(on_b));
    let (report, _) = scenario.check(&plan, &["--stage", stage]);
    let expected: Vec<_> = expected
        .iter()
        .map(|(rule, side, object)| {
            finding(rule, side, &object.replace("{db}", &scenario.database))
        })
        .collect();
    assert_eq!(findings(&report), expected, "{name}");
}

#[test]
fn tenant_charset_fires_on_a_database_collation_that_differs() {
    expect_findings(
        "charset",
        &[],
        &["ALTER DATABASE `{db}` DEFAULT COLLATE utf8mb4_bin"],
        "forward",
        &[("tenant.charset", "pair", "{db}")],
    );
}

#[test]
fn tenant_auto_increment_fires_on_colliding_keys() {
    let table = "CREATE TABLE `{db}`.tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY)";
    expect_findings(
        "autoinc",
        &[table],
        &[table],
        "forward",
        &[("tenant.auto-increment", "pair", "{db}.tickets")],
    );
}

#[test]
fn schema_target_databases_fires_when_b_lacks_the_database() {
    expect_findings(
        "target_db",
        &[],
        &["DROP DATABASE `{db}`"],
        "forward",
        &[("schema.target-databases", "b", "{db}")],
    );
}

#[test]
fn schema_target_empty_fires_on_rows_already_in_b() {
    expect_findings(
        "target_rows",
        &["INSERT INTO `{db}`.orders VALUES (7, 'on a', 1.00)"],
        &["INSERT INTO `{db}`.orders VALUES (1, 'left over', 9.90)"],
        "forward",
        &[("schema.target-empty", "b", "{db}.orders")],
    );
}

#[test]
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
        "forward",
        &[
            ("schema.names", "a", "{db}.order items"),
            ("schema.triggers", "a", "{db}.orders"),
            ("schema.hidden-column", "a", "{db}.legacy.OMS_PK_INCRMT"),
            ("schema.unsupported", "a", "{db}.priced.gross"),
            ("schema.unsupported", "a", "{db}.v_orders"),
        ],
    );
}

#[test]
fn grants_drc_user_fires_when_the_declared_user_cannot_log_in() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("drc");
    let (dir, plan) = pair.set_up(&scenario, &scenario.healthy(), &scenario.healthy());
    let text = std::fs::read_to_string(&plan).unwrap().replacen(
        "drc_user = \"oms_drc\"",
        "drc_user = \"drc_nobody\"",
        1,
    );
    let plan = write_plan(&dir, &text);
    let (report, _) = scenario.check(&plan, &[]);
    assert_eq!(
        findings(&report),
        vec![finding("grants.drc-user", "a", "drc_nobody")]
    );
}

#[test]
fn the_generated_fix_makes_the_grant_rules_pass() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("fixme");
    let (dir, plan) = pair.set_up(
        &scenario,
        &scenario.with(&[
            "REVOKE SELECT ON *.* FROM '{user}'",
            "REVOKE SELECT ON `{db}`.* FROM '{user}'",
        ]),
        &scenario.with(&[
            "REVOKE INSERT, DROP ON `{db}`.* FROM '{user}'",
            "REVOKE CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* FROM '{user}'",
        ]),
    );
    let (report, code) = scenario.check(&plan, &[]);
    assert_eq!(
        findings(&report),
        vec![
            finding("grants.source-read", "a", "lt_fixme"),
            finding("grants.oceanbase-read", "a", "oceanbase"),
            // A is the reverse link's target: writing needs SELECT too.
            finding("grants.target-write", "a", "lt_fixme"),
            finding("grants.target-write", "b", "lt_fixme"),
            finding("grants.global-select", "a", "oms_fixme"),
            finding("grants.antiloop", "b", "test"),
        ]
    );
    assert_eq!(code, 1);

    let out = dir.path().join("fix");
    let written = scenario.run(&[
        "fix",
        plan.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        written.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    for (endpoint, file) in [(&pair.a, "tenant-a.sql"), (&pair.b, "tenant-b.sql")] {
        let script = std::fs::read_to_string(out.join(file)).unwrap();
        let statements: Vec<String> = script
            .lines()
            .filter(|line| !line.starts_with("--") && !line.trim().is_empty())
            .map(|line| line.trim_end_matches(';').to_string())
            .collect();
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
    pair.a.root(&on_a);
    pair.b.root(&on_b);

    let scope = names
        .iter()
        .map(|name| toml_string(name))
        .collect::<Vec<_>>()
        .join(", ");
    let plan_text = scenario.plan(&pair.a, &pair.b).replace(
        &format!("databases = [\"{}\"]", scenario.database),
        &format!("databases = [{scope}]"),
    );
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(&dir, &plan_text);
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
    assert_eq!(
        scenario
            .run(&[
                "fix",
                plan.to_str().unwrap(),
                "--out-dir",
                out.to_str().unwrap()
            ])
            .status
            .code(),
        Some(0)
    );
    let script = std::fs::read_to_string(out.join("tenant-b.sql")).unwrap();
    let statements: Vec<String> = script
        .lines()
        .filter(|line| !line.starts_with("--") && !line.trim().is_empty())
        .map(|line| line.trim_end_matches(';').to_string())
        .collect();
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
