//! Small facts and plans for rule unit tests: a healthy pair, then one change per test.

use std::collections::{BTreeMap, BTreeSet};

use super::engine::{self, Inputs, Status};
use super::{Finding, Rule, Stage, Text};
use crate::collect::tenant::show_grants::parse_grants;
use crate::facts::oms::*;
use crate::facts::*;
use crate::plan::Plan;

pub const PLAN: &str = r#"
[tenants.a]
host = "10.0.0.1"
user = "oms_a"
password_env = "OB_A_PASSWORD"

[tenants.b]
host = "10.0.0.2"
user = "oms_b"
password_env = "OB_B_PASSWORD"

[forward]
project = "dr_a_to_b"
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]
ddl_sync = true
databases = ["app"]

[reverse]
project = "dr_b_to_a"
source = "b"
target = "a"
migration = ["incremental"]
ddl_sync = false
"#;

pub fn plan() -> Plan {
    plan_from(PLAN)
}

/// The test pair as one 容灾双活 project (OMS CE ≥ 4.2.1): DDL executed on the source.
pub const SINGLE_PROJECT_PLAN: &str = r#"
topology = "single-project"

[tenants.a]
host = "10.0.0.1"
user = "oms_a"
password_env = "OB_A_PASSWORD"

[tenants.b]
host = "10.0.0.2"
user = "oms_b"
password_env = "OB_B_PASSWORD"

[forward]
project = "dr_a_to_b"
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]
ddl_sync = true
ddl_side = "source"
databases = ["app"]
"#;

/// [`SINGLE_PROJECT_PLAN`] with an `[oms]` section.
pub fn single_project_plan() -> Plan {
    single_project_plan_from(SINGLE_PROJECT_PLAN)
}

/// A single-project plan text with an `[oms]` section after it (the top-level `topology`
/// must come before any table).
pub fn single_project_plan_from(text: &str) -> Plan {
    plan_from(&format!("{text}\n{OMS_SECTION}"))
}

/// The one project of a single-project pair, healthy and running both ways: flagged
/// active-active, DDL synced forward only, its reverse step monitoring.
pub fn single_project() -> Project {
    let mut project = forward_project();
    project.migration.reverse_incremental = true;
    if let Fact::Observed(progress) = &mut project.progress {
        progress.reverse_checkpoint = Some(NOW - 3);
    }
    if let Fact::Observed(components) = &mut project.components {
        components.reverse_stores = vec![healthy_store()];
        if let Fact::Observed(workers) = &mut components.workers {
            workers.push(worker(WorkerKind::ReverseStore, Some(1)));
            workers.push(worker(WorkerKind::ReverseIncrSync, Some(3)));
        }
    }
    if let Fact::Observed(steps) = &mut project.steps {
        steps.push(step(6, "REVERSE_INCR_TRANSFER", "MONITORING", None));
    }
    project
}

/// OMS facts of a healthy single-project pair whose reverse step runs.
pub fn with_single_project(edit: impl FnOnce(&mut Project)) -> Facts {
    with_oms(|oms| {
        let mut project = single_project();
        edit(&mut project);
        oms.forward = Fact::Observed(Some(project));
    })
}

pub const OMS_SECTION: &str =
    "[oms]\nurl = \"http://oms.example:8089\"\nuser = \"admin\"\npassword_env = \"OMS_PASSWORD\"\n";

/// The test plan with an `[oms]` section.
pub fn oms_plan() -> Plan {
    oms_plan_from(PLAN)
}

pub fn oms_plan_from(text: &str) -> Plan {
    plan_from(&format!("{OMS_SECTION}{text}"))
}

pub fn plan_from(text: &str) -> Plan {
    Plan::parse("plan.toml", text)
        .unwrap_or_else(|errors| panic!("test plan is invalid: {errors:?}"))
}

/// The plan with `from` replaced by `to` (which must occur).
pub fn plan_edited(from: &str, to: &str) -> Plan {
    assert!(PLAN.contains(from), "the test plan has no `{from}`");
    plan_from(&PLAN.replacen(from, to, 1))
}

pub fn table(columns: &[(&str, &str, bool)], keys: &[(&str, KeyKind, &[&str])]) -> Table {
    Table {
        approximate_rows: Some(0),
        collation: Some("utf8mb4_general_ci".into()),
        columns: columns
            .iter()
            .map(|(name, column_type, nullable)| Column {
                name: name.to_string(),
                column_type: column_type.to_string(),
                nullable: *nullable,
                auto_increment: false,
                generated: None,
                default: ColumnDefault::None,
                on_update_current_timestamp: false,
            })
            .collect(),
        keys: keys
            .iter()
            .map(|(name, kind, columns)| Key {
                name: name.to_string(),
                kind: *kind,
                columns: columns.iter().map(|c| c.to_string()).collect(),
            })
            .collect(),
        indexes: Some(Vec::new()),
    }
}

pub fn orders() -> Table {
    table(
        &[("id", "bigint(20)", false), ("note", "varchar(64)", true)],
        &[("PRIMARY", KeyKind::Primary, &["id"])],
    )
}

pub fn tenant(user: &str) -> TenantFacts {
    TenantFacts {
        endpoint: "10.0.0.1:2881".into(),
        user: user.into(),
        login: Fact::Observed(()),
        server: Fact::Observed(Server {
            ob_version: "4.3.5.3".into(),
            version: "5.7.25-OceanBase-v4.3.5.3".into(),
            version_comment: "OceanBase 4.3.5.3 (r1)".into(),
            edition: Edition::Enterprise,
            current_user: format!("{user}@%"),
        }),
        mode: Fact::Observed(Mode {
            mode: CompatibilityMode::Mysql,
            evidence: crate::i18n::Text::same("ob_compatibility_mode = MYSQL"),
        }),
        variables: Fact::Observed(Variables {
            character_set_server: Some("utf8mb4".into()),
            collation_server: Some("utf8mb4_general_ci".into()),
            lower_case_table_names: Some("1".into()),
            time_zone: Some("+08:00".into()),
            sql_mode: Some("STRICT_ALL_TABLES".into()),
            auto_increment_increment: Some("1".into()),
            auto_increment_offset: Some("1".into()),
            ob_compatibility_mode: Some("MYSQL".into()),
            max_allowed_packet: Some("16777216".into()),
        }),
        grants: Fact::Observed(grants(&[
            "GRANT SELECT ON *.* TO 'u'",
            "GRANT ALL PRIVILEGES ON `app`.* TO 'u'",
            "GRANT CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* TO 'u'",
        ])),
        databases: Fact::Observed(
            ["app", "test"]
                .into_iter()
                .map(|name| {
                    let database = Database {
                        charset: "utf8mb4".into(),
                        collation: "utf8mb4_general_ci".into(),
                    };
                    (name.to_string(), database)
                })
                .collect(),
        ),
        scope: BTreeSet::from(["app".to_string()]),
        tables: Fact::Observed(BTreeMap::from([(
            "app".to_string(),
            BTreeMap::from([("orders".to_string(), orders())]),
        )])),
        views: Fact::Observed(vec![]),
        triggers: Fact::Observed(vec![]),
        // As read from information_schema: the rules that care ask for the privileges it
        // takes to see everything.
        trigger_catalog: None,
        rows: Fact::Observed(Default::default()),
        probed_tables_from: None,
        emptiness: None,
        tenant_name: None,
        drc_login: None,
        catalog: None,
        partitions: Fact::Observed(BTreeMap::new()),
        partition_catalog: None,
        foreign_keys: Fact::Observed(vec![]),
        foreign_key_catalog: None,
        // A primary tenant that archives its logs, whose online logs reach back 8 days.
        log_streams: Fact::Observed(vec![LogStream {
            begin_lsn: 1 << 30,
            begin_scn: 1_780_000_000_000_000_000,
            end_scn: 1_780_000_000_000_000_000 + 8 * 86_400 * 1_000_000_000,
        }]),
        archive: Fact::Observed(Some(vec![ArchiveDest {
            dest_no: 1,
            status: "DOING".into(),
            start_scn: Some(1_779_000_000_000_000_000),
            checkpoint_scn: Some(1_780_000_000_000_000_000 + 8 * 86_400 * 1_000_000_000),
        }])),
        tenant_role: Fact::Observed(Some(TenantRole {
            name: format!("tenant_{}", &user[user.len() - 1..]),
            role: "PRIMARY".into(),
            status: "NORMAL".into(),
            locked: "NO".into(),
        })),
        // Nobody but the check itself and the OMS host of the test projects.
        sessions: Fact::Observed(Sessions {
            from: BTreeMap::from([(OMS_HOST.to_string(), 2)]),
            own_address: Some("10.0.0.100".into()),
            own: 1,
        }),
        // Read in 2 ms, 1 ms ahead of this machine.
        clock: Fact::Observed(clock_reading(1_000, 2_000, 1)),
    }
}

/// A reading of a clock `ahead_us` ahead of this machine's, taken over a round trip of
/// `round_trip_us`, to `resolution_us`, around [`NOW`].
pub fn clock_reading(ahead_us: i64, round_trip_us: i64, resolution_us: i64) -> ClockReading {
    let sent_us = NOW as i64 * 1_000_000;
    let received_us = sent_us + round_trip_us;
    let true_us = sent_us + round_trip_us / 2 + ahead_us;
    ClockReading {
        remote_us: true_us - true_us.rem_euclid(resolution_us),
        sent_us,
        received_us,
        resolution_us,
    }
}

/// The host every component of the test projects runs on.
pub const OMS_HOST: &str = "10.0.0.9";

pub fn grants(lines: &[&str]) -> Grants {
    parse_grants(lines.iter().copied())
}

/// A pair with nothing wrong.
pub fn healthy() -> Facts {
    Facts {
        a: tenant("oms_a"),
        b: tenant("oms_b"),
        oms: None,
    }
}

/// `healthy()` changed by `edit`.
pub fn facts(edit: impl FnOnce(&mut Facts)) -> Facts {
    let mut facts = healthy();
    edit(&mut facts);
    facts
}

pub fn tenant_mut(facts: &mut Facts, tenant: Tenant) -> &mut TenantFacts {
    match tenant {
        Tenant::A => &mut facts.a,
        Tenant::B => &mut facts.b,
    }
}

/// The healthy facts' `app.orders` table on `tenant`, to edit.
pub fn orders_mut(tenant: &mut TenantFacts) -> &mut Table {
    match &mut tenant.tables {
        Fact::Observed(tables) => tables
            .get_mut("app")
            .and_then(|tables| tables.get_mut("orders"))
            .expect("the healthy facts hold app.orders"),
        Fact::Unavailable { .. } => panic!("the healthy facts hold tables"),
    }
}

/// Runs `rule` through the engine and returns its findings; panics unless it failed.
pub fn fire(rule: &'static Rule, plan: &Plan, facts: &Facts, stage: Stage) -> Vec<Finding> {
    let evaluation = run(rule, plan, facts, stage);
    assert_eq!(
        evaluation.status,
        Status::Fail,
        "{} did not fire (status {:?}, reason {:?}); use assert_clean for the quiet case",
        rule.id,
        evaluation.status,
        evaluation.reason
    );
    evaluation
        .findings
        .into_iter()
        .map(|judged| judged.finding)
        .collect()
}

/// Panics unless `rule` passes.
pub fn assert_clean(rule: &'static Rule, plan: &Plan, facts: &Facts, stage: Stage) {
    let evaluation = run(rule, plan, facts, stage);
    assert_eq!(
        evaluation.status,
        Status::Pass,
        "{} did not pass (reason {:?}, findings {:#?}); use fire for the failing case",
        rule.id,
        evaluation.reason,
        evaluation.findings
    );
}

pub fn run(rule: &'static Rule, plan: &Plan, facts: &Facts, stage: Stage) -> engine::Evaluation {
    let inputs = Inputs {
        plan,
        facts: Some(facts),
        stage,
        stage_undecided: None,
        waivers: &[],
        today: crate::plan::date::Date::today(),
    };
    let evaluation = engine::evaluate(&[rule], &inputs)
        .pop()
        .expect("one evaluation");
    assert_said_in_chinese(&evaluation);
    evaluation
}

/// Panics unless everything `evaluation` says — each finding's message and help, the reason
/// it was not evaluated — is said in Chinese too, as the Chinese reports need.
pub fn assert_said_in_chinese(evaluation: &engine::Evaluation) {
    let rule = evaluation.rule;
    let chinese = |text: &Text| text.has_zh() && crate::i18n::has_chinese(text.zh());
    for judged in &evaluation.findings {
        let finding = &judged.finding;
        assert!(
            chinese(&finding.message),
            "{}: message not in Chinese: {}",
            rule.id,
            finding.message
        );
        if let Some(help) = &finding.help {
            assert!(chinese(help), "{}: help not in Chinese: {help}", rule.id);
        }
    }
    if let Some(reason) = &evaluation.reason {
        assert!(
            chinese(reason),
            "{}: reason not in Chinese: {reason}",
            rule.id
        );
    }
}

/// `(side, object)` of each finding, for compact assertions.
pub fn where_(findings: &[Finding]) -> Vec<(&'static str, Option<&str>)> {
    findings
        .iter()
        .map(|finding| (finding.side.as_str(), finding.object.as_deref()))
        .collect()
}

fn step(order: i64, name: &str, status: &str, progress: Option<u8>) -> Step {
    Step {
        order: Some(order),
        name: name.into(),
        kind: StepKind::of(name),
        status: status.into(),
        progress,
        error: None,
        checkpoint: None,
        checkpoint_sampled_at: None,
    }
}

/// An ACTIVE store keeping the last day of logs.
pub fn healthy_store() -> Store {
    Store {
        id: Some("store_1".into()),
        status: "ACTIVE".into(),
        begin: Some(NOW - 86_400),
        end: Some(NOW - 1),
        heartbeat: Some(NOW - 5),
        error: None,
    }
}

/// A finished full-verification step.
pub fn verify_step() -> Step {
    step(7, "FULL_VERIFIER", "FINISHED", Some(100))
}

/// When the test OMS facts were collected (2026-11-19).
pub const NOW: u64 = 1_795_000_000;

/// A live project between the data sources `e_a` (tenant A) and `e_b` (tenant B).
pub fn live_project(id: &str, name: &str, source: &str, sink: &str) -> Project {
    let tenant = |endpoint: &str| match endpoint {
        "e_a" => Some(Tenant::A),
        "e_b" => Some(Tenant::B),
        _ => None,
    };
    Project {
        id: id.into(),
        name: name.into(),
        status: "RUNNING".into(),
        source_endpoint_id: Some(source.into()),
        sink_endpoint_id: Some(sink.into()),
        source: tenant(source),
        sink: tenant(sink),
        source_unresolved: None,
        sink_unresolved: None,
        migration: Migrations {
            incremental: true,
            ..Migrations::default()
        },
        ddl_sync: vec![],
        reverse_ddl_sync: vec![],
        record_types: Some(vec!["INSERT".into(), "UPDATE".into(), "DELETE".into()]),
        reverse_record_types: None,
        active_active: None,
        mapping: vec![MappedDatabase {
            name: "app".into(),
            mapped_name: Some("app".into()),
            tables: vec![],
        }],
        selection: Selection::Listed,
        steps: Fact::Observed(vec![]),
        schema_progress: None,
        progress: Fact::Observed(Progress {
            incremental_checkpoint: Some(NOW - 2),
            reverse_checkpoint: None,
        }),
        components: Fact::Observed(Components {
            stores: vec![healthy_store()],
            reverse_stores: vec![],
            workers: Fact::Observed(vec![
                worker(WorkerKind::Store, Some(1)),
                worker(WorkerKind::IncrSync, Some(2)),
            ]),
        }),
        verification: Fact::Observed(vec![]),
        filters: Fact::Observed(vec![]),
        alarm_level: Fact::Observed("HIGH".into()),
    }
}

/// A component of the test projects on [`OMS_HOST`], `delay` seconds behind.
pub fn worker(kind: WorkerKind, delay: Option<u64>) -> Worker {
    Worker {
        kind,
        name: Some(format!("{}_1", kind.as_str())),
        host: Some(OMS_HOST.into()),
        status: Some("RUNNING".into()),
        delay,
        checkpoint: None,
    }
}

/// The planned forward project, healthy: schema and full done, incremental sync monitoring.
pub fn forward_project() -> Project {
    Project {
        migration: Migrations {
            schema: true,
            full: true,
            incremental: true,
            reverse_incremental: false,
        },
        ddl_sync: vec!["CREATE_TABLE".into(), "ADD_COLUMN".into()],
        active_active: Some(true),
        steps: Fact::Observed(vec![
            step(1, "TRANSFER_PRECHECK", "FINISHED", Some(100)),
            step(2, "STRUCT_TRANSFER", "FINISHED", Some(100)),
            step(3, "TRANSFER_INCR_LOG_PULL", "MONITORING", None),
            step(4, "FULL_TRANSFER", "FINISHED", Some(100)),
            step(5, "INCR_TRANSFER", "MONITORING", None),
        ]),
        schema_progress: Some(100),
        ..live_project("np_1", "dr_a_to_b", "e_a", "e_b")
    }
}

/// A reverse project as the plan wants it.
pub fn reverse_project() -> Project {
    Project {
        active_active: Some(true),
        steps: Fact::Observed(vec![step(1, "INCR_TRANSFER", "MONITORING", None)]),
        ..live_project("np_2", "dr_b_to_a", "e_b", "e_a")
    }
}

/// OMS with both tenants registered, the forward project healthy, no reverse project yet.
pub fn oms_facts() -> OmsFacts {
    let source = |id: &str, host: &str, tenant: Tenant| DataSource {
        id: id.into(),
        name: Some(format!("ob_{tenant}")),
        kind: Some("OB_MYSQL".into()),
        host: Some(host.into()),
        port: Some(2881),
        tenant_name: Some(format!("tenant_{tenant}")),
        cluster: Some("c1".into()),
        user_name: Some(format!("oms_{tenant}")),
        tenant: Some(tenant),
        unresolved: None,
        log_source: Some(LogSource {
            drc_user: Some("drc_user".into()),
            config_url: Some("http://ocp.example:8080/services?Action=ObRootServiceInfo".into()),
        }),
        ocp_name: None,
        schema: None,
        timezone: Some("+08:00".into()),
    };
    OmsFacts {
        url: "http://oms.example:8089".into(),
        access: Access::Granted,
        data_sources: Fact::Observed(vec![
            source("e_a", "10.0.0.1", Tenant::A),
            source("e_b", "10.0.0.2", Tenant::B),
        ]),
        forward: Fact::Observed(Some(forward_project())),
        reverse: Fact::Observed(None),
        others: Fact::Observed(vec![]),
        collected_at: Some(NOW),
        // OMS's Date header: whole seconds, read over 50 ms.
        clock: Fact::Observed(clock_reading(0, 50_000, 1_000_000)),
    }
}

/// The healthy pair with OMS facts changed by `edit`.
pub fn with_oms(edit: impl FnOnce(&mut OmsFacts)) -> Facts {
    let mut oms = oms_facts();
    edit(&mut oms);
    Facts {
        oms: Some(oms),
        ..healthy()
    }
}

fn forward_step<'a>(oms: &'a mut OmsFacts, name: &str) -> &'a mut Step {
    let Fact::Observed(Some(project)) = &mut oms.forward else {
        panic!("no forward project")
    };
    let Fact::Observed(steps) = &mut project.steps else {
        panic!("no steps")
    };
    steps
        .iter_mut()
        .find(|step| step.name == name)
        .expect("the step exists")
}

pub fn set_step(oms: &mut OmsFacts, name: &str, status: &str, progress: Option<u8>) {
    let step = forward_step(oms, name);
    step.status = status.into();
    step.progress = progress;
}

pub fn rename_step(oms: &mut OmsFacts, from: &str, to: &str) {
    let step = forward_step(oms, from);
    step.name = to.into();
    step.kind = StepKind::of(to);
}

pub fn set_error(oms: &mut OmsFacts, name: &str, error: &str) {
    forward_step(oms, name).error = Some(error.into());
}
