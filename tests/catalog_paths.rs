//! The two ways of reading columns and keys — the kernel's inner tables (the fast path) and
//! information_schema — give identical facts on the same live kernel, over every column type
//! and the table shapes that make the inner tables hard to read (columns added FIRST and AFTER,
//! dropped columns, tables rebuilt by an offline DDL, prefix and functional unique keys, tables
//! without a primary key, column defaults, indexes that are not unique), and so do the two ways
//! of reading triggers (the trigger dictionary and information_schema.TRIGGERS, which the
//! scenario's user, holding ALL on its database, may read). And when the fast path is not allowed, `auto` falls back and says why.

use oms_preflight_testkit as common;

use common::{Scenario, live_pair};
use serde_json::Value;

/// Tables whose metadata both paths must agree on, `{db}` the scenario's database.
const SHAPES: &[&str] = &[
    "CREATE TABLE `{db}`.every_type (
        id BIGINT PRIMARY KEY AUTO_INCREMENT,
        c_tiny TINYINT, c_bool BOOL, c_utiny TINYINT UNSIGNED, c_small SMALLINT,
        c_usmall SMALLINT UNSIGNED ZEROFILL, c_med MEDIUMINT, c_umed MEDIUMINT UNSIGNED,
        c_int INT, c_int5 INT(5), c_uint INT UNSIGNED, c_zint INT ZEROFILL, c_big BIGINT,
        c_ubig BIGINT UNSIGNED, c_big7 BIGINT(7), c_zbig BIGINT UNSIGNED ZEROFILL,
        c_float FLOAT, c_float10 FLOAT(10), c_float30 FLOAT(30), c_float72 FLOAT(7,2),
        c_ufloat FLOAT UNSIGNED, c_zfloat FLOAT(7,2) UNSIGNED ZEROFILL, c_double DOUBLE,
        c_double103 DOUBLE(10,3), c_udouble DOUBLE UNSIGNED, c_real REAL,
        c_dec DECIMAL, c_dec184 DECIMAL(18,4), c_dec650 DECIMAL(65,0), c_dec4030 DECIMAL(40,30),
        c_udec DECIMAL(10,2) UNSIGNED, c_zdec DECIMAL(5,2) ZEROFILL, c_num NUMERIC(5,1),
        c_date DATE, c_dt DATETIME, c_dt3 DATETIME(3), c_dt6 DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
        c_ts TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        c_ts6 TIMESTAMP(6) NULL, c_time TIME, c_time2 TIME(2), c_year YEAR,
        c_char CHAR, c_char0 CHAR(0), c_char8 CHAR(8), c_vc VARCHAR(32) NOT NULL DEFAULT '',
        c_vcbin VARCHAR(10) BINARY, c_vc255 VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
        c_bin BINARY(4), c_vbin VARBINARY(16), c_vb VARCHAR(20) CHARACTER SET binary,
        c_nchar NCHAR(3), c_nvc NVARCHAR(4),
        c_ttext TINYTEXT, c_text TEXT, c_text100 TEXT(100), c_mtext MEDIUMTEXT, c_ltext LONGTEXT,
        c_tblob TINYBLOB, c_blob BLOB, c_mblob MEDIUMBLOB, c_lblob LONGBLOB,
        c_bit BIT, c_bit64 BIT(64),
        c_enum ENUM('a','b''q','c,d') NOT NULL, c_set SET('x','y','z'),
        c_enum_long ENUM('a-very-long-value-a-very-long-value-a-very-long-value-a-very-long-value-a-very-long-value-a-very-long-value-a-very-long-value-x', 'é', 'ü''s'),
        c_json JSON, c_geo GEOMETRY, c_point POINT, c_ls LINESTRING, c_poly POLYGON,
        c_mp MULTIPOINT, c_mls MULTILINESTRING, c_mpoly MULTIPOLYGON, c_gc GEOMETRYCOLLECTION,
        c_gen INT AS (c_int + 1) VIRTUAL, c_gens INT AS (c_int * 2) STORED,
        c_invisible INT INVISIBLE, c_default_expr INT DEFAULT (1 + 2), c_comment INT COMMENT 'note',
        UNIQUE KEY uk_vc_int (c_vc, c_int), KEY k_big (c_big)
    )",
    // Defaults the kernel keeps in its own encoding (an enum's position, a set's and a bit's
    // number), and indexes that are not unique: local, on several columns, on a prefix.
    "CREATE TABLE `{db}`.defaults (id INT PRIMARY KEY, e ENUM('p','q','r') DEFAULT 'q',
        s SET('a','b','c') DEFAULT 'a,c', b3 BIT(3) DEFAULT b'101', b8 BIT(8) DEFAULT 0,
        y YEAR DEFAULT 2020, f FLOAT DEFAULT 1.25, d DECIMAL(10,2) DEFAULT 1.5,
        vb VARBINARY(5) DEFAULT 0x4142, ch CHAR(3) DEFAULT 'ab ', dt DATE DEFAULT '2020-01-02',
        t TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        n INT NULL DEFAULT NULL, en ENUM('x','y') NOT NULL, v VARCHAR(20) DEFAULT 'x y',
        KEY k_e (e), KEY k_multi (v, dt), KEY k_prefix (v(4)))",
    // Columns added FIRST and AFTER, one dropped: the column order is no longer the id order.
    "CREATE TABLE `{db}`.reordered (id INT PRIMARY KEY, a INT, b INT)",
    "ALTER TABLE `{db}`.reordered ADD COLUMN z INT FIRST",
    "ALTER TABLE `{db}`.reordered ADD COLUMN y VARCHAR(8) AFTER a",
    "ALTER TABLE `{db}`.reordered ADD COLUMN x INT",
    "ALTER TABLE `{db}`.reordered DROP COLUMN b",
    // A column moved with MODIFY: an offline DDL that rebuilds the table under new ids.
    "CREATE TABLE `{db}`.rebuilt (id INT PRIMARY KEY, a INT, b VARCHAR(10), c INT)",
    "ALTER TABLE `{db}`.rebuilt MODIFY COLUMN c BIGINT AFTER id",
    "ALTER TABLE `{db}`.rebuilt ADD UNIQUE KEY uq_a (a)",
    "ALTER TABLE `{db}`.rebuilt ADD COLUMN w VARCHAR(5) NOT NULL DEFAULT 'x'",
    // No primary key (a hidden row key), a prefix and a functional unique key, a serial column.
    "CREATE TABLE `{db}`.keyless (id INT, a VARCHAR(100), b INT, c INT, s SERIAL,
        UNIQUE KEY up (a(10), b), UNIQUE KEY uf ((b + c)), KEY k (c))",
    "CREATE TABLE `{db}`.composite (a INT, b VARCHAR(20), c DATE, PRIMARY KEY (b, a), UNIQUE KEY u_cb (c, b))",
    "CREATE TABLE `{db}`.partitioned (id INT, region INT, PRIMARY KEY (id, region))
        PARTITION BY HASH(region) PARTITIONS 4",
    // Two levels, bounds printed by the kernel; a two-column foreign key with actions.
    "CREATE TABLE `{db}`.ranged (id INT, d DATE, PRIMARY KEY (id, d))
        PARTITION BY RANGE COLUMNS(d) SUBPARTITION BY HASH(id) SUBPARTITIONS 2
        (PARTITION p2025 VALUES LESS THAN ('2026-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))",
    "CREATE TABLE `{db}`.children (id INT PRIMARY KEY, b VARCHAR(20), a INT,
        CONSTRAINT fk_composite FOREIGN KEY (b, a) REFERENCES `{db}`.composite (b, a)
        ON DELETE SET NULL ON UPDATE CASCADE)",
    // GLOBAL indexes, unique and not, on a table without partitions (the kernel stores them
    // as global with local storage: 7 and 6 on seekdb 1.4, 8 and 7 on OceanBase) and on a
    // partitioned one (4 and 3), beside LOCAL ones; a LIST-partitioned table, whose
    // high_bound_val is unset.
    "CREATE TABLE `{db}`.globals (id INT PRIMARY KEY, a INT, b VARCHAR(10), c INT)",
    "CREATE UNIQUE INDEX ug ON `{db}`.globals (a) GLOBAL",
    "CREATE INDEX ng ON `{db}`.globals (b, c) GLOBAL",
    "CREATE UNIQUE INDEX ul ON `{db}`.globals (c) LOCAL",
    "CREATE UNIQUE INDEX pug ON `{db}`.partitioned (id) GLOBAL",
    "CREATE INDEX png ON `{db}`.partitioned (region) GLOBAL",
    "CREATE TABLE `{db}`.listed (id INT, r INT, PRIMARY KEY (id, r))
        PARTITION BY LIST (r) (PARTITION p12 VALUES IN (1, 2), PARTITION p3 VALUES IN (3),
        PARTITION pd VALUES IN (DEFAULT))",
    "CREATE VIEW `{db}`.a_view AS SELECT id, c_int FROM `{db}`.every_type",
    // OceanBase wants the trigger's database selected (ERROR 1046 otherwise).
    "USE `{db}`",
    "CREATE TRIGGER `{db}`.every_type_bi BEFORE INSERT ON `{db}`.every_type FOR EACH ROW SET NEW.c_int = 1",
    "CREATE TRIGGER `{db}`.every_type_au AFTER UPDATE ON `{db}`.every_type FOR EACH ROW SET @n = 1",
];

/// `collect` with `--catalog CATALOG`: the bundle's facts.
fn collect(scenario: &Scenario, plan: &std::path::Path, catalog: &str) -> Value {
    collect_exiting(scenario, plan, catalog, 0)
}

/// [`collect`], exiting with `code` (3: a tenant could not be read, the bundle is partial).
fn collect_exiting(scenario: &Scenario, plan: &std::path::Path, catalog: &str, code: i32) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.json");
    // information_schema's foreign keys (KEY_COLUMN_USAGE joined with REFERENTIAL_CONSTRAINTS)
    // take about 2 s on a cold, idle seekdb, and past the default 10 s while the other live
    // test binaries share the machine's two cores.
    let output = scenario.collect(plan, &bundle, &["--catalog", catalog, "--timeout", "40"]);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bundle: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    bundle["facts"].clone()
}

/// One tenant's facts without the catalogues they came from (columns and keys; triggers; the
/// list of tables the row probe went through).
fn without_catalog(facts: &Value, tenant: &str) -> (Value, Value) {
    let mut tenant = facts[tenant].clone();
    let catalog = tenant["catalog"].take();
    tenant["trigger_catalog"].take();
    tenant["probed_tables_from"].take();
    tenant["partition_catalog"].take();
    tenant["foreign_key_catalog"].take();
    // The newest log entry and the clock's reading move between two collections.
    tenant["log_streams"].take();
    tenant["clock"].take();
    // How many of the check's own sessions were left out depends on the connections a path
    // opens.
    if let Some(own) = tenant.pointer_mut("/sessions/observed/own") {
        own.take();
    }
    (tenant, catalog)
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn inner_tables_and_information_schema_give_identical_facts() {
    let Some(pair) = live_pair() else {
        return;
    };
    let scenario = Scenario::new("catalog_same");
    let setup = scenario.with(SHAPES);
    let (_dir, plan) = pair.set_up(&scenario, &setup, &setup);

    let inner = collect(&scenario, &plan, "inner-tables");
    let information_schema = collect(&scenario, &plan, "information-schema");
    let auto = collect(&scenario, &plan, "auto");
    for tenant in ["a", "b"] {
        let (fast, fast_catalog) = without_catalog(&inner, tenant);
        let (slow, slow_catalog) = without_catalog(&information_schema, tenant);
        let (chosen, auto_catalog) = without_catalog(&auto, tenant);
        assert_eq!(fast_catalog["source"], "inner_tables");
        assert_eq!(slow_catalog["source"], "information_schema");
        assert_eq!(auto_catalog["source"], "inner_tables", "{auto_catalog}");
        assert_eq!(auto_catalog["fallback_reason"], Value::Null);
        for (facts, source) in [
            (&inner, "inner_tables"),
            (&information_schema, "information_schema"),
            (&auto, "inner_tables"),
        ] {
            assert_eq!(facts[tenant]["trigger_catalog"]["source"], source);
            assert_eq!(facts[tenant]["partition_catalog"]["source"], source);
            assert_eq!(facts[tenant]["foreign_key_catalog"]["source"], source);
            if tenant == "b" {
                // The forward target's rows are probed over the tables the catalogue named.
                assert_eq!(facts[tenant]["probed_tables_from"], source);
            }
        }
        let triggers = |facts: &Value| facts[tenant]["triggers"]["observed"].clone();
        assert_eq!(
            triggers(&inner),
            serde_json::json!([
                {"database": scenario.database, "name": "every_type_au", "table": "every_type", "timing": "AFTER", "event": "UPDATE"},
                {"database": scenario.database, "name": "every_type_bi", "table": "every_type", "timing": "BEFORE", "event": "INSERT"},
            ])
        );

        let tables = &slow["tables"]["observed"][&scenario.database];
        let columns = |table: &str| tables[table]["columns"].as_array().unwrap().len();
        assert_eq!(
            tables.as_object().unwrap().len(),
            12,
            "eleven shapes and orders"
        );
        let globals = &tables["globals"];
        assert_eq!(
            globals["keys"],
            serde_json::json!([{"name": "PRIMARY", "kind": "primary", "columns": ["id"]},
                {"name": "ug", "kind": "unique", "columns": ["a"]},
                {"name": "ul", "kind": "unique", "columns": ["c"]}])
        );
        assert_eq!(
            globals["indexes"],
            serde_json::json!([{"name": "ng", "columns": ["b", "c"]}])
        );
        let listed = &inner[tenant]["partitions"]["observed"][&scenario.database]["listed"];
        assert_eq!(
            listed["partitions"],
            serde_json::json!([{"name": "p12", "bound": "1,2"}, {"name": "p3", "bound": "3"},
                {"name": "pd", "bound": "DEFAULT"}])
        );
        let defaults = &tables["defaults"];
        let column = |name: &str| {
            defaults["columns"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(column("e")["default"], serde_json::json!({"value": "q"}));
        assert_eq!(column("s")["default"], serde_json::json!({"value": "a,c"}));
        assert_eq!(
            column("b3")["default"],
            serde_json::json!({"value": "b'101'"})
        );
        assert_eq!(column("n")["default"], "none");
        assert_eq!(column("t")["on_update_current_timestamp"], true);
        assert_eq!(
            defaults["indexes"],
            serde_json::json!([{"name": "k_e", "columns": ["e"]},
                {"name": "k_multi", "columns": ["v", "dt"]}, {"name": "k_prefix", "columns": ["v"]}])
        );
        let ranged = &inner[tenant]["partitions"]["observed"][&scenario.database]["ranged"];
        assert_eq!(
            ranged,
            &serde_json::json!({"method": "RANGE COLUMNS", "expression": "d",
                "subpartitioning": ["HASH", "id"],
                "partitions": [{"name": "p2025", "bound": "'2026-01-01'"}, {"name": "pmax", "bound": "MAXVALUE"}]})
        );
        assert_eq!(
            inner[tenant]["foreign_keys"]["observed"],
            serde_json::json!([{"database": scenario.database, "table": "children", "name": "fk_composite",
                "columns": ["b", "a"], "referenced_database": scenario.database, "referenced_table": "composite",
                "referenced_columns": ["b", "a"], "on_update": "CASCADE", "on_delete": "SET NULL"}])
        );
        assert_eq!(columns("every_type"), 81);
        let names: Vec<&str> = tables["reordered"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["z", "id", "a", "y", "x"]);
        assert_eq!(tables["keyless"]["keys"].as_array().unwrap().len(), 3);

        // The whole tenant, every table, column, type text, key and key order.
        assert_eq!(fast, slow, "tenant {tenant}: the paths disagree");
        assert_eq!(chosen, slow);
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn without_select_on_oceanbase_auto_falls_back_and_says_why() {
    let Some(pair) = live_pair() else {
        return;
    };
    let scenario = Scenario::new("catalog_fallback");
    let user = &scenario.user;
    let mut setup = scenario.with(&SHAPES[..1]);
    // Database-level privileges only: information_schema still lists the tables; the inner
    // tables are out of reach.
    setup.push(format!("REVOKE SELECT ON *.* FROM '{user}'"));
    let (_dir, plan) = pair.set_up(&scenario, &setup, &scenario.healthy());

    let auto = collect(&scenario, &plan, "auto");
    let (fell_back, catalog) = without_catalog(&auto, "a");
    assert_eq!(catalog["source"], "information_schema");
    // A bundle keeps the reason in both languages, the server's words in each.
    let why = catalog["fallback_reason"]["en"].as_str().unwrap();
    assert!(why.contains("ERROR 1142"), "{why}");
    assert!(why.contains("tenant a"), "{why}");
    let zh = catalog["fallback_reason"]["zh"].as_str().unwrap();
    assert!(zh.contains("ERROR 1142") && zh.contains("租户 a"), "{zh}");
    for kind in ["partition_catalog", "foreign_key_catalog"] {
        let catalog = &auto["a"][kind];
        assert_eq!(catalog["source"], "information_schema", "{kind}");
        assert!(
            catalog["fallback_reason"]["en"]
                .as_str()
                .unwrap()
                .contains("ERROR 1142"),
            "{catalog}"
        );
    }
    let trigger_catalog = &auto["a"]["trigger_catalog"];
    assert_eq!(trigger_catalog["source"], "information_schema");
    assert!(
        trigger_catalog["fallback_reason"]["en"]
            .as_str()
            .unwrap()
            .contains("ERROR 1142"),
        "{trigger_catalog}"
    );
    let (_, b_catalog) = without_catalog(&auto, "b");
    assert_eq!(b_catalog["source"], "inner_tables", "B keeps the fast path");

    let (slow, _) = without_catalog(&collect(&scenario, &plan, "information-schema"), "a");
    assert_eq!(fell_back, slow);

    // Forced onto the inner tables, the tables are unavailable with the reason (so the bundle is
    // partial: collect exits 3), and the rules that read them say so instead of passing.
    let inner = collect_exiting(&scenario, &plan, "inner-tables", 3);
    let reason = inner["a"]["tables"]["unavailable"]["reason"]["en"]
        .as_str()
        .unwrap();
    assert!(reason.contains("ERROR 1142"), "{reason}");
    let (report, code) = scenario.check(&plan, &["--catalog", "inner-tables"]);
    assert_eq!(code, 1, "grants.oceanbase-read fails: {report}");
    assert_eq!(
        common::status(&report, "schema.primary-key"),
        "inconclusive"
    );
    assert!(common::reason(&report, "schema.primary-key").contains("ERROR 1142"));
    assert_eq!(
        report["endpoints"]["a"]["catalog"]["source"],
        "inner_tables"
    );

    let (report, _) = scenario.check(&plan, &[]);
    assert_eq!(common::status(&report, "schema.primary-key"), "pass");
    let endpoint = &report["endpoints"]["a"]["catalog"];
    assert_eq!(endpoint["source"], "information_schema");
    assert!(
        endpoint["fallback_reason"]
            .as_str()
            .unwrap()
            .contains("ERROR 1142")
    );
}

#[test]
fn the_catalog_flag_rejects_unknown_values_with_exit_2() {
    let output = assert_cmd::Command::cargo_bin("oms-preflight")
        .unwrap()
        .args(["check", "plan.toml", "--catalog", "fastest"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("inner-tables"), "{stderr}");
}

/// The data file's layout for the kernel the tests run (seekdb 1.4: pylibseekdb 1.4.0.post1,
/// d0cbdf0e) against that kernel: it is the layout chosen from what the kernel reports, every
/// column it records exists in `oceanbase`, every table it leaves out does not, and the index
/// types of GLOBAL and LOCAL indexes, unique and not, with and without partitions, are the
/// roles it lists.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn the_tested_kernel_has_what_its_layout_records() {
    use oms_preflight::collect::tenant::layout::{IndexRole, Layout};
    use oms_preflight::facts::{Edition, Server};
    let Some(pair) = live_pair() else {
        return;
    };
    let identity = &pair
        .a
        .root_rows("SELECT ob_version(), version(), @@version_comment")[0];
    let text = |index: usize| identity[index].clone().unwrap_or_default();
    let server = Server {
        ob_version: text(0),
        version: text(1),
        version_comment: text(2),
        edition: Edition::from_version_comment(&text(2)),
        current_user: String::new(),
    };
    let layout = Layout::of(&server).unwrap();
    assert_eq!(layout.name, "seekdb-1.4", "{server:?}");

    let mut present: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for row in pair.a.root_rows(
        "SELECT table_name, column_name FROM information_schema.COLUMNS WHERE table_schema = 'oceanbase'",
    ) {
        let (table, column) = (row[0].clone().unwrap(), row[1].clone().unwrap());
        present
            .entry(table)
            .or_default()
            .insert(column.to_ascii_lowercase());
    }
    for (table, columns) in layout.tables() {
        let has = present
            .get(table)
            .unwrap_or_else(|| panic!("oceanbase.{table} is recorded but absent"));
        for column in columns {
            assert!(has.contains(column), "oceanbase.{table}.{column}");
        }
    }
    for absent in [
        "__all_tenant_trigger",
        "__all_tenant_role_grantee_map",
        "GV$OB_LOG_STAT",
        "DBA_OB_ARCHIVELOG",
        "DBA_OB_TENANTS",
    ] {
        assert!(!present.contains_key(absent), "{absent} exists after all");
        assert!(!layout.tables().contains_key(absent));
    }

    let scenario = Scenario::new("layout_index_types");
    pair.a.root(&scenario.with(&[
        "CREATE TABLE `{db}`.t (id INT PRIMARY KEY, a INT, b INT)",
        "CREATE UNIQUE INDEX ug ON `{db}`.t (a) GLOBAL",
        "CREATE INDEX ng ON `{db}`.t (b) GLOBAL",
        "CREATE UNIQUE INDEX ul ON `{db}`.t (b) LOCAL",
        "CREATE INDEX nl ON `{db}`.t (a, b) LOCAL",
        "CREATE TABLE `{db}`.p (id INT PRIMARY KEY, a INT, b INT) PARTITION BY HASH(id) PARTITIONS 2",
        "CREATE UNIQUE INDEX pug ON `{db}`.p (a) GLOBAL",
        "CREATE INDEX png ON `{db}`.p (b) GLOBAL",
        "CREATE TABLE `{db}`.h (id INT PRIMARY KEY, v INT) ORGANIZATION HEAP",
    ]));
    let rows = pair.a.root_rows(&format!(
        "SELECT t.table_name, t.index_type FROM oceanbase.__all_table t          JOIN oceanbase.__all_database d ON t.database_id = d.database_id          WHERE d.database_name = '{}' AND t.table_type = 5",
        scenario.database
    ));
    let role = |suffix: &str| {
        let row = rows
            .iter()
            .find(|row| row[0].as_deref().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no index table {suffix}: {rows:?}"));
        let number: i64 = row[1].as_deref().unwrap().parse().unwrap();
        (number, layout.index_role(number))
    };
    for (suffix, expected) in [
        ("_ug", IndexRole::Unique),
        ("_ng", IndexRole::NotUnique),
        ("_ul", IndexRole::Unique),
        ("_nl", IndexRole::NotUnique),
        ("_pug", IndexRole::Unique),
        ("_png", IndexRole::NotUnique),
        ("_id", IndexRole::HeapPrimary),
    ] {
        let (number, found) = role(suffix);
        assert_eq!(found, Some(expected), "{suffix}: index_type {number}");
    }
}
