//! The row probe of the forward target (schema.target-empty) on the live pair, over more tables
//! than one probe statement takes, so that its batches run side by side on the pool's
//! connections: a table with rows, an empty table and an absent table stay distinct, and a
//! table the user cannot read, in a later batch than the first, makes the probe unavailable
//! with the server's error rather than empty.

use oms_preflight_testkit as common;

use common::{Scenario, live_pair};
use oms_preflight::collect::tenant::queries::ROW_PROBE_BATCH;
use serde_json::Value;

/// Tables on both tenants besides `orders`: more than one probe statement takes.
const TABLES: usize = ROW_PROBE_BATCH + 20;

fn tables(scenario: &Scenario) -> Vec<String> {
    (0..TABLES)
        .map(|i| {
            format!(
                "CREATE TABLE `{}`.t_{i:03} (id INT PRIMARY KEY)",
                scenario.database
            )
        })
        .collect()
}

/// The facts `collect` gathers (the row probe always runs there).
fn collect(scenario: &Scenario, plan: &std::path::Path) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.json");
    let output = scenario.collect(plan, &bundle, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bundle: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    bundle["facts"].clone()
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn rows_empty_and_absent_tables_stay_distinct_across_batches() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("probe_batches");
    let db = &scenario.database;
    let mut on_a = scenario.with(&tables(&scenario));
    on_a.push(format!(
        "CREATE TABLE `{db}`.only_on_a (id INT PRIMARY KEY)"
    ));
    let mut on_b = scenario.with(&tables(&scenario));
    // One table with a row in the first batch, one in the last; the rest empty.
    let last = TABLES - 3;
    on_b.push(format!("INSERT INTO `{db}`.t_007 VALUES (1)"));
    on_b.push(format!("INSERT INTO `{db}`.t_{last:03} VALUES (1)"));
    let (_dir, plan) = pair.set_up(&scenario, &on_a, &on_b);

    let facts = collect(&scenario, &plan);
    // Absent: not a table of B, and not probed (a probe of it would fail the statement).
    let b_tables = &facts["b"]["tables"]["observed"][db];
    assert!(b_tables.get("t_000").is_some() && b_tables.get("only_on_a").is_none());
    assert!(
        facts["a"]["tables"]["observed"][db]
            .get("only_on_a")
            .is_some()
    );
    assert_eq!(facts["b"]["probed_tables_from"], "inner_tables");
    assert_eq!(
        facts["b"]["rows"]["observed"],
        serde_json::json!([format!("{db}.t_007"), format!("{db}.t_{last:03}")]),
        "{}",
        facts["b"]["rows"]
    );

    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    let mut flagged: Vec<String> = common::findings(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "schema.target-empty")
        .map(|(_, side, object)| format!("{side} {}", object.unwrap_or_default()))
        .collect();
    flagged.sort();
    assert_eq!(
        flagged,
        [format!("b {db}.t_007"), format!("b {db}.t_{last:03}")]
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn one_unreadable_table_in_a_later_batch_makes_the_probe_unavailable_not_empty() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("probe_unreadable");
    let db = &scenario.database;
    let hidden = TABLES - 2;
    let on_a = scenario.with(&tables(&scenario));
    let mut on_b = scenario.with(&tables(&scenario));
    // Table-level SELECT on every table but one, which holds a row.
    on_b.extend([
        format!("REVOKE SELECT ON *.* FROM '{}'", scenario.user),
        format!("REVOKE ALL PRIVILEGES ON `{db}`.* FROM '{}'", scenario.user),
        format!("GRANT SELECT ON `oceanbase`.* TO '{}'", scenario.user),
        format!("GRANT SELECT ON `{db}`.orders TO '{}'", scenario.user),
        format!("INSERT INTO `{db}`.t_{hidden:03} VALUES (1)"),
    ]);
    on_b.extend(
        (0..TABLES)
            .filter(|i| *i != hidden)
            .map(|i| format!("GRANT SELECT ON `{db}`.t_{i:03} TO '{}'", scenario.user)),
    );
    let (_dir, plan) = pair.set_up(&scenario, &on_a, &on_b);

    let facts = collect(&scenario, &plan);
    // A bundle keeps the reason in both languages.
    let reason = facts["b"]["rows"]["unavailable"]["reason"]["en"]
        .as_str()
        .unwrap_or_else(|| panic!("rows not unavailable: {}", facts["b"]["rows"]));
    assert!(
        reason.contains("1142") && reason.contains(&format!("t_{hidden:03}")),
        "{reason}"
    );

    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(
        common::status(&report, "schema.target-empty"),
        "inconclusive"
    );
    assert!(
        common::reason(&report, "schema.target-empty").contains("1142"),
        "{}",
        common::reason(&report, "schema.target-empty")
    );
}
