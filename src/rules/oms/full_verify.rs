use super::forward_project;
use crate::facts::oms::StepKind;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};

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
        topologies: &[],
        input: Input::Oms,
        needs: &[Need::OmsForward],
        optional: &[],
        waivable: true,
        compares_sides: false,
        summary: "full verification found no differing rows (counts per table, never row values)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let project = match forward_project(cx)? {
        Ok(project) => project,
        Err(_) => {
            return Err(NotEvaluated::Skipped(
                "no forward project in OMS (see oms.forward-healthy)".into(),
            ));
        }
    };
    if project.steps.observed().is_some() && project.step(StepKind::Verify).is_none() {
        return Err(NotEvaluated::Skipped(
            format!("project {} has no full verification step", project.name).into(),
        ));
    }
    let Some(tables) = project.verification.observed() else {
        return Err(NotEvaluated::Inconclusive(format!(
            "the full verification of project {}: {}; to decide, let the [oms] user call ListProjectFullVerifyResult, or read it in the OMS console",
            project.name,
            project
                .verification
                .unavailable_reason()
                .unwrap_or_default()
        ).into()));
    };
    let mut findings = Vec::new();
    for table in tables {
        let object = Some(table.source.clone());
        if table.differences() > 0 {
            findings.push(
                Finding::new(
                    Side::Pair,
                    object,
                    format!(
                        "full verification of project {} found {} differing rows in {}: {} only on the source, {} only on the target, {} mismatched",
                        project.name,
                        table.differences(),
                        table.source,
                        table.source_only,
                        table.target_only,
                        table.mismatched
                    ),
                )
                .help("review the differences in the OMS console, verify again once the lag is low, and repair what remains"),
            );
        } else if table.status == "ERROR" {
            findings.push(
                Finding::new(
                    Side::Oms,
                    object,
                    format!(
                        "full verification of project {} could not verify {}{}",
                        project.name,
                        table.source,
                        table
                            .error
                            .as_deref()
                            .map(|e| format!(": {e}"))
                            .unwrap_or_default()
                    ),
                )
                .help("fix the cause and run the verification of this table again"),
            );
        }
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
            project.verification = Fact::unavailable("HTTP 500");
        });
        assert_eq!(
            run(&RULE, &single_project_plan(), &facts, Stage::Running).status,
            Status::Inconclusive
        );
    }
}
