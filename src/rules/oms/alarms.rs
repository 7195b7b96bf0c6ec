use crate::facts::oms::Project;
use crate::i18n::spaced;
use crate::plan::Topology;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
    unless_undecided,
};
use crate::text;

/// The alarm levels OMS documents (`importance`, `alarmLevel`); `IGNORE` is 无保护.
const LEVELS: &[&str] = &["HIGH", "MEDIUM", "LOW", "IGNORE"];

declare_rule! {
    /// ## What it checks
    /// Each planned project (the forward and reverse projects, or the one 容灾双活 project) has
    /// an alarm level other than "no protection": `importance` in DescribeProject (and
    /// ListProjects), `alarmLevel` in DescribeProjectProgress, one of `HIGH`, `MEDIUM`, `LOW`
    /// or `IGNORE`. `IGNORE` (无保护) is a warning naming the project. A level OMS does not show,
    /// or one it does not document, leaves the rule inconclusive: it is not a pass.
    ///
    /// ## Why it matters
    /// OMS raises its lag and failure alarms according to the project's alarm level; a
    /// project at "no protection" raises none. A link of an active-active pair can then fall
    /// behind or fail without anyone being told, until its checkpoint leaves the store's
    /// window and it can only be rebuilt (`oms.store-window`). `alarmStats` in DescribeProject
    /// only counts alarms already raised: it is not the setting.
    ///
    /// ## How to fix
    /// In the OMS console, set the project's alarm level (告警等级) to high, medium or low, and
    /// check that the alarm's recipients are the people on call for the pair.
    pub static RULE = Rule {
        id: "oms.alarms",
        severity: Severity::Warning,
        stages: &[Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse],
        summary: "each planned project raises alarms: its alarm level is not IGNORE (no protection)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut projects: Vec<&Project> = cx.oms_forward()?.into_iter().collect();
    if cx.plan.topology == Topology::TwoProjects {
        projects.extend(cx.oms_reverse()?.filter(|project| !project.has_ended()));
    }
    if projects.is_empty() {
        return Err(NotEvaluated::Skipped(text!(
            "OMS has none of the planned projects yet",
            "OMS 中还没有计划中的项目"
        )));
    }
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for project in projects {
        let name = &project.name;
        let level = match project.alarm_level.observed() {
            Some(level) => level.trim().to_ascii_uppercase(),
            None => {
                undecided.push(spaced(text!(
                    "the alarm level of project {name}: {reason}",
                    "项目 {name} 的告警等级：{reason}";
                    reason = project.alarm_level.unavailable_text()
                )));
                continue;
            }
        };
        if !LEVELS.contains(&level.as_str()) {
            undecided.push(spaced(text!(
                "project {name} has alarm level {level}, which OMS does not document (HIGH, MEDIUM, LOW, IGNORE)",
                "项目 {name} 的告警等级为 {level}，OMS 文档中没有该等级（HIGH、MEDIUM、LOW、IGNORE）"
            )));
        } else if level == "IGNORE" {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(name.clone()),
                    text!(
                        "project {name} has alarm level IGNORE (no protection): OMS raises no lag or failure alarm for it",
                        "项目 {name} 的告警等级为 IGNORE（无保护）：OMS 不会为其发出任何延迟或失败告警"
                    ),
                )
                .help(text!(
                    "set the project's alarm level to HIGH, MEDIUM or LOW in the OMS console",
                    "在 OMS 控制台中将该项目的告警等级设为高（HIGH）、中（MEDIUM）或低（LOW）"
                )),
            );
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        spaced(text!(
            "{undecided}; to decide, read the project's alarm level in the OMS console",
            "{undecided}；如需判定，请在 OMS 控制台中查看项目的告警等级";
            undecided = joined
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn a_project_at_no_protection_is_a_warning_naming_it() {
        assert_clean(
            &RULE,
            &single_project_plan(),
            &with_single_project(|_| {}),
            Stage::Running,
        );
        let facts = with_single_project(|p| p.alarm_level = Fact::Observed("ignore".into()));
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(where_(&findings), [("oms", Some("dr_a_to_b"))]);
        assert!(findings[0].message.contains("IGNORE (no protection)"));
    }

    #[test]
    fn an_unknown_or_unshown_level_is_inconclusive() {
        for level in [
            Fact::unavailable(crate::i18n::Text::english("not shown")),
            Fact::Observed("URGENT".into()),
        ] {
            let facts = with_single_project(|p| p.alarm_level = level.clone());
            let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
            assert_eq!(evaluation.status, Status::Inconclusive, "{level:?}");
        }
    }
}
