use super::forward_project;
use crate::facts::oms::StepKind;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// While both directions run: the forward project's full verification
    /// (`ListProjectFullVerifyResult`) found no differing rows. A finding gives, per table, the
    /// rows only on the source, only on the target, and mismatched — counts only: this tool
    /// never reads a row value, so none can reach a report or a bundle. A table OMS could not
    /// verify (`ERROR`) is a finding too.
    ///
    /// ## Why it matters
    /// Differences left after the full migration are not repaired by incremental sync: a row
    /// missing on B stays missing until something writes it, and an update on A to a row B
    /// lacks fails the link. OMS CE runs full verification before the reverse step of a
    /// 容灾双活 project; its result is the last point where the two copies were compared.
    /// Verification during DDL or high lag may report differences that later disappear.
    ///
    /// ## How to fix
    /// Look at the differences in the OMS console (全量校验), re-run the verification once
    /// the lag is low, and repair the rows it still reports (OMS can generate correction SQL:
    /// review it before running it).
    pub static RULE = Rule {
        id: "oms.full-verify",
        severity: Severity::Warning,
        stages: &[Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward],
        summary: "full verification found no differing rows (counts per table, never row values)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let project = match forward_project(cx)? {
        Ok(project) => project,
        Err(_) => {
            return Err(NotEvaluated::Skipped(text!(
                "no forward project in OMS (see oms.forward-healthy)",
                "OMS 中没有正向项目（见 oms.forward-healthy）"
            )));
        }
    };
    if project.steps.observed().is_some() && project.step(StepKind::Verify).is_none() {
        return Err(NotEvaluated::Skipped(text!(
            "project {} has no full verification step",
            "项目 {} 没有全量校验步骤",
            project.name
        )));
    }
    let Some(tables) = project.verification.observed() else {
        let name = &project.name;
        return Err(NotEvaluated::Inconclusive(text!(
            "the full verification of project {name}: {reason}; to decide, let the [oms] user call ListProjectFullVerifyResult, or read it in the OMS console",
            "项目 {name} 的全量校验：{reason}；如需判定，请让 [oms] 用户调用 ListProjectFullVerifyResult，或在 OMS 控制台中查看";
            reason = project.verification.unavailable_text()
        )));
    };
    let step = project.step(StepKind::Verify);
    if tables.is_empty()
        && let Some(step) = step.filter(|step| !step.is_finished())
    {
        // Unfinished is not consistent: a verification that has listed nothing yet says nothing.
        return Err(NotEvaluated::Inconclusive(text!(
            "the full verification of project {} is {} and has verified no table yet; to decide, run the check again once step {} is FINISHED",
            "项目 {} 的全量校验为 {}，尚未校验任何表；如需判定，请在步骤 {} 变为 FINISHED 后再次检查",
            project.name,
            step.status,
            step.name
        )));
    }
    let mut findings = Vec::new();
    let mut unfinished = Vec::new();
    for table in tables {
        let object = Some(table.source.clone());
        let status = table.status.trim().to_ascii_uppercase();
        if table.differences() > 0 {
            findings.push(
                Finding::new(
                    Side::Pair,
                    object,
                    text!(
                        "full verification of project {} found {} differing rows in {}: {} only on the source, {} only on the target, {} mismatched",
                        "项目 {0} 的全量校验在 {2} 中发现 {1} 行不一致：{3} 行仅存在于源端，{4} 行仅存在于目标端，{5} 行内容不一致",
                        project.name,
                        table.differences(),
                        table.source,
                        table.source_only,
                        table.target_only,
                        table.mismatched
                    ),
                )
                .help(text!(
                    "review the differences in the OMS console, verify again once the lag is low, and repair what remains",
                    "在 OMS 控制台中查看差异，在延迟较低时重新校验，并修复仍存在的差异"
                )),
            );
        } else if status == "ERROR" || status == "FAILED" {
            let (project, source) = (&project.name, &table.source);
            let error = table
                .error
                .as_deref()
                .map(|e| text!(": {e}", "：{e}"))
                .unwrap_or_default();
            findings.push(
                Finding::new(
                    Side::Oms,
                    object,
                    text!(
                        "full verification of project {project} could not verify {source}{error}",
                        "项目 {project} 的全量校验无法校验 {source}{error}";
                        error = error
                    ),
                )
                .help(text!(
                    "fix the cause and run the verification of this table again",
                    "修复原因后重新校验这张表"
                )),
            );
        } else if status != "FINISHED" {
            // RUNNING, INIT, SUSPEND, none: zero differences so far is not consistency.
            let status = if status.is_empty() {
                "UNKNOWN"
            } else {
                &status
            };
            unfinished.push(format!("{} ({status})", table.source));
        }
    }
    if findings.is_empty() && !unfinished.is_empty() {
        let count = unfinished.len();
        let listed: Vec<String> = unfinished.into_iter().take(10).collect();
        let more = count.saturating_sub(listed.len());
        let listed = listed.join(", ");
        let more = if more > 0 {
            text!(" and {more} more", " 等另外 {more} 张表")
        } else {
            crate::rules::Text::same("")
        };
        let name = &project.name;
        return Err(NotEvaluated::Inconclusive(text!(
            "the full verification of project {name} has not finished {count} table(s): {listed}{more}; to decide, run the check again once they are FINISHED",
            "项目 {name} 的全量校验尚有 {count} 张表未完成：{listed}{more}；如需判定，请在其变为 FINISHED 后再次检查";
            more = more
        )));
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::facts::oms::VerifiedTable;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn verified(source_only: u64, status: &str) -> VerifiedTable {
        VerifiedTable {
            source: "app.orders".into(),
            target: Some("app.orders".into()),
            source_only,
            target_only: 0,
            mismatched: 0,
            status: status.into(),
            error: None,
        }
    }

    fn single(tables: Vec<VerifiedTable>) -> crate::facts::Facts {
        with_single_project(|project| {
            if let Fact::Observed(steps) = &mut project.steps {
                steps.push(crate::rules::testing::verify_step());
            }
            project.verification = Fact::Observed(tables);
        })
    }

    #[test]
    fn quiet_without_differences_and_skipped_without_verification() {
        assert_clean(
            &RULE,
            &single_project_plan(),
            &single(vec![verified(0, "FINISHED")]),
            Stage::Running,
        );
        let none = with_oms(|_| {});
        assert_eq!(
            run(&RULE, &oms_plan(), &none, Stage::Running).status,
            Status::Skipped
        );
    }

    #[test]
    fn differences_are_counted_per_table() {
        let findings = fire(
            &RULE,
            &single_project_plan(),
            &single(vec![verified(2, "FINISHED")]),
            Stage::Running,
        );
        assert!(
            findings[0]
                .message
                .contains("2 differing rows in app.orders: 2 only on the source")
        );
        let findings = fire(
            &RULE,
            &single_project_plan(),
            &single(vec![verified(0, "ERROR")]),
            Stage::Running,
        );
        assert!(findings[0].message.contains("could not verify app.orders"));
    }

    #[test]
    fn an_unread_verification_is_inconclusive() {
        let facts = with_single_project(|project| {
            if let Fact::Observed(steps) = &mut project.steps {
                steps.push(crate::rules::testing::verify_step());
            }
            project.verification = Fact::unavailable(crate::i18n::Text::english("HTTP 500"));
        });
        assert_eq!(
            run(&RULE, &single_project_plan(), &facts, Stage::Running).status,
            Status::Inconclusive
        );
    }

    #[test]
    fn unfinished_is_not_consistent() {
        // The verification step still running, nothing listed yet.
        let running = with_single_project(|project| {
            if let Fact::Observed(steps) = &mut project.steps {
                let mut step = crate::rules::testing::verify_step();
                step.status = "RUNNING".into();
                steps.push(step);
            }
            project.verification = Fact::Observed(vec![]);
        });
        let evaluation = run(&RULE, &single_project_plan(), &running, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(
            evaluation
                .reason
                .unwrap()
                .en()
                .contains("has verified no table yet")
        );
        // Tables not FINISHED with zero counts: undecided, each named with its status.
        for status in ["RUNNING", "INIT", "SUSPEND", ""] {
            let facts = single(vec![verified(0, status)]);
            let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
            assert_eq!(evaluation.status, Status::Inconclusive, "{status:?}");
            assert!(
                evaluation.reason.unwrap().en().contains("app.orders ("),
                "{status:?}"
            );
        }
        // FAILED is a table OMS could not verify: a finding, as ERROR is.
        assert_eq!(
            fire(
                &RULE,
                &single_project_plan(),
                &single(vec![verified(0, "FAILED")]),
                Stage::Running
            )
            .len(),
            1
        );
    }
}
