//! The binary against the two live kernels and the test OMS server (tests/common/oms_server.rs)
//! for each documented OMS situation and fault: rule ids, statuses, sides and exit codes.

use oms_preflight_testkit as common;

use std::path::PathBuf;
use std::time::Duration;

use common::oms_server::{self, Behaviour, OmsServer};
use common::{
    Endpoint, Scenario, finding, finding_of, findings, first_message, live_pair, reason, status,
};
use oms_preflight::collect::oms::READ_ACTIONS;
use serde_json::Value;

/// One `check` against a healthy pair and the test OMS server. Tests set only what differs:
/// the plan, the password the server accepts (else the scenario's), the arguments.
struct OmsCheck<'t> {
    name: &'t str,
    behaviour: Behaviour,
    edit_plan: fn(String) -> String,
    oms_password: Option<&'t str>,
    args: &'t [&'t str],
    /// Statements run on tenant B after the healthy setup (`{db}`: the scenario's database).
    extra_b: &'t [&'t str],
}

/// A check of scenario `name` with OMS answering as `behaviour`; see [`OmsCheck`].
fn check(name: &str, behaviour: Behaviour) -> OmsCheck<'_> {
    OmsCheck {
        name,
        behaviour,
        edit_plan: |plan| plan,
        oms_password: None,
        args: &[],
        extra_b: &[],
    }
}

/// The pair and the server set up, the plan written, nothing run yet.
struct Served {
    scenario: Scenario,
    server: OmsServer,
    _dir: tempfile::TempDir,
    plan: PathBuf,
}

struct Run {
    report: Value,
    code: i32,
    server: OmsServer,
    scenario: Scenario,
    elapsed: Duration,
}

impl<'t> OmsCheck<'t> {
    fn args(self, args: &'t [&'t str]) -> Self {
        OmsCheck { args, ..self }
    }

    fn extra_b(self, extra_b: &'t [&'t str]) -> Self {
        OmsCheck { extra_b, ..self }
    }

    fn edit_plan(self, edit_plan: fn(String) -> String) -> Self {
        OmsCheck { edit_plan, ..self }
    }

    fn oms_password(self, password: &'t str) -> Self {
        OmsCheck {
            oms_password: Some(password),
            ..self
        }
    }

    fn set_up(&self) -> Option<Served> {
        let pair = live_pair()?;
        let scenario = Scenario::new(self.name);
        pair.set_up_tenants(&scenario.healthy(), &scenario.with(self.extra_b));
        let server = oms_server::start(
            self.behaviour.clone(),
            self.oms_password.unwrap_or(&scenario.password),
            scenario.oms_vars(&pair.a, &pair.b),
        );
        let (dir, plan) = pair
            .plan(&scenario)
            .oms(&server.url)
            .edit(self.edit_plan)
            .write();
        Some(Served {
            scenario,
            server,
            _dir: dir,
            plan,
        })
    }

    /// Sets up, checks, and asserts that only read actions reached OMS.
    fn run(self) -> Option<Run> {
        let Served {
            scenario,
            server,
            _dir,
            plan,
        } = self.set_up()?;
        let (report, code, elapsed) = scenario.timed_check(&plan, self.args);
        let sent = server.actions.lock().unwrap().clone();
        assert!(
            sent.iter()
                .all(|action| READ_ACTIONS.contains(&action.as_str())),
            "only read actions reach OMS: {sent:?}"
        );
        Some(Run {
            report,
            code,
            server,
            scenario,
            elapsed,
        })
    }
}

fn rules_with(report: &Value, wanted: &str) -> Vec<String> {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == wanted)
        .map(|o| o["rule"].as_str().unwrap().to_string())
        .collect()
}

fn oms_finding(rule: &str, object: &str) -> (String, String, Option<String>) {
    finding(rule, "oms", object)
}

/// The forward project's name in the plan of `run`'s scenario.
fn forward_project(run: &Run) -> String {
    format!("dr_{}_a_to_b", run.scenario.database)
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_finished_forward_schema_passes_and_auto_picks_the_reverse_stage() {
    let Some(run) = check("oms_ready", Behaviour::Fixtures("base")).run() else {
        return;
    };
    assert_eq!(run.report["stage"], "reverse");
    assert_eq!(findings(&run.report), vec![]);
    assert_eq!(status(&run.report, "oms.forward-schema-done"), "pass");
    assert_eq!(status(&run.report, "oms.forward-healthy"), "pass");
    assert_eq!(status(&run.report, "oms.active-active"), "pass");
    assert_eq!(status(&run.report, "schema.forward-complete"), "pass");
    assert_eq!(run.report["endpoints"]["oms"]["reachable"], true);
    assert_eq!(run.code, 0);
    let sent = run.server.actions.lock().unwrap().clone();
    for action in READ_ACTIONS {
        assert!(
            sent.iter().any(|a| a == action),
            "{action} was asked: {sent:?}"
        );
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn the_old_step_names_are_understood() {
    let Some(run) = check("oms_old_names", Behaviour::Fixtures("old-step-names")).run() else {
        return;
    };
    assert_eq!((findings(&run.report), run.code), (vec![], 0));
    assert_eq!(status(&run.report, "oms.forward-schema-done"), "pass");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_running_forward_schema_step_fails_the_reverse_stage() {
    let Some(run) = check("oms_schema_running", Behaviour::Fixtures("schema-running")).run() else {
        return;
    };
    let forward = forward_project(&run);
    assert_eq!(run.report["stage"], "reverse");
    assert!(findings(&run.report).contains(&oms_finding("oms.forward-schema-done", &forward)));
    let message = finding_of(&run.report, "oms.forward-schema-done")["message"].clone();
    assert_eq!(
        message,
        format!(
            "schema step STRUCT_TRANSFER of forward project {forward} is RUNNING, progress 40%"
        )
    );
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_failed_forward_project_fails_forward_healthy_with_its_error() {
    let Some(run) = check("oms_failed", Behaviour::Fixtures("forward-failed"))
        .args(&["--stage", "reverse"])
        .run()
    else {
        return;
    };
    let forward = forward_project(&run);
    let healthy: Vec<_> = findings(&run.report)
        .into_iter()
        .filter(|f| f.0 == "oms.forward-healthy")
        .collect();
    assert_eq!(
        healthy.len(),
        3,
        "project status, failed step, incremental step: {healthy:?}"
    );
    assert!(
        healthy
            .iter()
            .all(|f| *f == oms_finding("oms.forward-healthy", &forward))
    );
    let text = serde_json::to_string(&run.report["findings"]).unwrap();
    assert!(
        text.contains("FULL_TRANSFER of forward project") && text.contains("GHANA-OPERAT0001"),
        "{text}"
    );
    assert_eq!(status(&run.report, "oms.forward-schema-done"), "pass");
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn ddl_on_the_live_forward_project_and_on_the_planned_reverse_fails_ddl_single() {
    // The plan claims DDL only on the reverse link; the live forward project already syncs DDL.
    let move_ddl = |plan: String| {
        plan.replace("ddl_sync = false", "ddl_sync = [\"CREATE_TABLE\"]")
            .replace("ddl_sync = true", "ddl_sync = false")
    };
    let Some(run) = check("oms_ddl_both", Behaviour::Fixtures("base"))
        .edit_plan(move_ddl)
        .run()
    else {
        return;
    };
    let reverse = format!("dr_{}_b_to_a", run.scenario.database);
    assert_eq!(
        findings(&run.report),
        vec![finding("link.ddl-single", "plan", &reverse)]
    );
    let message = first_message(&run.report);
    assert!(
        message.contains("forward by live forward project")
            && message.contains("reverse by the plan's [reverse] ddl_sync"),
        "{message}"
    );
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_third_project_writing_the_same_target_fails_conflicts() {
    let Some(run) = check("oms_third", Behaviour::Fixtures("third-project")).run() else {
        return;
    };
    assert_eq!(
        findings(&run.report),
        vec![oms_finding("oms.conflicts", "nightly_copy_to_b")]
    );
    assert!(first_message(&run.report).contains("also writes lt_oms_third on tenant b"));
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn tenant_b_missing_from_the_data_sources_fails_data_sources() {
    let Some(run) = check("oms_b_missing", Behaviour::Fixtures("b-missing")).run() else {
        return;
    };
    let b = std::env::var("OMS_PREFLIGHT_TEST_B").unwrap();
    assert!(
        findings(&run.report).contains(&oms_finding("oms.data-sources", &b)),
        "{:?}",
        findings(&run.report)
    );
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn without_a_forward_project_auto_picks_the_forward_stage() {
    let Some(run) = check("oms_absent", Behaviour::Fixtures("forward-absent")).run() else {
        return;
    };
    assert_eq!(run.report["stage"], "forward");
    assert_eq!((findings(&run.report), run.code), (vec![], 0));
    // At the reverse stage, the missing forward project is itself the finding.
    let Some(run) = check("oms_absent_rev", Behaviour::Fixtures("forward-absent"))
        .args(&["--stage", "reverse"])
        .run()
    else {
        return;
    };
    let forward = forward_project(&run);
    assert!(findings(&run.report).contains(&oms_finding("oms.forward-schema-done", &forward)));
    assert_eq!(run.code, 1);
}

/// A healthy single-project pair (one 容灾双活 project that runs its own reverse step) is clean
/// before the project exists, before its reverse step starts, and while it runs; the
/// two-projects rules that do not apply are skipped with the reason.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_healthy_single_project_pair_is_clean_at_every_stage() {
    for (name, fixtures, stage) in [
        ("oms_sp_absent", "forward-absent", "forward"),
        (
            "oms_sp_pending",
            "single-project-reverse-pending",
            "reverse",
        ),
        ("oms_sp_running", "single-project", "running"),
    ] {
        let Some(run) = check(name, Behaviour::Fixtures(fixtures))
            .edit_plan(common::single_project)
            .run()
        else {
            return;
        };
        assert_eq!(run.report["stage"], stage, "{fixtures}");
        assert_eq!(
            (findings(&run.report), run.code),
            (vec![], 0),
            "{fixtures}: {:#}",
            run.report["outcomes"]
        );
        assert_eq!(
            rules_with(&run.report, "inconclusive"),
            Vec::<String>::new()
        );
        for rule in ["oms.reverse-absent", "link.reverse-incremental-only"] {
            assert_eq!(status(&run.report, rule), "skipped", "{rule}");
            assert!(reason(&run.report, rule).contains("single-project"));
        }
        if stage != "forward" {
            assert_eq!(status(&run.report, "oms.topology"), "pass");
            assert_eq!(status(&run.report, "oms.active-active"), "pass");
        }
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_single_project_without_the_active_active_flag_is_an_error() {
    let Some(run) = check(
        "oms_sp_unflagged",
        Behaviour::Fixtures("single-project-unflagged"),
    )
    .edit_plan(common::single_project)
    .run() else {
        return;
    };
    let forward = forward_project(&run);
    assert_eq!(
        findings(&run.report),
        vec![oms_finding("oms.active-active", &forward)]
    );
    assert_eq!(run.report["findings"][0]["severity"], "error");
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_two_projects_plan_against_one_project_with_its_own_reverse_step_is_a_topology_error() {
    let Some(run) = check("oms_sp_two_plan", Behaviour::Fixtures("single-project")).run() else {
        return;
    };
    let forward = forward_project(&run);
    assert!(findings(&run.report).contains(&oms_finding("oms.topology", &forward)));
    let topology = finding_of(&run.report, "oms.topology");
    assert!(
        topology["message"]
            .as_str()
            .unwrap()
            .contains("runs its own reverse-incremental step"),
        "{topology}"
    );
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn ddl_sync_without_a_ddl_side_is_a_ddl_single_error() {
    let Some(run) = check("oms_sp_no_side", Behaviour::Fixtures("single-project"))
        .edit_plan(|plan| common::single_project(plan).replace("ddl_side = \"source\"\n", ""))
        .run()
    else {
        return;
    };
    let forward = forward_project(&run);
    assert_eq!(
        findings(&run.report),
        vec![(
            "link.ddl-single".to_string(),
            "plan".to_string(),
            Some(forward)
        )]
    );
    assert_eq!(run.code, 1);
}

/// A session of B's migration user held open from 127.0.0.2 while OMS lists every component
/// of the project on 127.0.0.1 (the check's own sessions, from 127.0.0.1, are left out by their
/// ids): oms.zombie-writer is an error on b naming the host. Once the session ends, the same
/// pair is clean again.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_migration_user_session_from_a_host_oms_does_not_list_is_a_zombie_writer() {
    let Some(served) = check("oms_zombie", Behaviour::Fixtures("single-project"))
        .edit_plan(common::single_project)
        .set_up()
    else {
        return;
    };
    let pair = live_pair().expect("kernels");
    let scenario = &served.scenario;
    let held = common::held_session::hold_session_from(
        "127.0.0.2".parse().unwrap(),
        &pair.b,
        &scenario.user,
        &scenario.password,
    );
    let (report, code) = scenario.check(&served.plan, &[]);
    drop(held);
    assert_eq!(report["stage"], "running");
    assert_eq!(
        findings(&report),
        vec![finding("oms.zombie-writer", "b", &scenario.user)],
        "{:#}",
        report["outcomes"]
    );
    let message = finding_of(&report, "oms.zombie-writer")["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains(&format!(
            "1 session(s) of migration user {} on tenant b come from host 127.0.0.2",
            scenario.user
        )) && message.contains("it lists 127.0.0.1"),
        "{message}"
    );
    assert!(!report.to_string().contains(&scenario.password));
    assert_eq!(code, 1);
    let (report, code) = scenario.check(&served.plan, &[]);
    assert_eq!((findings(&report), code), (vec![], 0));
    assert_eq!(status(&report, "oms.zombie-writer"), "pass");
    assert_eq!(status(&report, "oms.alarms"), "pass");
    assert_eq!(status(&report, "oms.window-left"), "pass");
}

/// Both projects exist and run: auto picks the running stage, and a healthy pair is clean.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_healthy_running_pair_is_clean_at_the_running_stage() {
    let Some(run) = check("oms_running", Behaviour::Fixtures("running")).run() else {
        return;
    };
    assert_eq!(run.report["stage"], "running");
    assert_eq!(
        (findings(&run.report), run.code),
        (vec![], 0),
        "{:#}",
        run.report["outcomes"]
    );
    assert_eq!(
        rules_with(&run.report, "inconclusive"),
        Vec::<String>::new()
    );
    for rule in [
        "oms.reverse-healthy",
        "oms.lag",
        "oms.ddl-ring",
        "oms.topology",
    ] {
        assert_eq!(status(&run.report, rule), "pass", "{rule}");
    }
    // seekdb never recycled a log: both links' checkpoints are still in their sources' online
    // logs, and there is no archive to turn on.
    assert_eq!(status(&run.report, "tenant.log-window"), "skipped");
    assert!(reason(&run.report, "tenant.log-window").contains("seekdb"));
}

/// What a run decided, with the scenario's own names taken out: the stage, the exit code, every
/// rule's status, and every finding's rule, side, object and severity.
fn verdicts(run: &Run) -> (Value, i32, Vec<(String, String)>, Vec<String>) {
    let database = &run.scenario.database;
    let outcomes = run.report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["rule"].as_str().unwrap().to_string(),
                o["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let found = run.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["rule"], f["side"], f["object"], f["severity"]
            )
            .replace(database.as_str(), "{db}")
        })
        .collect();
    (run.report["stage"].clone(), run.code, outcomes, found)
}

/// OMS answering in the shapes the OMS CE API reference prints (numbers and booleans as
/// strings, DescribeProject's data a list, stores by name with UTC date-time checkpoints,
/// connExtraAttributes a JSON string, no destTableName, running projects RUNNING_MODIFYING /
/// RUNNING_MERGING) gives the very verdicts of our own shapes: clean pairs exit 0, and the
/// store-window, conflict, lag, verification and running findings still fire.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn the_documented_answer_shapes_give_the_same_verdicts() {
    for (name, fixtures, single, fires) in [
        ("oms_doc_running", "running", false, None),
        ("oms_doc_sp", "single-project", true, None),
        (
            "oms_doc_store",
            "store-behind",
            true,
            Some("oms.store-window"),
        ),
        (
            "oms_doc_third",
            "third-project",
            false,
            Some("oms.conflicts"),
        ),
        (
            "oms_doc_rev_failed",
            "reverse-failed",
            false,
            Some("oms.reverse-healthy"),
        ),
        ("oms_doc_lag", "forward-lagging", false, Some("oms.lag")),
        (
            "oms_doc_verify",
            "verify-differs",
            true,
            Some("oms.full-verify"),
        ),
    ] {
        let edit: fn(String) -> String = if single {
            common::single_project
        } else {
            |plan| plan
        };
        let ours = format!("{name}_o");
        let documented = format!("{name}_d");
        let Some(our_run) = check(&ours, Behaviour::Fixtures(fixtures))
            .edit_plan(edit)
            .run()
        else {
            return;
        };
        let Some(documented_run) = check(&documented, Behaviour::Documented(fixtures))
            .edit_plan(edit)
            .run()
        else {
            return;
        };
        let (ours, theirs) = (verdicts(&our_run), verdicts(&documented_run));
        assert_eq!(ours, theirs, "{fixtures}");
        match fires {
            None => assert_eq!((theirs.1, theirs.3.len()), (0, 0), "{fixtures}: {theirs:?}"),
            Some(rule) => assert!(
                theirs
                    .3
                    .iter()
                    .any(|f| f.starts_with(&format!("\"{rule}\""))),
                "{fixtures}: {theirs:?}"
            ),
        }
        assert!(
            rules_with(&documented_run.report, "inconclusive").is_empty(),
            "{fixtures}: {:?}",
            rules_with(&documented_run.report, "inconclusive")
        );
    }
}

/// A reverse project FAILED at its incremental step gave PASSED before the running stage:
/// now the error carries OMS's code and the usual cause, and the two hours it is behind.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_failed_reverse_step_is_an_error_carrying_its_code() {
    let Some(run) = check("oms_reverse_failed", Behaviour::Fixtures("reverse-failed")).run() else {
        return;
    };
    assert_eq!(run.report["stage"], "running");
    let reverse = format!("dr_{}_b_to_a", run.scenario.database);
    let failed = finding_of(&run.report, "oms.reverse-healthy");
    assert_eq!(failed["object"], reverse.as_str());
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("CONNECTOR-SIAL00000001")
    );
    assert!(failed["help"].as_str().unwrap().contains("schema.drift"));
    assert_eq!(failed["severity"], "error");
    assert_eq!(run.code, 1);
}

/// A column added on B only while both links run: the schemas drifted, and B is named.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_column_added_on_b_only_is_a_drift_error_naming_b() {
    let Some(run) = check("oms_drift", Behaviour::Fixtures("running"))
        .extra_b(&["ALTER TABLE `{db}`.orders ADD COLUMN remark VARCHAR(64)"])
        .run()
    else {
        return;
    };
    assert_eq!(run.report["stage"], "running");
    let orders = format!("{}.orders.remark", run.scenario.database);
    assert_eq!(
        findings(&run.report),
        vec![finding("schema.drift", "b", &orders)]
    );
    assert_eq!(run.code, 1);
}

/// The one 容灾双活 project FAILED at its reverse step: the same error, on the project, with
/// OMS's code and the usual cause; the forward step, still running, is not blamed.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_single_project_failed_at_its_reverse_step_is_an_error_carrying_its_code() {
    let Some(run) = check(
        "oms_sp_reverse_failed",
        Behaviour::Fixtures("single-project-reverse-failed"),
    )
    .edit_plan(common::single_project)
    .run() else {
        return;
    };
    assert_eq!(run.report["stage"], "running");
    let project = format!("dr_{}_a_to_b", run.scenario.database);
    let failed = finding_of(&run.report, "oms.reverse-healthy");
    assert_eq!(failed["object"], project.as_str());
    assert_eq!(failed["severity"], "error");
    let message = failed["message"].as_str().unwrap();
    assert!(message.contains("CONNECTOR-SIOO00014400"), "{message}");
    assert!(
        failed["help"]
            .as_str()
            .unwrap()
            .contains("schema.partitions")
    );
    assert_eq!(status(&run.report, "oms.forward-healthy"), "pass");
    assert_eq!(run.code, 1);
}

/// An index created and a default changed on B only: both are drift, the index named on B,
/// the default on the pair.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn an_index_and_a_default_changed_on_b_only_are_drift() {
    let Some(run) = check("oms_drift_index", Behaviour::Fixtures("running"))
        .extra_b(&[
            "CREATE INDEX idx_amount ON `{db}`.orders (amount)",
            "ALTER TABLE `{db}`.orders ALTER COLUMN amount SET DEFAULT 0",
        ])
        .run()
    else {
        return;
    };
    let db = &run.scenario.database;
    assert_eq!(
        findings(&run.report),
        vec![
            finding("schema.drift", "b", &format!("{db}.orders.idx_amount")),
            finding("schema.drift", "pair", &format!("{db}.orders.amount")),
        ]
    );
    assert_eq!(run.code, 1);
}

/// The single project's reverse step is an hour behind and its store keeps ten minutes.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_checkpoint_older_than_its_store_is_a_store_window_error() {
    let Some(run) = check("oms_store_behind", Behaviour::Fixtures("store-behind"))
        .edit_plan(common::single_project)
        .run()
    else {
        return;
    };
    let forward = forward_project(&run);
    let found = findings(&run.report);
    assert!(
        found.contains(&oms_finding("oms.store-window", &forward)),
        "{found:?}"
    );
    assert!(
        found.contains(&oms_finding("oms.lag", &forward)),
        "{found:?}"
    );
    assert_eq!(run.code, 1);
}

/// Verification differences are warnings with counts, and no row value reaches the report.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn verification_differences_are_warnings_with_counts() {
    let Some(run) = check("oms_verify_differs", Behaviour::Fixtures("verify-differs"))
        .edit_plan(common::single_project)
        .run()
    else {
        return;
    };
    let orders = format!("{}.orders", run.scenario.database);
    assert_eq!(
        findings(&run.report),
        vec![finding("oms.full-verify", "pair", &orders)]
    );
    let message = run.report["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("2 only on the source, 1 only on the target, 2 mismatched"),
        "{message}"
    );
    assert_eq!(run.report["findings"][0]["severity"], "warning");
    assert_eq!(run.code, 0);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_forward_link_15_minutes_behind_is_a_lag_error() {
    let Some(run) = check("oms_lagging", Behaviour::Fixtures("forward-lagging")).run() else {
        return;
    };
    assert_eq!(run.report["stage"], "reverse");
    let forward = forward_project(&run);
    assert_eq!(
        findings(&run.report),
        vec![oms_finding("oms.lag", &forward)]
    );
    let message = run.report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("15 min"), "{message}");
    assert_eq!(run.report["findings"][0]["severity"], "error");
    assert_eq!(run.code, 1);
}

/// A row filter on the forward project (the older body shape), and a column selection on a
/// single project (OMS CE 4.2.2's shape): each is the one finding, an error naming the project,
/// the table and what it keeps.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_row_filter_or_a_column_selection_is_an_exact_mirror_error() {
    for (name, fixtures, edit_plan, keeps) in [
        (
            "oms_row_filter",
            "row-filter",
            (|plan| plan) as fn(String) -> String,
            "only the rows of {db}.orders where `amount >= 100`",
        ),
        (
            "oms_columns",
            "column-selection",
            common::single_project,
            "only columns id, amount of {db}.orders",
        ),
    ] {
        let Some(run) = check(name, Behaviour::Fixtures(fixtures))
            .edit_plan(edit_plan)
            .run()
        else {
            return;
        };
        let forward = forward_project(&run);
        assert_eq!(
            findings(&run.report),
            vec![oms_finding("link.exact-mirror", &forward)],
            "{fixtures}"
        );
        let message = run.report["findings"][0]["message"].as_str().unwrap();
        let keeps = keeps.replace("{db}", &run.scenario.database);
        assert!(message.contains(&keeps), "{message}");
        assert_eq!(run.report["findings"][0]["severity"], "error");
        assert_eq!(run.code, 1);
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_third_project_syncing_ddl_into_the_pair_is_a_ddl_ring_error() {
    let Some(run) = check("oms_ddl_third", Behaviour::Fixtures("ddl-third-project")).run() else {
        return;
    };
    assert!(findings(&run.report).contains(&oms_finding("oms.ddl-ring", "nightly_copy_to_b")));
    assert_eq!(run.code, 1);
}

/// OMS refused the credentials (`http_status`, "HTTP 401"): oms.reachable is the one finding,
/// naming the server, and the run fails.
fn assert_refused(run: &Run, http_status: &str) {
    assert_eq!(
        findings(&run.report),
        vec![oms_finding("oms.reachable", &run.server.url)]
    );
    assert!(first_message(&run.report).contains(http_status));
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn rejected_credentials_fail_oms_reachable() {
    let Some(run) = check("oms_401", Behaviour::Fixtures("base"))
        .oms_password("another-password")
        .run()
    else {
        return;
    };
    assert_refused(&run, "HTTP 401");
    assert_eq!(run.report["endpoints"]["oms"]["reachable"], false);
    for rule in [
        "oms.data-sources",
        "oms.conflicts",
        "oms.reverse-absent",
        "link.ddl-single",
    ] {
        assert_eq!(status(&run.report, rule), "inconclusive", "{rule}");
    }
}

/// `--lang zh-CN` with nothing that answers: tenants A and B on closed ports, OMS refusing the
/// password (HTTP 401). Needs no kernel. Every reason the collectors gave reaches the report in
/// Chinese, human and JSON alike: none of their English sentences, nor the engine's English
/// frames around them.
#[test]
fn a_chinese_report_gives_the_collectors_reasons_in_chinese() {
    let scenario = Scenario::new("zh_reasons");
    let (a, b) = (Endpoint::nowhere(), Endpoint::nowhere());
    let server = scenario.serve_oms(Behaviour::Status(401), &a, &b);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, scenario.plan_with_oms(&a, &b, &server.url)).unwrap();
    let plan = plan.to_str().unwrap();
    let human = scenario.run(&["check", plan, "--lang", "zh-CN", "--timeout", "2"]);
    let json = scenario.run(&[
        "check",
        plan,
        "--lang",
        "zh-CN",
        "--timeout",
        "2",
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(status(&report, "conn.tenant"), "fail");
    assert_eq!(status(&report, "oms.reachable"), "fail");
    for (format, output) in [("human", &human), ("json", &json)] {
        let said = String::from_utf8_lossy(&output.stdout);
        for chinese in [
            "连接被拒绝",
            "OMS 拒绝了 [oms] 的用户名和密码",
            "受阻于 conn.tenant",
        ] {
            assert!(
                said.contains(chinese),
                "{format}: no {chinese:?} in\n{said}"
            );
        }
        for english in [
            "cannot connect to",
            "connection refused",
            "nothing listens",
            "cannot log in",
            "OMS rejected",
            "no answer from",
            "unavailable:",
            "blocked by",
            "to decide,",
            " at http://",
        ] {
            assert!(
                !said.contains(english),
                "{format}: English {english:?} in a Chinese report:\n{said}"
            );
        }
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn http_403_fails_oms_reachable() {
    let Some(run) = check("oms_403", Behaviour::Status(403)).run() else {
        return;
    };
    assert_refused(&run, "HTTP 403");
}

/// Every fault that gives no usable answer: OMS rules inconclusive with a reason naming the
/// endpoint, nothing passes for it, exit 3, and the run stays bounded by the timeout.
fn assert_incomplete(run: &Run, expected_reason: &str) {
    assert_eq!(
        findings(&run.report),
        vec![],
        "no finding is invented from a fault"
    );
    let inconclusive = rules_with(&run.report, "inconclusive");
    for rule in [
        "oms.reachable",
        "oms.data-sources",
        "oms.conflicts",
        "oms.reverse-absent",
        "link.ddl-single",
    ] {
        assert!(
            inconclusive.contains(&rule.to_string()),
            "{rule} in {inconclusive:?}"
        );
    }
    let why = reason(&run.report, "oms.reachable");
    assert!(why.contains(expected_reason), "{why}");
    assert!(
        why.contains(&run.server.url),
        "the reason names the endpoint: {why}"
    );
    assert_eq!(
        run.report["stage"],
        Value::Null,
        "auto does not name a stage when OMS cannot say"
    );
    assert!(run.report["stage_undecided"].is_string());
    assert_eq!(run.code, 3);
    assert!(
        run.elapsed < Duration::from_secs(20),
        "bounded: {:?}",
        run.elapsed
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn http_500_leaves_the_oms_rules_inconclusive() {
    let Some(run) = check("oms_500", Behaviour::Status(500)).run() else {
        return;
    };
    assert_incomplete(&run, "HTTP 500");
    let attempts = run.server.actions.lock().unwrap().len();
    assert_eq!(attempts, 3, "5xx is retried, a bounded number of times");
}

/// An OMS older than the Action API (documented from OMS CE 4.1.1) answers 404 at
/// `/api/v2`: the OMS facts are unavailable with that reason, never guessed.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn an_oms_without_the_action_api_leaves_the_oms_rules_inconclusive() {
    let Some(run) = check("oms_404", Behaviour::Status(404)).run() else {
        return;
    };
    assert_incomplete(&run, "no Action API at this URL");
    assert!(reason(&run.report, "oms.reachable").contains("4.1.1"));
}

/// A plan declaring an OMS before 4.1.1 sends it nothing: what it would answer is not
/// documented.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_declared_oms_before_the_action_api_is_not_asked() {
    let Some(run) = check("oms_declared_old", Behaviour::Fixtures("running"))
        .edit_plan(|plan| plan.replace("[oms]\n", "[oms]\nversion = \"4.0.2\"\n"))
        .run()
    else {
        return;
    };
    assert!(run.server.actions.lock().unwrap().is_empty());
    let inconclusive = rules_with(&run.report, "inconclusive");
    for rule in [
        "oms.reachable",
        "oms.data-sources",
        "oms.conflicts",
        "oms.lag",
    ] {
        assert!(
            inconclusive.contains(&rule.to_string()),
            "{rule}: {inconclusive:?}"
        );
    }
    let why = reason(&run.report, "oms.reachable");
    assert!(
        why.contains("declares OMS 4.0.2, which documents no Action API"),
        "{why}"
    );
    // The only findings are the tenants' versions, which OMS 4.0.2 does not support.
    assert!(
        findings(&run.report)
            .iter()
            .all(|(rule, _, _)| rule == "tenant.version-supported"),
        "{:?}",
        findings(&run.report)
    );
}

/// OMS lists the forward project but answers HTTP 500 describing it: `--stage auto` cannot tell
/// forward from reverse, says so, and leaves the rules of one stage inconclusive rather than
/// running them at a guessed stage.
#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_forward_project_oms_cannot_describe_leaves_the_stage_undecided() {
    let behaviour = Behaviour::ActionStatus {
        action: "DescribeProject",
        status: 500,
    };
    let Some(run) = check("oms_describe_500", behaviour).run() else {
        return;
    };
    let why = run.report["stage_undecided"].as_str().unwrap_or_default();
    assert!(why.contains("HTTP 500"), "{}", run.report);
    for rule in ["oms.forward-healthy", "schema.target-empty"] {
        assert_eq!(status(&run.report, rule), "inconclusive", "{rule}");
        assert!(reason(&run.report, rule).contains("HTTP 500"), "{rule}");
    }
    assert_ne!(run.code, 0);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn an_html_page_leaves_the_oms_rules_inconclusive() {
    let Some(run) = check("oms_html", Behaviour::Html).run() else {
        return;
    };
    assert_incomplete(&run, "HTML");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_truncated_body_leaves_the_oms_rules_inconclusive() {
    let Some(run) = check("oms_truncated", Behaviour::Truncated).run() else {
        return;
    };
    assert_incomplete(&run, "truncated");
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_response_slower_than_the_timeout_leaves_the_oms_rules_inconclusive() {
    let Some(run) = check("oms_slow", Behaviour::Slow(Duration::from_secs(4)))
        .args(&["--timeout", "1"])
        .run()
    else {
        return;
    };
    assert_incomplete(&run, "within 1s");
    let bound = oms_preflight::collect::oms::bound(Duration::from_secs(1));
    assert!(
        run.elapsed < bound + Duration::from_millis(1500),
        "within the stated OMS bound {bound:?}: {:?}",
        run.elapsed
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_bundle_carries_the_oms_facts_and_replays_the_same_verdicts() {
    let Some(served) = check("oms_replay", Behaviour::Fixtures("schema-running")).set_up() else {
        return;
    };
    let scenario = &served.scenario;
    let bundle = served.plan.with_file_name("bundle.json");
    let (live, live_code) = scenario.check(&served.plan, &[]);
    scenario.collect_bundle(&served.plan, &bundle);

    let (offline, offline_code) = scenario.replay(&bundle, &[]);
    assert_eq!(
        offline["stage"], "reverse",
        "auto stage from the recorded OMS facts"
    );
    assert_eq!(offline["outcomes"], live["outcomes"]);
    assert_eq!(offline["findings"], live["findings"]);
    assert_eq!(offline_code, Some(live_code));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn list_actions_are_read_page_by_page() {
    let Some(run) = check("oms_paged", Behaviour::Fixtures("paged")).run() else {
        return;
    };
    assert_eq!(
        run.report["stage"], "reverse",
        "the forward project is on page 2"
    );
    assert_eq!((findings(&run.report), run.code), (vec![], 0));
    let sent = run.server.actions.lock().unwrap().clone();
    assert_eq!(
        sent.iter().filter(|a| *a == "ListProjects").count(),
        2,
        "{sent:?}"
    );
}

/// `rule` is inconclusive and its reason contains each of `wanted`.
fn assert_inconclusive(run: &Run, rule: &str, wanted: &[&str]) {
    assert_eq!(status(&run.report, rule), "inconclusive", "{rule}");
    let why = reason(&run.report, rule);
    for part in wanted {
        assert!(why.contains(part), "{rule}: {why}");
    }
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_project_list_without_data_is_malformed_not_an_empty_list() {
    let Some(run) = check("oms_projects_null", Behaviour::Fixtures("projects-no-data")).run()
    else {
        return;
    };
    for rule in ["oms.conflicts", "oms.reverse-absent"] {
        assert_inconclusive(&run, rule, &["ListProjects (page 1)", "no data"]);
    }
    // OMS let the check in: the answer is what is wrong, not the access.
    assert_eq!(status(&run.report, "oms.reachable"), "pass");
    assert_eq!((findings(&run.report), run.code), (vec![], 3));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_data_source_list_without_data_is_malformed_not_an_empty_list() {
    let Some(run) = check("oms_sources_null", Behaviour::Fixtures("sources-no-data")).run() else {
        return;
    };
    assert_inconclusive(
        &run,
        "oms.data-sources",
        &["ListDataSource (page 1)", "no data"],
    );
    assert_eq!((findings(&run.report), run.code), (vec![], 3));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn steps_without_data_leave_the_forward_rules_inconclusive() {
    let Some(run) = check("oms_steps_null", Behaviour::Fixtures("steps-no-data"))
        .args(&["--stage", "reverse"])
        .run()
    else {
        return;
    };
    assert_inconclusive(
        &run,
        "oms.forward-healthy",
        &["DescribeProjectSteps (np_forward)", "no data"],
    );
    assert_eq!(run.code, 3);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_project_selecting_the_pair_by_matching_rule_fails_conflicts() {
    let Some(run) = check("oms_wildcard", Behaviour::Fixtures("wildcard-project")).run() else {
        return;
    };
    // everything_but_the_pair selects `*` and black-lists the pair's database: not a conflict.
    assert_eq!(
        findings(&run.report),
        vec![oms_finding("oms.conflicts", "copy_by_rule_to_b")]
    );
    let database = &run.scenario.database;
    assert_eq!(
        first_message(&run.report),
        format!(
            "project copy_by_rule_to_b (np_rules, RUNNING) also writes {database} on tenant b, selected by its matching rule {database}.*"
        )
    );
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_project_in_complex_mode_leaves_conflicts_inconclusive_naming_it() {
    let Some(run) = check("oms_complex", Behaviour::Fixtures("complex-project")).run() else {
        return;
    };
    assert_inconclusive(
        &run,
        "oms.conflicts",
        &[
            "project complex_copy_to_b (np_complex, RUNNING)",
            "COMPLEX mode",
        ],
    );
    assert_eq!((findings(&run.report), run.code), (vec![], 3));
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_data_source_registered_as_localhost_is_the_tenant_planned_as_127_0_0_1() {
    let Some(run) = check("oms_localhost", Behaviour::Fixtures("named-source")).run() else {
        return;
    };
    assert!(
        std::env::var("OMS_PREFLIGHT_TEST_B")
            .unwrap()
            .starts_with("127.0.0.1:"),
        "the premise: the plan names tenant B by IP"
    );
    assert_eq!(status(&run.report, "oms.data-sources"), "pass");
    // The third project writes tenant B through the data source named `localhost`: it is seen.
    assert_eq!(
        findings(&run.report),
        vec![oms_finding("oms.conflicts", "nightly_copy_to_b")]
    );
    assert_eq!(run.code, 1);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_data_source_whose_name_does_not_resolve_is_said_not_ignored() {
    let Some(run) = check(
        "oms_unresolvable",
        Behaviour::Fixtures("unresolvable-source"),
    )
    .run() else {
        return;
    };
    let b_port = std::env::var("OMS_PREFLIGHT_TEST_B")
        .unwrap()
        .rsplit_once(':')
        .unwrap()
        .1
        .to_string();
    let data_source = format!("ob_tenant_b (db-b.invalid:{b_port})");
    assert_inconclusive(
        &run,
        "oms.data-sources",
        &[
            &data_source,
            "could not be compared with tenant b",
            "db-b.invalid",
        ],
    );
    assert_inconclusive(
        &run,
        "oms.conflicts",
        &["project nightly_copy_to_b", &data_source, "would write"],
    );
    assert!(
        run.elapsed < Duration::from_secs(20),
        "bounded: {:?}",
        run.elapsed
    );
}

/// How many of each action reached the server.
fn sent_count(run: &Run, action: &str) -> usize {
    run.server
        .actions
        .lock()
        .unwrap()
        .iter()
        .filter(|a| *a == action)
        .count()
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn endless_pages_that_repeat_their_ids_stop_at_the_first_repeat_and_leave_projects_unavailable() {
    let Some(run) = check(
        "oms_endless_repeat",
        Behaviour::EndlessPages { fresh_ids: false },
    )
    .args(&["--timeout", "3"])
    .run() else {
        return;
    };
    assert_eq!(
        sent_count(&run, "ListProjects"),
        2,
        "page 2 adds nothing new: the list stops there"
    );
    assert_eq!(sent_count(&run, "DescribeProject"), 0);
    for rule in ["oms.conflicts", "oms.reverse-absent"] {
        assert_inconclusive(
            &run,
            rule,
            &["ListProjects (page 2)", "only projects already listed"],
        );
    }
    assert_eq!((findings(&run.report), run.code), (vec![], 3));
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn endless_pages_of_new_ids_stop_at_the_page_cap_and_leave_projects_unavailable() {
    let Some(run) = check(
        "oms_endless_fresh",
        Behaviour::EndlessPages { fresh_ids: true },
    )
    .args(&["--timeout", "3"])
    .run() else {
        return;
    };
    let pages = sent_count(&run, "ListProjects");
    assert_eq!(pages as u64, oms_preflight::collect::oms::MAX_PAGES);
    assert_eq!(sent_count(&run, "DescribeProject"), 0);
    assert_inconclusive(
        &run,
        "oms.conflicts",
        &["ListProjects", "more than", "not read whole"],
    );
    assert_eq!((findings(&run.report), run.code), (vec![], 3));
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn of_two_thousand_projects_only_those_touching_the_pair_are_described() {
    let Some(run) = check(
        "oms_many",
        Behaviour::ManyProjects {
            total: 2000,
            touching: 10,
        },
    )
    .run() else {
        return;
    };
    // 2,002 listed projects, 150 a page.
    assert_eq!(sent_count(&run, "ListProjects"), 14);
    // The forward project and the 10 that read tenant A; none of the 1,990 elsewhere.
    assert_eq!(sent_count(&run, "DescribeProject"), 11);
    // Besides: a list of data sources, and the forward project's steps, progress, components
    // and verification.
    let requests = run.server.actions.lock().unwrap().len();
    assert!(requests <= 30, "{requests} requests");
    assert_eq!(run.report["stage"], "reverse");
    assert_eq!(status(&run.report, "oms.conflicts"), "pass");
    assert_eq!((findings(&run.report), run.code), (vec![], 0));
    eprintln!(
        "many projects: {requests} requests in {:.2}s",
        run.elapsed.as_secs_f64()
    );
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn a_gigabyte_body_is_cut_at_the_cap_and_is_no_answer() {
    let Some(run) = check("oms_huge", Behaviour::HugeBody(1 << 30))
        .args(&["--timeout", "5"])
        .run()
    else {
        return;
    };
    assert_inconclusive(
        &run,
        "oms.reachable",
        &["ListDataSource", "larger than", "MiB"],
    );
    assert_eq!(
        sent_count(&run, "ListDataSource"),
        1,
        "an oversized answer is not retried"
    );
    // A cut body is not the API's answer: OMS is not shown reachable by it.
    assert_eq!(status(&run.report, "oms.reachable"), "inconclusive");
    assert_eq!((findings(&run.report), run.code), (vec![], 3));
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}
