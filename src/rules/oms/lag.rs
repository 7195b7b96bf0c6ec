use std::time::Duration;

use super::DescribeLink;
use super::{Direction, directions};
use crate::facts::oms::Lag;
use crate::i18n::spaced;
use crate::plan::DEFAULT_MAX_LAG;
use crate::plan::date::{duration, utc};
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, Text, declare_rule,
};
use crate::text;

/// OMS's own threshold: an incremental step switches to MONITORING once its lag is below it.
const CAUGHT_UP: Duration = Duration::from_secs(15);
/// A lag sample older than this says OMS has stopped measuring.
const STALE_SAMPLE: Duration = Duration::from_secs(60);

declare_rule! {
    /// ## What it checks
    /// Each running direction's incremental checkpoint is recent: lag is the time OMS's
    /// answers were read minus the checkpoint (`DescribeProjectProgress`:
    /// `incrSyncCheckpoint`, `reverseIncrTransferCheckpoint`; else the incremental step's
    /// `incrTimestampCheckpoint`). Above 15 seconds it is a warning, above `[oms] max_lag`
    /// (default 5 minutes) an error; a checkpoint sample taken more than a minute before is a
    /// warning of its own. A bundle is judged at the time it was collected.
    ///
    /// ## Why it matters
    /// `MONITORING` does not mean caught up: OMS switches an incremental step to MONITORING
    /// once its lag falls below its alarm threshold and never switches it back, however far it
    /// falls behind later (OMS CE documentation, *View details of a data migration project*).
    /// Changes inside the lag are lost by a switchover, and a link that stays behind long
    /// enough asks its store for logs it no longer keeps (OMS: "如果长时间不处理延迟问题，则无法恢复").
    ///
    /// ## How to fix
    /// Find why the link is behind (the target's load, a hot table, a large transaction, the
    /// OMS host), and do not switch the application over until the lag is back under 15
    /// seconds. Set `[oms] max_lag` to the lag your recovery point objective allows.
    pub static RULE = Rule {
        id: "oms.lag",
        severity: Severity::Error,
        stages: &[Stage::Reverse, Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse],
        summary: "each running direction's incremental checkpoint is recent (warning above 15 s, error above max_lag)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let Some(now) = cx.oms_collected_at() else {
        return Err(NotEvaluated::Inconclusive(text!(
            "the time OMS was read is not recorded (a bundle from an older version); to decide, collect the bundle again",
            "未记录读取 OMS 的时间（旧版本生成的数据包）；如需判定，请重新采集数据包"
        )));
    };
    let max_lag = cx
        .plan
        .oms
        .as_ref()
        .map_or(DEFAULT_MAX_LAG, |oms| oms.max_lag);
    let running: Vec<Direction<'_>> = directions(cx)?
        .into_iter()
        .filter(|direction| direction.step.is_some_and(|step| step.is_running()))
        .collect();
    if running.is_empty() {
        return Err(NotEvaluated::Skipped(text!(
            "no incremental step is RUNNING or MONITORING (oms.forward-healthy and oms.reverse-healthy say why)",
            "没有 RUNNING 或 MONITORING 的增量步骤（原因见 oms.forward-healthy 和 oms.reverse-healthy）"
        )));
    }
    let mut findings = Vec::new();
    let mut unknown = Vec::new();
    let mut contradicted = Vec::new();
    for direction in &running {
        let lag = match direction.lag(now) {
            Lag::Behind(lag) => Duration::from_secs(lag),
            Lag::Unreported => {
                unknown.push(direction.describe_text());
                continue;
            }
            Lag::Ahead {
                checkpoint,
                read_at,
            } => {
                contradicted.push(checkpoint_ahead(direction, checkpoint, read_at));
                continue;
            }
        };
        let object = Some(direction.project.name.clone());
        if lag > CAUGHT_UP {
            let over_max = lag > max_lag;
            let lag = duration(lag.as_secs());
            let over = if over_max {
                let max_lag = duration(max_lag.as_secs());
                text!(", over max_lag {max_lag}", "，超过 max_lag {max_lag}")
            } else {
                Text::same("")
            };
            let finding = Finding::new(
                Side::Oms,
                object.clone(),
                spaced(text!(
                    "{direction} is {lag} behind its source (incremental checkpoint to the time OMS was read){over}",
                    "{direction} 落后其源端 {lag}（增量位点与读取 OMS 的时间之差）{over}";
                    direction = direction.describe_text(),
                    over = over
                )),
            )
            .help(text!(
                "find why the link is behind before any switchover: changes inside the lag would be lost",
                "在任何切换之前查明链路落后的原因：延迟范围内的变更会丢失"
            ));
            findings.push(if over_max {
                finding
            } else {
                finding.severity(Severity::Warning)
            });
        }
        let sampled = direction.step.and_then(|step| step.checkpoint_sampled_at);
        if let Some(sampled) = sampled {
            let age = Duration::from_secs(now.saturating_sub(sampled));
            if age > STALE_SAMPLE {
                let age = duration(age.as_secs());
                findings.push(
                    Finding::new(
                        Side::Oms,
                        object,
                        spaced(text!(
                            "OMS last sampled the checkpoint of {direction} {age} before it was read: the lag it shows is stale",
                            "OMS 最后一次采样{direction} 的位点是在读取前 {age}：它显示的延迟已过时";
                            direction = direction.describe_text()
                        )),
                    )
                    .help(text!(
                        "check that the link's incremental component is alive in the OMS console (its heartbeat and checkpoint sample time)",
                        "在 OMS 控制台中确认该链路的增量组件仍在运行（查看其心跳和位点采样时间）"
                    ))
                    .severity(Severity::Warning),
                );
            }
        }
    }
    if findings.is_empty() && !unknown.is_empty() {
        return Err(NotEvaluated::Inconclusive(spaced(text!(
            "OMS reports no incremental checkpoint for {unknown}; to decide, let the [oms] user call DescribeProjectProgress, or read the lag in the OMS console",
            "OMS 未报告{unknown} 的增量位点；如需判定，请让 [oms] 用户调用 DescribeProjectProgress，或在 OMS 控制台中查看延迟";
            unknown = Text::join(&unknown, " and ", " 和 ")
        ))));
    }
    if findings.is_empty() && !contradicted.is_empty() {
        return Err(NotEvaluated::Inconclusive(Text::join(
            &contradicted,
            "; ",
            "；",
        )));
    }
    Ok(findings)
}

/// Why a checkpoint later than the time OMS was read decides nothing: it contradicts that time.
pub fn checkpoint_ahead(direction: &Direction<'_>, checkpoint: u64, read_at: u64) -> Text {
    let (checkpoint, read_at) = (utc(checkpoint), utc(read_at));
    spaced(text!(
        "the checkpoint of {direction} ({checkpoint}) is later than the time OMS was read ({read_at}): a value in another unit, or a clock ahead; to decide, compare the OMS host's clock with this machine's and read the checkpoint in the OMS console",
        "{direction} 的位点（{checkpoint}）晚于读取 OMS 的时间（{read_at}）：可能是单位不同的数值，或时钟超前；如需判定，请比较 OMS 主机与本机的时钟，并在 OMS 控制台中查看位点";
        direction = direction.describe_text()
    ))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::plan::date::duration;
    use crate::rules::engine::Status;
    use crate::rules::{Severity, Stage, testing::*};

    fn forward_behind(seconds: u64) -> crate::facts::Facts {
        with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward
                && let Fact::Observed(progress) = &mut project.progress
            {
                progress.incremental_checkpoint = Some(NOW - seconds);
            }
        })
    }

    #[test]
    fn quiet_when_caught_up() {
        assert_clean(&RULE, &oms_plan(), &forward_behind(2), Stage::Reverse);
        assert_clean(
            &RULE,
            &single_project_plan(),
            &with_single_project(|_| {}),
            Stage::Running,
        );
    }

    #[test]
    fn a_warning_above_15_seconds_and_an_error_above_max_lag() {
        let findings = fire(&RULE, &oms_plan(), &forward_behind(40), Stage::Reverse);
        assert_eq!(findings[0].severity, Some(Severity::Warning));
        assert!(
            findings[0].message.contains("40 s behind"),
            "{}",
            findings[0].message
        );
        let findings = fire(&RULE, &oms_plan(), &forward_behind(15 * 60), Stage::Reverse);
        assert_eq!(findings[0].severity, None);
        assert!(findings[0].message.contains("15 min behind"));
        assert!(findings[0].message.contains("over max_lag 5 min"));
        // max_lag raised: a warning again.
        let patient = plan_from(&format!("{OMS_SECTION}max_lag = \"1h\"\n{PLAN}"));
        let findings = fire(&RULE, &patient, &forward_behind(15 * 60), Stage::Reverse);
        assert_eq!(findings[0].severity, Some(Severity::Warning));
    }

    #[test]
    fn the_reverse_step_of_a_single_project_is_measured_too() {
        let facts = with_single_project(|project| {
            if let Fact::Observed(progress) = &mut project.progress {
                progress.reverse_checkpoint = Some(NOW - 3600);
            }
        });
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0]
                .message
                .contains("the reverse link of project dr_a_to_b is 1 h behind")
        );
    }

    #[test]
    fn a_stale_sample_is_a_warning_and_no_checkpoint_is_inconclusive() {
        let stale = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward
                && let Fact::Observed(steps) = &mut project.steps
            {
                steps.last_mut().unwrap().checkpoint_sampled_at = Some(NOW - 300);
            }
        });
        let findings = fire(&RULE, &oms_plan(), &stale, Stage::Reverse);
        assert!(findings[0].message.contains("stale"));
        let unknown = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.progress = Fact::unavailable(crate::i18n::Text::english("HTTP 500"));
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &unknown, Stage::Reverse);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("to decide"));
    }

    #[test]
    fn durations_read_like_a_console() {
        assert_eq!(duration(14), "14 s");
        assert_eq!(duration(903), "15 min 3 s");
        assert_eq!(duration(7500), "2 h 5 min");
    }

    #[test]
    fn a_checkpoint_after_the_reading_time_is_inconclusive_naming_both_times() {
        // A microsecond value read as seconds, or a clock 30 days ahead: not zero lag.
        let ahead = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward
                && let Fact::Observed(progress) = &mut project.progress
            {
                progress.incremental_checkpoint = Some(NOW + 30 * 86_400);
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &ahead, Stage::Reverse);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap().en().to_string();
        assert!(
            reason.contains("is later than the time OMS was read"),
            "{reason}"
        );
        assert!(reason.contains(&crate::plan::date::utc(NOW)), "{reason}");
        assert!(
            reason.contains(&crate::plan::date::utc(NOW + 30 * 86_400)),
            "{reason}"
        );
        // A few seconds ahead is clock skew: caught up.
        assert_clean(&RULE, &oms_plan(), &forward_behind(0), Stage::Reverse);
    }
}
