use std::time::Duration;

use super::DescribeLink;
use super::lag::checkpoint_ahead;
use super::{Direction, directions};
use crate::facts::oms::Lag;
use crate::facts::oms::Store;
use crate::i18n::spaced;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, Text, declare_rule,
    unless_undecided,
};
use crate::text;

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
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse],
        waivable: false,
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
        return Err(NotEvaluated::Skipped(text!(
            "no incremental step has started, so no store serves the pair yet",
            "还没有增量步骤启动，因此尚无 Store 为这一对租户服务"
        )));
    }
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for direction in &running {
        let stores = match direction.stores() {
            Some(stores) => stores,
            None => {
                let reason = direction.project.components.unavailable_text();
                undecided.push(spaced(text!(
                    "the stores of {direction}: {reason}",
                    "{direction} 的 Store：{reason}";
                    direction = direction.describe_text(),
                    reason = reason
                )));
                continue;
            }
        };
        if stores.is_empty() {
            undecided.push(spaced(text!(
                "OMS lists no store for {direction}",
                "OMS 没有列出{direction} 的 Store";
                direction = direction.describe_text()
            )));
            continue;
        }
        let checkpoint = match now.map(|now| direction.lag(now)) {
            Some(Lag::Ahead {
                checkpoint,
                read_at,
            }) => {
                undecided.push(checkpoint_ahead(direction, checkpoint, read_at));
                None
            }
            _ => direction.checkpoint,
        };
        if direction.checkpoint.is_none() {
            undecided.push(spaced(text!(
                "OMS reports no checkpoint for {direction}",
                "OMS 未报告{direction} 的位点";
                direction = direction.describe_text()
            )));
        }
        for store in stores {
            findings.extend(judge(direction, checkpoint, store, now, &mut undecided));
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        spaced(text!(
            "{undecided}; to decide, let the [oms] user call DescribeProjectComponents and DescribeProjectProgress, or read the stores in the OMS console",
            "{undecided}；如需判定，请让 [oms] 用户调用 DescribeProjectComponents 和 DescribeProjectProgress，或在 OMS 控制台中查看 Store";
            undecided = joined
        ))
    })
}

/// The findings about one store of `direction`, whose checkpoint is `checkpoint` when it can be
/// believed; what the store does not show goes to `undecided`.
fn judge(
    direction: &Direction<'_>,
    checkpoint: Option<u64>,
    store: &Store,
    now: Option<u64>,
    undecided: &mut Vec<Text>,
) -> Vec<Finding> {
    let object = Some(direction.project.name.clone());
    let name = store.id.as_deref().unwrap_or("(unnamed)");
    let link = direction.describe_text();
    // A window without its start, or a store whose liveness cannot be told, decides nothing.
    if store.begin.is_none() {
        undecided.push(spaced(text!(
            "store {name} of {link} shows no beginCheckpoint (the oldest change it keeps)",
            "{link} 的 Store {name} 未显示 beginCheckpoint（其保留的最早变更）";
            link = link.clone()
        )));
    }
    if store.heartbeat.is_none() || now.is_none() {
        undecided.push(spaced(text!(
            "store {name} of {link} shows no heartbeat (latelyHeartbeatTimeSec), or the time OMS was read is not recorded",
            "{link} 的 Store {name} 未显示心跳（latelyHeartbeatTimeSec），或未记录读取 OMS 的时间";
            link = link.clone()
        )));
    }
    let mut findings = Vec::new();
    if store.status != "ACTIVE" {
        let status = &store.status;
        let error = store
            .error
            .as_deref()
            .map(|e| text!(": {e}", "：{e}"))
            .unwrap_or_default();
        findings.push(
            Finding::new(
                Side::Oms,
                object.clone(),
                spaced(text!(
                    "store {name} of {link} is {status}, not ACTIVE{error}",
                    "{link} 的 Store {name} 为 {status}，而不是 ACTIVE{error}";
                    link = link,
                    error = error
                )),
            )
            .help(text!(
                "restart the store in the OMS console; the link cannot pull changes while it is down",
                "在 OMS 控制台中重启该 Store；它停止期间链路无法拉取变更"
            )),
        );
    }
    if let (Some(now), Some(heartbeat)) = (now, store.heartbeat) {
        let silent = now.saturating_sub(heartbeat);
        if silent > SILENT.as_secs() {
            let minutes = silent / 60;
            findings.push(
                Finding::new(
                    Side::Oms,
                    object.clone(),
                    spaced(text!(
                        "store {name} of {link} sent no heartbeat for {minutes} min",
                        "{link} 的 Store {name} 已有 {minutes} 分钟没有发送心跳";
                        link = link
                    )),
                )
                .help(text!(
                    "check the store's process on the OMS host",
                    "在 OMS 主机上检查该 Store 的进程"
                ))
                .severity(Severity::Warning),
            );
        }
    }
    if let (Some(checkpoint), Some(begin)) = (checkpoint, store.begin) {
        if checkpoint < begin {
            let minutes = (begin - checkpoint).div_ceil(60);
            findings.push(
                Finding::new(
                    Side::Oms,
                    object,
                    spaced(text!(
                        "the checkpoint of {link} is {minutes} min older than the oldest change store {name} keeps: the link can never resume from it",
                        "{link} 的位点比 Store {name} 保留的最早变更还早 {minutes} 分钟：链路再也无法从该位点恢复";
                        link = link
                    )),
                )
                .help(text!(
                    "the link must be rebuilt (a new project with full migration); raise the store's retention so it does not recur",
                    "必须重建该链路（新建带全量迁移的项目）；调大 Store 的日志保留时间，避免再次发生"
                )),
            );
        } else if checkpoint - begin < MARGIN.as_secs() {
            let minutes = (checkpoint - begin) / 60;
            findings.push(
                Finding::new(
                    Side::Oms,
                    object,
                    spaced(text!(
                        "the checkpoint of {link} is only {minutes} min inside the window of store {name}: it falls out unless the link catches up",
                        "{link} 的位点距 Store {name} 日志窗口的起点只有 {minutes} 分钟：链路若不追上，位点就会落到窗口之外";
                        link = link
                    )),
                )
                .help(text!(
                    "repair the link's lag now (oms.lag), or raise the store's retention",
                    "立即处理链路的延迟（oms.lag），或调大 Store 的日志保留时间"
                ))
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
        project.components = Fact::Observed(Components::with_stores(vec![forward], vec![reverse]));
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
    fn a_store_without_its_window_start_or_heartbeat_decides_nothing() {
        let facts = with_single_project(|p| {
            let mut blind = store(86_400);
            blind.begin = None;
            blind.heartbeat = None;
            with_stores(p, blind.clone(), blind);
        });
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap().en().to_string();
        assert!(reason.contains("shows no beginCheckpoint"), "{reason}");
        assert!(reason.contains("shows no heartbeat"), "{reason}");
    }

    #[test]
    fn a_checkpoint_after_the_reading_time_is_inconclusive() {
        let facts = with_single_project(|p| {
            with_stores(p, store(86_400), store(86_400));
            if let Fact::Observed(progress) = &mut p.progress {
                // Microseconds read as seconds would be further still; a clock a day ahead.
                progress.reverse_checkpoint = Some(NOW + 86_400);
            }
        });
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap().en().to_string();
        assert!(
            reason.contains("is later than the time OMS was read"),
            "{reason}"
        );
    }

    #[test]
    fn unreadable_components_are_inconclusive() {
        let facts = with_single_project(|p| {
            p.components = Fact::unavailable(crate::i18n::Text::english("HTTP 500"))
        });
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("HTTP 500"));
    }
}
