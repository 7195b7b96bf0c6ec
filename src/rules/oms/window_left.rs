use super::DescribeLink;
use super::{Direction, directions};
use crate::facts::oms::{LogWindow, log_window_left};
use crate::i18n::spaced;
use crate::plan::DEFAULT_MIN_WINDOW;
use crate::plan::date::duration;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, Text, declare_rule,
    unless_undecided,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// For each running direction, how long it may stand still before its checkpoint leaves a
    /// window it must resume from: its stores' window (the checkpoint minus the latest
    /// `beginCheckpoint` of its stores, `DescribeProjectComponents`), and its source tenant's
    /// online logs (the checkpoint minus the start of the online logs, the newest `BEGIN_SCN`
    /// of its recycled log streams in `GV$OB_LOG_STAT`; not limiting when the source archives
    /// its logs or never recycled any). Less than `[oms] min_window` (default 1 hour) is a
    /// warning naming the direction and the window; the pair state at the head of the report
    /// shows the time left either way.
    ///
    /// One reading gives no trend, so the estimate says what it rests on: the checkpoint
    /// standing still from the time OMS was read (a link that stops, the case that matters),
    /// and the window's start moving on with the clock (a store keeps a fixed span of hours,
    /// `storeLogKeptHour`; a tenant recycles its oldest logs as it writes new ones). It is a
    /// lower bound: a link that keeps moving, however slowly, runs out later, and one that
    /// keeps up never does. A direction whose checkpoint, or whose windows, OMS and the tenant
    /// do not show leaves the rule inconclusive.
    ///
    /// ## Why it matters
    /// A checkpoint that leaves its store's window or its source's logs can never be resumed
    /// from ("Invalid start time, shall within store's data keep time", `CM-RESOIE000201`):
    /// the link must be rebuilt with a full migration. The time left is how long the people on
    /// call have to repair a stopped link; `oms.store-window` and `tenant.log-window` report a
    /// checkpoint already out.
    ///
    /// ## How to fix
    /// Repair a lagging or stopped link first (`oms.lag`, `oms.reverse-healthy`). To widen the
    /// margin, raise the store's retention (`storeLogKeptHour`), turn on log archive on the
    /// source tenants, or give them more log disk; set `[oms] min_window` to the time your
    /// on-call needs to react.
    pub static RULE = Rule {
        id: "oms.window-left",
        severity: Severity::Warning,
        stages: &[Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse],
        optional: &[Need::LogStreams, Need::Archive],
        summary: "each running direction could stand still for at least min_window before its checkpoint leaves its store's or its source's log window",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let min_window = cx
        .plan
        .oms
        .as_ref()
        .map_or(DEFAULT_MIN_WINDOW, |oms| oms.min_window)
        .as_secs();
    let running: Vec<Direction<'_>> = directions(cx)?
        .into_iter()
        .filter(|direction| direction.step.is_some_and(|step| step.has_started()))
        .collect();
    if running.is_empty() {
        return Err(NotEvaluated::Skipped(text!(
            "no incremental step has started, so no window holds a checkpoint yet",
            "还没有增量步骤启动，因此尚无任何窗口保存位点"
        )));
    }
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for direction in &running {
        let link = direction.describe_text();
        let Some(checkpoint) = direction.checkpoint else {
            undecided.push(spaced(text!(
                "OMS reports no checkpoint for {link}",
                "OMS 未报告{link} 的位点";
                link = link
            )));
            continue;
        };
        let mut windows: Vec<(Text, u64)> = Vec::new();
        match direction.store_window_left() {
            Some(left) => windows.push((text!("its stores' window", "其 Store 的日志窗口"), left)),
            None => undecided.push(spaced(text!(
                "the stores of {link} show no window start (beginCheckpoint){reason}",
                "{link} 的 Store 未显示窗口起点（beginCheckpoint）{reason}";
                link = link.clone(),
                reason = direction
                    .project
                    .components
                    .unavailable_reason()
                    .map(|reason| text!(": {reason}", "：{reason}"; reason = reason.clone()))
                    .unwrap_or_default()
            ))),
        }
        match log_window(cx, direction, checkpoint) {
            Ok(Some((source, left))) => windows.push((
                text!(
                    "the online logs of tenant {source}",
                    "租户 {source} 的在线日志"
                ),
                left,
            )),
            Ok(None) => {}
            Err(why) => undecided.push(spaced(text!(
                "the log window of {link}: {why}",
                "{link} 的日志窗口：{why}";
                link = link.clone(),
                why = why
            ))),
        }
        for (window, left) in windows {
            if left >= min_window {
                continue;
            }
            let minimum = duration(min_window);
            let message = if left == 0 {
                spaced(text!(
                    "the checkpoint of {link} is already outside {window} (see oms.store-window, tenant.log-window)",
                    "{link} 的位点已经在{window}之外（见 oms.store-window、tenant.log-window）";
                    link = link.clone(),
                    window = window
                ))
            } else {
                let left = duration(left);
                spaced(text!(
                    "if {link} stood still from the time OMS was read, its checkpoint would leave {window} in {left}, under min_window {minimum} (one reading: the window's start assumed to move on with the clock)",
                    "如果{link} 从读取 OMS 时起停滞，其位点将在 {left} 后离开{window}，少于 min_window {minimum}（仅一次读数：假定窗口起点随时钟前移）";
                    link = link.clone(),
                    window = window
                ))
            };
            findings.push(
                Finding::new(Side::Oms, Some(direction.project.name.clone()), message).help(
                    text!(
                        "repair any lag now (oms.lag); raise the store's retention (storeLogKeptHour), turn on log archive or give the source more log disk",
                        "立即处理延迟（oms.lag）；调大 Store 的日志保留时间（storeLogKeptHour），开启日志归档，或为源端提供更多日志盘"
                    ),
                ),
            );
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        spaced(text!(
            "{undecided}; to decide, let the [oms] user call DescribeProjectComponents and DescribeProjectProgress, and let the check read GV$OB_LOG_STAT and DBA_OB_ARCHIVELOG",
            "{undecided}；如需判定，请让 [oms] 用户调用 DescribeProjectComponents 和 DescribeProjectProgress，并让检查能够读取 GV$OB_LOG_STAT 和 DBA_OB_ARCHIVELOG";
            undecided = joined
        ))
    })
}

/// The time left in the source tenant's online logs of `direction`: `None` when they do not
/// limit it (archived, never recycled); why not when it cannot be told.
fn log_window(
    cx: &Ctx<'_>,
    direction: &Direction<'_>,
    checkpoint: u64,
) -> Result<Option<(crate::facts::Tenant, u64)>, Text> {
    let Some(source) = direction.source() else {
        return Err(text!(
            "OMS does not show which tenant it reads from",
            "OMS 没有显示它从哪个租户读取"
        ));
    };
    let on = cx.tenant(source);
    let archive = on.archive().map_err(|missing| missing.reason)?;
    let streams = match on.log_streams() {
        Ok(streams) => streams,
        // An archiving tenant needs no streams to be judged.
        Err(_) if archive.is_some_and(|dests| dests.iter().any(|d| d.archiving())) => &[],
        Err(missing) => return Err(missing.reason),
    };
    Ok(match log_window_left(checkpoint, archive, streams) {
        LogWindow::Archived | LogWindow::NotRecycled => None,
        LogWindow::Left(left) => Some((source, left)),
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, LogStream};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn a_day_of_window_is_quiet_and_half_an_hour_a_warning() {
        let plan = single_project_plan();
        assert_clean(&RULE, &plan, &with_single_project(|_| {}), Stage::Running);
        let facts = with_single_project(|p| {
            if let Fact::Observed(components) = &mut p.components {
                components.reverse_stores[0].begin = Some(NOW - 1800);
            }
        });
        let findings = fire(&RULE, &plan, &facts, Stage::Running);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let message = findings[0].message.en();
        assert!(
            message.contains("the reverse link of project dr_a_to_b stood still")
                && message.contains("its stores' window in 29 min")
                && message.contains("under min_window 1 h"),
            "{message}"
        );
        // min_window lowered: quiet again.
        let patient = plan_from(&format!(
            "{SINGLE_PROJECT_PLAN}\n{OMS_SECTION}min_window = \"10m\"\n"
        ));
        assert_clean(&RULE, &patient, &facts, Stage::Running);
    }

    #[test]
    fn recycled_logs_of_a_source_without_archive_count() {
        let facts = with_single_project(|_| {});
        let mut facts = facts;
        facts.a.archive = Fact::Observed(Some(vec![]));
        facts.a.log_streams = Fact::Observed(vec![LogStream {
            begin_lsn: 1,
            begin_scn: (NOW - 600) * 1_000_000_000,
            end_scn: NOW * 1_000_000_000,
        }]);
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert!(
            findings[0]
                .message
                .en()
                .contains("the online logs of tenant a in"),
            "{findings:?}"
        );
        facts.a.log_streams = Fact::unavailable(crate::i18n::Text::english("denied"));
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
    }

    #[test]
    fn no_checkpoint_or_window_is_inconclusive() {
        let facts = with_single_project(|p| {
            p.progress = Fact::unavailable(crate::i18n::Text::english("HTTP 500"));
            if let Fact::Observed(steps) = &mut p.steps {
                steps.iter_mut().for_each(|step| step.checkpoint = None);
            }
        });
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
    }
}
