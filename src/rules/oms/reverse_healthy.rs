use super::DescribeLink;
use super::{Direction, directions};
use crate::i18n::spaced;
use crate::rules::error_codes;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// While both directions run: the reverse link — the reverse project of a two-projects
    /// pair, or the reverse-incremental step (`REVERSE_INCR_TRANSFER`) of a single project — has
    /// no `FAILED` or `SUSPEND` step, and its incremental step is `RUNNING` or `MONITORING`. A
    /// finding carries the step's `errorCode` and `errorMsg` as OMS reports them
    /// (`DescribeProjectSteps`), and for the codes OMS documents, the usual cause.
    ///
    /// ## Why it matters
    /// A failed reverse link leaves the project list green at a glance while every change on
    /// B stops reaching A: the pair is active-active in name only, and a switchover to A loses
    /// those changes. OMS keeps the reverse link's checkpoint only as long as its store keeps
    /// the logs, so the time to repair it is bounded (see `oms.store-window`).
    ///
    /// ## How to fix
    /// Read the error in the OMS console (project details, the failed step), fix the cause the
    /// help line names, and resume the step before the store's window passes its checkpoint.
    pub static RULE = Rule {
        id: "oms.reverse-healthy",
        severity: Severity::Error,
        stages: &[Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse],
        waivable: false,
        summary: "the reverse link (project or step) has no FAILED or SUSPEND step",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let directions = directions(cx)?;
    let Some(reverse) = directions.iter().find(|d| d.name == "reverse") else {
        let (forward, reverse) = (&cx.plan.forward.project, &cx.plan.reverse.project);
        let absent = if cx.plan.is_single_project() {
            text!(
                "project {forward} has no reverse step",
                "项目 {forward} 没有反向步骤"
            )
        } else {
            spaced(text!("no project {reverse}", "没有项目 {reverse}"))
        };
        return Ok(vec![
            Finding::new(
                Side::Oms,
                Some(reverse.clone()),
                text!(
                    "the stage is running, but OMS shows no reverse link ({absent})",
                    "阶段为 running，但 OMS 中没有反向链路（{absent}）";
                    absent = absent
                ),
            )
            .help(text!(
                "create the reverse link, or check the stage: pass --stage reverse before it exists",
                "创建反向链路，或核对阶段：反向链路存在之前请使用 --stage reverse"
            )),
        ]);
    };
    let Some(steps) = reverse.steps() else {
        let reason = reverse.project.steps.unavailable_text();
        return Err(NotEvaluated::Inconclusive(spaced(text!(
            "steps of {reverse}: {reason}; to decide, let the [oms] user call DescribeProjectSteps, or read the steps in the OMS console",
            "{reverse} 的步骤：{reason}；如需判定，请让 [oms] 用户调用 DescribeProjectSteps，或在 OMS 控制台中查看步骤";
            reverse = reverse.describe_text(),
            reason = reason
        ))));
    };
    Ok(unhealthy(reverse, steps))
}

/// Findings for the steps of `direction` that failed or stopped.
pub fn unhealthy<'a>(
    direction: &Direction<'a>,
    steps: impl Iterator<Item = &'a crate::facts::oms::Step>,
) -> Vec<Finding> {
    let object = Some(direction.project.name.clone());
    let mut findings = Vec::new();
    for step in steps.filter(|step| step.has_stopped()) {
        let error = step
            .error
            .as_deref()
            .map(|e| text!(": {e}", "：{e}"))
            .unwrap_or_default();
        let (name, status) = (&step.name, &step.status);
        findings.push(
            Finding::new(
                Side::Oms,
                object.clone(),
                spaced(text!(
                    "step {name} of {direction} is {status}{error}",
                    "{direction} 的步骤 {name} 为 {status}{error}";
                    direction = direction.describe_text(),
                    error = error
                )),
            )
            .help(error_codes::help(
                step.error.as_deref(),
                text!(
                    "read the step's error in the OMS console, fix its cause and resume the step before its store's window passes the checkpoint",
                    "在 OMS 控制台中查看该步骤的错误，修复其原因，并在 Store 的日志窗口越过位点之前恢复该步骤"
                ),
            )),
        );
    }
    if findings.is_empty()
        && let Some(step) = direction.step.filter(|step| !step.is_running())
    {
        let (name, status) = (&step.name, &step.status);
        findings.push(
            Finding::new(
                Side::Oms,
                object,
                spaced(text!(
                    "incremental step {name} of {direction} is {status}, not RUNNING or MONITORING",
                    "{direction} 的增量步骤 {name} 为 {status}，而不是 RUNNING 或 MONITORING";
                    direction = direction.describe_text()
                )),
            )
            .help(text!(
                "resume the reverse link's incremental step in OMS",
                "在 OMS 中恢复反向链路的增量步骤"
            )),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::facts::oms::StepKind;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn failed_reverse_project() -> crate::facts::Facts {
        with_oms(|oms| {
            let mut reverse = reverse_project();
            if let Fact::Observed(steps) = &mut reverse.steps {
                steps[0].status = "FAILED".into();
                steps[0].error = Some(
                    "CONNECTOR-SIAL00000001: handleColumnsOnlyInSource: Field note not found"
                        .into(),
                );
            }
            oms.reverse = Fact::Observed(Some(reverse));
        })
    }

    #[test]
    fn quiet_while_the_reverse_link_runs() {
        let both = with_oms(|oms| oms.reverse = Fact::Observed(Some(reverse_project())));
        assert_clean(&RULE, &oms_plan(), &both, Stage::Running);
        assert_clean(
            &RULE,
            &single_project_plan(),
            &with_single_project(|_| {}),
            Stage::Running,
        );
        assert_eq!(
            run(&RULE, &oms_plan(), &both, Stage::Reverse).status,
            Status::Skipped
        );
    }

    #[test]
    fn a_failed_reverse_project_step_carries_its_error_and_advice() {
        let findings = fire(
            &RULE,
            &oms_plan(),
            &failed_reverse_project(),
            Stage::Running,
        );
        assert!(findings[0].message.contains("CONNECTOR-SIAL00000001"));
        assert!(findings[0].message.contains("reverse project dr_b_to_a"));
        assert!(findings[0].help.as_ref().unwrap().contains("schema.drift"));
        // In Chinese: the link, the step and OMS's own error text, then the code's advice.
        assert_eq!(
            findings[0].message.zh(),
            "反向项目 dr_b_to_a 的步骤 INCR_TRANSFER 为 FAILED：CONNECTOR-SIAL00000001: handleColumnsOnlyInSource: Field note not found"
        );
        assert!(
            findings[0]
                .help
                .as_ref()
                .unwrap()
                .zh()
                .starts_with("CONNECTOR-SIAL00000001：源表的某一列在目标表中不存在")
        );
    }

    #[test]
    fn a_suspended_reverse_step_of_a_single_project() {
        let facts = with_single_project(|project| {
            if let Fact::Observed(steps) = &mut project.steps {
                let step = steps
                    .iter_mut()
                    .find(|step| step.kind == StepKind::ReverseIncremental)
                    .unwrap();
                step.status = "SUSPEND".into();
            }
        });
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0]
                .message
                .contains("the reverse link of project dr_a_to_b is SUSPEND")
        );
    }

    #[test]
    fn no_reverse_link_at_the_running_stage_is_a_finding() {
        let findings = fire(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Running);
        assert!(findings[0].message.contains("no reverse link"));
    }
}
