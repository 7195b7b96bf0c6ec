use std::time::Duration;

use super::{Direction, directions};
use crate::facts::oms::Store;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};

/// A checkpoint this close to the start of its store's window is about to fall out of it.
const MARGIN: Duration = Duration::from_secs(3600);
/// A store silent for longer than this has stopped pulling logs.
const SILENT: Duration = Duration::from_secs(300);

declare_rule! {
    /// ## What it checks
    /// For each running direction, its stores (`DescribeProjectComponents`: `storeList`, and
    /// `reverseStoreList` for a single project's reverse step) are `ACTIVE`, have sent a
    /// heartbeat in the last five minutes, and still keep the logs the direction's checkpoint
    /// needs: the checkpoint is not older than the store's `beginCheckpoint` (an error), nor
    /// within an hour of it (a warning).
    ///
    /// ## Why it matters
    /// A link resumes from its checkpoint by asking its store for the changes after it. A
    /// store keeps a limited window of logs (by default a day to a week, `storeLogKeptHour`);
    /// once the checkpoint falls out of it the link can never resume ("Invalid start time, shall
    /// within store's data keep time", `CM-RESOIE000201`), and the only repair is to rebuild
    /// the link with a full migration.
    ///
    /// ## How to fix
    /// Repair the lagging or failed link before its checkpoint leaves the window (see
    /// `oms.lag`, `oms.reverse-healthy`); restart a store that is not ACTIVE; raise the store's
    /// retention if the links routinely fall this far behind.
    pub static RULE = Rule {
        id: "oms.store-window",
        severity: Severity::Error,
        stages: &[Stage::Reverse, Stage::Running],
        topologies: &[],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse],
        optional: &[],
        waivable: false,
        compares_sides: false,
        summary: "each direction's sync checkpoint lies inside its store's log window, the store ACTIVE",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let now = cx.oms_collected_at();
    let running: Vec<Direction<'_>> = directions(cx)?
        .into_iter()
        .filter(|direction| direction.step.is_some_and(|step| step.has_started()))
        .collect();
    if running.is_empty() {
        return Err(NotEvaluated::Skipped(
            "no incremental step has started, so no store serves the pair yet".into(),
        ));
    }
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for direction in &running {
        let stores = match direction.stores() {
            Some(stores) => stores,
            None => {
                undecided.push(format!(
                    "the stores of {}: {}",
                    direction.describe(),
                    direction
                        .project
                        .components
                        .unavailable_reason()
                        .unwrap_or_default()
                ));
                continue;
            }
        };
        if stores.is_empty() {
            undecided.push(format!("OMS lists no store for {}", direction.describe()));
            continue;
        }
        for store in stores {
            findings.extend(judge(direction, store, now));
        }
        if direction.checkpoint.is_none() {
            undecided.push(format!(
                "OMS reports no checkpoint for {}",
                direction.describe()
            ));
        }
    }
    if findings.is_empty() && !undecided.is_empty() {
        return Err(NotEvaluated::Inconclusive(format!(
            "{}; to decide, let the [oms] user call DescribeProjectComponents and DescribeProjectProgress, or read the stores in the OMS console",
            undecided.join("; ")
        ).into()));
    }
    Ok(findings)
}

fn judge(direction: &Direction<'_>, store: &Store, now: Option<u64>) -> Vec<Finding> {
    let object = Some(direction.project.name.clone());
    let name = store.id.as_deref().unwrap_or("(unnamed)");
    let mut findings = Vec::new();
    if store.status != "ACTIVE" {
        findings.push(
            Finding::new(
                Side::Oms,
                object.clone(),
                format!(
                    "store {name} of {} is {}, not ACTIVE{}",
                    direction.describe(),
                    store.status,
                    store.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default()
                ),
            )
            .help("restart the store in the OMS console; the link cannot pull changes while it is down"),
        );
    }
    if let (Some(now), Some(heartbeat)) = (now, store.heartbeat) {
        let silent = now.saturating_sub(heartbeat);
        if silent > SILENT.as_secs() {
            findings.push(
                Finding::new(
                    Side::Oms,
                    object.clone(),
                    format!(
                        "store {name} of {} sent no heartbeat for {} min",
                        direction.describe(),
                        silent / 60
                    ),
                )
                .help("check the store's process on the OMS host")
                .severity(Severity::Warning),
            );
        }
    }
    if let (Some(checkpoint), Some(begin)) = (direction.checkpoint, store.begin) {
        if checkpoint < begin {
            findings.push(
                Finding::new(
                    Side::Oms,
                    object,
                    format!(
                        "the checkpoint of {} is {} min older than the oldest change store {name} keeps: the link can never resume from it",
                        direction.describe(),
                        (begin - checkpoint).div_ceil(60)
                    ),
                )
                .help("the link must be rebuilt (a new project with full migration); raise the store's retention so it does not recur"),
            );
        } else if checkpoint - begin < MARGIN.as_secs() {
            findings.push(
                Finding::new(
                    Side::Oms,
                    object,
                    format!(
                        "the checkpoint of {} is only {} min inside the window of store {name}: it falls out unless the link catches up",
                        direction.describe(),
                        (checkpoint - begin) / 60
                    ),
                )
                .help("repair the link's lag now (oms.lag), or raise the store's retention")
                .severity(Severity::Warning),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::facts::oms::{Components, Project, Store};
    use crate::rules::engine::Status;
    use crate::rules::{Severity, Stage, testing::*};

    fn store(begin_behind: u64) -> Store {
        Store {
            id: Some("store_1".into()),
            status: "ACTIVE".into(),
            begin: Some(NOW - begin_behind),
            end: Some(NOW - 1),
            heartbeat: Some(NOW - 5),
            error: None,
        }
    }

    fn with_stores(project: &mut Project, forward: Store, reverse: Store) {
        project.components = Fact::Observed(Components {
            stores: vec![forward],
            reverse_stores: vec![reverse],
        });
    }

    #[test]
    fn quiet_inside_the_window() {
        let facts = with_single_project(|p| with_stores(p, store(86_400), store(86_400)));
        assert_clean(&RULE, &single_project_plan(), &facts, Stage::Running);
    }

    #[test]
    fn a_checkpoint_older_than_the_store_is_an_error() {
        let facts = with_single_project(|p| {
            with_stores(p, store(86_400), store(600));
            if let Fact::Observed(progress) = &mut p.progress {
                progress.reverse_checkpoint = Some(NOW - 3600);
            }
        });
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0]
                .message
                .contains("the reverse link of project dr_a_to_b is 50 min older"),
            "{}",
            findings[0].message
        );
        assert!(findings[0].message.contains("never resume"));
    }

    #[test]
    fn near_the_edge_and_a_silent_store_are_warnings_a_stopped_store_an_error() {
        let facts = with_single_project(|p| {
            let mut silent = store(86_400);
            silent.heartbeat = Some(NOW - 900);
            with_stores(p, store(1800), silent);
        });
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(
            findings
                .iter()
                .all(|f| f.severity == Some(Severity::Warning))
        );
        let stopped = with_single_project(|p| {
            let mut down = store(86_400);
            down.status = "STOPPED".into();
            with_stores(p, store(86_400), down);
        });
        let findings = fire(&RULE, &single_project_plan(), &stopped, Stage::Running);
        assert!(findings[0].message.contains("STOPPED, not ACTIVE"));
    }

    #[test]
    fn unreadable_components_are_inconclusive() {
        let facts = with_single_project(|p| p.components = Fact::unavailable("HTTP 500"));
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("HTTP 500"));
    }
}
