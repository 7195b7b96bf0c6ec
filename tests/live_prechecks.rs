//! OMS's precheck items met before a project exists (docs/oms-prechecks.md), against two real
//! kernels: LOB columns and max_allowed_packet, a white list past 64 K, clocks (OMS's skewed by
//! the test server's Date header), and one tenant given twice.

use oms_preflight_testkit as common;

use common::oms_server::Behaviour;
use common::{Scenario, finding, finding_of, findings, live_pair, status};

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_longtext_column_is_named_and_outgrows_the_default_max_allowed_packet() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("lob_packet");
    let table = "CREATE TABLE `{db}`.documents (id BIGINT PRIMARY KEY, body LONGTEXT)";
    let (_dir, plan) = pair.set_up(
        &scenario,
        &scenario.with(&[table]),
        &scenario.with(&[table]),
    );
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    let documents = format!("{}.documents", scenario.database);
    // seekdb's max_allowed_packet (16 MiB unless set) is less than the 48 MiB a LONGTEXT value
    // can carry through OMS: both links write such rows.
    assert_eq!(
        findings(&report),
        vec![
            finding("tenant.max-allowed-packet", "a", "max_allowed_packet"),
            finding("tenant.max-allowed-packet", "b", "max_allowed_packet"),
            finding("schema.lob-size", "pair", &documents),
        ]
    );
    let message = finding_of(&report, "tenant.max-allowed-packet")["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains(&format!("{documents} (48.0 MiB)")),
        "{message}"
    );
    assert_eq!(code, 0, "warnings only");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn thousands_of_tables_one_by_one_outgrow_the_white_list() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("white_list");
    pair.set_up_tenants(&scenario.healthy(), &scenario.healthy());
    let database = scenario.database.clone();
    let (_dir, plan) = pair
        .plan(&scenario)
        .edit(move |text| {
            let tables: Vec<String> = std::iter::once(format!("\"{database}.orders\""))
                .chain((0..3000).map(|n| format!("\"{database}.orders_archive_{n:05}\"")))
                .collect();
            text.replacen(
                &format!("databases = [\"{database}\"]\n"),
                &format!("tables = [{}]\n", tables.join(", ")),
                1,
            )
        })
        .write();
    // lint measures it from the plan alone; check says the same with the tenants read.
    let lint = scenario.run(&["lint", plan.to_str().unwrap(), "--format", "json"]);
    let linted: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    let db = &scenario.database;
    for report in [&linted, &report] {
        let fired: Vec<_> = findings(report)
            .into_iter()
            .filter(|f| f.0 == "plan.white-list-length")
            .collect();
        assert_eq!(
            fired,
            vec![
                finding("plan.white-list-length", "plan", &format!("dr_{db}_a_to_b")),
                finding("plan.white-list-length", "plan", &format!("dr_{db}_b_to_a")),
            ]
        );
    }
    assert_eq!(code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn clocks_are_compared_and_an_oms_minutes_behind_is_an_error() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("clocks");
    pair.set_up_tenants(&scenario.healthy(), &scenario.healthy());
    // Both kernels run on this machine: their clocks agree with it.
    let (_dir, plan) = pair.plan(&scenario).write();
    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(status(&report, "tenant.clock-skew"), "pass");

    let on_time = scenario.serve_oms_skewed(Behaviour::Fixtures("base"), (&pair.a, &pair.b), 0);
    let (_dir, with_oms) = pair.plan(&scenario).oms(&on_time.url).write();
    let (report, _) = scenario.check(&with_oms, &["--stage", "forward"]);
    assert_eq!(status(&report, "tenant.clock-skew"), "pass");

    let behind = scenario.serve_oms_skewed(Behaviour::Fixtures("base"), (&pair.a, &pair.b), -90);
    let (_dir, with_oms) = pair.plan(&scenario).oms(&behind.url).write();
    let (report, code) = scenario.check(&with_oms, &["--stage", "forward"]);
    let skewed: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "tenant.clock-skew")
        .collect();
    assert_eq!(
        skewed,
        vec![
            finding("tenant.clock-skew", "oms", "clock"),
            finding("tenant.clock-skew", "oms", "clock"),
        ]
    );
    let clock = finding_of(&report, "tenant.clock-skew");
    assert_eq!(clock["severity"], "error");
    assert!(
        clock["message"].as_str().unwrap().contains("ahead of OMS"),
        "{clock}"
    );
    assert_eq!(code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn one_tenant_given_as_both_is_refused() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("same_tenant");
    pair.set_up_tenants(&scenario.healthy(), &scenario.healthy());
    let (_dir, plan) = pair.plan(&scenario).tenant_b(pair.a.clone()).write();
    let endpoint = format!("{}:{}", pair.a.host, pair.a.port);
    let lint = scenario.run(&["lint", plan.to_str().unwrap(), "--format", "json"]);
    let linted: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    assert_eq!(
        findings(&linted),
        vec![finding("conn.same-tenant", "plan", &endpoint)]
    );
    assert_eq!(lint.status.code(), Some(1));
    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(status(&report, "conn.same-tenant"), "fail");
    assert_eq!(code, 1);
}
