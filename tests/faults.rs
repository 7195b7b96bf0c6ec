//! The fault matrix on the tenant side: tenant B behind a proxy that is a black hole, slower
//! than --timeout, or cuts a result short. Every run ends within a bound tied to the timeout,
//! the affected rules are inconclusive with a reason naming the endpoint, the exit code is 3 (or
//! 1 when something failed) and never 0, and nothing panics. (OMS faults: tests/oms.rs.)

use oms_preflight_testkit as common;

use std::time::Duration;

use common::proxy::{self, Fault};
use common::{Endpoint, Scenario, finding, findings, first_message, live_pair, reason, status};
use oms_preflight::collect::tenant::{self, dictionary, queries};
use serde_json::Value;

struct Outcome {
    report: Value,
    code: i32,
    elapsed: Duration,
    endpoint: String,
}

/// A scenario with `tables` extra tables on both tenants, B reached through a proxy with `fault`.
fn run(name: &str, tables: usize, fault: Fault, timeout: &str) -> Option<Outcome> {
    let pair = live_pair()?;
    let scenario = Scenario::new(name);
    let wide: Vec<String> = (0..tables)
        .map(|i| format!("CREATE TABLE `{{db}}`.wide_{i:02} (id BIGINT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64), c DECIMAL(12,2), d DATETIME, e TEXT)"))
        .collect();
    let setup = scenario.with(&wide);
    pair.set_up_tenants(&setup, &setup);
    let proxy = proxy::start(pair.b.port, fault);
    let (_dir, plan) = pair
        .plan(&scenario)
        .tenant_b(Endpoint::loopback(proxy.port))
        .write();
    let (report, code, elapsed) = scenario.timed_check(&plan, &["--timeout", timeout]);
    Some(Outcome {
        report,
        code,
        elapsed,
        endpoint: format!("127.0.0.1:{}", proxy.port),
    })
}

/// The run ended within `limit`: a fault must never make a check hang.
fn assert_bounded(outcome: &Outcome, limit: Duration) {
    assert!(
        outcome.elapsed < limit,
        "bounded by {limit:?}: {:?}",
        outcome.elapsed
    );
}

/// B's rules that read its tables are inconclusive, naming B's endpoint; nothing about B passed.
/// B's rules are inconclusive with a reason naming B's endpoint (B answered, some statements
/// did not).
fn assert_b_inconclusive(outcome: &Outcome, rules: &[&str]) {
    for rule in rules {
        assert_eq!(status(&outcome.report, rule), "inconclusive", "{rule}");
        assert!(
            reason(&outcome.report, rule).contains(&outcome.endpoint),
            "{rule}: {}",
            reason(&outcome.report, rule)
        );
    }
    assert_ne!(outcome.code, 0);
}

/// B's rules are inconclusive, blocked by the failed connection, whose cause (naming the
/// endpoint) is said once, in conn.tenant's finding.
fn assert_b_blocked(outcome: &Outcome, rules: &[&str]) {
    assert!(
        first_message(&outcome.report).contains(&outcome.endpoint),
        "{}",
        first_message(&outcome.report)
    );
    for rule in rules {
        assert_eq!(status(&outcome.report, rule), "inconclusive", "{rule}");
        assert!(
            reason(&outcome.report, rule).starts_with("blocked by conn.tenant (tenant b)"),
            "{rule}: {}",
            reason(&outcome.report, rule)
        );
    }
    assert_ne!(outcome.code, 0);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_black_hole_fails_conn_within_the_timeout() {
    let Some(outcome) = run("fault_hole", 0, Fault::BlackHole, "2") else {
        return;
    };
    assert_eq!(findings(&outcome.report)[0].0, "conn.tenant");
    assert!(first_message(&outcome.report).contains("within 2s"));
    assert_b_blocked(
        &outcome,
        &["tenant.mode", "grants.target-write", "schema.primary-key"],
    );
    assert_eq!(outcome.code, 1);
    // 2 s to connect, then the close.
    assert_bounded(&outcome, Duration::from_secs(8));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_server_slower_than_the_timeout_fails_conn_within_the_timeout() {
    let Some(outcome) = run(
        "fault_latency",
        0,
        Fault::Latency(Duration::from_secs(4)),
        "1",
    ) else {
        return;
    };
    assert_eq!(
        findings(&outcome.report)[0],
        finding("conn.tenant", "b", "oms_fault_latency")
    );
    assert_eq!(outcome.code, 1);
    assert_bounded(&outcome, Duration::from_secs(6));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn results_slower_than_the_timeout_leave_the_rules_that_need_them_inconclusive() {
    let Some(outcome) = run(
        "fault_slow_rows",
        30,
        Fault::SlowAfter(6000, Duration::from_secs(5)),
        "1",
    ) else {
        return;
    };
    assert_b_inconclusive(&outcome, &["schema.primary-key", "schema.names"]);
    assert!(
        reason(&outcome.report, "schema.primary-key").contains("within 1s"),
        "{}",
        reason(&outcome.report, "schema.primary-key")
    );
    assert!(outcome.code == 3 || outcome.code == 1);
    // The stated worst case of a tenant (README, Reliability), plus the process's own start
    // and the rules. Measured: about 2 × --timeout (the statements, then closing a connection
    // still draining the trickle).
    assert_bounded(&outcome, tenant::bound(Duration::from_secs(1)) + STARTUP);
}

/// Rows that trickle in just under the timeout, chunk after chunk: no single wait times out,
/// so only the statement's own deadline and the tenant's bound end it. The run still ends
/// within the stated worst case, and nothing read from the trickle passes.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_trickle_under_the_timeout_is_cut_at_the_tenant_bound() {
    // Enough tables that the information_schema fallback trickles past the tenant's bound too:
    // with 60, a fallback on a fresh connection could finish in time under load (whole rows,
    // rightly a pass), and the test's claim depended on the machine's load.
    let Some(outcome) = run(
        "fault_trickle",
        160,
        Fault::SlowAfter(4000, Duration::from_millis(300)),
        "1",
    ) else {
        return;
    };
    assert_b_inconclusive(&outcome, &["schema.primary-key", "schema.names"]);
    assert!(outcome.code == 3 || outcome.code == 1);
    assert_bounded(&outcome, tenant::bound(Duration::from_secs(1)) + STARTUP);
    eprintln!(
        "trickle at --timeout 1: {:.2}s",
        outcome.elapsed.as_secs_f64()
    );
}

/// A tenant that lets the user log in and then answers nothing in time: `collect` wrote a
/// bundle without B's version, mode or tables and exited 0. It exits 3, names what it could not
/// read and says the bundle is partial (docs/exit-codes.md); `check --snapshot` on that bundle
/// agrees.
#[test]
fn collect_of_a_tenant_logged_in_but_unread_is_incomplete_and_says_so() {
    let Some(pair) = live_pair() else {
        return;
    };
    let scenario = Scenario::new("fault_unread");
    let setup = scenario.healthy();
    pair.set_up_tenants(&setup, &setup);
    let proxy = proxy::start(pair.b.port, Fault::SlowAfterSetup(Duration::from_secs(5)));
    let (dir, plan) = pair
        .plan(&scenario)
        .tenant_b(Endpoint::loopback(proxy.port))
        .write();
    let bundle = dir.path().join("bundle.json");
    let started = std::time::Instant::now();
    let output = scenario.collect(&plan, &bundle, &["--timeout", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("incomplete: tenant b could not be read: server version, mode"),
        "{stderr}"
    );
    assert!(stderr.contains("tables"), "{stderr}");
    assert!(
        stderr.contains(&format!("{} is partial", bundle.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("tenant a could not be read"), "{stderr}");
    assert_bounded_by(
        started.elapsed(),
        tenant::bound(Duration::from_secs(1)) + STARTUP,
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    assert_eq!(
        written["facts"]["b"]["login"],
        serde_json::json!({"observed": null})
    );
    let (_, code) = scenario.replay(&bundle, &[]);
    assert_eq!(code, Some(3));
}

fn assert_bounded_by(elapsed: Duration, limit: Duration) {
    assert!(elapsed < limit, "bounded by {limit:?}: {elapsed:?}");
}

/// Time a run spends outside collection: starting, parsing the plan, the rules, the report.
const STARTUP: Duration = Duration::from_millis(1500);

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_connection_cut_in_the_middle_of_a_result_leaves_the_rules_inconclusive() {
    let Some(outcome) = run("fault_reset", 30, Fault::ResetAfter(6000), "5") else {
        return;
    };
    assert_b_inconclusive(&outcome, &["schema.primary-key", "schema.names"]);
    // Logged in, so conn.tenant only warns that facts are missing; nothing else failed.
    assert!(
        findings(&outcome.report)
            .iter()
            .all(|f| f.0 == "conn.tenant" && f.1 == "b"),
        "{:?}",
        findings(&outcome.report)
    );
    assert_eq!(outcome.code, 3);
    assert_bounded(&outcome, Duration::from_secs(15));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn through_a_faithful_proxy_everything_passes() {
    let Some(outcome) = run("fault_none", 30, Fault::None, "10") else {
        return;
    };
    assert_eq!((findings(&outcome.report), outcome.code), (vec![], 0));
}

/// Statements `check` sends to both tenants, recorded by proxies in front of them.
fn recorded_statements(name: &str, tables: usize) -> Option<Vec<String>> {
    let pair = live_pair()?;
    let scenario = Scenario::new(name);
    let small: Vec<String> = (0..tables)
        .map(|i| format!("CREATE TABLE `{{db}}`.t_{i:03} (id INT PRIMARY KEY)"))
        .collect();
    let setup = scenario.with(&small);
    let (on_a, on_b, code) = statements_on_each(&pair, &scenario, (&setup, &setup), &[]);
    assert_eq!(code, 0);
    Some(on_a.into_iter().chain(on_b).collect())
}

/// The statements a check with `args` sends to A and to B, through recording proxies, the
/// tenants set up with `setup` (A's, B's), and the check's exit code.
fn statements_on_each(
    pair: &common::Pair,
    scenario: &Scenario,
    setup: (&[String], &[String]),
    args: &[&str],
) -> (Vec<String>, Vec<String>, i32) {
    pair.set_up_tenants(setup.0, setup.1);
    let (pa, pb) = (
        proxy::start(pair.a.port, Fault::None),
        proxy::start(pair.b.port, Fault::None),
    );
    let (_dir, plan) = pair
        .plan(scenario)
        .tenant_a(Endpoint::loopback(pa.port))
        .tenant_b(Endpoint::loopback(pb.port))
        .write();
    let (_, code) = scenario.check(&plan, args);
    let on_a = pa.statements.lock().unwrap().clone();
    let on_b = pb.statements.lock().unwrap().clone();
    (on_a, on_b, code)
}

/// The tablet manager walks every tablet of the tenant, so it is asked only when the forward
/// target holds a table the link covers: before a forward project that creates the schema, the
/// tables' tablets (one cheap statement) say there is nothing to decide.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn the_tablet_manager_is_not_asked_when_the_target_holds_none_of_the_tables() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("no_target_tables");
    let on_a = scenario.healthy();
    let mut on_b = scenario.healthy();
    on_b.push(format!("DROP TABLE `{}`.orders", scenario.database));
    let (on_a, on_b, _) =
        statements_on_each(&pair, &scenario, (&on_a, &on_b), &["--stage", "forward"]);
    let sent = |statements: &[String], statement: &str| {
        statements
            .iter()
            .filter(|s| s.starts_with(statement))
            .count()
    };
    let tablets = &tenant::tablets::TABLETS[..tenant::tablets::TABLETS.find("{scope}").unwrap()];
    assert_eq!(sent(&on_b, tablets), 1, "the tables' tablets, on B");
    assert_eq!(sent(&on_b, tenant::tablets::TABLET_MANAGER), 0);
    assert_eq!(
        sent(&on_a, tablets) + sent(&on_a, tenant::tablets::TABLET_MANAGER),
        0
    );
}

/// What reached the servers, checked on the wire: driver reads of session variables, session
/// settings, and the collector's own allowlisted statements; never a write.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn only_read_statements_reach_the_tenants_and_metadata_queries_do_not_grow_with_tables() {
    let Some(few) = recorded_statements("ro_few", 0) else {
        return;
    };
    let Some(many) = recorded_statements("ro_many", 250) else {
        return;
    };
    for statement in few.iter().chain(&many) {
        let driver = statement == "SELECT @@max_allowed_packet,@@wait_timeout";
        let session = statement.starts_with("SET SESSION ");
        assert!(
            driver || session || tenant::ALLOWLIST.allows(statement),
            "a statement outside the allowlist reached a tenant: {statement}"
        );
        // A row probe's branches are parenthesised: `(SELECT 0 FROM ... LIMIT 1) UNION ALL ...`.
        let verb = statement
            .trim_start_matches('(')
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        assert!(
            ["SELECT", "SHOW", "SET"].contains(&verb.as_str()),
            "{statement}"
        );
    }
    let is_probe = |s: &&String| s.starts_with("(SELECT 0 FROM ");
    let metadata = |statements: &[String]| {
        statements
            .iter()
            .filter(|s| tenant::ALLOWLIST.allows(s) && !is_probe(s))
            .count()
    };
    let probes = |statements: &[String]| statements.iter().filter(is_probe).count();
    // Identity, variables, grants, databases, tables, triggers (from the trigger dictionary),
    // the inner tables' tables and columns, partitions, foreign keys, the log streams and the
    // migration user's sessions. The tenant's name (asked only when the plan names one), the
    // roles' privileges (only when SHOW GRANTS names a role), and the archive and tenant role
    // (seekdb has neither) are not sent. On the forward target (B, checked at stage auto) the
    // tables' tablets, the tenant's tablet count and the tablet manager are read too
    // (schema.target-empty).
    assert_eq!(
        metadata(&few),
        27,
        "12 metadata statements per tenant, 3 more on B"
    );
    assert_eq!(metadata(&many), 27, "the same with 250 more tables");
    let sent = |statement: &str| many.iter().filter(|s| s.starts_with(statement)).count();
    assert_eq!(
        sent(tenant::tablets::TABLET_MANAGER),
        1,
        "on the forward target only"
    );
    let head = |statement: &'static str| &statement[..48];
    assert_eq!(sent(head(dictionary::TABLES)), 2, "the fast path on both");
    assert_eq!(sent(head(dictionary::COLUMNS)), 2, "the fast path on both");
    assert_eq!(sent(head(queries::COLUMNS)), 0);
    let before_scope = |template: &'static str| &template[..template.find("{scope}").unwrap()];
    assert_eq!(
        sent(before_scope(tenant::triggers::FROM_TRIGGER)),
        2,
        "triggers from seekdb 1.4's trigger dictionary"
    );
    assert_eq!(sent(head(queries::TRIGGERS)), 0);
    assert_eq!(
        sent(head(tenant::partitions_and_foreign_keys::PARTITIONS)),
        2,
        "partitions from the dictionary"
    );
    assert_eq!(
        sent(head(tenant::partitions_and_foreign_keys::FOREIGN_KEYS)),
        2,
        "foreign keys from the dictionary"
    );
    assert_eq!(sent(tenant::logs::LOG_STAT_SEEKDB), 2);
    assert_eq!(
        sent(tenant::logs::ARCHIVE) + sent(tenant::logs::TENANT_ROLE),
        0
    );
    // Tables never written are proven empty by the tablet manager: none is probed.
    assert_eq!(probes(&few), 0);
    assert_eq!(probes(&many), 0);
}
