use super::forward_project;
use crate::facts::oms::StepKind;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Before the reverse project is created: the forward project exists in OMS and its schema
    /// migration step (`STRUCT_TRANSFER` or `STRUCT_MIGRATION`) is `FINISHED` with progress 100.
    ///
    /// ## Why it matters
    /// The reverse link migrates no schema; it replays changes into the tables the forward
    /// link created. Created while the forward schema migration still runs, it starts on a
    /// partial schema: tables created later are never synced back, and DDL issued meanwhile
    /// can be replayed against objects that do not exist yet.
    ///
    /// ## How to fix
    /// Wait until the forward project's schema migration step shows FINISHED in OMS, then run
    /// the check again before creating the reverse project.
    pub static RULE = Rule {
        id: "oms.forward-schema-done",
        severity: Severity::Error,
        stages: &[Stage::Reverse, Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward],
        waivable: false,
        summary: "the forward project's schema step is FINISHED (progress 100)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let project = match forward_project(cx)? {
        Ok(project) => project,
        Err(finding) => return Ok(vec![*finding]),
    };
    if let Some(reason) = project.steps.unavailable_reason() {
        let name = &project.name;
        return Err(NotEvaluated::Inconclusive(text!(
            "steps of forward project {name}: {reason}; to decide, let the [oms] user call DescribeProjectSteps, or read the steps in the OMS console",
            "正向项目 {name} 的步骤：{reason}；如需判定，请让 [oms] 用户调用 DescribeProjectSteps，或在 OMS 控制台中查看步骤";
            reason = reason
        )));
    }
    let object = Some(project.name.clone());
    let Some(step) = project.step(StepKind::Schema) else {
        return Ok(vec![
            Finding::new(
                Side::Oms,
                object,
                text!(
                    "forward project {} has no schema migration step",
                    "正向项目 {} 没有结构迁移步骤",
                    project.name
                ),
            )
            .help(text!(
                "the forward link must migrate the schema; create it with schema, full and incremental migration",
                "正向链路必须迁移结构；创建时选择结构迁移、全量迁移和增量同步"
            )),
        ]);
    };
    // A pass needs the step and the project's structTransferProgress to agree: a step that
    // says done while the project says 5% decides nothing. (The other way round, not done is
    // the finding either way.)
    if let (Some(own), Some(overall)) = (step.progress, project.schema_progress)
        && step.is_finished()
        && own >= 100
        && overall < 100
    {
        let (name, project) = (&step.name, &project.name);
        return Err(NotEvaluated::Inconclusive(text!(
            "OMS contradicts itself about forward project {project}: its schema step {name} is at {own}% but DescribeProjectProgress says structTransferProgress {overall}%; to decide, read the schema migration in the OMS console and run the check again",
            "OMS 对正向项目 {project} 的说法自相矛盾：结构迁移步骤 {name} 为 {own}%，而 DescribeProjectProgress 的 structTransferProgress 为 {overall}%；如需判定，请在 OMS 控制台中查看结构迁移并再次检查"
        )));
    }
    let progress = step.progress.or(project.schema_progress);
    let done = step.is_finished() && progress.is_none_or(|progress| progress >= 100);
    if done {
        return Ok(vec![]);
    }
    let progress = progress
        .map(|p| text!(", progress {p}%", "，进度 {p}%"))
        .unwrap_or_default();
    let (step, project, status) = (&step.name, &project.name, &step.status);
    Ok(vec![
        Finding::new(
            Side::Oms,
            object,
            text!(
                "schema step {step} of forward project {project} is {status}{progress}",
                "正向项目 {project} 的结构迁移步骤 {step} 为 {status}{progress}";
                progress = progress
            ),
        )
        .help(text!(
            "create the reverse project only after the forward schema migration has FINISHED",
            "等正向结构迁移为 FINISHED 之后再创建反向项目"
        )),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_while_the_schema_step_runs() {
        let facts = with_oms(|oms| set_step(oms, "STRUCT_TRANSFER", "RUNNING", Some(40)));
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_a_to_b"))]);
        assert_eq!(
            findings[0].message,
            "schema step STRUCT_TRANSFER of forward project dr_a_to_b is RUNNING, progress 40%"
        );
    }

    #[test]
    fn passes_once_finished_in_either_naming() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
        let old_naming = with_oms(|oms| rename_step(oms, "STRUCT_TRANSFER", "STRUCT_MIGRATION"));
        assert_clean(&RULE, &oms_plan(), &old_naming, Stage::Reverse);
    }

    #[test]
    fn a_missing_forward_project_fails_and_unreadable_steps_are_inconclusive() {
        let missing = with_oms(|oms| oms.forward = Fact::Observed(None));
        fire(&RULE, &oms_plan(), &missing, Stage::Reverse);
        let unreadable = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.steps =
                    Fact::unavailable(crate::i18n::Text::english("DescribeProjectSteps: HTTP 500"));
            }
        });
        assert_eq!(
            run(&RULE, &oms_plan(), &unreadable, Stage::Reverse).status,
            Status::Inconclusive
        );
    }

    #[test]
    fn without_oms_at_the_reverse_stage_it_is_inconclusive() {
        assert_eq!(
            run(&RULE, &plan(), &healthy(), Stage::Reverse).status,
            Status::Inconclusive
        );
        assert_eq!(
            run(&RULE, &plan(), &healthy(), Stage::Forward).status,
            Status::Skipped
        );
    }

    #[test]
    fn a_step_and_a_project_that_disagree_decide_nothing() {
        let facts = with_oms(|oms| {
            set_step(oms, "STRUCT_TRANSFER", "FINISHED", Some(100));
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.schema_progress = Some(5);
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap().en().to_string();
        assert!(
            reason.contains("at 100%") && reason.contains("5%"),
            "{reason}"
        );
    }
}
