//! Emptiness of the forward target (schema.target-empty) on the live pair. The tablet manager
//! proves tables empty without naming them, and the `LIMIT 1` probe judges every other table:
//! each way a table can be empty or hold rows (deleted rows before and after a minor freeze, a
//! rolled-back insert, TRUNCATE; a row in the memtable, in a mini sstable, after a major
//! compaction, in one partition) gets its verdict. Over more tables than one probe statement
//! takes, the probe's batches run side by side on the pool's connections: a table with rows,
//! an empty table and an absent table stay distinct, a table the user cannot read, in a later
//! batch than the first, makes the probe unavailable with the server's error rather than
//! empty, and beyond 100 tables with rows the rest are counted, not named.

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

/// A row written into every table and deleted again: the memtable it leaves keeps the tablet
/// manager from proving the table empty, so every table goes through the probe.
fn written_and_deleted(scenario: &Scenario) -> Vec<String> {
    (0..TABLES)
        .flat_map(|i| {
            let table = format!("`{}`.t_{i:03}", scenario.database);
            [
                format!("INSERT INTO {table} VALUES (1)"),
                format!("DELETE FROM {table}"),
            ]
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
    on_b.extend(written_and_deleted(&scenario));
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
    // Every written table was probed, in more than one statement; `orders`, never written,
    // was proven empty by the tablet manager.
    let emptiness = &facts["b"]["emptiness"];
    assert_eq!(emptiness["tables"], TABLES + 1, "{emptiness}");
    assert_eq!(emptiness["probed"], TABLES, "{emptiness}");
    assert_eq!(emptiness["decided_by_dictionary"], 1, "{emptiness}");
    assert_eq!(emptiness["non_empty"], 2, "{emptiness}");
    assert_eq!(emptiness["not_probed"], 0, "{emptiness}");

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
    on_b.extend(written_and_deleted(&scenario));
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

/// The tablet id of `db.table` on B, as root reads it.
fn tablet(pair: &common::Pair, db: &str, table: &str) -> String {
    let rows = pair.b.root_rows(&format!(
        "SELECT t.tablet_id FROM oceanbase.__all_table t JOIN oceanbase.__all_database d \
         ON t.database_id = d.database_id WHERE d.database_name = '{db}' AND t.table_name = '{table}'"
    ));
    rows[0][0].clone().unwrap()
}

/// The tablet manager's rows (type, data blocks) for `tablet` on B.
fn stored(pair: &common::Pair, tablet: &str) -> Vec<(i64, i64)> {
    pair.b
        .root_rows(&format!(
            "SELECT table_type, data_block_count FROM oceanbase.__all_virtual_table_mgr \
             WHERE tablet_id = {tablet}"
        ))
        .into_iter()
        .map(|row| {
            let number = |i: usize| row[i].as_deref().unwrap().parse::<i64>().unwrap();
            (number(0), number(1))
        })
        .collect()
}

/// Waits (bounded) until `ready` holds of `tablet`'s rows in the tablet manager.
fn wait_for(pair: &common::Pair, tablet: &str, what: &str, ready: impl Fn(&[(i64, i64)]) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    loop {
        let rows = stored(pair, tablet);
        if ready(&rows) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "tablet {tablet}: no {what} within 300s: {rows:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Every way the issue names for a table to be empty, or to hold rows, on seekdb 1.4: the
/// tablet manager proves the never-written tables empty (and the live numbering is the
/// layout's: a type-10 sstable of no block, type-17 metadata sstables), the probe judges the
/// others, and only the tables with rows are named.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn the_tablet_manager_proves_tables_empty_and_the_probe_judges_the_rest() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("emptiness_cases");
    let db = &scenario.database;
    const EMPTY: &[&str] = &[
        "never",
        "deleted",
        "rolled_back",
        "truncated",
        "deleted_after_freeze",
        "partitioned_empty",
    ];
    const WITH_ROWS: &[&str] = &["in_memtable", "in_mini", "after_major", "partitioned"];
    let create = |table: &&str| {
        let partitions = if table.starts_with("partitioned") {
            " PARTITION BY HASH(id) PARTITIONS 4"
        } else {
            ""
        };
        format!("CREATE TABLE `{db}`.{table} (id INT PRIMARY KEY){partitions}")
    };
    let all: Vec<String> = EMPTY.iter().chain(WITH_ROWS).map(create).collect();
    let on_a = scenario.with(&all);
    let mut on_b = scenario.with(&all);
    on_b.extend(
        [
            "INSERT INTO `{db}`.deleted VALUES (1)",
            "DELETE FROM `{db}`.deleted",
            "BEGIN",
            "INSERT INTO `{db}`.rolled_back VALUES (1)",
            "ROLLBACK",
            "INSERT INTO `{db}`.truncated VALUES (1)",
            "TRUNCATE TABLE `{db}`.truncated",
            "INSERT INTO `{db}`.deleted_after_freeze VALUES (1)",
            "INSERT INTO `{db}`.in_memtable VALUES (1)",
            "INSERT INTO `{db}`.in_mini VALUES (1)",
            "INSERT INTO `{db}`.after_major VALUES (1)",
            "INSERT INTO `{db}`.partitioned VALUES (3)",
        ]
        .map(|statement| statement.replace("{db}", db)),
    );
    let (_dir, plan) = pair.set_up(&scenario, &on_a, &on_b);

    // A row only in a mini sstable, another deleted after its minor freeze.
    for table in ["in_mini", "deleted_after_freeze", "after_major"] {
        let id = tablet(&pair, db, table);
        pair.b
            .root(&[format!("ALTER SYSTEM MINOR FREEZE TABLET_ID = {id}")]);
        wait_for(&pair, &id, "mini sstable with a block", |rows| {
            rows.iter().any(|&(kind, blocks)| kind == 12 && blocks > 0)
                && !rows.iter().any(|&(kind, _)| kind == 0)
        });
    }
    // A row after a major compaction: its major sstable has a data block.
    pair.b.root(&["ALTER SYSTEM MAJOR FREEZE".to_string()]);
    let id = tablet(&pair, db, "after_major");
    wait_for(&pair, &id, "major sstable with a block", |rows| {
        rows.iter().any(|&(kind, blocks)| kind == 10 && blocks > 0)
    });
    pair.b
        .root(&[format!("DELETE FROM `{db}`.deleted_after_freeze")]);
    // The live numbering: a table never written has a major of no block and metadata only.
    let never = stored(&pair, &tablet(&pair, db, "never"));
    assert!(
        never
            .iter()
            .all(|&(kind, blocks)| (kind == 10 && blocks == 0) || kind == 17),
        "{never:?}"
    );

    let facts = collect(&scenario, &plan);
    let mut expected: Vec<String> = WITH_ROWS.iter().map(|t| format!("{db}.{t}")).collect();
    expected.sort();
    assert_eq!(
        facts["b"]["rows"]["observed"],
        serde_json::json!(expected),
        "{}",
        facts["b"]["rows"]
    );
    let emptiness = &facts["b"]["emptiness"];
    let count = |key: &str| emptiness[key].as_u64().unwrap() as usize;
    // `orders` too.
    let tables = EMPTY.len() + WITH_ROWS.len() + 1;
    assert_eq!(count("tables"), tables, "{emptiness}");
    assert_eq!(count("non_empty"), WITH_ROWS.len(), "{emptiness}");
    assert_eq!(count("not_probed"), 0, "{emptiness}");
    assert!(emptiness["dictionary_unavailable"].is_null(), "{emptiness}");
    // The never-written tables (`never`, `partitioned_empty`, `orders`) are proven empty, and
    // the new tablet of `truncated`; the tables with rows, `deleted` (its memtable) and
    // `rolled_back` (its memtable or an empty mini sstable at most) cannot be, and are probed.
    assert!(count("decided_by_dictionary") >= 3, "{emptiness}");
    assert!(count("probed") > WITH_ROWS.len(), "{emptiness}");
    assert_eq!(count("decided_by_dictionary") + count("probed"), tables);

    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    let mut flagged: Vec<String> = common::findings(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "schema.target-empty")
        .map(|(_, side, object)| format!("{side} {}", object.unwrap_or_default()))
        .collect();
    flagged.sort();
    let expected: Vec<String> = expected.iter().map(|t| format!("b {t}")).collect();
    assert_eq!(flagged, expected);
    assert_eq!(
        report["endpoints"]["b"]["emptiness"]["non_empty"],
        WITH_ROWS.len()
    );
}

/// Without SELECT on `oceanbase`.* the tablet manager cannot be read: every table is probed,
/// and the facts and the report say why.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn without_the_tablet_manager_every_table_is_probed_and_the_reason_shown() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("emptiness_no_dictionary");
    let db = &scenario.database;
    let on_a = scenario.with(&tables(&scenario));
    let mut on_b = scenario.with(&tables(&scenario));
    on_b.extend([
        format!("REVOKE SELECT ON *.* FROM '{}'", scenario.user),
        format!("INSERT INTO `{db}`.t_003 VALUES (1)"),
    ]);
    let (_dir, plan) = pair.set_up(&scenario, &on_a, &on_b);

    let facts = collect(&scenario, &plan);
    assert_eq!(
        facts["b"]["rows"]["observed"],
        serde_json::json!([format!("{db}.t_003")])
    );
    let emptiness = &facts["b"]["emptiness"];
    assert_eq!(emptiness["decided_by_dictionary"], 0, "{emptiness}");
    assert_eq!(emptiness["probed"], TABLES + 1, "{emptiness}");
    let why = emptiness["dictionary_unavailable"]["en"].as_str().unwrap();
    assert!(why.contains("1142") || why.contains("denied"), "{why}");

    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    let shown = report["endpoints"]["b"]["emptiness"]["dictionary_unavailable"]
        .as_str()
        .unwrap();
    assert!(
        shown.contains("1142") || shown.contains("denied"),
        "{shown}"
    );
}

/// Beyond 100 tables with rows, the first 100 by name are named and one finding counts the
/// rest: the verdict is the same.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn beyond_a_hundred_tables_with_rows_the_rest_are_counted() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("emptiness_many_rows");
    let db = &scenario.database;
    let on_a = scenario.with(&tables(&scenario));
    let mut on_b = scenario.with(&tables(&scenario));
    on_b.extend((0..TABLES).map(|i| format!("INSERT INTO `{db}`.t_{i:03} VALUES (1)")));
    let (_dir, plan) = pair.set_up(&scenario, &on_a, &on_b);

    let (report, _) = scenario.check(&plan, &["--stage", "forward"]);
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema.target-empty")
        .collect();
    let named: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["object"].as_str())
        .collect();
    let expected: Vec<String> = (0..100).map(|i| format!("{db}.t_{i:03}")).collect();
    assert_eq!(named, expected);
    let emptiness = &report["endpoints"]["b"]["emptiness"];
    let (non_empty, not_probed) = (
        emptiness["non_empty"].as_u64().unwrap(),
        emptiness["not_probed"].as_u64().unwrap(),
    );
    // Both batches run at once on the pool's four connections, so all 120 are found.
    assert_eq!(non_empty + not_probed, TABLES as u64, "{emptiness}");
    assert_eq!(emptiness["listed"], 100, "{emptiness}");
    let more: Vec<&str> = findings
        .iter()
        .filter(|f| f["object"].is_null())
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(more.len(), 1, "{findings:?}");
    assert!(
        more[0].contains(&format!(
            "{} more tables on tenant b hold rows",
            non_empty - 100
        )),
        "{}",
        more[0]
    );
}
