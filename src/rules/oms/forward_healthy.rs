use super::forward_project;
use crate::facts::oms::StepKind;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Before the reverse project is created: the forward project is `RUNNING`, none of its
    /// steps is `FAILED`, and its incremental step (`INCR_TRANSFER` or `INCR_SYNC`) is
    /// `RUNNING` or `MONITORING`. In a single 容灾双活 project the reverse step
    /// (`REVERSE_INCR_TRANSFER`) is the reverse link's, checked by `oms.reverse-healthy`.
    ///
    /// ## Why it matters
    /// Active-active needs both directions live. Adding a reverse link to a forward link that
    /// has failed, is suspended or has not reached incremental sync builds a pair in which
    /// changes flow one way only, and the tenants drift apart.
    ///
    /// ## How to fix
    /// Resolve the failed step in OMS (its error is in the finding), resume the project, and
    /// wait for incremental sync to run before creating the reverse project.
    pub static RULE = Rule {
        id: "oms.forward-healthy",
        severity: Severity::Error,
        stages: &[Stage::Reverse, Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward],
        summary: "forward project RUNNING, no FAILED step, incremental step RUNNING or MONITORING",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let project = match forward_project(cx)? {
        Ok(project) => project,
        Err(finding) => return Ok(vec![*finding]),
    };
    let Some(steps) = project.steps.observed() else {
        let name = &project.name;
        return Err(NotEvaluated::Inconclusive(text!(
            "steps of forward project {name}: {reason}; to decide, let the [oms] user call DescribeProjectSteps, or read the steps in the OMS console",
            "正向项目 {name} 的步骤：{reason}；如需判定，请让 [oms] 用户调用 DescribeProjectSteps，或在 OMS 控制台中查看步骤";
            reason = project.steps.unavailable_text()
        )));
    };
    let object = || Some(project.name.clone());
    let mut findings = Vec::new();
    // A single 容灾双活 project also holds the reverse link's step: its failure, and the project
    // status FAILED it alone causes, are oms.reverse-healthy's to report.
    let (reverse, forward): (Vec<_>, Vec<_>) = steps
        .iter()
        .filter(|step| step.is_failed())
        .partition(|step| step.kind == StepKind::ReverseIncremental);
    let failed_by_reverse_step = project.is_failed() && forward.is_empty() && !reverse.is_empty();
    if !project.is_running() && !failed_by_reverse_step {
        findings.push(
            Finding::new(
                Side::Oms,
                object(),
                text!(
                    "forward project {} is {}, not RUNNING",
                    "正向项目 {} 为 {}，而不是 RUNNING",
                    project.name,
                    project.status
                ),
            )
            .help(text!(
                "resume or repair the forward project in OMS before adding the reverse link",
                "添加反向链路之前，先在 OMS 中恢复或修复正向项目"
            )),
        );
    }
    for failed in forward {
        let (step, project) = (&failed.name, &project.name);
        let error = failed
            .error
            .as_deref()
            .map(|e| text!(": {e}", "：{e}"))
            .unwrap_or_default();
        findings.push(
            Finding::new(
                Side::Oms,
                object(),
                text!(
                    "step {step} of forward project {project} FAILED{error}",
                    "正向项目 {project} 的步骤 {step} 为 FAILED{error}";
                    error = error
                ),
            )
            .help(crate::rules::error_codes::help(
                failed.error.as_deref(),
                text!(
                    "fix the cause in OMS and retry the step",
                    "在 OMS 中修复原因后重试该步骤"
                ),
            )),
        );
    }
    match project.step(StepKind::Incremental) {
        Some(step) if step.is_running() => {}
        Some(step) => findings.push(
            Finding::new(
                Side::Oms,
                object(),
                text!(
                    "incremental step {} of forward project {} is {}",
                    "正向项目 {1} 的增量同步步骤 {0} 为 {2}",
                    step.name,
                    project.name,
                    step.status
                ),
            )
            .help(text!(
                "wait until the forward link's incremental sync is RUNNING or MONITORING",
                "等待正向链路的增量同步变为 RUNNING 或 MONITORING"
            )),
        ),
        None => findings.push(
            Finding::new(
                Side::Oms,
                object(),
                text!(
                    "forward project {} has no incremental sync step",
                    "正向项目 {} 没有增量同步步骤",
                    project.name
                ),
            )
            .help(text!(
                "the forward link must include incremental synchronization",
                "正向链路必须包含增量同步"
            )),
        ),
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_failed_project_naming_the_failed_step() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.status = "FAILED".into();
            }
            set_step(oms, "FULL_TRANSFER", "FAILED", Some(63));
            set_error(oms, "FULL_TRANSFER", "GHANA-OPERAT0001: write failed");
        });
        let messages: Vec<String> = fire(&RULE, &oms_plan(), &facts, Stage::Reverse)
            .into_iter()
            .map(|f| f.message.to_string())
            .collect();
        assert!(
            messages.contains(&"forward project dr_a_to_b is FAILED, not RUNNING".to_string()),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| {
            m.contains("FULL_TRANSFER of forward project dr_a_to_b FAILED: GHANA-OPERAT0001")
        }));
    }

    #[test]
    fn fires_before_incremental_sync_runs() {
        let facts = with_oms(|oms| set_step(oms, "INCR_TRANSFER", "INIT", Some(0)));
        fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
    }

    #[test]
    fn monitoring_incremental_sync_is_healthy() {
        assert_clean(
            &RULE,
            &oms_plan(),
            &with_oms(|oms| set_step(oms, "INCR_TRANSFER", "MONITORING", None)),
            Stage::Reverse,
        );
    }

    /// The reverse step of a single 容灾双活 project, and the FAILED status it alone gives the
    /// project, are the reverse link's (oms.reverse-healthy); a forward step failing too is not.
    #[test]
    fn a_single_project_failed_only_at_its_reverse_step_is_not_blamed_on_the_forward_link() {
        let failed_reverse = |project: &mut crate::facts::oms::Project| {
            project.status = "FAILED".into();
            if let Fact::Observed(steps) = &mut project.steps {
                let reverse = steps
                    .iter_mut()
                    .find(|step| step.name == "REVERSE_INCR_TRANSFER")
                    .unwrap();
                reverse.status = "FAILED".into();
                reverse.error = Some("CONNECTOR-SIOO00014400: ORA-14400".into());
            }
        };
        let plan = single_project_plan();
        assert_clean(
            &RULE,
            &plan,
            &with_single_project(failed_reverse),
            Stage::Running,
        );
        let both = with_single_project(|project| {
            failed_reverse(project);
            if let Fact::Observed(steps) = &mut project.steps {
                let forward = steps
                    .iter_mut()
                    .find(|step| step.name == "INCR_TRANSFER")
                    .unwrap();
                forward.status = "FAILED".into();
            }
        });
        let messages: Vec<String> = fire(&RULE, &plan, &both, Stage::Running)
            .into_iter()
            .map(|f| f.message.to_string())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("is FAILED, not RUNNING")),
            "{messages:?}"
        );
        assert!(
            !messages.iter().any(|m| m.contains("REVERSE_INCR_TRANSFER")),
            "{messages:?}"
        );
    }
}
